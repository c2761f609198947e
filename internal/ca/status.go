package ca

import (
	"crypto"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/certcenter/certcenter/internal/issuance"
)

// What the revocation services need from the authority: CRLs signed with the issuing
// CA key and OCSP responses signed with the delegated responder key, both through
// internal/issuance (the one door to the keys). internal/revocation uses these names
// and never imports issuance.
type (
	CRLTemplate  = issuance.CRLTemplate
	CRLEntry     = issuance.CRLEntry
	OCSPTemplate = issuance.OCSPTemplate
	OCSPSingle   = issuance.OCSPSingle
	OCSPStatus   = issuance.OCSPStatus
)

// OCSP certificate statuses (RFC 6960 section 4.2.1).
const (
	OCSPGood    = issuance.OCSPGood
	OCSPRevoked = issuance.OCSPRevoked
	OCSPUnknown = issuance.OCSPUnknown
)

// statusKeys holds the OCSP responder, opened on first use: a server that never
// answers OCSP never opens (or unlocks, on an HSM) the responder key.
type statusKeys struct {
	open func() (crypto.Signer, io.Closer, error) // set by Open when the store has a responder

	mu     sync.Mutex
	resp   *issuance.Responder
	closer io.Closer
}

func (s *statusKeys) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closer == nil {
		return nil
	}
	err := s.closer.Close()
	s.closer, s.resp = nil, nil
	return err
}

// IssuerID is the Authority.ID of the issuing CA, named in CRL URLs.
func (a *Authority) IssuerID() string { return a.iss.ID() }

// Partitions is the number of CRL partitions new certificates are spread over.
func (a *Authority) Partitions() int { return a.cfg.Partitions }

// CRLURL is the URL of a CRL partition, as written in the certificates of it.
func (a *Authority) CRLURL(partition int) string { return a.iss.CRLURL(partition) }

// OCSPResponderDER is the delegated OCSP responder certificate, nil when the store
// has none.
func (a *Authority) OCSPResponderDER() []byte {
	if a.ocsp == nil {
		return nil
	}
	return a.ocsp.Raw
}

// SignCRL signs a CRL of the issuing CA (see issuance.Issuer.SignCRL).
func (a *Authority) SignCRL(t CRLTemplate) ([]byte, error) {
	der, err := a.iss.SignCRL(t)
	if err != nil {
		return nil, fmt.Errorf("ca: sign CRL partition %d: %w", t.Partition, err)
	}
	return der, nil
}

// SignOCSP signs an OCSP response with the delegated responder key (see
// issuance.Responder.SignOCSP), opening the key on first use.
func (a *Authority) SignOCSP(t OCSPTemplate) ([]byte, error) {
	r, err := a.responder()
	if err != nil {
		return nil, err
	}
	der, err := r.SignOCSP(t)
	if err != nil {
		return nil, fmt.Errorf("ca: sign OCSP response: %w", err)
	}
	return der, nil
}

func (a *Authority) responder() (*issuance.Responder, error) {
	s := &a.status
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.resp != nil {
		return s.resp, nil
	}
	if a.ocsp == nil || s.open == nil {
		return nil, errors.New("ca: the store has no OCSP responder certificate")
	}
	key, closer, err := s.open()
	if err != nil {
		return nil, fmt.Errorf("ca: open the OCSP responder key: %w", err)
	}
	r, err := issuance.NewResponder(issuance.ResponderConfig{Cert: a.ocsp, Issuer: a.issuing, Signer: key})
	if err != nil {
		if closer != nil {
			closer.Close()
		}
		return nil, err
	}
	s.resp, s.closer = r, closer
	return r, nil
}
