package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// StaffStore is what the staff console (internal/web/console) needs from storage for
// its accounts, spelled out so this package does not import its consumer.
type StaffStore interface {
	CreateStaff(ctx context.Context, s model.Staff, ev model.AuditEvent) error
	Staff(ctx context.Context, id string) (model.Staff, error)
	StaffByName(ctx context.Context, scope, name string) (model.Staff, error)
	StaffList(ctx context.Context, scope string) ([]model.Staff, error)
	RecordStaffLogin(ctx context.Context, id string, ok bool, max int, now time.Time, ev model.AuditEvent) (int, bool, error)
	UnlockStaff(ctx context.Context, id string, ev model.AuditEvent) error
	UseTOTPStep(ctx context.Context, id string, step int64) (bool, error)
	RotateAPIKey(ctx context.Context, code string, newHash []byte, overlap time.Duration, ev model.AuditEvent) error
	EndAPIKeyOverlap(ctx context.Context, code string, ev model.AuditEvent) error
	APIKeyOverlap(ctx context.Context, code string) (time.Time, error)
	InstitutionByAPIKeyHash(ctx context.Context, hash []byte) (model.Institution, error)
	Bootstrap(ctx context.Context, b model.Bootstrap, ev model.AuditEvent) error
	WalkAudit(ctx context.Context, fn func(model.AuditEntry) error) error
}

