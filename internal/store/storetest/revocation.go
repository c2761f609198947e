package storetest

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// RevocationStore is what internal/revocation needs from a backend (spelled out, as
// Store is, so this package does not import its consumer), on top of Store.
type RevocationStore interface {
	Store
	ListRevoked(ctx context.Context, issuerID string, partition int, notAfterAfter time.Time, fn func(model.RevokedEntry) error) error
	NextCRLNumber(ctx context.Context, issuerID string, partition int) (int64, error)
	StoreCRL(ctx context.Context, c model.CRL) error
	CRL(ctx context.Context, issuerID string, partition int) (model.CRL, error)
	CRLHeads(ctx context.Context, issuerID string) ([]model.CRL, error)
	OCSPResponse(ctx context.Context, serial model.Serial) (model.OCSPResponse, error)
	StoreOCSPResponses(ctx context.Context, rs []model.OCSPResponse) error
	StaleOCSP(ctx context.Context, after model.Serial, staleBefore, now time.Time, limit int) ([]model.Certificate, error)
	StatusChanges(ctx context.Context, after int64, limit int) ([]model.StatusEvent, error)
	LastStatusChange(ctx context.Context) (int64, error)
	PruneStatusChanges(ctx context.Context, before time.Time) (int64, error)
	TryLock(ctx context.Context, name string) (store.Lock, error)
}

// RevocationOpener returns a new, empty store whose clock is now.
type RevocationOpener func(t *testing.T, now func() time.Time) RevocationStore

// RunRevocation runs the revocation status suite, each subtest on a fresh store.
func RunRevocation(t *testing.T, open RevocationOpener) {
	asStore := func(t *testing.T, now func() time.Time) Store { return open(t, now) }
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, *env, RevocationStore)
	}{
		{"ListRevoked", testListRevoked},
		{"CRLNumbers", testCRLNumbers},
		{"StoreCRL", testStoreCRL},
		{"OCSPResponses", testOCSPResponses},
		{"StaleOCSP", testStaleOCSP},
		{"StatusFeed", testStatusFeed},
		{"Lock", testLock},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := bootstrapped(t, asStore)
			tc.fn(t, e, e.s.(RevocationStore))
		})
	}
}

func (e *env) change(s model.Serial, to model.CertStatus, reason *model.RevocationReason, inv *time.Time) model.Certificate {
	e.t.Helper()
	e.clock.Advance(time.Second)
	c, err := e.s.ChangeStatus(e.ctx, model.StatusChange{Serial: s, To: to, Reason: reason, InvalidityDate: inv, At: e.clock.Now(),
		From: []model.CertStatus{model.StatusValid, model.StatusSuspended, model.StatusReplaced}}, event("certificate."+string(to), s.String()))
	if err != nil {
		e.t.Fatalf("ChangeStatus(%s, %s) = %v", s, to, err)
	}
	return c
}

func listRevoked(t *testing.T, s RevocationStore, partition int, cutoff time.Time) []model.RevokedEntry {
	t.Helper()
	var out []model.RevokedEntry
	if err := s.ListRevoked(context.Background(), "issuing", partition, cutoff, func(e model.RevokedEntry) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatalf("ListRevoked(%d) = %v", partition, err)
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].Serial, out[j].Serial) < 0 })
	return out
}

