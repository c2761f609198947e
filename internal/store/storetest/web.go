package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// WebStore is what the web layer (internal/web) needs from storage, spelled out so
// this package does not import its consumer.
type WebStore interface {
	CreateWebSession(ctx context.Context, s model.WebSession) error
	WebSession(ctx context.Context, tokenHash []byte, now time.Time) (model.WebSession, error)
	TouchWebSession(ctx context.Context, tokenHash, data []byte, seen, expires time.Time) error
	DeleteWebSession(ctx context.Context, tokenHash []byte) error
	DeleteExpiredWebSessions(ctx context.Context, now time.Time) (int64, error)
}

// RunWeb runs the web session suite, each subtest on a fresh store.
func RunWeb(t *testing.T, open func(t *testing.T) WebStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	sess := func(tok string) model.WebSession {
		return model.WebSession{TokenHash: []byte(tok), Kind: "center", CSRF: "csrf-" + tok, Data: []byte("sealed"),
			CreatedAt: t0, SeenAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
	}
	t.Run("CreateReadTouchDelete", func(t *testing.T) {
		s := open(t)
		if err := s.CreateWebSession(ctx, sess("a")); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateWebSession(ctx, sess("a")); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("CreateWebSession(same token) = %v, want ErrConflict", err)
		}
		got, err := s.WebSession(ctx, []byte("a"), t0.Add(time.Minute))
		if err != nil || got.CSRF != "csrf-a" || !bytes.Equal(got.Data, []byte("sealed")) || !got.ExpiresAt.Equal(t0.Add(10*time.Minute)) {
			t.Fatalf("WebSession = %+v, %v", got, err)
		}
		// Touch without data keeps the data; with data replaces it.
		if err := s.TouchWebSession(ctx, []byte("a"), nil, t0.Add(5*time.Minute), t0.Add(15*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.WebSession(ctx, []byte("a"), t0.Add(12*time.Minute)); !bytes.Equal(got.Data, []byte("sealed")) || !got.SeenAt.Equal(t0.Add(5*time.Minute)) {
			t.Fatalf("after touch: %+v", got)
		}
		if err := s.TouchWebSession(ctx, []byte("a"), []byte("new"), t0.Add(6*time.Minute), t0.Add(16*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.WebSession(ctx, []byte("a"), t0.Add(12*time.Minute)); !bytes.Equal(got.Data, []byte("new")) {
			t.Fatalf("after touch with data: %+v", got)
		}
		if err := s.DeleteWebSession(ctx, []byte("a")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.WebSession(ctx, []byte("a"), t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("WebSession(deleted) = %v, want ErrNotFound", err)
		}
		if err := s.DeleteWebSession(ctx, []byte("a")); err != nil {
			t.Fatalf("DeleteWebSession(missing) = %v", err)
		}
	})
	t.Run("IdleSessionsExpire", func(t *testing.T) {
		s := open(t)
		for _, tok := range []string{"x", "y"} {
			if err := s.CreateWebSession(ctx, sess(tok)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.TouchWebSession(ctx, []byte("y"), nil, t0.Add(9*time.Minute), t0.Add(19*time.Minute)); err != nil {
			t.Fatal(err)
		}
		late := t0.Add(10 * time.Minute)
		if _, err := s.WebSession(ctx, []byte("x"), late); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("WebSession(idle past deadline) = %v, want ErrNotFound", err)
		}
		if err := s.TouchWebSession(ctx, []byte("x"), nil, late, late.Add(10*time.Minute)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("TouchWebSession(expired) = %v, want ErrNotFound: an idle session must not be revived", err)
		}
		n, err := s.DeleteExpiredWebSessions(ctx, late)
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpiredWebSessions = %d, %v; want 1", n, err)
		}
		if _, err := s.WebSession(ctx, []byte("y"), late); err != nil {
			t.Fatalf("the active session went with the idle one: %v", err)
		}
	})
}