// RunStaff runs the staff account suite, each subtest on a fresh store.
func RunStaff(t *testing.T, openAt func(t *testing.T, now func() time.Time) StaffStore) {
	open := func(t *testing.T) StaffStore { return openAt(t, time.Now) }
	ctx := context.Background()
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	ev := func(typ string) model.AuditEvent {
		return model.AuditEvent{Type: typ, Actor: "system", Subject: "st_1"}
	}
	acct := model.Staff{ID: "st_1", Scope: "901", Name: "kim", Role: model.RoleSupervisor,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2FsdA$aGFzaA", TOTPCipher: []byte("sealed"), CreatedAt: t0}
	audits := func(t *testing.T, s StaffStore) int {
		n := 0
		if err := s.WalkAudit(ctx, func(model.AuditEntry) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	t.Run("CreateFind", func(t *testing.T) {
		s := open(t)
		if err := s.CreateStaff(ctx, acct, ev("staff.created")); err != nil {
			t.Fatal(err)
		}
		dup := acct
		dup.ID = "st_2"
		if err := s.CreateStaff(ctx, dup, ev("staff.created")); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("CreateStaff(same scope and name) = %v, want ErrConflict", err)
		}
		other := dup
		other.Scope, other.Role, other.TOTPCipher = model.StaffScopeCA, model.RoleAuditor, nil
		if err := s.CreateStaff(ctx, other, ev("staff.created")); err != nil {
			t.Fatalf("same name in another scope: %v", err)
		}
		got, err := s.StaffByName(ctx, "901", "kim")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != "st_1" || got.Role != model.RoleSupervisor || got.PasswordHash != acct.PasswordHash ||
			string(got.TOTPCipher) != "sealed" || !got.CreatedAt.Equal(t0) || got.LockedAt != nil || got.LastLoginAt != nil {
			t.Fatalf("StaffByName = %+v", got)
		}
		if got, err := s.Staff(ctx, "st_2"); err != nil || got.Scope != model.StaffScopeCA || got.TOTPCipher != nil {
			t.Fatalf("Staff(st_2) = %+v, %v", got, err)
		}
		if _, err := s.StaffByName(ctx, "902", "kim"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("StaffByName(other scope) = %v, want ErrNotFound", err)
		}
		if _, err := s.Staff(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Staff(unknown) = %v, want ErrNotFound", err)
		}
		if l, err := s.StaffList(ctx, "901"); err != nil || len(l) != 1 {
			t.Fatalf("StaffList(901) = %d, %v", len(l), err)
		}
		if l, err := s.StaffList(ctx, ""); err != nil || len(l) != 2 {
			t.Fatalf("StaffList(all) = %d, %v", len(l), err)
		}
		if n := audits(t, s); n != 2 {
			t.Fatalf("%d audit entries, want 2 (the refused duplicate writes none)", n)
		}
	})
	t.Run("LockoutAfterMax", func(t *testing.T) {
		s := open(t)
		if err := s.CreateStaff(ctx, acct, ev("staff.created")); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 4; i++ {
			n, locked, err := s.RecordStaffLogin(ctx, "st_1", false, 5, t0, ev("staff.login_failed"))
			if err != nil || n != i || locked {
				t.Fatalf("failure %d: %d, %v, %v", i, n, locked, err)
			}
		}
		// A good login clears the count.
		if n, locked, err := s.RecordStaffLogin(ctx, "st_1", true, 5, t0.Add(time.Minute), ev("staff.login")); err != nil || n != 0 || locked {
			t.Fatalf("good login: %d, %v, %v", n, locked, err)
		}
		got, _ := s.Staff(ctx, "st_1")
		if got.LastLoginAt == nil || !got.LastLoginAt.Equal(t0.Add(time.Minute)) || got.Failures != 0 {
			t.Fatalf("after a good login: %+v", got)
		}
		for i := 1; i <= 5; i++ {
			n, locked, err := s.RecordStaffLogin(ctx, "st_1", false, 5, t0, ev("staff.login_failed"))
			if err != nil || n != i || locked != (i == 5) {
				t.Fatalf("failure %d: %d, %v, %v", i, n, locked, err)
			}
		}
		// Locked: even the right password does not unlock it.
		if _, locked, err := s.RecordStaffLogin(ctx, "st_1", true, 5, t0, ev("staff.login")); err != nil || !locked {
			t.Fatalf("good login on a locked account: %v, %v", locked, err)
		}
		if got, _ := s.Staff(ctx, "st_1"); got.LockedAt == nil || got.Failures != 5 {
			t.Fatalf("locked account: %+v", got)
		}
		if err := s.UnlockStaff(ctx, "st_1", ev("staff.unlocked")); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Staff(ctx, "st_1"); got.LockedAt != nil || got.Failures != 0 {
			t.Fatalf("unlocked account: %+v", got)
		}
		if err := s.UnlockStaff(ctx, "nope", ev("staff.unlocked")); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("UnlockStaff(unknown) = %v", err)
		}
		if _, _, err := s.RecordStaffLogin(ctx, "nope", false, 5, t0, ev("x")); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("RecordStaffLogin(unknown) = %v", err)
		}
	})
	t.Run("TOTPStepOnce", func(t *testing.T) {
		s := open(t)
		if err := s.CreateStaff(ctx, acct, ev("staff.created")); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			step int64
			ok   bool
		}{{100, true}, {100, false}, {99, false}, {101, true}, {101, false}} {
			if ok, err := s.UseTOTPStep(ctx, "st_1", tc.step); err != nil || ok != tc.ok {
				t.Fatalf("UseTOTPStep(%d) = %v, %v; want %v", tc.step, ok, err, tc.ok)
			}
		}
	})
	t.Run("APIKeyRotation", func(t *testing.T) {
		var mu sync.Mutex
		clock := time.Now()
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
		s := openAt(t, now)
		if err := s.Bootstrap(ctx, demoBootstrap(), ev("system.bootstrap")); err != nil {
			t.Fatal(err)
		}
		works := func(key string) bool {
			in, err := s.InstitutionByAPIKeyHash(ctx, keyHash(key))
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil && in.Code == "901"
		}
		if !works("key-901") {
			t.Fatal("bootstrap key")
		}
		if err := s.RotateAPIKey(ctx, "901", keyHash("key-2"), time.Hour, ev("console.api_key_rotated")); err != nil {
			t.Fatal(err)
		}
		if !works("key-901") || !works("key-2") {
			t.Fatal("both keys must work during the overlap")
		}
		if until, err := s.APIKeyOverlap(ctx, "901"); err != nil || !until.Equal(now().Add(time.Hour).UTC().Truncate(time.Microsecond)) {
			t.Fatalf("APIKeyOverlap = %v, %v", until, err)
		}
		advance(61 * time.Minute)
		if works("key-901") || !works("key-2") {
			t.Fatal("the old key must stop when the overlap ends")
		}
		if until, _ := s.APIKeyOverlap(ctx, "901"); !until.IsZero() {
			t.Fatalf("overlap after its end: %v", until)
		}
		if err := s.RotateAPIKey(ctx, "901", keyHash("key-3"), 24*time.Hour, ev("console.api_key_rotated")); err != nil {
			t.Fatal(err)
		}
		if err := s.EndAPIKeyOverlap(ctx, "901", ev("console.api_key_overlap_ended")); err != nil {
			t.Fatal(err)
		}
		if works("key-2") || !works("key-3") {
			t.Fatal("ending the overlap must stop the old key at once")
		}
		if err := s.RotateAPIKey(ctx, "999", keyHash("key-4"), 0, ev("x")); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("RotateAPIKey(unknown) = %v", err)
		}
		// A new key equal to another institution's is a conflict, and nothing changes.
		if err := s.RotateAPIKey(ctx, "901", keyHash("key-902"), time.Hour, ev("x")); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("RotateAPIKey(another's key) = %v", err)
		}
		if !works("key-3") {
			t.Fatal("a refused rotation changed the key")
		}
	})
}
