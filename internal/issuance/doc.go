// Package issuance is the one door to the CA private keys (STYLE.md, "One door to the
// private key"). It turns an issuance request into a Korean-profile certificate
// (KOREAN-PKI.md section 6), lints the exact to-be-signed bytes with zlint's RFC 5280
// lints and this package's Korean-profile lints, signs them exactly once with the CA's
// crypto.Signer, and verifies the returned signature against the issuer's public key
// before any bytes leave the package (STYLE.md, "Lint, then sign exactly once").
//
// It owns: the subscriber profile (subject RDNs, CN digits, validity alignment to Korea
// time, extensions and their order, policy OIDs), the CA certificate profiles (root,
// issuing CA, delegated OCSP responder), subscriber key checks, serial-number form, the
// lint registry, and the TBSCertificate encoding. It will also own CRL and OCSP response
// signing (the same Prepare/Sign shape), so that no other package holds a CA key.
//
// It deliberately does not: load keys (internal/signer hands it a crypto.Signer), draw
// serials or reserve them (internal/ca), compute VIDs from identity numbers (the caller
// uses npki.VID; identity numbers never enter this package), decide renewal windows or
// enrollment rules (internal/ca, internal/center), store anything, or log. It has no
// clock of its own: every time comes from the request.
package issuance
