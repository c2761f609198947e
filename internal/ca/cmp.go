package ca

import "crypto/x509"

// CMP protection (RFC 4210 section 5.1.3.3). The authority's CMP identity is the issuing
// CA itself: responses to kur, rr and to requests whose MAC could not be checked are
// signed with the issuing CA key, and the issuing CA certificate goes first in
// extraCerts. A client that trusts the root (openssl cmp -trusted root.pem) verifies
// them with no extra certificate to distribute, rotate or revoke; RFC 4210 lets a CA
// protect its messages with its own key. The key is reached only through
// issuance.Issuer.SignCMP, which refuses anything that is not a CMP ProtectedPart.

// CMPCertificate is the certificate whose key signs CMP responses (the issuing CA's).
func (a *Authority) CMPCertificate() *x509.Certificate { return a.issuing }

// RootCertificate is the root CA certificate, for caPubs and extraCerts.
func (a *Authority) RootCertificate() *x509.Certificate { return a.root }

// CMPAlgorithm is the DER AlgorithmIdentifier of SignCMP's signatures, to write into
// the header's protectionAlg before encoding the ProtectedPart.
func (a *Authority) CMPAlgorithm() []byte { return a.iss.CMPAlgorithm() }

// SignCMP signs a CMP ProtectedPart with the CMP identity's key. Anything else is
// refused (issuance.ErrNotProtectedPart).
func (a *Authority) SignCMP(protectedPart []byte) ([]byte, error) {
	return a.iss.SignCMP(protectedPart)
}
