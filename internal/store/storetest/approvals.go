package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// ApprovalStore is what the staff console's approvals (결재) need from storage, on top
// of CenterStore (internal/web/console.SupervisionStore, spelled out here).
type ApprovalStore interface {
	CenterStore
	CreateApproval(ctx context.Context, a model.Approval, ev model.AuditEvent) error
	Approval(ctx context.Context, id string) (model.Approval, error)
	PendingApprovals(ctx context.Context, institution string, now time.Time, limit int) ([]model.Approval, error)
	CountPendingApprovals(ctx context.Context, institution string, now time.Time) (int, error)
	DecideApproval(ctx context.Context, id, status, by string, now time.Time, decision []byte, ev model.AuditEvent) error
	FinishApproval(ctx context.Context, id, status, outcome string, result []byte, ev model.AuditEvent) error
	TakeApprovalResult(ctx context.Context, id, asker string, ev model.AuditEvent) ([]byte, error)
	LatestVerificationAt(ctx context.Context, customerID, method string) (time.Time, error)
}

// ApprovalOpener returns a new, empty store whose clock is now.
type ApprovalOpener func(t *testing.T, now func() time.Time) ApprovalStore

// RunApprovals checks the approvals' state machine: a request is decided once, never
// by its asker nor after its expiry (of concurrent decisions exactly one succeeds); it
// finishes once; its result is taken once, by its asker only.
func RunApprovals(t *testing.T, open ApprovalOpener) {
	e := bootstrapped(t, func(t *testing.T, now func() time.Time) Store { return open(t, now) })
	as := e.s.(ApprovalStore)
	ce := &centerEnv{env: e, cs: as}
	ce.customer("cus_a", "901")
	now := e.clock.Now()
	mk := func(id string) model.Approval {
		a := model.Approval{ID: id, InstitutionCode: "901", Action: model.ActionRevokeOnBehalf, CustomerID: "cus_a", Subject: "0a",
			Params: map[string]string{"reason": "keyCompromise"}, ReasonCipher: []byte("sealed"), AskedBy: "st_teller",
			AskedAt: now, ExpiresAt: now.Add(time.Hour), Status: model.ApprovalPending}
		if err := as.CreateApproval(e.ctx, a, event("console.approval_requested", id)); err != nil {
			t.Fatalf("CreateApproval(%s) = %v", id, err)
		}
		return a
	}
	mk("apr_1")
	got, err := as.Approval(e.ctx, "apr_1")
	if err != nil || got.Params["reason"] != "keyCompromise" || got.Status != model.ApprovalPending || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("Approval(apr_1) = %+v, %v", got, err)
	}
	if _, err := as.Approval(e.ctx, "apr_none"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Approval(apr_none) = %v, want ErrNotFound", err)
	}
	if n, err := as.CountPendingApprovals(e.ctx, "901", now); n != 1 || err != nil {
		t.Fatalf("CountPendingApprovals = %d, %v", n, err)
	}
	if n, _ := as.CountPendingApprovals(e.ctx, "901", now.Add(time.Hour)); n != 0 {
		t.Fatalf("CountPendingApprovals at the expiry = %d, want 0", n)
	}
	for _, tc := range []struct {
		name, by string
		at       time.Time
	}{{"by its asker", "st_teller", now}, {"at its expiry", "st_sup", now.Add(time.Hour)}} {
		if err := as.DecideApproval(e.ctx, "apr_1", model.ApprovalExecuting, tc.by, tc.at, nil, event("x", "apr_1")); !errors.Is(err, store.ErrConflict) {
			t.Errorf("DecideApproval %s = %v, want ErrConflict", tc.name, err)
		}
	}
	if err := as.FinishApproval(e.ctx, "apr_1", model.ApprovalApproved, "", nil, event("x", "apr_1")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("FinishApproval of a pending request = %v, want ErrConflict", err)
	}

	// Concurrent decisions: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = as.DecideApproval(e.ctx, "apr_1", model.ApprovalExecuting, fmt.Sprintf("st_sup%d", i), now, nil, event("console.approval_approved", "apr_1"))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("concurrent DecideApproval = %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d concurrent decisions won, want 1", won)
	}
	if err := as.FinishApproval(e.ctx, "apr_1", model.ApprovalApproved, "ref", []byte("slip"), event("console.approval_done", "apr_1")); err != nil {
		t.Fatalf("FinishApproval = %v", err)
	}
	if err := as.FinishApproval(e.ctx, "apr_1", model.ApprovalFailed, "X", nil, event("x", "apr_1")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("FinishApproval twice = %v, want ErrConflict", err)
	}
	if _, err := as.TakeApprovalResult(e.ctx, "apr_1", "st_sup0", event("x", "apr_1")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TakeApprovalResult by another = %v, want ErrNotFound", err)
	}
	if b, err := as.TakeApprovalResult(e.ctx, "apr_1", "st_teller", event("console.slip_printed", "apr_1")); err != nil || !bytes.Equal(b, []byte("slip")) {
		t.Errorf("TakeApprovalResult = %q, %v", b, err)
	}
	if _, err := as.TakeApprovalResult(e.ctx, "apr_1", "st_teller", event("x", "apr_1")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TakeApprovalResult twice = %v, want ErrNotFound", err)
	}
	got, _ = as.Approval(e.ctx, "apr_1")
	if got.Status != model.ApprovalApproved || got.Outcome != "ref" || got.ResultCipher != nil || got.DecidedAt == nil {
		t.Errorf("after approval: %+v", got)
	}

	// A rejection records the sealed decision.
	mk("apr_2")
	if err := as.DecideApproval(e.ctx, "apr_2", model.ApprovalRejected, "st_sup", now, []byte("sealed-why"), event("console.approval_rejected", "apr_2")); err != nil {
		t.Fatalf("reject = %v", err)
	}
	if got, _ := as.Approval(e.ctx, "apr_2"); got.Status != model.ApprovalRejected || string(got.DecisionCipher) != "sealed-why" || got.DecidedBy != "st_sup" {
		t.Errorf("after rejection: %+v", got)
	}
	if list, err := as.PendingApprovals(e.ctx, "901", now, 10); err != nil || len(list) != 0 {
		t.Errorf("PendingApprovals = %d, %v", len(list), err)
	}

	// LatestVerificationAt.
	if at, err := as.LatestVerificationAt(e.ctx, "cus_a", "throttle-reset"); err != nil || !at.IsZero() {
		t.Errorf("LatestVerificationAt with none = %v, %v", at, err)
	}
	ce.verification("ver_1", "cus_a", "throttle-reset", model.VerificationUsed, 0)
	e.clock.Advance(time.Minute)
	ce.verification("ver_2", "cus_a", "throttle-reset", model.VerificationUsed, 0)
	if at, err := as.LatestVerificationAt(e.ctx, "cus_a", "throttle-reset"); err != nil || !at.Equal(e.clock.Now()) {
		t.Errorf("LatestVerificationAt = %v, %v, want %v", at, err, e.clock.Now())
	}
}
