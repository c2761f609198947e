package main

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"flag"
	"strings"

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
	case errors.Is(err, npki.ErrIterationsTooHigh):
		return nil, errf(msgKeyIterations, path).wrap(err).withHint(msgHintKeyIterations)
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

// keyForm is how certctl encrypts a key file it writes (--key-form; issue 18 item 1).
type keyForm string

const (
	// keyFormDefault: korean for a new key file (issue, renew, auto-renew, import);
	// the file's own form for a rewrite of the same key (passwd).
	keyFormDefault keyForm = ""
	// keyFormKorean is the form of real signPri.key files, which every Korean program
	// reads: seedCBCWithSHA1, 8-byte salt, 2048 iterations (KOREAN-PKI.md section 4).
	keyFormKorean keyForm = "korean"
	// keyFormStrong is PBES2, PBKDF2-HMAC-SHA256, 100,000 iterations, 16-byte salt,
	// SEED-CBC: about 50 times the guessing work, but Korean programs that follow the
	// real files report a wrong password; certctl and OpenSSL read it.
	keyFormStrong keyForm = "strong"
)

// keyFormFlag adds --key-form to a command that writes key files.
func keyFormFlag(fs *flag.FlagSet) *string {
	return fs.String("key-form", "", "korean (default: what Korean software reads) or strong (PBES2/SHA-256: certctl and OpenSSL only); see certctl help key-form")
}

// parseKeyForm checks --key-form's value.
func parseKeyForm(v string) (keyForm, error) {
	switch f := keyForm(strings.ToLower(strings.TrimSpace(v))); f {
	case keyFormDefault, keyFormKorean, keyFormStrong:
		return f, nil
	}
	return "", usageErr(msgBadKeyForm, v).withHint(msgHintKeyForm)
}

// options are npki's options for a key file written in form f; existing says the
// password is one the user already had (exempt from the policy for new passwords).
func (f keyForm) options(existing bool) *npki.EncryptOptions {
	o := &npki.EncryptOptions{Scheme: npki.SEEDCBCWithSHA1, ExistingPassword: existing}
	if f == keyFormStrong {
		o.Scheme = npki.PBES2
	}
	return o
}

// rewriteOptions are the options for re-encrypting an existing key file (passwd): nil
// keeps the file's own scheme, PRF, iteration count and salt size.
func (f keyForm) rewriteOptions() *npki.EncryptOptions {
	if f == keyFormDefault {
		return nil
	}
	return f.options(false)
}
