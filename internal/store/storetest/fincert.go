package storetest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// FinCertStore is what the financial certificate service (internal/cloudcert) needs
// from storage, spelled out so this package does not import its consumer.
type FinCertStore interface {
	CreateFinCertLine(ctx context.Context, l model.FinCertLine, deactivate string, ev model.AuditEvent) error
	FinCertLine(ctx context.Context, id string) (model.FinCertLine, error)
	ActiveFinCertLine(ctx context.Context, person []byte) (model.FinCertLine, error)
	ActiveFinCertLineByLookup(ctx context.Context, lookup []byte) (model.FinCertLine, error)
	RenewFinCertLine(ctx context.Context, id string, serial model.Serial, wrappedKey, wrappedR []byte, at time.Time, ev model.AuditEvent) error
	SetFinCertPIN(ctx context.Context, id string, pinHash []byte, at time.Time, ev model.AuditEvent) error
	RecordFinCertPINFailure(ctx context.Context, id string, c *model.FinCertChallenge, at time.Time, max int, ev model.AuditEvent) (int, bool, error)
	ClearFinCertPINFailures(ctx context.Context, id string) error
	AddFinCertDevice(ctx context.Context, d model.FinCertDevice, max int, ev model.AuditEvent) error
	FinCertDevice(ctx context.Context, id string) (model.FinCertDevice, error)
	FinCertDevices(ctx context.Context, person []byte) ([]model.FinCertDevice, error)
	DisconnectFinCertDevice(ctx context.Context, id string, at time.Time, ev model.AuditEvent) error
	UseFinCertChallenge(ctx context.Context, c model.FinCertChallenge, at time.Time) error
	CreateFinCertPending(ctx context.Context, p model.FinCertPending, ev model.AuditEvent) error
	FinCertPending(ctx context.Context, id string) (model.FinCertPending, error)
	CountFinCertPending(ctx context.Context, lineID, kind string, since time.Time) (int, error)
	FinCertPendingFailure(ctx context.Context, id string) (int, error)
	UseFinCertPending(ctx context.Context, id string, at time.Time) error
	CreateFinCertSignRequest(ctx context.Context, r model.FinCertSignRequest, ev model.AuditEvent) error
	FinCertSignRequest(ctx context.Context, id string) (model.FinCertSignRequest, error)
	UseFinCertSignRequest(ctx context.Context, id string, serial model.Serial, c *model.FinCertChallenge, lineID string, at time.Time, ev model.AuditEvent) error
}

// FinCertOpener returns a new, empty financial certificate store.
type FinCertOpener func(t *testing.T) FinCertStore

