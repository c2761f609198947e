package app_test

import (
	"bytes"
	"context"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// The server dies after an issuance was committed and answered, before the certificate's
// DER was written (here: a trigger refuses the write until the "crash"). The next start
// signs the stored TBSCertificate again and stores the very certificate the subscriber
// received, byte for byte.
func TestCrashBeforeTheDERIsWrittenIsRepairedAtStart(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		ctx := context.Background()
		db := e.app.Store.SQL()
		block := map[string][]string{
			"sqlite": {`CREATE TRIGGER block_der BEFORE UPDATE OF der ON certificates BEGIN SELECT RAISE(ABORT, 'test: DER write refused'); END`},
			"postgres": {`CREATE FUNCTION block_der() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: DER write refused'; END $$`,
				`CREATE TRIGGER block_der BEFORE UPDATE OF der ON certificates FOR EACH ROW EXECUTE FUNCTION block_der()`},
		}[driver]
		for _, q := range block {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		en := e.enroll("901", "홍길동", "8001011234567")
		st, m, got := e.issue(en, csrPEM(t, subscriberKey(t)), "")
		if st != http.StatusCreated {
			t.Fatalf("issue = %d %v", st, m)
		}
		blk, _ := pem.Decode([]byte(got.Certificate))
		serial, err := model.ParseSerial(got.Serial)
		if blk == nil || err != nil {
			t.Fatalf("answer: %q, serial %v", got.Certificate, err)
		}
		e.app.Close() // the DER could not be written: the certificate stays pending
		raw, err := sqlstore.Open(ctx, driver, e.cfg.Database.DSN)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.SQL().ExecContext(ctx, `DROP TRIGGER block_der`+map[string]string{"sqlite": "", "postgres": " ON certificates"}[driver]); err != nil {
			t.Fatal(err)
		}
		if c, err := raw.Certificate(ctx, serial); err != nil || !c.Pending() {
			t.Fatalf("after the crash: %v, pending %v; want pending", err, c.Pending())
		}
		raw.Close()

		later := func() time.Time { return e.clock.Now().Add(ca.PendingGrace + time.Second) }
		a2, err := app.Open(ctx, e.cfg, app.Options{Now: later, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		defer a2.Close()
		c, err := a2.Store.Certificate(ctx, serial)
		if err != nil || c.Pending() || !bytes.Equal(c.DER, blk.Bytes) {
			t.Fatalf("after the restart: %v, pending %v, DER identical to the answer %v", err, c.Pending(), bytes.Equal(c.DER, blk.Bytes))
		}
		restored := false
		a2.Store.WalkAudit(ctx, func(en model.AuditEntry) error {
			restored = restored || en.Event.Type == "certificate.signature_restored" && en.Event.Subject == got.Serial
			return nil
		})
		if !restored {
			t.Error("no certificate.signature_restored audit entry")
		}
	})
}
