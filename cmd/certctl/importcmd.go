package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/certcenter/certcenter/npki"
)

// maxPFXFile bounds what import reads: a certificate and key are a few KiB.
const maxPFXFile = 1 << 20

// import stores a PKCS#12 file's certificate and key in the NPKI folder as
// signCert.der and signPri.key, the key file under the PFX's own password (the user
// knows it; it may predate the policy) and keeping R. npki.Write makes the folder
// appear whole or not at all.
func (c *cli) cmdImport(args []string) error {
	fs := newFlags("import")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	pwFile := fs.String("password-file", "", "file holding the PFX password")
	force := fs.Bool("force", false, "replace an existing certificate folder")
	// --legacy asked for seedCBCWithSHA1 when the default was PBES2; it is the default
	// now, and the flag stays for the scripts that use it.
	legacy := fs.Bool("legacy", false, "same as --key-form korean (the default)")
	keyFormV := keyFormFlag(fs)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("import", pos, 1, "FILE.pfx"); err != nil {
		return err
	}
	form, err := parseKeyForm(*keyFormV)
	if err != nil {
		return err
	}
	if *legacy {
		if form == keyFormStrong {
			return usageErr(msgBadKeyForm, "strong --legacy").withHint(msgHintKeyForm)
		}
		form = keyFormKorean
	}
	path := pos[0]
	root, err := c.npkiRoot(*npkiDir)
	if err != nil {
		return err
	}
	data, err := readFileLimit(path, maxPFXFile)
	if err != nil {
		return errf(msgReadPFX, path).wrap(err)
	}
	pw, err := c.readPassword(*pwFile, msgPromptPFXPassword, filepath.Base(path))
	if err != nil {
		return err
	}
	defer clear(pw)
	pfx, err := npki.DecodePFX(data, pw)
	switch {
	case errors.Is(err, npki.ErrWrongPassword):
		return errf(msgWrongPFXPassword, path)
	case errors.Is(err, npki.ErrIterationsTooHigh):
		return errf(msgPFXIterations, path).wrap(err).withHint(msgHintPFXIterations)
	case err != nil:
		return errf(msgBadPFX, path).wrap(err)
	}
	if len(pfx.Key.RandomNum) == 0 {
		fmt.Fprintf(c.stderr, "certctl: %s: %s\n", c.lang.tr(msgWarning), c.lang.tr(msgPFXNoR, path))
	}
	keyDER, err := npki.EncryptKeyFile(pfx.Key, pw, form.options(true))
	if err != nil {
		return errf(msgEncryptKey).wrap(err)
	}
	// Read the key file back before it goes to disk.
	if k, err := npki.DecryptKeyFile(keyDER, pw); err != nil || !sameR(k, pfx.Key) || !keyMatches(k.Key, pfx.Cert) {
		return errf(msgVerifyFailed, root)
	}
	dir, err := npki.Write(root, npki.Files{SignCert: pfx.Cert.Raw, SignKey: keyDER}, &npki.WriteOptions{Overwrite: *force})
	switch {
	case errors.Is(err, npki.ErrExists):
		d, _ := npki.CertDir(root, pfx.Cert)
		return errf(msgFolderExists, d).withHint(msgHintForce)
	case err != nil:
		return errf(msgWriteFile, root).wrap(err)
	}
	entries, err := loadEntries(root)
	if err != nil {
		return err
	}
	e := &entry{dir: dir, cert: pfx.Cert, hasKey: true}
	for _, x := range entries {
		if x.dir == dir {
			e = x
		}
	}
	v := newCertView(e, c.now(), c.lang)
	if *asJSON {
		return writeJSON(c.stdout, v)
	}
	fmt.Fprintln(c.stdout, c.lang.tr(msgImported, dir))
	c.printSummary(c.stdout, &v)
	return nil
}