func testListRevoked(t *testing.T, e *env, s RevocationStore) {
	inPartition := func(p int) func(*model.Certificate) { return func(c *model.Certificate) { c.Partition = p } }
	revoked := e.issue("revoked", inPartition(3))
	held := e.issue("held", inPartition(3))
	e.issue("valid", inPartition(3))
	renewed := e.issue("renewed", inPartition(3))
	other := e.issue("other", inPartition(5))
	old := e.issue("old", func(c *model.Certificate) { c.Partition = 3; c.NotAfter = t0.Add(time.Hour) })

	inv := t0.Add(-24 * time.Hour)
	kc, hold := model.ReasonKeyCompromise, model.ReasonCertificateHold
	r := e.change(revoked.Serial, model.StatusRevoked, &kc, &inv)
	h := e.change(held.Serial, model.StatusSuspended, &hold, nil)
	e.change(renewed.Serial, model.StatusReplaced, nil, nil)
	e.change(other.Serial, model.StatusRevoked, &kc, nil)
	e.change(old.Serial, model.StatusRevoked, &kc, nil)

	got := listRevoked(t, s, 3, t0.Add(2*time.Hour))
	want := map[string]model.RevokedEntry{
		revoked.Serial.String(): {Serial: revoked.Serial, RevokedAt: *r.RevokedAt, Reason: kc, InvalidityDate: &inv, NotAfter: revoked.NotAfter},
		held.Serial.String():    {Serial: held.Serial, RevokedAt: *h.RevokedAt, Reason: hold, NotAfter: held.NotAfter},
	}
	if len(got) != len(want) {
		t.Fatalf("ListRevoked(partition 3) = %d entries, want %d (revoked and held; not valid, renewed, other partitions or expired)", len(got), len(want))
	}
	for _, g := range got {
		w, ok := want[g.Serial.String()]
		if !ok || !g.RevokedAt.Equal(w.RevokedAt) || g.Reason != w.Reason || !g.NotAfter.Equal(w.NotAfter) ||
			(w.InvalidityDate == nil) != (g.InvalidityDate == nil) || (w.InvalidityDate != nil && !g.InvalidityDate.Equal(*w.InvalidityDate)) {
			t.Errorf("ListRevoked entry %+v, want %+v", g, w)
		}
	}
	// Before the cutoff passes the old certificate's expiry, it is still listed.
	if got := listRevoked(t, s, 3, t0); len(got) != 3 {
		t.Errorf("ListRevoked(partition 3, cutoff before expiry) = %d entries, want 3", len(got))
	}
	if got := listRevoked(t, s, model.FullCRL, t0.Add(2*time.Hour)); len(got) != 3 {
		t.Errorf("ListRevoked(full) = %d entries, want 3", len(got))
	}
	// Resumed: it leaves the list.
	e.change(held.Serial, model.StatusValid, nil, nil)
	if got := listRevoked(t, s, 3, t0.Add(2*time.Hour)); len(got) != 1 {
		t.Errorf("ListRevoked(partition 3) after resume = %d entries, want 1", len(got))
	}
	stop := errors.New("stop")
	if err := s.ListRevoked(e.ctx, "issuing", model.FullCRL, t0, func(model.RevokedEntry) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("ListRevoked with a failing callback = %v, want its error", err)
	}
}

func testCRLNumbers(t *testing.T, e *env, s RevocationStore) {
	for i, want := range []int64{1, 2, 3} {
		if n, err := s.NextCRLNumber(e.ctx, "issuing", 4); err != nil || n != want {
			t.Errorf("NextCRLNumber(4) #%d = %d, %v, want %d", i, n, err, want)
		}
	}
	if n, err := s.NextCRLNumber(e.ctx, "issuing", model.FullCRL); err != nil || n != 1 {
		t.Errorf("NextCRLNumber(full) = %d, %v, want 1 (partitions count apart)", n, err)
	}
	if n, err := s.NextCRLNumber(e.ctx, "other", 4); err != nil || n != 1 {
		t.Errorf("NextCRLNumber(other issuer) = %d, %v, want 1", n, err)
	}
}

func testStoreCRL(t *testing.T, e *env, s RevocationStore) {
	if _, err := s.CRL(e.ctx, "issuing", 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CRL(unpublished) = %v, want ErrNotFound", err)
	}
	c := model.CRL{IssuerID: "issuing", Partition: 0, Number: 2, ThisUpdate: t0, NextUpdate: t0.Add(24 * time.Hour), DER: []byte("crl-2")}
	wantErr(t, "StoreCRL(2)", s.StoreCRL(e.ctx, c), nil)
	old := c
	old.Number, old.DER = 1, []byte("crl-1")
	wantErr(t, "StoreCRL(1 after 2)", s.StoreCRL(e.ctx, old), store.ErrConflict)
	wantErr(t, "StoreCRL(2 again)", s.StoreCRL(e.ctx, c), store.ErrConflict)
	c3 := c
	c3.Number, c3.DER, c3.ThisUpdate = 3, []byte("crl-3"), t0.Add(time.Hour)
	wantErr(t, "StoreCRL(3)", s.StoreCRL(e.ctx, c3), nil)
	got, err := s.CRL(e.ctx, "issuing", 0)
	if err != nil || got.Number != 3 || string(got.DER) != "crl-3" || !got.ThisUpdate.Equal(c3.ThisUpdate) || !got.NextUpdate.Equal(c3.NextUpdate) {
		t.Errorf("CRL(0) = %+v, %v, want number 3", got, err)
	}
	wantErr(t, "StoreCRL(full)", s.StoreCRL(e.ctx, model.CRL{IssuerID: "issuing", Partition: model.FullCRL, Number: 1, ThisUpdate: t0, NextUpdate: t0.Add(time.Hour), DER: []byte("f")}), nil)
	heads, err := s.CRLHeads(e.ctx, "issuing")
	if err != nil || len(heads) != 2 || heads[0].Partition != model.FullCRL || heads[1].Number != 3 || heads[1].DER != nil {
		t.Errorf("CRLHeads() = %+v, %v, want the full CRL and partition 0 without DER", heads, err)
	}
}

