// Package issuance is the one door to the CA private keys (STYLE.md, "One door to the
// private key"). It turns an issuance request into a Korean-profile certificate
// (KOREAN-PKI.md section 6), lints the exact to-be-signed bytes with zlint's RFC 5280
// lints and this package's Korean-profile lints, signs them exactly once with the CA's
// crypto.Signer, and verifies the returned signature against the issuer's public key
// before any bytes leave the package (STYLE.md, "Lint, then sign exactly once").
//
// The flow is Issuer.Prepare (build the TBSCertificate, lint a copy carrying a dummy
// signature: no key involved) then Issuer.Sign (one signature, verify, parse). A
// Prepared is opaque and single-use, so the bytes linted are the bytes signed.
//
// It owns: the subscriber profile (subject RDNs, CN digits, validity aligned to Korea
// time, extensions and their order, policy OIDs), the CA certificate profiles (root,
// issuing CA, delegated OCSP responder), the subscriber key checks, the serial-number
// form, the lint registry, the TBSCertificate encoding, and the KeySource through which
// internal/ca obtains CA keys from internal/signer without importing it. CRL and OCSP
// response signing will come here as well, in the same Prepare/Sign shape (a linted
// TBSCertList, a ResponseData), so that no other package ever holds a CA key.
//
// It deliberately does not: draw or reserve serials, decide renewal windows or
// enrollment rules (internal/ca, internal/center), compute VIDs from identity numbers
// (the caller uses npki.VID; identity numbers never enter this package), store or log
// anything. It has no clock of its own: every time comes from the request.
package issuance
