package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/certcenter/certcenter/client/cmpclient"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/npki"
)

// renew (갱신) replaces a certificate in its renewal window (the 30 days before it
// expires, never after: KOREAN-PKI.md section 2) with a new one for a new key: a CMP
// kur signed with the current key, naming the current certificate (oldCertID). The
// server decides the window; outside it its RENEWAL_WINDOW_NOT_OPEN (or CERT_EXPIRED)
// is shown in the user's language with the date, and nothing is written.
//
// The new key file keeps the current password unless --new-password(-file) is given.
// The new certificate has a new subject folder (its CN carries the issue date and a
// sequence number); it is written next to the old one, in the same NPKI root, and
// confirmed; only then the old folder is removed, as Korean software replaces a renewed
// certificate (--keep-old keeps it: the old certificate stays valid until it expires,
// e.g. to open documents encrypted to it).
func (c *cli) cmdRenew(args []string) error {
	fs := newFlags("renew")
	server := fs.String("server", "", "certcenter server URL (default: the certificate's own, from its AIA)")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	pwFile := fs.String("password-file", "", "file holding the key's password")
	newPw := fs.Bool("new-password", false, "ask for a new password for the new key")
	newPwFile := fs.String("new-password-file", "", "file holding a new password for the new key")
	keepOld := fs.Bool("keep-old", false, "keep the old certificate folder")
	keyFormV := keyFormFlag(fs)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("renew", pos, 1, "SELECTOR"); err != nil {
		return err
	}
	form, err := parseKeyForm(*keyFormV)
	if err != nil {
		return err
	}
	if *newPw && *newPwFile != "" {
		return usageErr(msgNewPwConflict)
	}
	if *pwFile == "-" && *newPwFile == "-" {
		return usageErr(msgStdinTwice)
	}
	e, err := c.loadAndSelect(*npkiDir, pos[0])
	if err != nil {
		return err
	}
	// Refuse what the server would refuse before asking for the password and making a key.
	if err := c.renewable(e.cert); err != nil {
		return err
	}
	srv, err := c.serverFor("renew", e.cert, *server)
	if err != nil {
		return err
	}
	cl, err := c.cmpClient(srv)
	if err != nil {
		return err
	}
	k, pw, err := c.unlock(e, *pwFile)
	if err != nil {
		return err
	}
	defer clear(pw)
	next, existing, clearNew, err := c.nextPassword(pw, *newPw, *newPwFile)
	if err != nil {
		return err
	}
	defer clearNew()
	res, err := c.renewOne(context.Background(), cl, srv, e, k, next, form.options(existing), *keepOld)
	if err != nil {
		return err
	}
	res.Certificate.Index = c.indexOf(*npkiDir, res.Folder)
	if *asJSON {
		return writeJSON(c.stdout, res)
	}
	fmt.Fprintln(c.stdout, c.lang.tr(msgRenewedInto, res.OldSerial, res.Certificate.Serial, res.Folder))
	switch {
	case res.OldRemoved:
		fmt.Fprintln(c.stdout, c.lang.tr(msgOldRemoved, res.OldFolder))
	case res.RemoveError != "":
		fmt.Fprintf(c.stderr, "certctl: %s: %s: %s\n", c.lang.tr(msgWarning), c.lang.tr(msgOldNotRemoved, res.OldFolder), res.RemoveError)
	default:
		fmt.Fprintln(c.stdout, c.lang.tr(msgOldKept, res.OldFolder))
	}
	c.numbered(*npkiDir, &res.Certificate)
	c.printSummary(c.stdout, &res.Certificate)
	return nil
}

// renewResult is what renew reports (--json) and auto-renew lists.
type renewResult struct {
	Renewed     bool     `json:"renewed"`
	OldSerial   string   `json:"old_serial"`
	OldFolder   string   `json:"old_folder"`
	OldRemoved  bool     `json:"old_removed"`
	RemoveError string   `json:"remove_error,omitempty"`
	Folder      string   `json:"folder"`
	Server      string   `json:"server"`
	Certificate certView `json:"certificate"`
}

