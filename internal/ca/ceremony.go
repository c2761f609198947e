package ca

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
)

// The key ceremony (issue 17, item 8): with keys.root = "offline" the root key is
// never on a server, not even at the first start.
//
//	offline machine            server
//	NewRoot                    RequestIssuing: the issuing key and its PKCS#10 request
//	SignIssuing (the request)  ->
//	SignRootCRLOffline         InstallIssuing: checks, then the OCSP responder; stored
//
// The profiles are the first start's (bootstrap.go): one code path makes the root, the
// issuing CA's certificate and the responder's, whether the root key is online or not.

// OfflineKeyRef is the key reference stored for a root whose key was never on the
// servers (made by NewRoot on the offline machine): no node can open it.
const OfflineKeyRef = "offline"

// errRootKeyOffline is why a node cannot open OfflineKeyRef (CheckKeys).
var errRootKeyOffline = errors.New(`the root key was made offline (certcenter root init) and is not on any server: set keys.root = "offline"`)

// NewRoot makes the root key at keyRef ("file:/path", encrypted under ks's passphrase,
// or "pkcs11:LABEL" in ks's token), never replacing one, and the self-signed root
// certificate, the one the first start makes. It runs on the offline machine.
func NewRoot(cfg Config, ks KeySource, keyRef string) ([]byte, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if _, err := cfg.profile(); err != nil {
		return nil, err
	}
	linter, err := issuance.NewLinter()
	if err != nil {
		return nil, err
	}
	key, closer, err := ks.Create(keyRef, issuance.CAKeyBits)
	if issuance.IsKeyExists(err) {
		return nil, errs.Wrap(errs.RootKeyExists, err, "root key %s", keyRef)
	}
	if err != nil {
		return nil, fmt.Errorf("ca: generate the root key: %w", err)
	}
	defer closer.Close()
	return selfSignRoot(cfg, cfg.Now(), key, linter)
}

// IssuingRequest is an issuing CA key made on a server and awaiting the certificate
// the offline root makes for it.
type IssuingRequest struct {
	Group  string // the key group (bootstrap id) of the key and of the OCSP key to come
	KeyRef string
	CSR    []byte // PKCS#10, DER
}

// RequestIssuing makes the issuing CA's key in ks under group, where the first start
// makes it, and its PKCS#10 request with the issuing CA's name.
func RequestIssuing(cfg Config, ks KeySource, group string) (IssuingRequest, error) {
	ref, key, closer, err := ks.Generate(group, "issuing", issuance.CAKeyBits)
	if err != nil {
		return IssuingRequest{}, fmt.Errorf("ca: generate the issuing CA key: %w", err)
	}
	defer closer.Close()
	csr, err := issuance.CreateCSR(key, issuingName(cfg))
	if err != nil {
		return IssuingRequest{}, fmt.Errorf("ca: issuing CA request: %w", err)
	}
	return IssuingRequest{Group: group, KeyRef: ref, CSR: csr}, nil
}

// SignIssuing signs an issuing CA request with the root, on the offline machine: the
// request's signature must verify (with SHA-256 or better), its key must be a CA key
// and its subject the issuing CA layout (C=kr, O, OU=AccreditedCA, CN); the key at
// rootKeyRef must be rootDER's. The certificate is the first start's: issuingYears from
// now, the CRL DP and AIA of cfg.BaseURL.
func SignIssuing(cfg Config, ks KeySource, rootKeyRef string, rootDER, csrDER []byte) ([]byte, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	now := cfg.Now()
	root, err := checkRoot(rootDER, now)
	if err != nil {
		return nil, err
	}
	csr, subject, err := checkIssuingCSR(csrDER)
	if err != nil {
		return nil, err
	}
	prof, err := cfg.profile()
	if err != nil {
		return nil, err
	}
	linter, err := issuance.NewLinter()
	if err != nil {
		return nil, err
	}
	key, closer, err := ks.Open(rootKeyRef)
	if err != nil {
		return nil, fmt.Errorf("ca: open the root key: %w", err)
	}
	defer closer.Close()
	if !publicKeyEqual(key.Public(), root.PublicKey) {
		return nil, errs.New(errs.RootKeyMismatch, "%s is not the key of %s", rootKeyRef, root.Subject)
	}
	return signIssuing(cfg, prof, linter, root, key, subject, csr.PublicKey, now)
}

// checkIssuingCSR parses and checks an issuing CA request and returns it with its
// subject rebuilt in the issuing CA layout (which must encode to the request's bytes).
func checkIssuingCSR(der []byte) (*x509.CertificateRequest, issuance.DN, error) {
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, nil, errs.Wrap(errs.CACSRInvalid, err, "not a PKCS#10 request")
	}
	switch csr.SignatureAlgorithm {
	case x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA, x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512:
	default:
		return nil, nil, errs.New(errs.CACSRInvalid, "signed with %s; certcenter ca request signs with SHA-256 or better", csr.SignatureAlgorithm)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, nil, errs.Wrap(errs.CACSRSignatureInvalid, err, "the request's signature does not verify")
	}
	if err := issuance.CheckCAKey(csr.PublicKey); err != nil {
		return nil, nil, errs.Wrap(errs.CACSRInvalid, err, "the requested key cannot be a CA key")
	}
	s := csr.Subject
	if len(s.Country) != 1 || len(s.Organization) != 1 || len(s.OrganizationalUnit) != 1 || s.CommonName == "" {
		return nil, nil, errs.New(errs.CACSRInvalid, "subject %q is not an issuing CA name (C=kr, O=..., OU=AccreditedCA, CN=...)", s)
	}
	dn := issuance.CAName("kr", s.Organization[0], "AccreditedCA", s.CommonName)
	raw, err := dn.Marshal()
	if err != nil || !bytes.Equal(raw, csr.RawSubject) {
		return nil, nil, errs.New(errs.CACSRInvalid, "subject %q is not an issuing CA name as the profile writes it (C=kr, O=..., OU=AccreditedCA, CN=...)", s)
	}
	return csr, dn, nil
}

