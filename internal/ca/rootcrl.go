package ca

import (
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
)

// RootIssuerID names the root in CRL URLs: the issuing CA's certificate points to
// <base>/crl/root/p0.crl.
const RootIssuerID = "root"

// SignRootCRL signs the root's CRL: the root certifies only the issuing CA, which is
// not revoked while this authority serves, so the list is empty. It is a complete CRL
// without an issuingDistributionPoint: its scope is everything the root issued, the
// root itself included, which is what OpenSSL's whole-chain check (-crl_check_all)
// needs, since the self-signed root names no distribution point of its own. The root key is opened for this
// one signature and closed again: it is otherwise never unlocked (on an HSM, a PIN
// login) while the server runs.
func (a *Authority) SignRootCRL(number int64, thisUpdate, nextUpdate time.Time) ([]byte, error) {
	if a.cfg.RootOffline {
		return nil, ErrRootOffline
	}
	if a.rootRef == "" {
		return nil, errors.New("ca: the store names no root key")
	}
	key, closer, err := a.ks.Open(a.rootRef)
	if err != nil {
		return nil, fmt.Errorf("ca: open the root key for its CRL: %w", err)
	}
	defer closer.Close()
	iss, err := issuance.New(issuance.Config{ID: RootIssuerID, Cert: a.root, Signer: key, Profile: a.prof,
		CertURL: a.cfg.BaseURL + "/pki/root.crt"})
	if err != nil {
		return nil, err
	}
	der, err := iss.SignCRL(issuance.CRLTemplate{Number: number, ThisUpdate: thisUpdate, NextUpdate: nextUpdate,
		Partition: model.FullCRL})
	if err != nil {
		return nil, fmt.Errorf("ca: sign the root CRL: %w", err)
	}
	return der, nil
}