// RunFinCert runs the financial certificate part of the suite, each subtest on a fresh store.
func RunFinCert(t *testing.T, open FinCertOpener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, FinCertStore)
	}{
		{"OneActiveLinePerPerson", testFinCertOneActive},
		{"PINLockout", testFinCertPINLockout},
		{"Renew", testFinCertRenew},
		{"DeviceLimit", testFinCertDeviceLimit},
		{"ChallengeSingleUse", testFinCertChallenge},
		{"ChallengeRace", testFinCertChallengeRace},
		{"PendingSingleUse", testFinCertPending},
		{"SignRequestSingleUse", testFinCertSignRequest},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

var fev = model.AuditEvent{Type: "fincert.test", Actor: "system"}

func finLine(id string, person string, serial byte) model.FinCertLine {
	return model.FinCertLine{ID: id, Person: h("person-" + person), Lookup: h("lookup-" + person),
		Serial: model.Serial{0x01, serial, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, InstitutionCode: "901",
		WrappedKey: []byte("wrapped-" + id), WrappedR: []byte("r-" + id), PINHash: h("pin-" + id),
		Active: true, CreatedAt: t0, UpdatedAt: t0}
}

func testFinCertOneActive(t *testing.T, s FinCertStore) {
	ctx := context.Background()
	a := finLine("fcl_a", "kim", 1)
	if err := s.CreateFinCertLine(ctx, a, "", fev); err != nil {
		t.Fatalf("CreateFinCertLine(a) = %v", err)
	}
	got, err := s.ActiveFinCertLine(ctx, a.Person)
	if err != nil || got.ID != a.ID || !bytes.Equal(got.WrappedKey, a.WrappedKey) || !got.Active || !bytes.Equal(got.Serial, a.Serial) {
		t.Fatalf("ActiveFinCertLine = %+v, %v; want line a", got, err)
	}
	if got, err := s.ActiveFinCertLineByLookup(ctx, a.Lookup); err != nil || got.ID != a.ID {
		t.Errorf("ActiveFinCertLineByLookup = %v, %v", got.ID, err)
	}
	b := finLine("fcl_b", "kim", 2)
	if err := s.CreateFinCertLine(ctx, b, "", fev); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second active line without deactivating = %v, want ErrConflict", err)
	}
	if err := s.CreateFinCertLine(ctx, b, a.ID, fev); err != nil {
		t.Fatalf("CreateFinCertLine(b, deactivate a) = %v", err)
	}
	if got, _ := s.ActiveFinCertLine(ctx, a.Person); got.ID != b.ID {
		t.Errorf("active line = %s, want b", got.ID)
	}
	if old, _ := s.FinCertLine(ctx, a.ID); old.Active {
		t.Error("line a still active")
	}
	if _, err := s.ActiveFinCertLine(ctx, h("nobody")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ActiveFinCertLine(nobody) = %v, want ErrNotFound", err)
	}
}

func testFinCertPINLockout(t *testing.T, s FinCertStore) {
	ctx := context.Background()
	l := finLine("fcl_p", "lee", 3)
	s.CreateFinCertLine(ctx, l, "", fev)
	for i := 1; i <= 5; i++ {
		n, locked, err := s.RecordFinCertPINFailure(ctx, l.ID, nil, t0, 5, fev)
		if err != nil || n != i || locked != (i == 5) {
			t.Fatalf("failure %d = %d, %v, %v", i, n, locked, err)
		}
	}
	if err := s.ClearFinCertPINFailures(ctx, l.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FinCertLine(ctx, l.ID); !got.PINLocked || got.PINFails != 5 {
		t.Errorf("after clear on a locked line: locked %v fails %d; a lock is cleared only by a new PIN", got.PINLocked, got.PINFails)
	}
	if err := s.SetFinCertPIN(ctx, l.ID, h("new"), t0, fev); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FinCertLine(ctx, l.ID); got.PINLocked || got.PINFails != 0 || !bytes.Equal(got.PINHash, h("new")) {
		t.Errorf("after SetFinCertPIN: %+v", got)
	}
	// A wrong PIN uses its challenge: the same challenge again counts nothing.
	ch := &model.FinCertChallenge{Nonce: h("pin-nonce"), DeviceID: "fcd_p", ExpiresAt: t0.Add(time.Minute)}
	if n, _, err := s.RecordFinCertPINFailure(ctx, l.ID, ch, t0, 5, fev); err != nil || n != 1 {
		t.Fatalf("failure with a challenge = %d, %v", n, err)
	}
	if _, _, err := s.RecordFinCertPINFailure(ctx, l.ID, ch, t0, 5, fev); !errors.Is(err, store.ErrConflict) {
		t.Errorf("failure with a used challenge = %v, want ErrConflict", err)
	}
	if got, _ := s.FinCertLine(ctx, l.ID); got.PINFails != 1 {
		t.Errorf("fails = %d after a refused replay, want 1", got.PINFails)
	}
	if _, _, err := s.RecordFinCertPINFailure(ctx, "fcl_none", nil, t0, 5, fev); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RecordFinCertPINFailure(unknown) = %v", err)
	}
}

func testFinCertRenew(t *testing.T, s FinCertStore) {
	ctx := context.Background()
	l := finLine("fcl_r", "park", 4)
	s.CreateFinCertLine(ctx, l, "", fev)
	ns := model.Serial{0x02, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}
	if err := s.RenewFinCertLine(ctx, l.ID, ns, []byte("k2"), []byte("r2"), t0.Add(time.Hour), fev); err != nil {
		t.Fatal(err)
	}
	got, _ := s.FinCertLine(ctx, l.ID)
	if !bytes.Equal(got.Serial, ns) || string(got.WrappedKey) != "k2" || !bytes.Equal(got.PINHash, l.PINHash) {
		t.Errorf("renewed line = %+v; want new serial and key, same PIN", got)
	}
	if err := s.RenewFinCertLine(ctx, "fcl_none", ns, nil, nil, t0, fev); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RenewFinCertLine(unknown) = %v", err)
	}
}