// checkRoot parses a root certificate and checks that it is a self-signed CA
// certificate valid at now.
func checkRoot(der []byte, now time.Time) (*x509.Certificate, error) {
	root, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, errs.Wrap(errs.RootCertInvalid, err, "not a certificate")
	}
	if !root.IsCA || root.KeyUsage&x509.KeyUsageCertSign == 0 || !bytes.Equal(root.RawIssuer, root.RawSubject) {
		return nil, errs.New(errs.RootCertInvalid, "%s is not a self-signed CA certificate", root.Subject)
	}
	if err := root.CheckSignatureFrom(root); err != nil {
		return nil, errs.Wrap(errs.RootCertInvalid, err, "%s does not verify with its own key", root.Subject)
	}
	if now.Before(root.NotBefore) || now.After(root.NotAfter) {
		return nil, errs.New(errs.RootCertInvalid, "%s is valid from %s to %s", root.Subject,
			root.NotBefore.UTC().Format(time.RFC3339), root.NotAfter.UTC().Format(time.RFC3339))
	}
	return root, nil
}

// InstallIssuing checks the issuing CA certificate the offline root made for req, on
// the server, and completes the authority: certDER must be for req's key (opened in
// ks), with req's subject, signed by rootDER, with the issuing CA profile of cfg (its
// BaseURL in the CRL DP and AIA), valid now. The OCSP responder's key is then made
// under req.Group and certified by the issuing CA. The root's key reference is
// OfflineKeyRef. Nothing is stored: the caller stores the result as a bootstrap.
func InstallIssuing(cfg Config, ks KeySource, req IssuingRequest, certDER, rootDER []byte) ([]model.Authority, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	now := cfg.Now()
	root, err := checkRoot(rootDER, now)
	if err != nil {
		return nil, err
	}
	csr, err := x509.ParseCertificateRequest(req.CSR)
	if err != nil {
		return nil, fmt.Errorf("ca: the pending request: %w", err)
	}
	prof, err := cfg.profile()
	if err != nil {
		return nil, err
	}
	linter, err := issuance.NewLinter()
	if err != nil {
		return nil, err
	}
	// The key first: a certificate for another key is the likeliest mix-up.
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, errs.Wrap(errs.CACertProfile, err, "not a certificate")
	}
	if !publicKeyEqual(cert.PublicKey, csr.PublicKey) {
		return nil, errs.New(errs.CACertWrongKey, "%s certifies another key than the one requested here (%s)", cert.Subject, req.KeyRef)
	}
	if _, err := issuance.CheckIntermediate(rootIssuer(cfg, prof, linter, root, nil), certDER); err != nil {
		switch {
		case errors.Is(err, issuance.ErrNotIssuedBy):
			return nil, errs.Wrap(errs.CACertNotByRoot, err, "%s is not signed by the root %s", cert.Subject, root.Subject)
		case errors.Is(err, issuance.ErrProfile), errors.Is(err, issuance.ErrLint):
			return nil, errs.Wrap(errs.CACertProfile, err, "%s", cert.Subject)
		}
		return nil, err
	}
	if !bytes.Equal(cert.RawSubject, csr.RawSubject) {
		return nil, errs.New(errs.CACertProfile, "subject %s, but %s was requested", cert.Subject, csr.Subject)
	}
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		when := "valid from " + cert.NotBefore.UTC().Format(time.RFC3339) + " to " + cert.NotAfter.UTC().Format(time.RFC3339)
		return nil, errs.New(errs.CACertExpired, "%s is %s; now is %s", cert.Subject, when, now.UTC().Format(time.RFC3339)).With("when", when)
	}
	// The pending key is really here and is the certificate's.
	issuingKey, closer, err := ks.Open(req.KeyRef)
	if err != nil {
		return nil, fmt.Errorf("ca: open the requested issuing CA key %s: %w", req.KeyRef, err)
	}
	defer closer.Close()
	if !publicKeyEqual(issuingKey.Public(), cert.PublicKey) {
		return nil, errs.New(errs.CACertWrongKey, "the key %s is not the certificate's", req.KeyRef)
	}
	ocspRef, ocspKey, ocspCloser, err := ks.Generate(req.Group, "ocsp", issuance.CAKeyBits)
	if issuance.IsKeyExists(err) {
		// An import that failed after this step (its transaction did not commit) left
		// the responder's key of this request's group: it is used, not replaced.
		ocspRef = ks.Ref(req.Group, "ocsp")
		ocspKey, ocspCloser, err = ks.Open(ocspRef)
	}
	if err != nil {
		return nil, fmt.Errorf("ca: the OCSP responder key: %w", err)
	}
	defer ocspCloser.Close()
	ocspDER, err := signOCSPResponder(cfg, prof, linter, certDER, issuingKey, ocspKey.Public(), now)
	if err != nil {
		return nil, err
	}
	return []model.Authority{
		{ID: "root", Role: model.RoleRoot, CertDER: root.Raw, KeyRef: OfflineKeyRef, CreatedAt: now},
		{ID: "issuing", Role: model.RoleIssuing, CertDER: certDER, KeyRef: req.KeyRef, CreatedAt: now},
		{ID: "ocsp", Role: model.RoleOCSP, CertDER: ocspDER, KeyRef: ocspRef, CreatedAt: now},
	}, nil
}

func publicKeyEqual(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}
