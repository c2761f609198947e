package ca

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"time"

	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
)

// Lifetimes of the authority's own certificates. The root outlives the issuing CA,
// which outlives every subscriber certificate it can issue (one year plus the renewal
// window), so no chain ever ends before its leaf.
const (
	rootYears    = 20
	issuingYears = 10
	ocspYears    = 2
)

// Bootstrap creates the authority's keys and certificates: a root (the KISA role), an
// issuing CA (the yessign role) signed by it, and a delegated OCSP responder certified
// by the issuing CA. Keys are created in the key source under the group id, so that an
// attempt that is never stored can be discarded (DiscardBootstrap). Nothing is stored
// here: the caller stores the result in one transaction.
func Bootstrap(ctx context.Context, cfg Config, ks KeySource, group string) ([]model.Authority, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	now := cfg.Now()
	prof, err := cfg.profile()
	if err != nil {
		return nil, err
	}
	linter, err := issuance.NewLinter()
	if err != nil {
		return nil, err
	}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	gen := func(name string) (string, crypto.Signer, error) {
		ref, s, c, err := ks.Generate(group, name, issuance.CAKeyBits)
		if err != nil {
			return "", nil, fmt.Errorf("ca: generate %s key: %w", name, err)
		}
		closers = append(closers, c)
		return ref, s, nil
	}

	rootRef, rootKey, err := gen("root")
	if err != nil {
		return nil, err
	}
	rootDER, err := selfSignRoot(cfg, now, rootKey, linter)
	if err != nil {
		return nil, err
	}
	root, err := ParseCertificate(rootDER)
	if err != nil {
		return nil, err
	}
	issuingRef, issuingKey, err := gen("issuing")
	if err != nil {
		return nil, err
	}
	issuingDER, err := signIssuing(cfg, prof, linter, root, rootKey, issuingName(cfg), issuingKey.Public(), now)
	if err != nil {
		return nil, err
	}
	ocspRef, ocspKey, err := gen("ocsp")
	if err != nil {
		return nil, err
	}
	ocspDER, err := signOCSPResponder(cfg, prof, linter, issuingDER, issuingKey, ocspKey.Public(), now)
	if err != nil {
		return nil, err
	}
	return []model.Authority{
		{ID: "root", Role: model.RoleRoot, CertDER: rootDER, KeyRef: rootRef, CreatedAt: now},
		{ID: "issuing", Role: model.RoleIssuing, CertDER: issuingDER, KeyRef: issuingRef, CreatedAt: now},
		{ID: "ocsp", Role: model.RoleOCSP, CertDER: ocspDER, KeyRef: ocspRef, CreatedAt: now},
	}, nil
}

// DiscardBootstrap removes the keys of a bootstrap attempt that was not stored.
func DiscardBootstrap(ks KeySource, group string) error { return ks.Discard(group) }

// The names of the authority's certificates: the layouts of KISA and yessign
// (KOREAN-PKI.md section 6).
func rootName(cfg Config) issuance.DN {
	return issuance.CAName("KR", "KISA", "Korea Certification Authority Central", cfg.RootName)
}

func issuingName(cfg Config) issuance.DN {
	return issuance.CAName("kr", cfg.Organization, "AccreditedCA", cfg.IssuingName)
}

// rootIssuer is the root as an issuance.Issuer: what signs the issuing CA's certificate
// and the root's CRL, at the first start and on the offline machine alike. A nil key
// makes the configuration for issuance.CheckIntermediate.
func rootIssuer(cfg Config, prof issuance.Profile, linter *issuance.Linter, root *x509.Certificate, key crypto.Signer) issuance.Config {
	return issuance.Config{ID: RootIssuerID, Cert: root, Signer: key, Profile: prof,
		CertURL: cfg.BaseURL + "/pki/root.crt", Linter: linter}
}

// selfSignRoot makes the root certificate (the KISA role), valid rootYears from now.
func selfSignRoot(cfg Config, now time.Time, key crypto.Signer, linter *issuance.Linter) ([]byte, error) {
	nb, na := issuance.ValidityFrom(now, rootYears)
	der, err := issuance.SelfSignRoot(key, issuance.CARequest{
		Serial: NewSerial(), Subject: rootName(cfg), NotBefore: nb, NotAfter: na,
	}, linter)
	if err != nil {
		return nil, fmt.Errorf("ca: root certificate: %w", err)
	}
	return der, nil
}

// signIssuing has the root certify an issuing CA key (the yessign role), valid
// issuingYears from now: the profile of issuance.IssueIntermediate.
func signIssuing(cfg Config, prof issuance.Profile, linter *issuance.Linter, root *x509.Certificate, rootKey crypto.Signer, subject issuance.DN, pub crypto.PublicKey, now time.Time) ([]byte, error) {
	rootIss, err := issuance.New(rootIssuer(cfg, prof, linter, root, rootKey))
	if err != nil {
		return nil, err
	}
	nb, na := issuance.ValidityFrom(now, issuingYears)
	der, err := rootIss.IssueIntermediate(issuance.CARequest{
		Serial: NewSerial(), Subject: subject, PublicKey: pub, NotBefore: nb, NotAfter: na,
	})
	if err != nil {
		return nil, fmt.Errorf("ca: issuing CA certificate: %w", err)
	}
	return der, nil
}

// signOCSPResponder has the issuing CA certify its delegated OCSP responder's key.
func signOCSPResponder(cfg Config, prof issuance.Profile, linter *issuance.Linter, issuingDER []byte, issuingKey crypto.Signer, pub crypto.PublicKey, now time.Time) ([]byte, error) {
	issuing, err := ParseCertificate(issuingDER)
	if err != nil {
		return nil, err
	}
	iss, err := issuance.New(issuance.Config{ID: "issuing", Cert: issuing, Signer: issuingKey, Profile: prof, Linter: linter})
	if err != nil {
		return nil, err
	}
	nb, na := issuance.ValidityFrom(now, ocspYears)
	der, err := iss.IssueOCSPResponder(issuance.CARequest{
		Serial:    NewSerial(),
		Subject:   issuance.CAName("kr", cfg.Organization, "AccreditedCA", cfg.IssuingName+" OCSP"),
		PublicKey: pub, NotBefore: nb, NotAfter: na,
	})
	if err != nil {
		return nil, fmt.Errorf("ca: OCSP responder certificate: %w", err)
	}
	return der, nil
}
