package ca

import (
	"context"
	"crypto"
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
	nb, na := issuance.ValidityFrom(now, rootYears)
	rootDER, err := issuance.SelfSignRoot(rootKey, issuance.CARequest{
		Serial:    NewSerial(),
		Subject:   issuance.CAName("KR", "KISA", "Korea Certification Authority Central", cfg.RootName),
		NotBefore: nb, NotAfter: na,
	}, linter)
	if err != nil {
		return nil, fmt.Errorf("ca: root certificate: %w", err)
	}
	root, err := ParseCertificate(rootDER)
	if err != nil {
		return nil, err
	}
	rootIss, err := issuance.New(issuance.Config{ID: "root", Cert: root, Signer: rootKey, Profile: prof,
		CertURL: cfg.BaseURL + "/pki/root.crt", Linter: linter})
	if err != nil {
		return nil, err
	}

	issuingRef, issuingKey, err := gen("issuing")
	if err != nil {
		return nil, err
	}
	nb, na = issuance.ValidityFrom(now, issuingYears)
	issuingDER, err := rootIss.IssueIntermediate(issuance.CARequest{
		Serial:    NewSerial(),
		Subject:   issuance.CAName("kr", cfg.Organization, "AccreditedCA", cfg.IssuingName),
		PublicKey: issuingKey.Public(), NotBefore: nb, NotAfter: na,
	})
	if err != nil {
		return nil, fmt.Errorf("ca: issuing CA certificate: %w", err)
	}
	issuing, err := ParseCertificate(issuingDER)
	if err != nil {
		return nil, err
	}
	issuingIss, err := issuance.New(issuance.Config{ID: "issuing", Cert: issuing, Signer: issuingKey, Profile: prof, Linter: linter})
	if err != nil {
		return nil, err
	}

	ocspRef, ocspKey, err := gen("ocsp")
	if err != nil {
		return nil, err
	}
	nb, na = issuance.ValidityFrom(now, ocspYears)
	ocspDER, err := issuingIss.IssueOCSPResponder(issuance.CARequest{
		Serial:    NewSerial(),
		Subject:   issuance.CAName("kr", cfg.Organization, "AccreditedCA", cfg.IssuingName+" OCSP"),
		PublicKey: ocspKey.Public(), NotBefore: nb, NotAfter: na,
	})
	if err != nil {
		return nil, fmt.Errorf("ca: OCSP responder certificate: %w", err)
	}
	return []model.Authority{
		{ID: "root", Role: model.RoleRoot, CertDER: rootDER, KeyRef: rootRef, CreatedAt: now},
		{ID: "issuing", Role: model.RoleIssuing, CertDER: issuingDER, KeyRef: issuingRef, CreatedAt: now},
		{ID: "ocsp", Role: model.RoleOCSP, CertDER: ocspDER, KeyRef: ocspRef, CreatedAt: now},
	}, nil
}

// DiscardBootstrap removes the keys of a bootstrap attempt that was not stored.
func DiscardBootstrap(ks KeySource, group string) error { return ks.Discard(group) }
