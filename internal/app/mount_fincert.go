package app

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/kek"
	"github.com/certcenter/certcenter/internal/model"
)

// mountFinCert mounts the financial certificate (issue 15): its key-encryption key and
// pepper from the configured key source, the service, and its routes under /fincert/v1/.
func (a *App) mountFinCert(ctx context.Context) error {
	keys, err := a.finCertKeys()
	if err != nil {
		return fmt.Errorf("financial certificate key source: %w", err)
	}
	a.FinCert = cloudcert.New(cloudcert.Config{
		Store: a.Store, Center: a.Center, Authority: a.CA, Keys: keys, Seal: a.Seal,
		Notifier: a.notifier, Identity: a.verifiedIDN, Now: a.Now, Log: a.Log,
	})
	a.API.MountFinCert(a.FinCert)
	return nil
}

// finCertKeys opens the KEK and pepper beside the CA keys: in the same token with
// PKCS#11 (separate AES and HMAC keys, never the CA key), or derived from the CA key
// files' passphrase with the file source, where they are exactly as safe as the CA key.
func (a *App) finCertKeys() (cloudcert.KeySource, error) {
	switch a.Cfg.Keys.Source {
	case "pkcs11":
		pin, err := ResolveSecret(a.Cfg.Keys.PKCS11.PIN)
		if err != nil {
			return nil, err
		}
		p, err := kek.OpenPKCS11(kek.PKCS11Config{Module: a.Cfg.Keys.PKCS11.Module, TokenLabel: a.Cfg.Keys.PKCS11.TokenLabel, PIN: string(pin)})
		clear(pin)
		if err != nil {
			return nil, err
		}
		a.closers = append(a.closers, p)
		return p, nil
	default:
		ref := a.Cfg.Keys.Passphrase
		if ref == "" {
			ref = "file:" + filepath.Join(a.Cfg.DataDir, "ca-passphrase") // written by keySource on first start
		}
		secret, err := ResolveSecret(ref)
		if err != nil {
			return nil, err
		}
		defer clear(secret)
		return kek.NewFile(secret)
	}
}

// verifiedIDN resolves a completed identity verification at inst to the customer's
// identity number, for a PIN reset: the verification must be verified and recent.
func (a *App) verifiedIDN(ctx context.Context, inst model.Institution, verificationID string) (string, error) {
	if a.Desk == nil {
		return "", errs.New(errs.Forbidden, "the certificate desk is not mounted")
	}
	v, err := a.Desk.Verification(ctx, inst, verificationID)
	if err != nil {
		return "", err
	}
	if v.Status != string(model.VerificationVerified) || v.VerifiedAt == nil || a.Now().Sub(*v.VerifiedAt) >= center.VerifiedUsableFor {
		return "", errs.New(errs.VerificationNotUsable, "verification %s is %s", v.ID, v.Status)
	}
	c, err := a.Desk.Customer(ctx, inst, v.CustomerID)
	if err != nil {
		return "", err
	}
	return c.IDN, nil
}
