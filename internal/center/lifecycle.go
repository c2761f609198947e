package center

import (
	"context"
	"crypto"
	"errors"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// certificate loads a certificate, mapping absence to CERTIFICATE_NOT_FOUND. When inst
// is not nil, the certificate must belong to that institution.
func (s *Service) certificate(ctx context.Context, serial model.Serial, inst *model.Institution) (model.Certificate, error) {
	get := s.store.Certificate
	if s.ca != nil {
		get = s.ca.Certificate // completes a certificate whose DER is still being written
	}
	c, err := get(ctx, serial)
	if errors.Is(err, store.ErrNotFound) {
		return c, errs.New(errs.CertificateNotFound, "serial %s", serial)
	} else if err != nil {
		return c, err
	}
	if inst != nil && c.InstitutionCode != inst.Code {
		return c, errs.New(errs.Forbidden, "certificate %s belongs to institution %s", serial, c.InstitutionCode)
	}
	return c, nil
}

// Renew issues the successor of a certificate whose holder proved possession of its key
// (the caller checked the proof: a CMP kur signature or a signed REST request). Rules
// (KOREAN-PKI.md section 2): only in the 30 days before notAfter and never after it; the
// new certificate runs one year from the old notAfter; the old one is marked replaced.
// R may be nil (drawn by the authority); confirmBy makes it await a CMP certConf.
func (s *Service) Renew(ctx context.Context, serial model.Serial, pub crypto.PublicKey, r []byte, confirmBy *time.Time, actor string) (*ca.Issued, error) {
	old, err := s.certificate(ctx, serial, nil)
	if err != nil {
		return nil, err
	}
	if err := ca.CheckRenewable(old, s.now()); err != nil {
		return nil, err
	}
	if old.EnrollmentRef == "" {
		return nil, errs.New(errs.Internal, "certificate %s has no enrollment to renew from", serial)
	}
	e, err := s.store.Enrollment(ctx, old.EnrollmentRef)
	if err != nil {
		return nil, err
	}
	idn, err := s.seal.Open("idn", e.Reference, e.IDNCipher)
	if err != nil {
		return nil, err
	}
	inst, err := s.institution(ctx, old.InstitutionCode)
	if err != nil {
		return nil, err
	}
	return s.ca.Issue(ctx, ca.IssueRequest{
		Institution: inst, EnrollmentRef: e.Reference, Name: e.Name, IDN: string(idn),
		Kind: old.Kind, Usage: old.Usage, PublicKey: pub, RandomNum: r, Actor: actor,
		Replaces: &old, Mode: ca.Renewal, ConfirmBy: confirmBy,
	})
}

// Revoke revokes a certificate. inst is the acting institution (nil when the holder
// proved possession of the key): an institution may revoke only its own certificates.
func (s *Service) Revoke(ctx context.Context, inst *model.Institution, serial model.Serial, reason model.RevocationReason, invalidity *time.Time, actor string) (model.Certificate, error) {
	c, err := s.certificate(ctx, serial, inst)
	if err != nil {
		return c, err
	}
	return s.ca.Revoke(ctx, serial, reason, invalidity, actor, c.InstitutionCode)
}

// Suspend puts a certificate on hold (효력정지).
func (s *Service) Suspend(ctx context.Context, inst *model.Institution, serial model.Serial, actor string) (model.Certificate, error) {
	c, err := s.certificate(ctx, serial, inst)
	if err != nil {
		return c, err
	}
	return s.ca.Suspend(ctx, serial, actor, c.InstitutionCode)
}

// Resume lifts a suspension (효력회복); a revoked certificate is never resumed.
func (s *Service) Resume(ctx context.Context, inst *model.Institution, serial model.Serial, actor string) (model.Certificate, error) {
	c, err := s.certificate(ctx, serial, inst)
	if err != nil {
		return c, err
	}
	return s.ca.Resume(ctx, serial, actor, c.InstitutionCode)
}
