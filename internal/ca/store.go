package ca

import (
	"context"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// Store is what the authority needs from storage.
//
// Error contract: ReserveSerials reserves all or none, store.ErrConflict when one was
// ever reserved before (serials are never reused, even after a failed issuance).
// NextSequenceBlock hands out disjoint blocks of n numbers and returns the first.
// StoreCertificate writes the certificate, marks its serial used, marks the enrollment
// redeemRef used (when not empty; store.ErrConflict if it is not claimed-and-unused) and
// appends the audit event, all in one transaction: either all of it is stored or none.
// It returns store.ErrConflict when the serial was not reserved or is already used.
// StoreReplacement does the same and, in the same transaction, marks the certificate
// old replaced (or revoked as superseded when revokeOld); store.ErrConflict when old is
// not in service. ChangeStatus applies a conditional transition (store.ErrConflict when
// the current status is not in From, store.ErrNotFound for an unknown serial).
// Certificate returns store.ErrNotFound for an unknown serial.
// StoreCertificate also takes a pending certificate (TBS and TBSTag, no DER), which
// FinishCertificates completes: it writes each DER whose certificate is still pending
// and returns the others' serials, all in one transaction, with ev (when not nil) if it
// finished any. PendingCertificates lists pending certificates created before a time,
// oldest first. StoreCertificateFinishing is StoreCertificate that also finishes, in the
// same transaction, the pending certificates whose DERs it is given (and returns those
// that were not pending); when the certificate is refused, no DER is written either.
// AbandonCertificate deletes a pending certificate and un-redeems its
// enrollment (store.ErrConflict when it is not pending or the enrollment not its own).
type Store interface {
	ReserveSerials(ctx context.Context, serials []model.Serial, issuerID string, at time.Time) error
	NextSequenceBlock(ctx context.Context, institution, day string, n int) (int64, error)
	StoreCertificate(ctx context.Context, c model.Certificate, redeemRef string, ev model.AuditEvent) error
	StoreReplacement(ctx context.Context, c model.Certificate, redeemRef string, old model.Serial, revokeOld bool, ev model.AuditEvent) error
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)
	ChangeStatus(ctx context.Context, ch model.StatusChange, ev model.AuditEvent) (model.Certificate, error)
	ConfirmCertificate(ctx context.Context, serial model.Serial, ev model.AuditEvent) error
	Unconfirmed(ctx context.Context, before time.Time, limit int) ([]model.Certificate, error)
	ExpireUnconfirmed(ctx context.Context, serial model.Serial, at time.Time, ev model.AuditEvent) error
	FinishCertificates(ctx context.Context, done []model.SignedCertificate, ev *model.AuditEvent) (notPending []model.Serial, err error)
	StoreCertificateFinishing(ctx context.Context, c model.Certificate, redeemRef string, ev model.AuditEvent, finish []model.SignedCertificate) (notPending []model.Serial, err error)
	PendingCertificates(ctx context.Context, before time.Time, limit int) ([]model.Certificate, error)
	AbandonCertificate(ctx context.Context, serial model.Serial, redeemRef string, ev model.AuditEvent) error
}