// renewOne renews e, whose decrypted key is k, writing the new key under pw as keyOpts
// say (a new key, so the form --key-form asks, korean by default, not the old file's),
// and removes the old folder unless keepOld.
func (c *cli) renewOne(ctx context.Context, cl *cmpclient.Client, srv string, e *entry, k *npki.PrivateKey, pw []byte, keyOpts *npki.EncryptOptions, keepOld bool) (*renewResult, error) {
	key, err := c.generateKey()
	if err != nil {
		return nil, err
	}
	r, err := drawR()
	if err != nil {
		return nil, err
	}
	stop := c.startSpinner(c.lang.tr(msgAskingServer, srv))
	p, err := cl.Renew(ctx, cmpclient.RenewRequest{Cert: e.cert, Key: k.Key, NewKey: key, RandomNum: r})
	stop()
	if err != nil {
		return nil, c.cmpError(srv, err, e.cert)
	}
	// The new folder goes into the NPKI root that holds the old one (the same drive).
	root := npkiRootOf(e.dir)
	dir, err := c.keepPending(ctx, root, p, key, pw, keyOpts, false, srv)
	if err != nil {
		if ce, ok := err.(*cliError); ok && ce.msg == msgNotConfirmed {
			ce.withHint(msgHintRenewNotKept)
		}
		return nil, err
	}
	c.revocationChanged(e.cert, "") // the old certificate is replaced now: ask again next time
	res := &renewResult{Renewed: true, OldSerial: serialHex(e.cert), OldFolder: e.dir, Folder: dir, Server: srv,
		Certificate: newCertView(&entry{dir: dir, cert: p.Cert, hasKey: true}, c.now(), c.lang)}
	if !keepOld && dir != e.dir {
		if err := removeCertFolder(e.dir, e.cert); err != nil {
			res.RemoveError = err.Error()
		} else {
			res.OldRemoved = true
		}
	}
	return res, nil
}

// renewable refuses, from the certificate alone, a renewal the server would refuse: its
// window (ca.CheckRenewable's rules: from 00:00 KST 30 days before notAfter until
// notAfter) not yet open, the certificate expired, or known to be revoked or suspended.
// The refusal reads as the server's (its code, localized), before any password is asked
// or key made.
func (c *cli) renewable(cert *x509.Certificate) error {
	now := c.now()
	var code errs.Code
	var date string
	switch {
	case now.After(cert.NotAfter):
		code, date = errs.CertExpired, kstDate(cert.NotAfter)
	case now.Before(renewalOpens(cert.NotAfter)):
		code, date = errs.RenewalWindowNotOpen, kstDate(renewalOpens(cert.NotAfter))
	default:
		r := c.knownRevocation(cert)
		switch {
		case r == nil:
			return nil
		case r.Suspended:
			code = errs.CertSuspended
		default:
			code = errs.CertRevoked
		}
	}
	lang := errs.English
	if c.lang == langKO {
		lang = errs.Korean
	}
	t := errs.Localize(errs.New(code, "").With("opens", date).With("date", date), lang)
	e := errf(msgRenewRefusedHere, t.Message, string(code))
	if t.Hint != "" && !placeholderRE.MatchString(t.Hint) {
		e.withHint(msgText, t.Hint)
	}
	return e
}

// npkiRootOf is the NPKI root of a certificate folder <root>/<CA>/USER/<subject>.
func npkiRootOf(dir string) string { return filepath.Dir(filepath.Dir(filepath.Dir(dir))) }

// removeCertFolder removes a certificate folder after checking that it still holds
// cert (nothing else was copied there meanwhile): renamed aside first, so a crash
// leaves either the whole folder or none of it under its name.
func removeCertFolder(dir string, cert *x509.Certificate) error {
	cur, err := readCert(filepath.Join(dir, signCertFile))
	if err != nil {
		return err
	}
	if !cur.Equal(cert) {
		return fmt.Errorf("%s now holds another certificate", dir)
	}
	aside, err := os.MkdirTemp(filepath.Dir(dir), ".npki-old-*")
	if err != nil {
		return err
	}
	os.Remove(aside)
	if err := os.Rename(dir, aside); err != nil {
		return err
	}
	return os.RemoveAll(aside)
}
