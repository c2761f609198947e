package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/certcenter/certcenter/npki"
)

// passwd re-encrypts signPri.key under a new password. npki.ChangePassword keeps the
// decrypted PrivateKeyInfo byte for byte, so R and every attribute survive, and the
// new file uses the old one's scheme so the software that read it still does (salt
// size included), unless --key-form asks for another (korean turns a strong-form key
// file of an earlier certctl into what Korean software reads). A
// key-management key (kmPri.key) beside it shares the password, as Korean software
// keeps them: it is re-encrypted too, and both new files are checked before either
// replaces its old one.
func (c *cli) cmdPasswd(args []string) error {
	fs := newFlags("passwd")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	pwFile := fs.String("password-file", "", "file holding the current password")
	newPwFile := fs.String("new-password-file", "", "file holding the new password")
	keyFormV := keyFormFlag(fs)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("passwd", pos, 1, "SELECTOR"); err != nil {
		return err
	}
	form, err := parseKeyForm(*keyFormV)
	if err != nil {
		return err
	}
	if *pwFile == "-" && *newPwFile == "-" {
		return usageErr(msgStdinTwice)
	}
	e, err := c.loadAndSelect(*npkiDir, pos[0])
	if err != nil {
		return err
	}
	der, err := readKeyFile(e)
	if err != nil {
		return err
	}
	old, err := c.readPassword(*pwFile, msgPromptPassword, displayName(e.cert.Subject.CommonName))
	if err != nil {
		return err
	}
	defer clear(old)
	// Check the current password before asking for a new one.
	k, err := decryptKey(der, old, e.keyPath(), e.cert)
	if err != nil {
		return err
	}
	pw, err := c.readNewPassword(*newPwFile)
	if err != nil {
		return err
	}
	defer clear(pw)
	out, err := npki.ChangePassword(der, old, pw, form.rewriteOptions())
	if err != nil {
		if pe := c.policyError(err); pe != err {
			return pe
		}
		return errf(msgEncryptKey).wrap(err)
	}
	// Read the new file back before it replaces the old one.
	k2, err := npki.DecryptKeyFile(out, pw)
	if err != nil || !sameR(k, k2) || !keyMatches(k2.Key, e.cert) {
		return errf(msgVerifyFailed, e.keyPath())
	}
	kmPath := filepath.Join(e.dir, npki.KMKeyFile)
	var kmOut []byte
	if kmDER, err := readFileLimit(kmPath, maxCertFile); err == nil {
		if kmOut, err = npki.ChangePassword(kmDER, old, pw, form.rewriteOptions()); err != nil {
			return errf(msgEncryptKey).wrap(fmt.Errorf("%s: %w", kmPath, err))
		}
		if _, err := npki.DecryptKeyFile(kmOut, pw); err != nil {
			return errf(msgVerifyFailed, kmPath)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return errf(msgWriteFile, kmPath).wrap(err)
	}
	if err := replaceFile(e.keyPath(), out, 0o600, true); err != nil {
		return errf(msgWriteFile, e.keyPath()).wrap(err)
	}
	if kmOut != nil {
		if err := replaceFile(kmPath, kmOut, 0o600, true); err != nil {
			return errf(msgWriteFile, kmPath).wrap(err)
		}
	}
	if *asJSON {
		return writeJSON(c.stdout, struct {
			Changed bool   `json:"changed"`
			KeyFile string `json:"key_file"`
			Serial  string `json:"serial"`
		}{true, e.keyPath(), serialHex(e.cert)})
	}
	fmt.Fprintln(c.stdout, c.lang.tr(msgPasswordChanged, e.keyPath()))
	return nil
}
