package center

import (
	"context"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// Store is what the certificate center needs from storage.
//
// Error contract: Institution and Enrollment return store.ErrNotFound when absent.
// CreateEnrollment returns store.ErrConflict for a duplicate reference number.
// ClaimEnrollment sets ClaimedUntil=until only if the enrollment is unused, unlocked, not
// expired at now and not claimed (ClaimedUntil empty or before now); otherwise
// store.ErrConflict. RecordFailedAttempt increments FailedTries, sets Locked when it
// reaches max, appends the audit event, in one transaction, and returns the new count.
// ReleaseEnrollment clears a claim of an unused enrollment (a no-op otherwise).
// ClaimEnrollment, ReleaseEnrollment and RecordFailedAttempt return store.ErrNotFound
// for an unknown ref. RenewalOf returns the valid certificate (confirmed or not) whose
// replaces is old, or store.ErrNotFound.
type Store interface {
	Institution(ctx context.Context, code string) (model.Institution, error)
	InstitutionByAPIKeyHash(ctx context.Context, hash []byte) (model.Institution, error)
	CreateEnrollment(ctx context.Context, e model.Enrollment, ev model.AuditEvent) error
	Enrollment(ctx context.Context, ref string) (model.Enrollment, error)
	ClaimEnrollment(ctx context.Context, ref string, now, until time.Time) error
	ReleaseEnrollment(ctx context.Context, ref string) error
	RecordFailedAttempt(ctx context.Context, ref string, max int, ev model.AuditEvent) (tries int, locked bool, err error)
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)
	RenewalOf(ctx context.Context, old model.Serial) (model.Certificate, error)
}
