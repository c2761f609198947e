// Package signer opens the CA's private keys and hands them out as crypto.Signer values:
// from an encrypted PKCS#8 key file (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC: the form
// `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256` writes) or from a PKCS#11
// token (an HSM in production, SoftHSM2 in tests) through github.com/ThalesGroup/crypto11.
//
// signer owns:
//   - Spec, the description of a key source as it appears in the config file, and Open;
//   - secret references (env:NAME, file:/path) for passphrases and PINs, via ResolveSecret;
//   - the key policy every CA key must meet: RSA of at least 2048 bits (the joint-
//     certificate profile signs sha256WithRSAEncryption, KOREAN-PKI.md section 6), or
//     ECDSA on P-256 or P-384 for keys outside that profile;
//   - creating keys for bootstrap: GenerateFile for a key file, (*HSM).GenerateRSA for a
//     non-extractable key inside a token.
//
// signer deliberately does not:
//   - decide what gets signed. It never builds certificates, CRLs or OCSP responses;
//     that is internal/issuance, the only package allowed to import signer ("one door to
//     the private key", STYLE.md; a go list -deps test enforces it);
//   - accept secrets written inline in configuration. A passphrase or PIN is always a
//     reference, so config files and their backups never hold one (see ResolveSecret);
//   - log, prompt for passwords, or put a secret into an error message. Describe gives a
//     log line that names the key and its algorithm only;
//   - hold key material for PKCS#11 keys: those never leave the token;
//   - keep certificates, rotate keys or know which key is the root and which the
//     issuing CA: callers name the key (a path or a label) and get a Signer back.
//
// Key files are written with 600,000 PBKDF2 iterations (see pkcs8file.go for why) and
// mode 0600, and never overwritten. The PBES2 code itself is npki's; signer only picks
// the parameters and maps npki's errors onto its own.
//
// Every Signer is safe for concurrent use: the file signer is a crypto/rsa or
// crypto/ecdsa key (stateless), and crypto11 draws a PKCS#11 session from a pool for each
// operation.
package signer
