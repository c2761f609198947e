package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// OperationsStore is what the CA operator's console pages need from storage
// (internal/web/console, operator.go) and what feeds them (the notification log, the
// node heartbeat), spelled out so this package does not import its consumers.
type OperationsStore interface {
	Bootstrap(ctx context.Context, b model.Bootstrap, ev model.AuditEvent) error
	WalkAudit(ctx context.Context, fn func(model.AuditEntry) error) error
	Institution(ctx context.Context, code string) (model.Institution, error)
	InstitutionByAPIKeyHash(ctx context.Context, hash []byte) (model.Institution, error)
	RotateAPIKey(ctx context.Context, code string, newHash []byte, overlap time.Duration, ev model.AuditEvent) error

	CreateInstitution(ctx context.Context, in model.Institution, ev model.AuditEvent) error
	RevokeAPIKey(ctx context.Context, code string, ev model.AuditEvent) error
	APIKeyRevokedAt(ctx context.Context, code string) (time.Time, error)
	InstitutionKinds(ctx context.Context, code string) ([]model.Kind, error)
	StoreCRL(ctx context.Context, c model.CRL) error
	AllCRLs(ctx context.Context) ([]model.CRL, error)
	OCSPFreshness(ctx context.Context, staleBefore time.Time) (model.OCSPFreshness, error)
	Reminders(ctx context.Context) (model.ReminderQueue, error)
	RecordNotification(ctx context.Context, n model.NotificationRecord) error
	NotificationStats(ctx context.Context, since time.Time) ([]model.NotificationStats, error)
	NotificationFailures(ctx context.Context, limit int) ([]model.NotificationRecord, error)
	NodeSeen(ctx context.Context, n model.Node, publisher bool) error
	Nodes(ctx context.Context, since time.Time) ([]model.Node, error)
	PruneNodes(ctx context.Context, before time.Time) error
}

