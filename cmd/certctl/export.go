package main

import (
	"errors"
	"fmt"

	"github.com/certcenter/certcenter/npki"
)

// export writes a certificate and its key as PKCS#12: the Korean form (3DES key bag,
// SHA-1 MAC) that Korean software imports, or with --modern OpenSSL 3's default
// (AES-256, SHA-256 MAC). R travels inside the key bag. The file is protected with the
// key's password unless a new one is given, and is written whole or not at all.
func (c *cli) cmdExport(args []string) error {
	fs := newFlags("export")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	out := fs.String("out", "", "PKCS#12 file to write")
	modern := fs.Bool("modern", false, "AES-256 and SHA-256 (OpenSSL 3's default) instead of the Korean form")
	force := fs.Bool("force", false, "overwrite the output file")
	pwFile := fs.String("password-file", "", "file holding the key's password")
	newPw := fs.Bool("new-password", false, "protect the PFX with a new password, asked at the prompt")
	newPwFile := fs.String("new-password-file", "", "file holding a new password for the PFX")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("export", pos, 1, "SELECTOR"); err != nil {
		return err
	}
	switch {
	case *out == "":
		return usageErr(msgMissingOut)
	case *newPw && *newPwFile != "":
		return usageErr(msgNewPwConflict)
	case *pwFile == "-" && *newPwFile == "-":
		return usageErr(msgStdinTwice)
	}
	if !*force && fileExists(*out) {
		return errf(msgOutExists, *out).withHint(msgHintForce)
	}
	e, err := c.loadAndSelect(*npkiDir, pos[0])
	if err != nil {
		return err
	}
	k, pw, err := c.unlock(e, *pwFile)
	if err != nil {
		return err
	}
	defer clear(pw)
	pfxPw, existing, clearNew, err := c.nextPassword(pw, *newPw, *newPwFile)
	if err != nil {
		return err
	}
	defer clearNew()
	opts := &npki.PFXOptions{ExistingPassword: existing}
	if *modern {
		opts.Form = npki.PFXModern
	}
	data, err := npki.EncodePFX(k, e.cert, nil, pfxPw, opts)
	if err != nil {
		if pe := c.policyError(err); pe != err {
			return pe
		}
		return errf(msgEncodePFX).wrap(err)
	}
	// Read it back before anyone else can.
	if p, err := npki.DecodePFX(data, pfxPw); err != nil || !sameR(p.Key, k) || !p.Cert.Equal(e.cert) {
		return errf(msgVerifyFailed, *out)
	}
	if err := replaceFile(*out, data, 0o600, *force); err != nil {
		if errors.Is(err, errFileExists) {
			return errf(msgOutExists, *out).withHint(msgHintForce)
		}
		return errf(msgWriteFile, *out).wrap(err)
	}
	if *asJSON {
		form := "korean"
		if *modern {
			form = "modern"
		}
		return writeJSON(c.stdout, struct {
			Out    string `json:"out"`
			Serial string `json:"serial"`
			Form   string `json:"form"`
		}{*out, serialHex(e.cert), form})
	}
	fmt.Fprintln(c.stdout, c.lang.tr(msgExported, *out))
	return nil
}
