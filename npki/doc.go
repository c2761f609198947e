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
// (VID and kisa-identifyData), rc2.go (RC2, to read legacy PKCS#12 certificate bags),
// ber.go (BER to DER for PKCS#12 files written with indefinite lengths).
//
// npki is a pure codec: bytes in, structs out. It does no network or database I/O and
// touches only the files and folders it is handed. It does not prompt for passwords and
// never logs them or puts them in errors. Decoders refuse inputs over fixed sizes and
// iteration counts over MaxPBKDF1Iterations, MaxPBKDF2Iterations or MaxPKCS12Iterations
// before doing any work, and are fuzzed. Encoders write what Korean software reads by
// default: seedCBCWithSHA1 key files, 1024-iteration PKCS#12 (KOREAN-PKI.md section 4).
//
// It deliberately does not: validate certificate chains or revocation, issue anything,
// sign, or hold keys longer than the caller does.
package npki
