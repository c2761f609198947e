package model

import "time"

// Actions a teller may have to ask a supervisor to approve (결재), as configured in
// [console] approvals.
const (
	ActionCorporateReissue = "corporate_reissue" // reissue (재발급) of a corporate certificate
	ActionRevokeOnBehalf   = "revoke_on_behalf"  // revocation at the counter, on the customer's behalf
	ActionUnlock           = "unlock"            // reset of a locked identity check or financial-certificate PIN
)

// Approval statuses. A pending request past its expiry is expired without a write
// (ApprovalExpired is what it shows as); executing is the short state between a
// supervisor's approval and the action's outcome.
const (
	ApprovalPending   = "pending"
	ApprovalExecuting = "executing"
	ApprovalApproved  = "approved" // approved and carried out
	ApprovalFailed    = "failed"   // approved, but the action was refused (Outcome holds the error code)
	ApprovalRejected  = "rejected"
	ApprovalExpired   = "expired"
)

// Approval is a teller's request for an action a supervisor of the same institution
// approves or rejects. Reason and Decision are sealed in the store (free text a teller
// or supervisor types may hold personal data); Params holds no personal data (serials,
// ids, kinds). Result is the sealed slip of an approved action (an enrollment's
// reference and code, a PIN reset's id and code), shown once to the asker.
type Approval struct {
	ID              string
	InstitutionCode string
	Action          string
	CustomerID      string
	Subject         string            // the certificate serial, or the customer id
	Params          map[string]string // the action's parameters
	ReasonCipher    []byte
	AskedBy         string // staff id
	AskedAt         time.Time
	ExpiresAt       time.Time
	Status          string
	DecidedBy       string
	DecidedAt       *time.Time
	DecisionCipher  []byte
	Outcome         string // an enrollment reference, or the error code of a failed action
	ResultCipher    []byte
}

// ShownStatus is the status as people see it: a pending request past its expiry is
// expired.
func (a Approval) ShownStatus(now time.Time) string {
	if a.Status == ApprovalPending && !now.Before(a.ExpiresAt) {
		return ApprovalExpired
	}
	return a.Status
}

// ReportDay is one day (KST) of an institution's report: certificates issued (new),
// renewed (갱신), reissued (재발급) and revoked (not counting reissues' superseded
// certificates) that day.
type ReportDay struct {
	Day                                string // YYYY-MM-DD, KST
	Issued, Renewed, Reissued, Revoked int
}

// ReportFee is the fees billed in a range for one kind and usage of certificate.
type ReportFee struct {
	Kind, Usage string
	Count       int
	AmountKRW   int64
}
