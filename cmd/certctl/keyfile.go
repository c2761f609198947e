package main

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"

	"github.com/certcenter/certcenter/npki"
)

// maxKeyFile bounds signPri.key: real ones are about 1.3 KiB.
const maxKeyFile = 64 << 10

// readKeyFile reads the entry's signPri.key.
func readKeyFile(e *entry) ([]byte, error) {
	if !e.hasKey {
		return nil, errf(msgNoKeyFile, e.dir)
	}
	der, err := readFileLimit(e.keyPath(), maxKeyFile)
	if err != nil {
		return nil, errf(msgReadKeyFile, e.keyPath()).wrap(err)
	}
	return der, nil
}

// decryptKey decrypts a key file, telling a wrong password from a damaged file, and
// checks that the key belongs to cert.
func decryptKey(der, password []byte, path string, cert *x509.Certificate) (*npki.PrivateKey, error) {
	k, err := npki.DecryptKeyFile(der, password)
	switch {
	case errors.Is(err, npki.ErrWrongPassword):
		return nil, errf(msgWrongPassword, path).withHint(msgHintWrongPassword)
	case err != nil:
		return nil, errf(msgBadKeyFile, path).wrap(err).withHint(msgHintBadKeyFile)
	}
	if cert != nil && !keyMatches(k.Key, cert) {
		return nil, errf(msgKeyMismatch, path)
	}
	return k, nil
}

// keyMatches reports whether key is the private half of cert's public key.
func keyMatches(key crypto.Signer, cert *x509.Certificate) bool {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}

// sameR reports whether two keys carry the same R (both none counts as same).
func sameR(a, b *npki.PrivateKey) bool { return bytes.Equal(a.RandomNum, b.RandomNum) }

// unlock reads e's key file and decrypts it with the password asked for at the
// terminal (or read from pwFile). The caller clears the returned password when done.
func (c *cli) unlock(e *entry, pwFile string) (*npki.PrivateKey, []byte, error) {
	der, err := readKeyFile(e)
	if err != nil {
		return nil, nil, err
	}
	pw, err := c.readPassword(pwFile, msgPromptPassword, displayName(e.cert.Subject.CommonName))
	if err != nil {
		return nil, nil, err
	}
	k, err := decryptKey(der, pw, e.keyPath(), e.cert)
	if err != nil {
		clear(pw)
		return nil, nil, err
	}
	return k, pw, nil
}

// nextPassword is the password a rewritten key goes under: the current one, unless a
// new one is asked for (--new-password or --new-password-file), which must pass the
// policy. existing reports that it is the current one (already accepted once). When
// the password is new, clearNew clears it; otherwise it does nothing.
func (c *cli) nextPassword(current []byte, askNew bool, newPwFile string) (pw []byte, existing bool, clearNew func(), err error) {
	if !askNew && newPwFile == "" {
		return current, true, func() {}, nil
	}
	pw, err = c.readNewPassword(newPwFile)
	if err != nil {
		return nil, false, func() {}, err
	}
	return pw, false, func() { clear(pw) }, nil
}