func testOCSPResponses(t *testing.T, e *env, s RevocationStore) {
	c := e.issue("ocsp", nil)
	if _, err := s.OCSPResponse(e.ctx, c.Serial); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("OCSPResponse(none) = %v, want ErrNotFound", err)
	}
	r1 := model.OCSPResponse{Serial: c.Serial, ThisUpdate: t0, NextUpdate: t0.Add(time.Hour), StatusAt: t0, DER: []byte("good")}
	wantErr(t, "StoreOCSPResponses(good)", s.StoreOCSPResponses(e.ctx, []model.OCSPResponse{r1}), nil)
	r2 := r1
	r2.StatusAt, r2.ThisUpdate, r2.DER = t0.Add(time.Minute), t0.Add(time.Minute), []byte("revoked")
	wantErr(t, "StoreOCSPResponses(revoked)", s.StoreOCSPResponses(e.ctx, []model.OCSPResponse{r2}), nil)
	// A node late with the old status (signed even later) does not roll it back.
	late := r1
	late.ThisUpdate = t0.Add(time.Hour)
	wantErr(t, "StoreOCSPResponses(late good)", s.StoreOCSPResponses(e.ctx, []model.OCSPResponse{late}), nil)
	got, err := s.OCSPResponse(e.ctx, c.Serial)
	if err != nil || string(got.DER) != "revoked" || !got.StatusAt.Equal(r2.StatusAt) || !got.ThisUpdate.Equal(r2.ThisUpdate) || !got.NextUpdate.Equal(r2.NextUpdate) {
		t.Errorf("OCSPResponse() = %+v, %v, want the revoked one", got, err)
	}
	// The same status signed later refreshes it.
	r3 := r2
	r3.ThisUpdate, r3.DER = t0.Add(2*time.Hour), []byte("revoked-refreshed")
	wantErr(t, "StoreOCSPResponses(refresh)", s.StoreOCSPResponses(e.ctx, []model.OCSPResponse{r3}), nil)
	if got, _ := s.OCSPResponse(e.ctx, c.Serial); string(got.DER) != "revoked-refreshed" {
		t.Errorf("OCSPResponse() after refresh = %q", got.DER)
	}
}

