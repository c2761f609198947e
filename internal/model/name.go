package model

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
)

// SubjectString and IssuerString render a certificate's names in RFC 4514 form from
// their encoded RDNs. pkix.Name.String, which Go's x509 offers, rebuilds the RDNs from
// the parsed attributes and merges the two OUs of a Korean subject into one
// multi-valued RDN ("OU=personal4IB+OU=DEMOBANK"); the certificate has them as two
// RDNs (KOREAN-PKI.md section 6), which this shows: "...,OU=DEMOBANK,OU=personal4IB,...".
func SubjectString(c *x509.Certificate) string { return nameString(c.RawSubject, c.Subject.String()) }

// IssuerString is SubjectString for the issuer.
func IssuerString(c *x509.Certificate) string { return nameString(c.RawIssuer, c.Issuer.String()) }

func nameString(raw []byte, fallback string) string {
	var seq pkix.RDNSequence
	if rest, err := asn1.Unmarshal(raw, &seq); err != nil || len(rest) > 0 {
		return fallback
	}
	return seq.String()
}
