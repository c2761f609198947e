package ca

import (
	"context"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// Store is what the authority needs from storage.
//
// Error contract: ReserveSerial returns store.ErrConflict when the serial was ever
// reserved before (serials are never reused, even after a failed issuance).
// StoreCertificate writes the certificate, marks its serial used, marks the enrollment
// redeemRef used (when not empty; store.ErrConflict if it is not claimed-and-unused) and
// appends the audit event, all in one transaction: either all of it is stored or none.
// It returns store.ErrConflict when the serial was not reserved or is already used.
// Certificate returns store.ErrNotFound for an unknown serial.
type Store interface {
	ReserveSerial(ctx context.Context, serial model.Serial, issuerID string, at time.Time) error
	NextSequence(ctx context.Context, institution, day string) (int64, error)
	StoreCertificate(ctx context.Context, c model.Certificate, redeemRef string, ev model.AuditEvent) error
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)
}