func testStaleOCSP(t *testing.T, e *env, s RevocationStore) {
	a, b := e.issue("a", nil), e.issue("b", nil)
	e.issue("expired", func(c *model.Certificate) { c.NotAfter = t0.Add(time.Minute) })
	now := t0.Add(time.Hour)
	stale := func(after model.Serial, limit int) []model.Certificate {
		t.Helper()
		list, err := s.StaleOCSP(e.ctx, after, now.Add(-12*time.Hour), now, limit)
		if err != nil {
			t.Fatalf("StaleOCSP() = %v", err)
		}
		return list
	}
	first, second := a, b
	if bytes.Compare(a.Serial, b.Serial) > 0 {
		first, second = b, a
	}
	if got := stale(nil, 10); len(got) != 2 || !bytes.Equal(got[0].Serial, first.Serial) || got[0].Status != model.StatusValid || got[0].DER != nil {
		t.Fatalf("StaleOCSP() = %+v, want the two unexpired certificates in serial order, without DER", got)
	}
	if got := stale(first.Serial, 10); len(got) != 1 || !bytes.Equal(got[0].Serial, second.Serial) {
		t.Errorf("StaleOCSP(after first) = %d certificates, want the second", len(got))
	}
	if got := stale(nil, 1); len(got) != 1 {
		t.Errorf("StaleOCSP(limit 1) = %d certificates", len(got))
	}
	var fresh []model.OCSPResponse
	for _, c := range []model.Certificate{a, b} {
		fresh = append(fresh, model.OCSPResponse{Serial: c.Serial, ThisUpdate: now, NextUpdate: now.Add(24 * time.Hour), StatusAt: c.StatusAt, DER: []byte("x")})
	}
	wantErr(t, "StoreOCSPResponses", s.StoreOCSPResponses(e.ctx, fresh), nil)
	if got := stale(nil, 10); len(got) != 0 {
		t.Errorf("StaleOCSP() with fresh responses = %d certificates, want 0", len(got))
	}
	kc := model.ReasonKeyCompromise
	e.change(a.Serial, model.StatusRevoked, &kc, nil)
	if _, err := s.OCSPResponse(e.ctx, a.Serial); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("OCSPResponse() after a status change = %v, want ErrNotFound (a change drops the shared response)", err)
	}
	got := stale(nil, 10)
	if len(got) != 1 || !bytes.Equal(got[0].Serial, a.Serial) || got[0].Status != model.StatusRevoked || got[0].Reason == nil || *got[0].Reason != kc || got[0].RevokedAt == nil {
		t.Errorf("StaleOCSP() after a revocation = %+v, want the revoked certificate with its reason", got)
	}
}

func testStatusFeed(t *testing.T, e *env, s RevocationStore) {
	if n, err := s.LastStatusChange(e.ctx); err != nil || n != 0 {
		t.Errorf("LastStatusChange() on an empty feed = %d, %v", n, err)
	}
	c := e.issue("feed", func(c *model.Certificate) { c.Partition = 9 })
	if n, _ := s.LastStatusChange(e.ctx); n != 0 {
		t.Errorf("an issuance entered the feed (seq %d)", n)
	}
	kc := model.ReasonKeyCompromise
	hold := model.ReasonCertificateHold
	e.change(c.Serial, model.StatusSuspended, &hold, nil)
	e.change(c.Serial, model.StatusValid, nil, nil)
	e.change(c.Serial, model.StatusRevoked, &kc, nil)
	last, err := s.LastStatusChange(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.StatusChanges(e.ctx, 0, 10)
	if err != nil || len(evs) != 3 || evs[2].Seq != last {
		t.Fatalf("StatusChanges(0) = %+v, %v, want 3 ending at %d", evs, err, last)
	}
	for i, ev := range evs {
		if !bytes.Equal(ev.Serial, c.Serial) || ev.Partition != 9 || ev.IssuerID != "issuing" || (i > 0 && ev.Seq <= evs[i-1].Seq) {
			t.Errorf("StatusChanges()[%d] = %+v", i, ev)
		}
	}
	if !evs[2].At.Equal(e.clock.Now()) {
		t.Errorf("feed time %v, want the change time %v", evs[2].At, e.clock.Now())
	}
	if more, _ := s.StatusChanges(e.ctx, evs[0].Seq, 1); len(more) != 1 || more[0].Seq != evs[1].Seq {
		t.Errorf("StatusChanges(after first, limit 1) = %+v", more)
	}
	if n, err := s.PruneStatusChanges(e.ctx, evs[2].At); err != nil || n != 2 {
		t.Errorf("PruneStatusChanges() = %d, %v, want 2", n, err)
	}
	if rest, _ := s.StatusChanges(e.ctx, 0, 10); len(rest) != 1 {
		t.Errorf("after pruning %d entries remain, want 1", len(rest))
	}
}

func testLock(t *testing.T, e *env, s RevocationStore) {
	l, err := s.TryLock(e.ctx, "crl")
	if err != nil || l == nil {
		t.Fatalf("TryLock(crl) = %v, %v, want a held lock", l, err)
	}
	if err := l.Check(e.ctx); err != nil {
		t.Errorf("Check() = %v", err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("Release() = %v", err)
	}
	l2, err := s.TryLock(e.ctx, "crl")
	if err != nil || l2 == nil {
		t.Fatalf("TryLock(crl) after release = %v, %v", l2, err)
	}
	l2.Release()
}
