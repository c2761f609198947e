package signer

import "crypto"

// Signer is a CA private key: a crypto.Signer that can say, for logs, where it lives.
type Signer interface {
	crypto.Signer
	// Describe names the key's source and algorithm, for example
	// "file /etc/certcenter/ca.key (RSA-2048)" or
	// "pkcs11 token ca-hsm key issuing-2026 (RSA-3072)". It never contains a secret.
	Describe() string
}

// described wraps a crypto.Signer with its description. Embedding the interface (not the
// concrete *rsa.PrivateKey) keeps callers from type-asserting their way to the private
// key, and String makes a stray %v print the description instead of key material.
type described struct {
	crypto.Signer
	desc string
}

func (d *described) Describe() string { return d.desc }
func (d *described) String() string   { return d.desc }