// RunOperations runs the operations suite, each subtest on a fresh store.
func RunOperations(t *testing.T, openAt func(t *testing.T, now func() time.Time) OperationsStore) {
	ctx := context.Background()
	open := func(t *testing.T, now func() time.Time) OperationsStore {
		s := openAt(t, now)
		if err := s.Bootstrap(ctx, demoBootstrap(), model.AuditEvent{Type: "system.bootstrap", Actor: "system", Subject: "b"}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	audits := func(t *testing.T, s OperationsStore) int {
		n := 0
		if err := s.WalkAudit(ctx, func(model.AuditEntry) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ev := func(typ, subject string) model.AuditEvent {
		return model.AuditEvent{Type: typ, Actor: "staff:st_1", Subject: subject}
	}

	t.Run("CreateInstitution", func(t *testing.T) {
		s := open(t, time.Now)
		in := model.Institution{Code: "904", Name: "새은행", ShortName: "SAEBANK", APIKeyHash: keyHash("key-904"), CreatedAt: t0}
		if err := s.CreateInstitution(ctx, in, ev("console.institution_created", "904")); err != nil {
			t.Fatal(err)
		}
		got, err := s.Institution(ctx, "904")
		if err != nil || got.Name != in.Name || got.ShortName != in.ShortName || !got.CreatedAt.Equal(t0) {
			t.Fatalf("Institution(904) = %+v, %v", got, err)
		}
		if got, err := s.InstitutionByAPIKeyHash(ctx, keyHash("key-904")); err != nil || got.Code != "904" {
			t.Fatalf("InstitutionByAPIKeyHash(key-904) = %+v, %v", got, err)
		}
		n := audits(t, s)
		for _, dup := range []model.Institution{
			{Code: "904", Name: "또", ShortName: "DDO", APIKeyHash: keyHash("key-x"), CreatedAt: t0},
			{Code: "905", Name: "또", ShortName: "DDO", APIKeyHash: keyHash("key-901"), CreatedAt: t0},
		} {
			if err := s.CreateInstitution(ctx, dup, ev("console.institution_created", dup.Code)); !errors.Is(err, store.ErrConflict) {
				t.Errorf("CreateInstitution(%s) = %v, want ErrConflict", dup.Code, err)
			}
		}
		if audits(t, s) != n {
			t.Error("a refused creation was audited")
		}
	})

	t.Run("RevokeAPIKey", func(t *testing.T) {
		clock := NewClock(t0)
		s := open(t, clock.Now)
		if err := s.RotateAPIKey(ctx, "901", keyHash("key-901b"), time.Hour, ev("rotated", "901")); err != nil {
			t.Fatal(err)
		}
		if at, err := s.APIKeyRevokedAt(ctx, "901"); err != nil || !at.IsZero() {
			t.Fatalf("APIKeyRevokedAt before = %v, %v", at, err)
		}
		n := audits(t, s)
		if err := s.RevokeAPIKey(ctx, "901", ev("console.api_key_revoked", "901")); err != nil {
			t.Fatal(err)
		}
		if audits(t, s) != n+1 {
			t.Error("the revocation is not audited")
		}
		for _, k := range []string{"key-901", "key-901b"} {
			if _, err := s.InstitutionByAPIKeyHash(ctx, keyHash(k)); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("InstitutionByAPIKeyHash(%s) after revocation = %v, want ErrNotFound", k, err)
			}
		}
		if _, err := s.InstitutionByAPIKeyHash(ctx, keyHash("key-902")); err != nil {
			t.Errorf("another institution's key: %v", err)
		}
		if at, err := s.APIKeyRevokedAt(ctx, "901"); err != nil || !at.Equal(t0) {
			t.Fatalf("APIKeyRevokedAt = %v, %v, want %v", at, err, t0)
		}
		if err := s.RevokeAPIKey(ctx, "901", ev("console.api_key_revoked", "901")); !errors.Is(err, store.ErrConflict) {
			t.Errorf("RevokeAPIKey again = %v, want ErrConflict", err)
		}
		if err := s.RevokeAPIKey(ctx, "999", ev("console.api_key_revoked", "999")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RevokeAPIKey(999) = %v, want ErrNotFound", err)
		}
		if audits(t, s) != n+1 {
			t.Error("a refused revocation was audited")
		}
		if err := s.RotateAPIKey(ctx, "901", keyHash("key-901c"), time.Hour, ev("rotated", "901")); err != nil {
			t.Fatal(err)
		}
		if at, err := s.APIKeyRevokedAt(ctx, "901"); err != nil || !at.IsZero() {
			t.Errorf("APIKeyRevokedAt after a new key = %v, %v", at, err)
		}
		if _, err := s.InstitutionByAPIKeyHash(ctx, keyHash("key-901c")); err != nil {
			t.Errorf("the new key: %v", err)
		}
	})

	t.Run("Notifications", func(t *testing.T) {
		s := open(t, time.Now)
		rec := func(to string, ok bool, at time.Time) {
			t.Helper()
			n := model.NotificationRecord{Institution: "901", Channel: "sms", Recipient: "010-****-" + to[len(to)-4:], RecipientKey: "k" + to, OK: ok, At: at}
			if !ok {
				n.Error = "gateway refused"
			}
			if err := s.RecordNotification(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		rec("01011112222", false, t0)
		rec("01011112222", false, t0.Add(time.Minute))
		rec("01011112222", true, t0.Add(2*time.Minute)) // attempt 3
		rec("01011112222", true, t0.Add(3*time.Minute)) // attempt 1: the last one succeeded
		rec("01033334444", false, t0.Add(4*time.Minute))
		rec("01033334444", true, t0.Add(4*time.Minute+2*time.Hour)) // attempt 1: the failure is over an hour old
		stats, err := s.NotificationStats(ctx, t0)
		if err != nil || len(stats) != 1 {
			t.Fatalf("NotificationStats = %+v, %v", stats, err)
		}
		if want := (model.NotificationStats{Channel: "sms", Sent: 3, Failed: 3, Retried: 2}); stats[0] != want {
			t.Errorf("NotificationStats = %+v, want %+v", stats[0], want)
		}
		if stats, _ := s.NotificationStats(ctx, t0.Add(time.Hour)); len(stats) != 1 || stats[0].Sent != 1 || stats[0].Failed != 0 {
			t.Errorf("NotificationStats since an hour later = %+v", stats)
		}
		fails, err := s.NotificationFailures(ctx, 2)
		if err != nil || len(fails) != 2 || fails[0].Recipient != "010-****-4444" || fails[0].Attempt != 1 || fails[1].Attempt != 2 ||
			fails[0].Error != "gateway refused" || !fails[0].At.Equal(t0.Add(4*time.Minute)) {
			t.Errorf("NotificationFailures = %+v, %v", fails, err)
		}
	})

	t.Run("Nodes", func(t *testing.T) {
		s := open(t, time.Now)
		a := model.Node{ID: "node_a", Host: "h1", PID: 10, StartedAt: t0, LastSeenAt: t0}
		b := model.Node{ID: "node_b", Host: "h2", PID: 20, StartedAt: t0, LastSeenAt: t0}
		for _, step := range []struct {
			n   model.Node
			pub bool
		}{{a, true}, {b, false}} {
			if err := s.NodeSeen(ctx, step.n, step.pub); err != nil {
				t.Fatal(err)
			}
		}
		a.LastSeenAt = t0.Add(15 * time.Second)
		if err := s.NodeSeen(ctx, a, true); err != nil {
			t.Fatal(err)
		}
		nodes, err := s.Nodes(ctx, t0)
		if err != nil || len(nodes) != 2 || nodes[0].ID != "node_a" || nodes[0].PublisherSince == nil || !nodes[0].PublisherSince.Equal(t0) ||
			!nodes[0].LastSeenAt.Equal(a.LastSeenAt) || nodes[1].PublisherSince != nil || nodes[1].PID != 20 {
			t.Fatalf("Nodes = %+v, %v", nodes, err)
		}
		// a loses the lock, b takes it.
		a.LastSeenAt, b.LastSeenAt = t0.Add(30*time.Second), t0.Add(31*time.Second)
		s.NodeSeen(ctx, a, false)
		s.NodeSeen(ctx, b, true)
		nodes, _ = s.Nodes(ctx, t0)
		if len(nodes) != 2 || nodes[0].ID != "node_b" || nodes[0].PublisherSince == nil || !nodes[0].PublisherSince.Equal(b.LastSeenAt) || nodes[1].PublisherSince != nil {
			t.Errorf("Nodes after the lock moved = %+v", nodes)
		}
		if nodes, _ := s.Nodes(ctx, t0.Add(31*time.Second)); len(nodes) != 1 {
			t.Errorf("Nodes seen since 31 s = %+v", nodes)
		}
		if err := s.PruneNodes(ctx, t0.Add(31*time.Second)); err != nil {
			t.Fatal(err)
		}
		if nodes, _ := s.Nodes(ctx, t0); len(nodes) != 1 || nodes[0].ID != "node_b" {
			t.Errorf("Nodes after pruning = %+v", nodes)
		}
	})

	t.Run("CRLsAndQueues", func(t *testing.T) {
		s := open(t, time.Now)
		for p, n := range map[int]int64{0: 3, 1: 5, model.FullCRL: 2} {
			if err := s.StoreCRL(ctx, model.CRL{IssuerID: "issuing", Partition: p, Number: n, ThisUpdate: t0, NextUpdate: t0.Add(24 * time.Hour), DER: make([]byte, 100+p)}); err != nil {
				t.Fatal(err)
			}
		}
		crls, err := s.AllCRLs(ctx)
		if err != nil || len(crls) != 3 || crls[0].Partition != model.FullCRL || crls[1].Number != 3 || len(crls[2].DER) != 101 || !crls[2].NextUpdate.Equal(t0.Add(24*time.Hour)) {
			t.Errorf("AllCRLs = %+v, %v", crls, err)
		}
		if f, err := s.OCSPFreshness(ctx, t0); err != nil || f.Count != 0 || f.Stale != 0 || !f.Oldest.IsZero() {
			t.Errorf("OCSPFreshness with none = %+v, %v", f, err)
		}
		if k, err := s.InstitutionKinds(ctx, "901"); err != nil || len(k) != 0 {
			t.Errorf("InstitutionKinds with no certificate = %v, %v", k, err)
		}
		if q, err := s.Reminders(ctx); err != nil || q != (model.ReminderQueue{}) {
			t.Errorf("Reminders with none = %+v, %v", q, err)
		}
	})
}
