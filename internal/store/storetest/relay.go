package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// RelayStore is what the copy relay (internal/relay) needs from storage, spelled out
// so this package does not import its consumer.
type RelayStore interface {
	CreateRelaySession(ctx context.Context, s model.RelaySession) error
	RelaySession(ctx context.Context, id string) (model.RelaySession, error)
	RelaySessionByLocator(ctx context.Context, locator string) (model.RelaySession, error)
	ClaimRelaySession(ctx context.Context, id string, senderKey, senderTokenHash []byte, maxTries int, at time.Time) error
	RelayFailedTry(ctx context.Context, id string) (int, error)
	RevealRelayKey(ctx context.Context, id string, receiverKey []byte, at time.Time) error
	PutRelayPayload(ctx context.Context, id string, payload []byte, at time.Time) error
	PutRelayOutcome(ctx context.Context, id string, outcome []byte, at time.Time) error
	DeleteRelaySession(ctx context.Context, id string) error
	DeleteExpiredRelaySessions(ctx context.Context, before time.Time) (int64, error)
}

// RelayOpener returns a new, empty relay store whose clock is now.
type RelayOpener func(t *testing.T, now func() time.Time) RelayStore

// RunRelay runs the relay part of the suite, each subtest on a fresh store.
func RunRelay(t *testing.T, open RelayOpener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, RelayStore)
	}{
		{"CreateAndRead", testRelayCreate},
		{"LocatorReuse", testRelayLocatorReuse},
		{"Lifecycle", testRelayLifecycle},
		{"Expiry", testRelayExpiry},
		{"FailedTries", testRelayFailedTries},
		{"ClaimRace", testRelayClaimRace},
		{"Delete", testRelayDelete},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t, NewClock(t0).Now)) })
	}
}

func h(s string) []byte { b := sha256.Sum256([]byte(s)); return b[:] }

func relaySession(id, locator string) model.RelaySession {
	return model.RelaySession{
		ID: id, Locator: locator, CodeHash: h("code-" + id), ReceiverTokenHash: h("rt-" + id),
		Commitment: h("commit-" + id), CreatedAt: t0, ExpiresAt: t0.Add(5 * time.Minute),
	}
}

func mustRelay(t *testing.T, s RelayStore, id string) model.RelaySession {
	t.Helper()
	got, err := s.RelaySession(context.Background(), id)
	if err != nil {
		t.Fatalf("RelaySession(%q) = %v", id, err)
	}
	return got
}

func testRelayCreate(t *testing.T, s RelayStore) {
	ctx := context.Background()
	want := relaySession("s1", "1234")
	if err := s.CreateRelaySession(ctx, want); err != nil {
		t.Fatalf("CreateRelaySession() = %v", err)
	}
	if got := mustRelay(t, s, "s1"); !reflect.DeepEqual(got, want) {
		t.Errorf("RelaySession() = %+v, want %+v", got, want)
	}
	got, err := s.RelaySessionByLocator(ctx, "1234")
	if err != nil || got.ID != "s1" {
		t.Errorf("RelaySessionByLocator(1234) = %v, %v, want s1", got.ID, err)
	}
	_, err = s.RelaySessionByLocator(ctx, "9999")
	wantErr(t, "RelaySessionByLocator(unknown)", err, store.ErrNotFound)
	_, err = s.RelaySession(ctx, "nope")
	wantErr(t, "RelaySession(unknown)", err, store.ErrNotFound)
	wantErr(t, "CreateRelaySession(same id)", s.CreateRelaySession(ctx, relaySession("s1", "5555")), store.ErrConflict)
}

