package center

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/npki"
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
// R may be nil (the server's then, derived so that a repeat gets it again); confirmBy
// makes it await a CMP certConf.
//
// A renewal is retryable as an issuance is: when the answer was lost, the same request
// again (the same new key, and the same R or again none) gets the certificate that
// renewed it, still awaiting its certConf or not (its Record says); another key gets
// CERT_REPLACED. From the check on, the work goes on if the caller leaves.
func (s *Service) Renew(ctx context.Context, serial model.Serial, pub crypto.PublicKey, r []byte, confirmBy *time.Time, actor string) (*ca.Issued, error) {
	old, err := s.certificate(ctx, serial, nil)
	if err != nil {
		return nil, err
	}
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, errs.Wrap(errs.KeyUnsupported, err, "public key")
	}
	if r == nil {
		r = s.seal.MAC("randomnum renewal v1", []byte(old.Serial.String()), spki)[:ca.RandomNumSize]
	}
	if old.Status == model.StatusReplaced {
		if again, err := s.renewedAgain(ctx, old, spki, r); again != nil || err != nil {
			return again, err
		}
	}
	if err := ca.CheckRenewable(old, s.now()); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), issueDetached)
	defer cancel()
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
	issued, err := s.ca.Issue(ctx, ca.IssueRequest{
		Institution: inst, EnrollmentRef: e.Reference, Name: e.Name, IDN: string(idn),
		Kind: old.Kind, Usage: old.Usage, PublicKey: pub, RandomNum: r, Actor: actor,
		Replaces: &old, Mode: ca.Renewal, ConfirmBy: confirmBy,
	})
	if errs.CodeOf(err) == errs.CertReplaced {
		// Renewed while we signed: perhaps by this very request sent twice (resent while
		// the first was still being served). Then that renewal is the answer.
		if again, err2 := s.renewedAgain(ctx, old, spki, r); again != nil && err2 == nil {
			return again, nil
		}
	}
	return issued, err
}

// renewedAgain answers the certificate that renewed old when it has the public key spki
// and R r in its VID: the same renewal asked again. Nil, nil when it is not (the caller
// then refuses as for any certificate no longer in service).
func (s *Service) renewedAgain(ctx context.Context, old model.Certificate, spki, r []byte) (*ca.Issued, error) {
	get := s.store.Certificate
	if s.ca != nil {
		get = s.ca.Certificate // completes a certificate whose DER is still being written
	}
	succ, err := s.store.RenewalOf(ctx, old.Serial)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if succ, err = get(ctx, succ.Serial); err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(succ.DER)
	if err != nil {
		return nil, fmt.Errorf("center: stored certificate %s: %w", succ.Serial, err)
	}
	if !bytes.Equal(cert.RawSubjectPublicKeyInfo, spki) {
		return nil, nil
	}
	e, err := s.store.Enrollment(ctx, old.EnrollmentRef)
	if err != nil {
		return nil, err
	}
	idn, err := s.seal.Open("idn", e.Reference, e.IDNCipher)
	if err != nil {
		return nil, fmt.Errorf("center: open identity number of %s: %w", e.Reference, err)
	}
	id, err := npki.ParseIdentifyDataFromCert(cert)
	if err != nil {
		return nil, fmt.Errorf("center: VID of %s: %w", succ.Serial, err)
	}
	if ok, err := id.CheckVID(string(idn), r); err != nil || !ok {
		return nil, nil // another R: the key file being written would not match the certificate
	}
	return &ca.Issued{Record: succ, Cert: cert, RandomNum: r, Chain: [][]byte{s.ca.IssuingDER(), s.ca.RootDER()}, Again: true}, nil
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
