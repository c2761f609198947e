package center

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
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

// IssueWithCode redeems an enrollment with its reference number and authorization code
// and issues a certificate for pub. R (randomNum) may be nil: the center derives it.
//
// Issuance is retryable: when the answer was lost after the certificate was stored, the
// same request (same reference number, code, public key and R, or again no R) gets the
// same certificate back (Redeliver); any other key is refused with ENROLLMENT_USED.
func (s *Service) IssueWithCode(ctx context.Context, ref, code string, pub crypto.PublicKey, r []byte) (*ca.Issued, error) {
	return s.IssueWithCodeOptions(ctx, ref, code, pub, r, IssueOptions{})
}

// IssueOptions adjust an issuance.
type IssueOptions struct {
	// ValidityDays asks for a short first certificate (demo deployments only: refused
	// with BAD_REQUEST elsewhere), 1 to 60 days.
	ValidityDays int
}

// IssueWithCodeOptions is IssueWithCode with options.
func (s *Service) IssueWithCodeOptions(ctx context.Context, ref, code string, pub crypto.PublicKey, r []byte, o IssueOptions) (*ca.Issued, error) {
	if o.ValidityDays != 0 && (!s.demoValidity || o.ValidityDays < 1 || o.ValidityDays > 60) {
		return nil, errs.New(errs.BadRequest, "a short validity exists only in demo mode (1 to 60 days)")
	}
	e, err := s.checkCode(ctx, ref, code)
	if err != nil {
		return nil, err
	}
	if e.UsedAt != nil {
		return s.redeliver(ctx, e, pub, r)
	}
	if err := s.state(e); err != nil {
		return nil, err
	}
	// From the claim on, the work is finished even if the caller leaves: a claim taken
	// for a request that went away would otherwise hold the enrollment for the lease.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), issueDetached)
	defer cancel()
	red, err := s.claim(ctx, e)
	if errors.Is(err, errs.Sentinel(errs.EnrollmentUsed)) {
		// Used while we looked: perhaps by this very request's first attempt.
		if cur, err2 := s.store.Enrollment(ctx, ref); err2 == nil && cur.UsedAt != nil {
			return s.redeliver(ctx, cur, pub, r)
		}
	}
	if err != nil {
		return nil, err
	}
	return s.issueRedeemed(ctx, red, pub, r, o)
}

// Redeliver answers again the certificate an enrollment was used for, to a caller that
// proved its code another way (CMP's MAC): RFC 4210 lets a client whose ip was lost
// send its ir again. The public key must be the certificate's and R (nil when the
// server chose it) must be the one in its VID; otherwise ENROLLMENT_USED, as for an
// enrollment whose certificate was revoked since.
func (s *Service) Redeliver(ctx context.Context, ref string, pub crypto.PublicKey, r []byte) (*ca.Issued, error) {
	e, err := s.store.Enrollment(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		return nil, credentialsInvalid(ref)
	} else if err != nil {
		return nil, err
	}
	if e.UsedAt == nil {
		return nil, errs.New(errs.EnrollmentBusy, "reference %s is not used yet", ref).With("wait", "1")
	}
	return s.redeliver(ctx, e, pub, r)
}

func (s *Service) redeliver(ctx context.Context, e model.Enrollment, pub crypto.PublicKey, r []byte) (*ca.Issued, error) {
	used := errs.New(errs.EnrollmentUsed, "reference %s was used", e.Reference)
	if len(e.IssuedSerial) == 0 || e.Usage == model.FinCert {
		return nil, used // a financial certificate's key never left the cloud
	}
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, errs.Wrap(errs.KeyUnsupported, err, "public key")
	}
	rec, err := s.ca.Certificate(ctx, e.IssuedSerial)
	if errors.Is(err, store.ErrNotFound) {
		return nil, used
	} else if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(rec.DER)
	if err != nil {
		return nil, fmt.Errorf("center: stored certificate %s: %w", rec.Serial, err)
	}
	if !bytes.Equal(cert.RawSubjectPublicKeyInfo, spki) || rec.Status != model.StatusValid {
		return nil, used
	}
	if r == nil {
		r = s.randomNum(e.Reference, spki)
	}
	idn, err := s.seal.Open("idn", e.Reference, e.IDNCipher)
	if err != nil {
		return nil, fmt.Errorf("center: open identity number of %s: %w", e.Reference, err)
	}
	id, err := npki.ParseIdentifyDataFromCert(cert)
	if err != nil {
		return nil, fmt.Errorf("center: VID of %s: %w", rec.Serial, err)
	}
	if ok, err := id.CheckVID(string(idn), r); err != nil || !ok {
		return nil, used // another R: the key file being written would not match the certificate
	}
	return &ca.Issued{Record: rec, Cert: cert, RandomNum: r, Chain: [][]byte{s.ca.IssuingDER(), s.ca.RootDER()}}, nil
}