// A locator is unique among stored sessions; an expired session gives its locator up.
func testRelayLocatorReuse(t *testing.T, s RelayStore) {
	ctx := context.Background()
	if err := s.CreateRelaySession(ctx, relaySession("a", "0001")); err != nil {
		t.Fatal(err)
	}
	live := relaySession("b", "0001")
	live.CreatedAt = t0.Add(time.Minute)
	wantErr(t, "CreateRelaySession(live locator)", s.CreateRelaySession(ctx, live), store.ErrConflict)
	later := relaySession("c", "0001")
	later.CreatedAt, later.ExpiresAt = t0.Add(5*time.Minute), t0.Add(10*time.Minute)
	if err := s.CreateRelaySession(ctx, later); err != nil {
		t.Fatalf("CreateRelaySession(locator of an expired session) = %v, want nil", err)
	}
	if _, err := s.RelaySession(ctx, "a"); err == nil {
		t.Errorf("the expired session a is still stored after its locator was reused")
	}
}

func testRelayLifecycle(t *testing.T, s RelayStore) {
	ctx := context.Background()
	if err := s.CreateRelaySession(ctx, relaySession("s", "4321")); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(time.Minute)
	wantErr(t, "RevealRelayKey(before claim)", s.RevealRelayKey(ctx, "s", []byte("rk"), at), store.ErrConflict)
	wantErr(t, "PutRelayPayload(before reveal)", s.PutRelayPayload(ctx, "s", []byte("ct"), at), store.ErrConflict)
	if err := s.ClaimRelaySession(ctx, "s", []byte("sk"), h("st"), 5, at); err != nil {
		t.Fatalf("ClaimRelaySession() = %v", err)
	}
	wantErr(t, "ClaimRelaySession(again)", s.ClaimRelaySession(ctx, "s", []byte("x"), h("x"), 5, at), store.ErrConflict)
	_, err := s.RelayFailedTry(ctx, "s")
	wantErr(t, "RelayFailedTry(claimed)", err, store.ErrConflict)
	wantErr(t, "PutRelayPayload(before reveal)", s.PutRelayPayload(ctx, "s", []byte("ct"), at), store.ErrConflict)
	if err := s.RevealRelayKey(ctx, "s", []byte("rk"), at); err != nil {
		t.Fatalf("RevealRelayKey() = %v", err)
	}
	wantErr(t, "RevealRelayKey(again)", s.RevealRelayKey(ctx, "s", []byte("other"), at), store.ErrConflict)
	wantErr(t, "PutRelayOutcome(before the payload)", s.PutRelayOutcome(ctx, "s", []byte("out"), at), store.ErrConflict)
	if err := s.PutRelayPayload(ctx, "s", []byte("ciphertext"), at); err != nil {
		t.Fatalf("PutRelayPayload() = %v", err)
	}
	wantErr(t, "PutRelayPayload(again)", s.PutRelayPayload(ctx, "s", []byte("other"), at), store.ErrConflict)
	got := mustRelay(t, s, "s")
	if !bytes.Equal(got.SenderKey, []byte("sk")) || !bytes.Equal(got.SenderTokenHash, h("st")) ||
		!bytes.Equal(got.ReceiverKey, []byte("rk")) || !bytes.Equal(got.Payload, []byte("ciphertext")) {
		t.Errorf("RelaySession() after the exchange = %+v", got)
	}
	for name, p := range map[string]*time.Time{"ClaimedAt": got.ClaimedAt, "RevealedAt": got.RevealedAt, "SentAt": got.SentAt} {
		if p == nil || !p.Equal(at) {
			t.Errorf("%s = %v, want %v", name, p, at)
		}
	}
	if got.DoneAt != nil || got.Outcome != nil {
		t.Errorf("before the outcome: DoneAt %v, Outcome %q", got.DoneAt, got.Outcome)
	}
	// The receiver's outcome, once; it clears the payload.
	done := at.Add(time.Second)
	if err := s.PutRelayOutcome(ctx, "s", []byte("outcome"), done); err != nil {
		t.Fatalf("PutRelayOutcome() = %v", err)
	}
	wantErr(t, "PutRelayOutcome(again)", s.PutRelayOutcome(ctx, "s", []byte("other"), done), store.ErrConflict)
	got = mustRelay(t, s, "s")
	if !bytes.Equal(got.Outcome, []byte("outcome")) || got.Payload != nil || got.DoneAt == nil || !got.DoneAt.Equal(done) {
		t.Errorf("after the outcome: Outcome %q, Payload %q, DoneAt %v", got.Outcome, got.Payload, got.DoneAt)
	}
	for _, op := range []struct {
		name string
		err  error
	}{
		{"ClaimRelaySession(unknown)", s.ClaimRelaySession(ctx, "zz", nil, nil, 5, at)},
		{"RevealRelayKey(unknown)", s.RevealRelayKey(ctx, "zz", nil, at)},
		{"PutRelayPayload(unknown)", s.PutRelayPayload(ctx, "zz", nil, at)},
		{"PutRelayOutcome(unknown)", s.PutRelayOutcome(ctx, "zz", nil, at)},
	} {
		wantErr(t, op.name, op.err, store.ErrNotFound)
	}
	_, err = s.RelayFailedTry(ctx, "zz")
	wantErr(t, "RelayFailedTry(unknown)", err, store.ErrNotFound)
}