func testFinCertDeviceLimit(t *testing.T, s FinCertStore) {
	ctx := context.Background()
	p := h("person-choi")
	for i := 0; i < 3; i++ {
		d := model.FinCertDevice{ID: "fcd_" + string(rune('a'+i)), Person: p, SPKI: []byte{byte(i)}, Label: "b", CreatedAt: t0.Add(time.Duration(i))}
		if err := s.AddFinCertDevice(ctx, d, 3, fev); err != nil {
			t.Fatalf("AddFinCertDevice %d = %v", i, err)
		}
	}
	extra := model.FinCertDevice{ID: "fcd_x", Person: p, SPKI: []byte{9}, CreatedAt: t0}
	if err := s.AddFinCertDevice(ctx, extra, 3, fev); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("fourth device = %v, want ErrConflict", err)
	}
	if err := s.DisconnectFinCertDevice(ctx, "fcd_a", t0, fev); err != nil {
		t.Fatal(err)
	}
	if err := s.DisconnectFinCertDevice(ctx, "fcd_a", t0, fev); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second disconnect = %v, want ErrConflict", err)
	}
	if err := s.AddFinCertDevice(ctx, extra, 3, fev); err != nil {
		t.Fatalf("device after a disconnect = %v", err)
	}
	ds, err := s.FinCertDevices(ctx, p)
	if err != nil || len(ds) != 4 || ds[0].ID != "fcd_a" || ds[0].DisconnectedAt == nil {
		t.Errorf("FinCertDevices = %+v, %v", ds, err)
	}
	if d, err := s.FinCertDevice(ctx, "fcd_b"); err != nil || d.DisconnectedAt != nil || !bytes.Equal(d.Person, p) {
		t.Errorf("FinCertDevice(b) = %+v, %v", d, err)
	}
}

func testFinCertChallenge(t *testing.T, s FinCertStore) {
	ctx := context.Background()
	s.AddFinCertDevice(ctx, model.FinCertDevice{ID: "fcd_c", Person: h("p"), SPKI: []byte{1}, CreatedAt: t0}, 5, fev)
	c := model.FinCertChallenge{Nonce: h("nonce1"), DeviceID: "fcd_c", ExpiresAt: t0.Add(2 * time.Minute)}
	if err := s.UseFinCertChallenge(ctx, c, t0); err != nil {
		t.Fatalf("UseFinCertChallenge = %v", err)
	}
	if err := s.UseFinCertChallenge(ctx, c, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("replayed challenge = %v, want ErrConflict", err)
	}
	if err := s.UseFinCertChallenge(ctx, model.FinCertChallenge{Nonce: c.Nonce, DeviceID: "fcd_other", ExpiresAt: c.ExpiresAt}, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("challenge replayed by another device = %v, want ErrConflict", err)
	}
	if d, _ := s.FinCertDevice(ctx, "fcd_c"); d.LastUsedAt == nil {
		t.Error("device use not recorded")
	}
	// Used challenges are forgotten an hour after their expiry (the service refuses
	// expired ones by their authenticated expiry before asking the store).
	later := t0.Add(2*time.Hour + 2*time.Minute)
	s.UseFinCertChallenge(ctx, model.FinCertChallenge{Nonce: h("other"), DeviceID: "fcd_c", ExpiresAt: later.Add(time.Minute)}, later)
	if err := s.UseFinCertChallenge(ctx, c, later); err != nil {
		t.Errorf("challenge after the sweep = %v (it was swept, so the store accepts it)", err)
	}
}

func testFinCertChallengeRace(t *testing.T, s FinCertStore) {
	ctx := context.Background()
	c := model.FinCertChallenge{Nonce: h("race"), DeviceID: "fcd_r", ExpiresAt: t0.Add(time.Minute)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.UseFinCertChallenge(ctx, c, t0) == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d racers used one challenge, want 1", wins)
	}
}