// randomNum is the R of a certificate whose requester sent none: derived from the
// reference number and the public key under the secrets key, so that a repeated request
// gets the R of the certificate already issued (a drawn R would be lost with the
// answer). Nobody without the secrets key can predict it, which is all R needs (it
// hides the identity number in the VID, KOREAN-PKI.md section 5).
func (s *Service) randomNum(ref string, spki []byte) []byte {
	return s.seal.MAC("randomnum v1", []byte(ref), spki)[:ca.RandomNumSize]
}

// IssueRedeemed issues the certificate of a claimed enrollment. On failure the claim is
// released so the customer can try again with the same code.
func (s *Service) IssueRedeemed(ctx context.Context, red *Redeemed, pub crypto.PublicKey, r []byte) (*ca.Issued, error) {
	return s.issueRedeemed(ctx, red, pub, r, IssueOptions{})
}

// issueDetached bounds an issuance that goes on after its caller left.
const issueDetached = 30 * time.Second

func (s *Service) issueRedeemed(ctx context.Context, red *Redeemed, pub crypto.PublicKey, r []byte, o IssueOptions) (*ca.Issued, error) {
	// The claim is this request's: finish the issuance even if the client goes away (a
	// dropped connection, a client timeout), so that its retry finds the certificate
	// (safe retry) instead of a claim held until the lease ends and a logged failure.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), issueDetached)
	defer cancel()
	e := red.Enrollment
	if (e.Usage == model.FinCert) != red.Cloud {
		s.release(e.Reference)
		if red.Cloud {
			return nil, errs.New(errs.FinCertNotFinCert, "enrollment %s is for usage %s", e.Reference, e.Usage)
		}
		return nil, errs.New(errs.FinCertCloudOnly, "enrollment %s is for a financial certificate", e.Reference)
	}
	if r == nil {
		spki, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			s.release(e.Reference)
			return nil, errs.Wrap(errs.KeyUnsupported, err, "public key")
		}
		r = s.randomNum(e.Reference, spki)
	}
	inst, err := s.institution(ctx, e.InstitutionCode)
	if err != nil {
		s.release(e.Reference)
		return nil, err
	}
	req := ca.IssueRequest{
		Institution: inst, EnrollmentRef: e.Reference, Name: e.Name, IDN: red.IDN,
		Kind: e.Kind, Usage: e.Usage, PublicKey: pub, RandomNum: r, Actor: "subscriber", ConfirmBy: red.ConfirmBy,
		ValidityDays: o.ValidityDays,
	}
	if len(e.Replaces) > 0 {
		old, err := s.store.Certificate(ctx, e.Replaces)
		if err != nil {
			s.release(e.Reference)
			return nil, err
		}
		req.Replaces, req.Mode = &old, ca.Reissue
	}
	issued, err := s.ca.Issue(ctx, req)
	if err != nil {
		s.release(e.Reference)
		return nil, err
	}
	return issued, nil
}

// release frees a claim even when the request's context is already cancelled.
func (s *Service) release(ref string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.store.ReleaseEnrollment(ctx, ref)
}

// HashAPIKey is how API keys are stored: SHA-256 (keys are 256-bit random, so a plain
// hash is enough; no password hashing needed).
func HashAPIKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// Authenticate finds the institution of an API key.
func (s *Service) Authenticate(ctx context.Context, apiKey string) (model.Institution, error) {
	if apiKey == "" {
		return model.Institution{}, errs.New(errs.Unauthenticated, "no API key")
	}
	inst, err := s.store.InstitutionByAPIKeyHash(ctx, HashAPIKey(apiKey))
	if errors.Is(err, store.ErrNotFound) {
		return inst, errs.New(errs.Unauthenticated, "unknown API key")
	}
	return inst, err
}

// StrongSignature reports whether a request's signature algorithm hashes with SHA-256
// or stronger (SHA-1, MD5 and SHA-224 are refused; KOREAN-PKI.md section 6 has
// sha256WithRSAEncryption mandatory since 2012).
func StrongSignature(alg x509.SignatureAlgorithm) bool {
	switch alg {
	case x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA,
		x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS,
		x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512, x509.PureEd25519:
		return true
	}
	return false
}
