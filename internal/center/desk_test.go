package center_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
	"github.com/certcenter/certcenter/internal/sealer"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// recorder is a Notifier that keeps messages, or fails.
type recorder struct {
	msgs []notify.Message
	fail bool
}

func (r *recorder) Send(_ context.Context, m notify.Message) error {
	if r.fail {
		return errors.New("provider down")
	}
	r.msgs = append(r.msgs, m)
	return nil
}

// videoCall is a pluggable verifier: settled at once by an agent's id.
type videoCall struct{}

func (videoCall) Method() string { return "video" }
func (videoCall) Begin(_ context.Context, _ *center.CustomerRecord, _ string, ev center.Evidence) (center.Begun, error) {
	return center.Begun{Status: model.VerificationVerified, Lifetime: center.VerifiedUsableFor}, nil
}
func (videoCall) Confirm(context.Context, *center.CustomerRecord, model.Verification, center.Evidence) (string, error) {
	return "", errs.New(errs.VerificationNotPending, "settled at once")
}

func newDesk(t *testing.T, n notify.Notifier) (*center.Desk, *sqlstore.DB, model.Institution) {
	t.Helper()
	db, seal, inst, now := newStore(t)
	d := center.NewDesk(center.New(db, seal, nil, now), db, center.DeskOptions{Notifier: n, Verifiers: []center.Verifier{videoCall{}}})
	return d, db, inst
}

// newStore opens a bootstrapped SQLite store with institution 901, a sealer and a
// fixed clock.
func newStore(t *testing.T) (*sqlstore.DB, *sealer.Sealer, model.Institution, func() time.Time) {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC) }
	db, err := sqlstore.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "c.db"), sqlstore.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	inst := model.Institution{Code: "901", Name: "데모은행", ShortName: "DEMOBANK", APIKeyHash: []byte("h"), CreatedAt: now()}
	if err := db.Bootstrap(ctx, model.Bootstrap{Institutions: []model.Institution{inst}}, model.AuditEvent{Type: "t", Subject: "b"}); err != nil {
		t.Fatal(err)
	}
	seal, _ := sealer.New(make([]byte, 32))
	return db, seal, inst, now
}

func TestDeskVerifiers(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	d, db, inst := newDesk(t, rec)
	c, err := d.CreateCustomer(ctx, inst, center.NewCustomer{Name: "홍길동", IDN: "800101-1234567", Phone: "010-1234-5678"})
	if err != nil {
		t.Fatal(err)
	}
	if c.IDN != "800101-1******" || c.Phone != "010-****-5678" {
		t.Errorf("CreateCustomer answer = %+v", c)
	}
	stored, _ := db.Customer(ctx, c.ID)
	if bytes.Contains(stored.IDNCipher, []byte("8001011234567")) || bytes.Contains(stored.ProfileCipher, []byte("01012345678")) {
		t.Error("personal data stored in clear")
	}

	// A plugged-in method works like the standard ones.
	if v, err := d.StartVerification(ctx, inst, c.ID, "video", center.Evidence{}); err != nil || v.Status != "verified" {
		t.Errorf("video verification = %+v, %v", v, err)
	}

	// SMS: the code goes through the notifier and is stored only as a keyed hash.
	v, err := d.StartVerification(ctx, inst, c.ID, "sms", center.Evidence{})
	if err != nil || len(rec.msgs) != 1 || rec.msgs[0].To != "01012345678" || rec.msgs[0].Channel != notify.SMS {
		t.Fatalf("sms verification = %+v, %v, messages %+v", v, err, rec.msgs)
	}
	sv, _ := db.Verification(ctx, v.ID)
	for _, m := range rec.msgs {
		for i := 0; i+6 <= len(m.Body); i++ {
			if bytes.Contains(sv.Secret, []byte(m.Body[i:i+6])) && strings.Trim(m.Body[i:i+6], "0123456789") == "" {
				t.Error("the one-time code is stored in clear")
			}
		}
	}

	// A provider failure is NOTIFY_FAILED, not an internal error.
	rec.fail = true
	_, err = d.StartVerification(ctx, inst, c.ID, "sms", center.Evidence{})
	if errs.CodeOf(err) != errs.NotifyFailed || strings.Contains(err.Error(), "01012345678") {
		t.Errorf("sms with the provider down = %v", err)
	}
}

func TestFees(t *testing.T) {
	f := center.DefaultFees()
	for _, tc := range []struct {
		k    model.Kind
		u    model.Usage
		want int64
	}{
		{model.Personal, model.Universal, 4400},
		{model.Corporate, model.Universal, 110000},
		{model.Personal, model.Banking, 0},
		{model.Corporate, model.Banking, 0},
	} {
		if got := f.Annual(tc.k, tc.u); got != tc.want {
			t.Errorf("Annual(%s, %s) = %d, want %d", tc.k, tc.u, got, tc.want)
		}
	}
}

func TestRevocationMessage(t *testing.T) {
	got := string(center.RevocationMessage(model.Serial{0x01, 0xab}, model.ReasonKeyCompromise))
	if got != "certcenter revocation v1\nserial=01ab\nreason=keyCompromise\n" {
		t.Errorf("RevocationMessage = %q", got)
	}
}
