package center_test

import (
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
)

// A short validity exists only where a demo deployment allowed it; the refusal comes
// before anything is redeemed.
func TestDemoValidityOnlyInDemo(t *testing.T) {
	s := center.New(nil, nil, nil, time.Now)
	_, err := s.IssueWithCodeOptions(t.Context(), "1234567890", "CODE", nil, nil, center.IssueOptions{ValidityDays: 35})
	if errs.CodeOf(err) != errs.BadRequest {
		t.Fatalf("IssueWithCodeOptions(35 days) outside demo = %v, want BAD_REQUEST", err)
	}
	s.AllowDemoValidity()
	_, err = s.IssueWithCodeOptions(t.Context(), "1234567890", "CODE", nil, nil, center.IssueOptions{ValidityDays: 400})
	if errs.CodeOf(err) != errs.BadRequest {
		t.Fatalf("IssueWithCodeOptions(400 days) in demo = %v, want BAD_REQUEST", err)
	}
}
