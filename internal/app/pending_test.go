package app_test

import (
	"bytes"
	"context"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
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
		if m := metrics(a2); !strings.Contains(m, "certcenter_ca_pending_repaired_total 1\n") {
			t.Errorf("metrics after the repair:\n%s", grepLines(m, "certcenter_ca_"))
		}
	})
}

func metrics(a *app.App) string {
	rec := httptest.NewRecorder()
	a.API.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A pending certificate that cannot be completed (here its stored TBSCertificate is not
// the authority's: tampered with) is reported and left pending; the server still starts.
func TestUnrepairablePendingDoesNotStopTheStart(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	db := e.app.Store.SQL()
	const serial = "4a0102030405060708090a0b0c0d0e0f10111213"
	for _, q := range []string{
		`INSERT INTO serials (serial, issuer_id, reserved_at, used) VALUES ('` + serial + `', 'issuing', 0, 1)`,
		`INSERT INTO certificates (serial, issuer_id, institution_code, enrollment_ref, common_name, kind, usage,
		   not_before, not_after, crl_partition, der, status, created_at, tbs, tbs_tag)
		 VALUES ('` + serial + `', 'issuing', '901', '', 'x', 'personal', 'banking', 0, 1, 0, x'', 'valid', 0, x'3000', x'00')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	e.app.Close()
	a2, err := app.Open(ctx, e.cfg, app.Options{Now: e.clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("app.Open with an unrepairable pending certificate = %v, want a server that starts", err)
	}
	defer a2.Close()
	s, _ := model.ParseSerial(serial)
	if c, err := a2.Store.Certificate(ctx, s); err != nil || !c.Pending() {
		t.Fatalf("the unrepairable certificate: %v pending %v; want left pending", err, c.Pending())
	}
	if m := metrics(a2); !strings.Contains(m, "certcenter_ca_pending_repair_failures_total 1\n") || !strings.Contains(m, "certcenter_ca_ders_unwritten 0\n") {
		t.Errorf("metrics with an unrepairable certificate:\n%s", grepLines(m, "certcenter_ca_"))
	}
}
