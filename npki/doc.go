// Package npki reads and writes the files Korean certificate software keeps on a user's
// device: signPri.key (PKCS#8 encrypted with SEED, PBES1 or PBES2), the randomNum (R)
// attribute inside the private key, the identity hash (VID) bound into certificates,
// NPKI folders, and PKCS#12 in the Korean form. Facts: KOREAN-PKI.md sections 3 to 5.
//
// Files, one concern each: seed.go (the SEED-128 cipher, RFC 4269), pbe.go (PBKDF1,
// PBKDF2 and the PKCS#12 KDF, limits, error values), pkcs8.go (EncryptedPrivateKeyInfo:
// DecryptPKCS8, EncryptPKCS8), keyinfo.go (PrivateKeyInfo with R and attributes),
// keyfile.go (DecryptKeyFile, EncryptKeyFile, ChangePassword), password.go (the policy
// for new passwords), pkcs12.go (DecodePFX, EncodePFX), folder.go (NPKI folders), vid.go
// (VID and kisa-identifyData).
//
// npki is a pure codec: bytes in, structs out. It does no network or database I/O and
// touches only the files and folders it is handed. It does not prompt for passwords and
// never logs them or puts them in errors. Decoders refuse inputs over fixed sizes and
// iteration counts over MaxIterations before doing any work, and are fuzzed.
//
// It deliberately does not: validate certificate chains or revocation, issue anything,
// sign, or hold keys longer than the caller does.
package npki
