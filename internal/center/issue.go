package center

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// IssueWithCode redeems an enrollment with its reference number and authorization code
// and issues a certificate for pub. R (randomNum) may be nil: the authority draws it.
func (s *Service) IssueWithCode(ctx context.Context, ref, code string, pub crypto.PublicKey, r []byte) (*ca.Issued, error) {
	red, err := s.Redeem(ctx, ref, code)
	if err != nil {
		return nil, err
	}
	return s.IssueRedeemed(ctx, red, pub, r)
}

// IssueRedeemed issues the certificate of a claimed enrollment. On failure the claim is
// released so the customer can try again with the same code.
func (s *Service) IssueRedeemed(ctx context.Context, red *Redeemed, pub crypto.PublicKey, r []byte) (*ca.Issued, error) {
	e := red.Enrollment
	inst, err := s.institution(ctx, e.InstitutionCode)
	if err != nil {
		s.release(e.Reference)
		return nil, err
	}
	req := ca.IssueRequest{
		Institution: inst, EnrollmentRef: e.Reference, Name: e.Name, IDN: red.IDN,
		Kind: e.Kind, Usage: e.Usage, PublicKey: pub, RandomNum: r, Actor: "subscriber", ConfirmBy: red.ConfirmBy,
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
