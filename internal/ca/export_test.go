package ca

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
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

// MisnamedIssuer rebuilds a's issuer around a certificate for the same key whose
// subject carries the country as a UTF8String: every subscriber certificate then names
// its issuer that way, which zlint refuses (e_issuer_dn_country_not_printable_string),
// as it would a misconfigured CA certificate. Drafts still build. For tests only.
func MisnamedIssuer(a *Authority, key crypto.Signer) error {
	utf8 := func(oid asn1.ObjectIdentifier, v string) pkix.RelativeDistinguishedNameSET {
		return pkix.RelativeDistinguishedNameSET{{Type: oid, Value: asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte(v)}}}
	}
	raw, err := asn1.Marshal(pkix.RDNSequence{
		utf8(asn1.ObjectIdentifier{2, 5, 4, 6}, "kr"),
		utf8(asn1.ObjectIdentifier{2, 5, 4, 10}, "certcenter"),
		utf8(asn1.ObjectIdentifier{2, 5, 4, 3}, "Misnamed CA"),
	})
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), RawSubject: raw, NotBefore: a.issuing.NotBefore,
		NotAfter: a.issuing.NotAfter, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, SubjectKeyId: a.issuing.SubjectKeyId}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	iss, err := issuance.New(issuance.Config{ID: a.iss.ID(), Cert: cert, Signer: key, Profile: a.prof})
	if err != nil {
		return err
	}
	a.iss = iss
	return nil
}

// FinisherRunning tells whether a's DER writer runs. For tests only.
func FinisherRunning(a *Authority) bool {
	a.fin.mu.Lock()
	defer a.fin.mu.Unlock()
	return a.fin.running
}
