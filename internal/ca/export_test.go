package ca

import (
	"crypto"
	"errors"
	"io"
	"sync/atomic"

	"github.com/certcenter/certcenter/internal/issuance"
)

// failingSigner is the CA key that refuses to sign while fail is set, as an HSM that
// went away would.
type failingSigner struct {
	crypto.Signer
	fail *atomic.Bool
}

func (s failingSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if s.fail.Load() {
		return nil, errors.New("injected: the CA key is unavailable")
	}
	return s.Signer.Sign(r, digest, opts)
}

// BreakableSigner rebuilds a's issuer around its key so that signing fails while fail
// is set. For tests only.
func BreakableSigner(a *Authority, key crypto.Signer, fail *atomic.Bool) error {
	iss, err := issuance.New(issuance.Config{ID: a.iss.ID(), Cert: a.issuing, Signer: failingSigner{key, fail}, Profile: a.prof})
	if err != nil {
		return err
	}
	a.iss = iss
	return nil
}

// IssuingKey opens the issuing CA's key from the authority's key source. For tests only.
func IssuingKey(a *Authority, ref string) (crypto.Signer, io.Closer, error) { return a.ks.Open(ref) }
