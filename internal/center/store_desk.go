package center

import (
	"context"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// DeskStore is what the certificate desk (customers, verification, registration,
// billing, reminders) needs from storage, beyond Store.
//
// Error contract: Customer, CustomerByIDNHash, Verification, Registration and
// EnrollmentCustomer return store.ErrNotFound when absent. CreateCustomer returns
// store.ErrConflict for a second customer of one institution with the same IDNHash.
// CreateCustomer stores the search keys it is given (search.go); a change of a profile
// must write them again in the same transaction. CreateVerification supersedes the
// customer's pending verifications of the same method in the same transaction. CompleteVerification (pending and unexpired → verified) and
// FailVerification (tries+1; locked at max, failed when final) return store.ErrConflict
// when the verification is not pending. CreateEnrollmentVerified marks the verification
// used (it must be verified after verifiedAfter, unused, of customerID), stores the
// enrollment and its customer link, in one transaction, or store.ErrConflict and
// nothing. CreateRegistration does the same with a pending registration challenge.
// RecordBilling returns store.ErrConflict for a certificate already billed.
// ClaimReminder reports whether node holds the claim; MarkReminderSent returns
// store.ErrConflict when it does not. Every method taking an event appends it in the
// same transaction as its change.
type DeskStore interface {
	AppendAudit(ctx context.Context, ev model.AuditEvent) error
	SearchStore // the teller's customer search (search.go)

	CreateCustomer(ctx context.Context, c model.Customer, ev model.AuditEvent) error
	Customer(ctx context.Context, id string) (model.Customer, error)
	CustomerByIDNHash(ctx context.Context, institution string, hash []byte) (model.Customer, error)

	CreateVerification(ctx context.Context, v model.Verification, ev model.AuditEvent) error
	// CountVerifications counts a customer's verifications of a method since a time;
	// status "" counts every status.
	CountVerifications(ctx context.Context, customerID, method string, status model.VerificationStatus, since time.Time) (int, error)
	// LatestVerificationAt is when the customer's latest verification of method was
	// created, the zero time when there is none.
	LatestVerificationAt(ctx context.Context, customerID, method string) (time.Time, error)
	Verification(ctx context.Context, id string) (model.Verification, error)
	CompleteVerification(ctx context.Context, id string, now time.Time, evidence string, ev model.AuditEvent) error
	FailVerification(ctx context.Context, id string, max int, final bool, ev model.AuditEvent) (int, model.VerificationStatus, error)
	CreateEnrollmentVerified(ctx context.Context, e model.Enrollment, verificationID, customerID string, verifiedAfter, now time.Time, ev model.AuditEvent) error
	EnrollmentCustomer(ctx context.Context, ref string) (string, error)
	// CustomerCertificates lists the certificates of a customer's enrollments, newest first.
	CustomerCertificates(ctx context.Context, customerID string, limit int) ([]model.Certificate, error)

	CreateRegistration(ctx context.Context, r model.Registration, challengeID string, now time.Time, ev model.AuditEvent) error
	Registration(ctx context.Context, id string) (model.Registration, error)
	Registrations(ctx context.Context, customerID string) ([]model.Registration, error)
	DeleteRegistration(ctx context.Context, id string, ev model.AuditEvent) error

	RecordBilling(ctx context.Context, b model.BillingRecord, ev model.AuditEvent) error
	Unbilled(ctx context.Context, limit int) ([]model.Certificate, error)
	Billing(ctx context.Context, institution string, limit int) ([]model.BillingRecord, error)

	DueReminders(ctx context.Context, now time.Time, thresholds []int, limit int) ([]model.ReminderDue, error)
	ClaimReminder(ctx context.Context, serial model.Serial, threshold int, node string, now, staleBefore time.Time) (bool, error)
	MarkReminderSent(ctx context.Context, serial model.Serial, threshold int, node string, now time.Time, ev model.AuditEvent) error
}