func testFinCertPending(t *testing.T, s FinCertStore) {
	ctx := context.Background()
	p := model.FinCertPending{ID: "fcr_1", Kind: "device", LineID: "fcl_x", Secret: h("code"), SPKI: []byte{1}, Label: "l",
		CreatedAt: t0, ExpiresAt: t0.Add(3 * time.Minute)}
	if err := s.CreateFinCertPending(ctx, p, fev); err != nil {
		t.Fatal(err)
	}
	if n, err := s.FinCertPendingFailure(ctx, p.ID); err != nil || n != 1 {
		t.Errorf("FinCertPendingFailure = %d, %v", n, err)
	}
	got, err := s.FinCertPending(ctx, p.ID)
	if err != nil || got.Tries != 1 || got.Kind != "device" || !bytes.Equal(got.Secret, p.Secret) || got.UsedAt != nil {
		t.Errorf("FinCertPending = %+v, %v", got, err)
	}
	if err := s.UseFinCertPending(ctx, p.ID, t0.Add(3*time.Minute)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("UseFinCertPending(expired) = %v, want ErrConflict", err)
	}
	if err := s.UseFinCertPending(ctx, p.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.UseFinCertPending(ctx, p.ID, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("UseFinCertPending twice = %v, want ErrConflict", err)
	}
	if n, err := s.CountFinCertPending(ctx, "fcl_x", "device", t0); err != nil || n != 1 {
		t.Errorf("CountFinCertPending = %d, %v; want 1", n, err)
	}
	if n, _ := s.CountFinCertPending(ctx, "fcl_x", "device", t0.Add(time.Second)); n != 0 {
		t.Errorf("CountFinCertPending(later) = %d, want 0", n)
	}
	if n, _ := s.CountFinCertPending(ctx, "fcl_x", "pin-reset", t0); n != 0 {
		t.Errorf("CountFinCertPending(other kind) = %d, want 0", n)
	}
	if _, err := s.FinCertPending(ctx, "fcr_none"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FinCertPending(unknown) = %v", err)
	}
}

func testFinCertSignRequest(t *testing.T, s FinCertStore) {
	ctx := context.Background()
	r := model.FinCertSignRequest{ID: "fsr_1", InstitutionCode: "902", Request: []byte(`{"a":1}`), CreatedAt: t0, ExpiresAt: t0.Add(5 * time.Minute)}
	if err := s.CreateFinCertSignRequest(ctx, r, fev); err != nil {
		t.Fatal(err)
	}
	got, err := s.FinCertSignRequest(ctx, r.ID)
	if err != nil || string(got.Request) != `{"a":1}` || got.UsedAt != nil || got.InstitutionCode != "902" {
		t.Fatalf("FinCertSignRequest = %+v, %v", got, err)
	}
	serial := model.Serial{0x01, 2, 3}
	l := finLine("fcl_s", "jung", 5)
	s.CreateFinCertLine(ctx, l, "", fev)
	s.RecordFinCertPINFailure(ctx, l.ID, nil, t0, 5, fev)
	ch := func(n string) *model.FinCertChallenge {
		return &model.FinCertChallenge{Nonce: h(n), DeviceID: "fcd_s", ExpiresAt: t0.Add(time.Minute)}
	}
	if err := s.UseFinCertSignRequest(ctx, r.ID, serial, ch("a"), l.ID, t0.Add(5*time.Minute), fev); !errors.Is(err, store.ErrConflict) {
		t.Errorf("UseFinCertSignRequest(expired) = %v, want ErrConflict", err)
	}
	// The failed attempt rolled back entirely: its challenge is still unused.
	if err := s.UseFinCertSignRequest(ctx, r.ID, serial, ch("a"), l.ID, t0, fev); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FinCertLine(ctx, l.ID); got.PINFails != 0 {
		t.Errorf("PIN failures = %d after a signature, want 0", got.PINFails)
	}
	if err := s.UseFinCertSignRequest(ctx, r.ID, serial, ch("b"), l.ID, t0, fev); !errors.Is(err, store.ErrConflict) {
		t.Errorf("replayed sign request = %v, want ErrConflict", err)
	}
	r2 := model.FinCertSignRequest{ID: "fsr_2", InstitutionCode: "902", Request: []byte(`{}`), CreatedAt: t0, ExpiresAt: t0.Add(5 * time.Minute)}
	s.CreateFinCertSignRequest(ctx, r2, fev)
	if err := s.UseFinCertSignRequest(ctx, r2.ID, serial, ch("a"), "", t0, fev); !errors.Is(err, store.ErrConflict) {
		t.Errorf("sign request with a used challenge = %v, want ErrConflict", err)
	}
	if got, _ := s.FinCertSignRequest(ctx, r2.ID); got.UsedAt != nil {
		t.Error("a refused attempt used the sign request")
	}
	if got, _ := s.FinCertSignRequest(ctx, r.ID); got.UsedAt == nil || !bytes.Equal(got.Serial, serial) {
		t.Errorf("used sign request = %+v", got)
	}
}
