package ca

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
)

// ErrRootOffline: the root key is kept off the servers, so no node signs the root's
// CRL; it is signed on the offline machine (SignRootCRLOffline, `certcenter root crl`)
// and imported (CheckRootCRL, `certcenter root import-crl`).
var ErrRootOffline = errors.New(`ca: the root key is offline (keys.root = "offline"): sign the root's CRL with certcenter root crl on the offline machine and import it with certcenter root import-crl`)

// RootOffline reports whether the root key is kept offline.
func (a *Authority) RootOffline() bool { return a.cfg.RootOffline }

// SignRootCRLOffline signs a root CRL with the root key alone, on the machine that
// keeps it: no store, no running authority. The CRL is the one SignRootCRL makes
// (complete, empty: the root certifies only the issuing CA, which is not revoked),
// numbered by its thisUpdate in seconds so that no counter has to travel with the key.
func SignRootCRLOffline(cfg Config, ks KeySource, keyRef string, rootDER []byte, thisUpdate, nextUpdate time.Time) ([]byte, error) {
	root, err := x509.ParseCertificate(rootDER)
	if err != nil {
		return nil, fmt.Errorf("ca: root certificate: %w", err)
	}
	prof, err := cfg.profile()
	if err != nil {
		return nil, err
	}
	key, closer, err := ks.Open(keyRef)
	if err != nil {
		return nil, fmt.Errorf("ca: open the root key: %w", err)
	}
	defer closer.Close()
	iss, err := issuance.New(rootIssuer(cfg, prof, nil, root, key))
	if err != nil {
		return nil, fmt.Errorf("ca: the root key and certificate: %w", err)
	}
	this, next := thisUpdate.UTC().Truncate(time.Second), nextUpdate.UTC().Truncate(time.Second)
	if !next.After(this) {
		return nil, errors.New("ca: the root CRL's nextUpdate must be after its thisUpdate")
	}
	return iss.SignCRL(issuance.CRLTemplate{Number: this.Unix(), ThisUpdate: this, NextUpdate: next, Partition: model.FullCRL})
}

// CheckRootCRL checks that der is a CRL signed by the root and still current at now,
// and returns it as the store keeps it.
func CheckRootCRL(rootDER, der []byte, now time.Time) (model.CRL, error) {
	root, err := x509.ParseCertificate(rootDER)
	if err != nil {
		return model.CRL{}, fmt.Errorf("ca: root certificate: %w", err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return model.CRL{}, fmt.Errorf("ca: not a CRL: %w", err)
	}
	if err := crl.CheckSignatureFrom(root); err != nil {
		return model.CRL{}, fmt.Errorf("ca: the CRL is not signed by this root (%s): %w", root.Subject, err)
	}
	if crl.Number == nil || !crl.Number.IsInt64() {
		return model.CRL{}, errors.New("ca: the CRL has no usable cRLNumber")
	}
	if !now.Before(crl.NextUpdate) {
		return model.CRL{}, fmt.Errorf("ca: the CRL expired at %s", crl.NextUpdate.Format(time.RFC3339))
	}
	return model.CRL{IssuerID: RootIssuerID, Partition: 0, Number: crl.Number.Int64(),
		ThisUpdate: crl.ThisUpdate, NextUpdate: crl.NextUpdate, DER: der}, nil
}