// Nothing changes an expired session; the sweep deletes exactly the expired ones.
func testRelayExpiry(t *testing.T, s RelayStore) {
	ctx := context.Background()
	for i, exp := range []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute} {
		r := relaySession(fmt.Sprintf("e%d", i), fmt.Sprintf("100%d", i))
		r.ExpiresAt = t0.Add(exp)
		if err := s.CreateRelaySession(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, "ClaimRelaySession(at expiry)", s.ClaimRelaySession(ctx, "e0", []byte("k"), h("t"), 5, t0.Add(time.Minute)), store.ErrConflict)
	if err := s.ClaimRelaySession(ctx, "e1", []byte("k"), h("t"), 5, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "RevealRelayKey(after expiry)", s.RevealRelayKey(ctx, "e1", []byte("k"), t0.Add(6*time.Minute)), store.ErrConflict)
	n, err := s.DeleteExpiredRelaySessions(ctx, t0.Add(5*time.Minute))
	if err != nil || n != 2 {
		t.Errorf("DeleteExpiredRelaySessions(t0+5m) = %d, %v, want 2", n, err)
	}
	if _, err := s.RelaySession(ctx, "e2"); err != nil {
		t.Errorf("RelaySession(e2) after the sweep = %v, want the live session", err)
	}
}

func testRelayFailedTries(t *testing.T, s RelayStore) {
	ctx := context.Background()
	if err := s.CreateRelaySession(ctx, relaySession("f", "7777")); err != nil {
		t.Fatal(err)
	}
	for want := 1; want <= 5; want++ {
		got, err := s.RelayFailedTry(ctx, "f")
		if err != nil || got != want {
			t.Fatalf("RelayFailedTry() = %d, %v, want %d", got, err, want)
		}
	}
	wantErr(t, "ClaimRelaySession(5 wrong tries)", s.ClaimRelaySession(ctx, "f", []byte("k"), h("t"), 5, t0), store.ErrConflict)
	if got := mustRelay(t, s, "f"); got.FailedTries != 5 || got.ClaimedAt != nil {
		t.Errorf("after 5 wrong tries: FailedTries %d, ClaimedAt %v", got.FailedTries, got.ClaimedAt)
	}
}

// Of many concurrent claims exactly one wins: a code is used once.
func testRelayClaimRace(t *testing.T, s RelayStore) {
	ctx := context.Background()
	if err := s.CreateRelaySession(ctx, relaySession("r", "2222")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.ClaimRelaySession(ctx, "r", []byte{byte(i)}, h(fmt.Sprint(i)), 5, t0)
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d concurrent claims succeeded, want 1", wins)
	}
}

func testRelayDelete(t *testing.T, s RelayStore) {
	ctx := context.Background()
	if err := s.CreateRelaySession(ctx, relaySession("d", "3333")); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRelaySession(ctx, "d"); err != nil {
		t.Fatalf("DeleteRelaySession() = %v", err)
	}
	wantErr(t, "DeleteRelaySession(again)", s.DeleteRelaySession(ctx, "d"), store.ErrNotFound)
	_, err := s.RelaySessionByLocator(ctx, "3333")
	wantErr(t, "RelaySessionByLocator(deleted)", err, store.ErrNotFound)
}
