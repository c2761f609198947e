package relay_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/relay"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/store/storetest"
)

type env struct {
	svc   *relay.Service
	db    *sqlstore.DB
	clock *storetest.Clock
	ctx   context.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := storetest.NewClock(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	db, err := sqlstore.Open(context.Background(), "sqlite", filepath.Join(t.TempDir(), "relay.db"), sqlstore.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &env{svc: relay.New(db, clk.Now, nil), db: db, clock: clk, ctx: context.Background()}
}

func wantCode(t *testing.T, call string, err error, code errs.Code) {
	t.Helper()
	if errs.CodeOf(err) != code || err == nil {
		t.Fatalf("%s = %v, want %s", call, err, code)
	}
}

func (e *env) open(t *testing.T) (*relay.KeyPair, *relay.Opened) {
	t.Helper()
	r, _ := relay.NewKeyPair()
	o, err := e.svc.Open(e.ctx, relay.Commitment(r.Public()))
	if err != nil {
		t.Fatal(err)
	}
	return r, o
}

// wrongCode returns a code with the same locator as code but other digits.
func wrongCode(code string, n int) string {
	b := []byte(code)
	b[11] = '0' + byte((int(b[11]-'0')+n)%10)
	return string(b)
}

func TestExchange(t *testing.T) {
	e := newEnv(t)
	r, o := e.open(t)
	s, _ := relay.NewKeyPair()
	c, err := e.svc.Claim(e.ctx, relay.FormatCode(o.Code), s.Public())
	if err != nil {
		t.Fatalf("Claim() = %v", err)
	}
	if c.ID != o.ID || !bytes.Equal(c.Commitment, relay.Commitment(r.Public())) {
		t.Fatalf("Claim() = %+v", c)
	}
	// The sender sees no receiver key before the reveal, and cannot send yet.
	v, err := e.svc.Status(e.ctx, c.ID, c.Token, "", 0)
	if err != nil || v.State != relay.StateClaimed || v.ReceiverKey != nil {
		t.Fatalf("sender Status() = %+v, %v", v, err)
	}
	wantCode(t, "Send(before reveal)", e.svc.Send(e.ctx, c.ID, c.Token, []byte("x")), errs.RelayState)
	wantCode(t, "Reveal(by the sender)", e.svc.Reveal(e.ctx, c.ID, c.Token, r.Public()), errs.RelayTokenInvalid)
	wantCode(t, "Reveal(uncommitted key)", e.svc.Reveal(e.ctx, o.ID, o.Token, s.Public()), errs.RelayBadKey)
	if err := e.svc.Reveal(e.ctx, o.ID, o.Token, r.Public()); err != nil {
		t.Fatalf("Reveal() = %v", err)
	}
	// Each step again with the same bytes (its answer was lost) is answered as done.
	if err := e.svc.Reveal(e.ctx, o.ID, o.Token, r.Public()); err != nil {
		t.Fatalf("Reveal(again) = %v, want it done", err)
	}
	wantCode(t, "Send(by the receiver)", e.svc.Send(e.ctx, o.ID, o.Token, []byte("x")), errs.RelayTokenInvalid)
	wantCode(t, "Send(too large)", e.svc.Send(e.ctx, c.ID, c.Token, make([]byte, relay.MaxPayload+1)), errs.RelayPayloadTooLarge)
	if err := e.svc.Send(e.ctx, c.ID, c.Token, []byte("ciphertext")); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	wantCode(t, "Send(twice)", e.svc.Send(e.ctx, c.ID, c.Token, []byte("again")), errs.RelayState)
	if err := e.svc.Send(e.ctx, c.ID, c.Token, []byte("ciphertext")); err != nil {
		t.Fatalf("Send(again, the same bytes) = %v, want it done", err)
	}
	if v, _ := e.svc.Status(e.ctx, c.ID, c.Token, "", 0); v.Ciphertext != nil {
		t.Errorf("the sender is shown the ciphertext")
	}
	v, err = e.svc.Status(e.ctx, o.ID, o.Token, relay.StateRevealed, time.Second)
	if err != nil || v.State != relay.StateSent || string(v.Ciphertext) != "ciphertext" {
		t.Fatalf("receiver Status() = %+v, %v", v, err)
	}
	_, err = e.svc.Status(e.ctx, o.ID, "forged", "", 0)
	wantCode(t, "Status(bad token)", err, errs.RelayTokenInvalid)
	// The receiver's outcome goes to the sender, once, and clears the payload.
	wantCode(t, "Outcome(by the sender)", e.svc.Outcome(e.ctx, c.ID, c.Token, []byte("x")), errs.RelayTokenInvalid)
	wantCode(t, "Outcome(too large)", e.svc.Outcome(e.ctx, o.ID, o.Token, make([]byte, relay.MaxOutcome+1)), errs.RelayPayloadTooLarge)
	if err := e.svc.Outcome(e.ctx, o.ID, o.Token, []byte("outcome")); err != nil {
		t.Fatalf("Outcome() = %v", err)
	}
	wantCode(t, "Outcome(twice)", e.svc.Outcome(e.ctx, o.ID, o.Token, []byte("again")), errs.RelayState)
	if err := e.svc.Outcome(e.ctx, o.ID, o.Token, []byte("outcome")); err != nil {
		t.Fatalf("Outcome(again, the same bytes) = %v, want it done", err)
	}
	v, err = e.svc.Status(e.ctx, c.ID, c.Token, relay.StateSent, time.Second)
	if err != nil || v.State != relay.StateDone || string(v.Outcome) != "outcome" || v.Ciphertext != nil {
		t.Fatalf("sender Status() after the outcome = %+v, %v", v, err)
	}
	if v, _ := e.svc.Status(e.ctx, o.ID, o.Token, "", 0); v.Ciphertext != nil || v.Outcome != nil {
		t.Errorf("receiver Status() after the outcome = %+v: the payload is kept, or the outcome shown back", v)
	}
	if err := e.svc.Delete(e.ctx, o.ID, o.Token); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	if err := e.svc.Delete(e.ctx, o.ID, o.Token); err != nil {
		t.Fatalf("Delete(again, its answer lost) = %v, want it done", err)
	}
	_, err = e.svc.Status(e.ctx, o.ID, o.Token, "", 0)
	wantCode(t, "Status(deleted)", err, errs.RelaySessionNotFound)
	_, err = e.svc.Claim(e.ctx, o.Code, s.Public())
	wantCode(t, "Claim(after completion)", err, errs.RelayCodeInvalid)
}

func TestCodeUsedOnce(t *testing.T) {
	e := newEnv(t)
	_, o := e.open(t)
	s, _ := relay.NewKeyPair()
	if _, err := e.svc.Claim(e.ctx, o.Code, s.Public()); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Claim(e.ctx, o.Code, s.Public())
	wantCode(t, "Claim(again)", err, errs.RelayCodeUsed)
}

// Wrong codes name no session: they cannot lock one, however many (issue 17: 80
// requests locked all 20 open sessions when 4 digits located them).
func TestWrongCodesDoNotLock(t *testing.T) {
	e := newEnv(t)
	_, o := e.open(t)
	s, _ := relay.NewKeyPair()
	for i := 1; i <= 9; i++ { // more than MaxTries, every other last digit
		// Same first 4 digits as the real code: they used to find its session.
		_, err := e.svc.Claim(e.ctx, wrongCode(o.Code, i), s.Public())
		wantCode(t, "Claim(wrong code)", err, errs.RelayCodeInvalid)
	}
	v, err := e.svc.Status(e.ctx, o.ID, o.Token, "", 0)
	if err != nil || v.State != relay.StateOpen {
		t.Errorf("receiver Status() after wrong codes = %+v, %v, want open", v, err)
	}
	if _, err := e.svc.Claim(e.ctx, o.Code, s.Public()); err != nil {
		t.Errorf("Claim(right code after 9 wrong) = %v", err)
	}
	_, err = e.svc.Claim(e.ctx, "12345", s.Public())
	wantCode(t, "Claim(malformed)", err, errs.RelayCodeInvalid)
	if l := relay.Locator(o.Code); len(l) != 64 || l == relay.Locator(wrongCode(o.Code, 1)) {
		t.Errorf("Locator(%s) = %q, want a 64-hex digest", o.Code, l)
	}
}

func TestExpiry(t *testing.T) {
	e := newEnv(t)
	_, o := e.open(t)
	s, _ := relay.NewKeyPair()
	e.clock.Advance(relay.TTL)
	_, err := e.svc.Claim(e.ctx, o.Code, s.Public())
	wantCode(t, "Claim(expired)", err, errs.RelayCodeExpired)
	_, err = e.svc.Status(e.ctx, o.ID, o.Token, "", 0)
	wantCode(t, "Status(expired)", err, errs.RelayCodeExpired)
	// Within the grace the sweep keeps it (a late code is told "expired"); after it, gone.
	if n, err := e.svc.Sweep(e.ctx); err != nil || n != 0 {
		t.Errorf("Sweep() within the grace = %d, %v, want 0", n, err)
	}
	if err := e.svc.Delete(e.ctx, o.ID, o.Token); err != nil {
		t.Errorf("Delete(expired) = %v, want nil (left to the sweep)", err)
	}
	_, err = e.svc.Claim(e.ctx, o.Code, s.Public())
	wantCode(t, "Claim(expired, deleted by the receiver)", err, errs.RelayCodeExpired)
	e.clock.Advance(relay.ExpiredGrace)
	n, err := e.svc.Sweep(e.ctx)
	if err != nil || n != 1 {
		t.Errorf("Sweep() = %d, %v, want 1", n, err)
	}
	_, err = e.svc.Claim(e.ctx, o.Code, s.Public())
	wantCode(t, "Claim(swept)", err, errs.RelayCodeInvalid)
}

func TestBadKeys(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Open(e.ctx, []byte("short"))
	wantCode(t, "Open(short commitment)", err, errs.RelayBadKey)
	_, o := e.open(t)
	_, err = e.svc.Claim(e.ctx, o.Code, []byte("short"))
	wantCode(t, "Claim(short key)", err, errs.RelayBadKey)
	if err == nil || errors.Is(err, context.Canceled) {
		t.Fatal("unreachable")
	}
}
