package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/certcenter/certcenter/client"
	"github.com/certcenter/certcenter/client/cmpclient"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/npki"
)

// The CMP commands (issue, renew, revoke, auto-renew) talk to the server's CMP endpoint
// through client/cmpclient (KOREAN-PKI.md section 7). What they share is here: which
// server a certificate belongs to, key generation, storing a new certificate before
// confirming it, and the server's refusals in the user's language.
//
// Which server: --server, else the server named in the certificate itself, else
// $CERTCTL_SERVER. certcenter writes the AIA OCSP URL <base>/ocsp and caIssuers
// <base>/pki/ca.crt into every certificate (internal/issuance), so the base URL of the
// server that issued it travels with the certificate: no extra file is written into
// the NPKI folder, which Korean software shares, and a certificate copied to another
// device (certctl copy, PKCS#12) still knows where to renew.

func init() {
	commands["issue"] = (*cli).cmdIssue
	commands["renew"] = (*cli).cmdRenew
	commands["revoke"] = (*cli).cmdRevoke
	commands["auto-renew"] = (*cli).cmdAutoRenew
}

// serverFromAIA returns the base URL of the server that issued cert, from its AIA OCSP
// URL (<base>/ocsp) or caIssuers URL (<base>/pki/ca.crt); "" when neither is there.
func serverFromAIA(cert *x509.Certificate) string {
	try := func(list []string, suffix string) string {
		for _, u := range list {
			if base, ok := strings.CutSuffix(u, suffix); ok {
				if pu, err := url.Parse(base); err == nil && (pu.Scheme == "http" || pu.Scheme == "https") && pu.Host != "" {
					return base
				}
			}
		}
		return ""
	}
	if b := try(cert.OCSPServer, "/ocsp"); b != "" {
		return b
	}
	return try(cert.IssuingCertificateURL, "/pki/ca.crt")
}

// serverFor picks the server for an operation on cert: flagValue, the certificate's
// AIA, $CERTCTL_SERVER.
func (c *cli) serverFor(cmd string, cert *x509.Certificate, flagValue string) (string, error) {
	switch {
	case flagValue != "":
		return flagValue, nil
	case cert != nil && serverFromAIA(cert) != "":
		return serverFromAIA(cert), nil
	case c.env("CERTCTL_SERVER") != "":
		return c.env("CERTCTL_SERVER"), nil
	case cert != nil:
		return "", usageErr(msgNoServerFor, cmd)
	}
	return "", usageErr(msgMissingServer, cmd)
}

// cmpClient returns a CMP client of server on the command's clock.
func (c *cli) cmpClient(server string) (*cmpclient.Client, error) {
	cl, err := cmpclient.New(server, &cmpclient.Options{Now: c.now, HTTPClient: &http.Client{Timeout: 60 * time.Second}})
	if err != nil {
		return nil, errf(msgBadServer, server)
	}
	return cl, nil
}

// generateKey makes the new RSA-2048 key on this device (KOREAN-PKI.md section 2: only
// the public key travels), with a spinner: it can take a second on a slow machine.
func (c *cli) generateKey() (*rsa.PrivateKey, error) {
	stop := c.startSpinner(c.lang.tr(msgGeneratingKey))
	defer stop()
	return rsa.GenerateKey(rand.Reader, 2048)
}

// drawR draws R (randomNum, 20 bytes) on the device, for the VID (KOREAN-PKI.md section 5).
func drawR() ([]byte, error) {
	r := make([]byte, 20)
	_, err := rand.Read(r)
	return r, err
}

// renewalOpens is the first day a certificate can be renewed: 00:00 KST of the day 30
// days before notAfter (KOREAN-PKI.md section 2; the server's ca.RenewalOpens).
func renewalOpens(notAfter time.Time) time.Time {
	d := notAfter.Add(-30 * 24 * time.Hour).In(kst)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, kst)
}

// confirmTries and confirmPause: a certConf lost on the way is sent again (the server
// answers a repeated certConf), a few times, before the certificate is given up.
const (
	confirmTries = 3
	confirmPause = 500 * time.Millisecond
)

// keepPending stores a certificate the server issued and awaits confirmation for, then
// confirms it, so that what is on disk and what the server keeps agree (RFC 4210
// section 5.3.18):
//   - the key file is encrypted under pw (with R) and read back before anything is written;
//   - the folder is written whole with npki.Write; if that fails, a rejecting certConf
//     makes the server revoke the certificate, and nothing is left on disk;
//   - only then the certConf; if the server never takes it, the new folder is removed
//     (the server revokes unconfirmed certificates after its confirmation wait).
//
// keyOpts say how the key file is encrypted (keyForm.options: the form, and whether pw
// is a password the user already had, renewal keeping it, exempt from the policy check
// for new passwords).
func (c *cli) keepPending(ctx context.Context, root string, p *cmpclient.Pending, key *rsa.PrivateKey, pw []byte, keyOpts *npki.EncryptOptions, overwrite bool, server string) (string, error) {
	reject := func(why string) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		p.Reject(rctx, why)
	}
	keyDER, err := npki.EncryptKeyFile(&npki.PrivateKey{Key: key, RandomNum: p.RandomNum}, pw, keyOpts)
	if err == nil {
		var k2 *npki.PrivateKey
		if k2, err = npki.DecryptKeyFile(keyDER, pw); err == nil && (!keyMatches(k2.Key, p.Cert) || !sameR(k2, &npki.PrivateKey{RandomNum: p.RandomNum})) {
			err = errors.New("the key file did not read back")
		}
	}
	if err != nil {
		reject("the device could not encrypt the key")
		if pe := c.policyError(err); pe != err {
			return "", pe
		}
		return "", errf(msgNotKept, root).wrap(err).withHint(msgHintNotKept)
	}
	dir, _ := npki.CertDir(root, p.Cert)
	_, statErr := os.Lstat(dir)
	existed := statErr == nil
	dir, err = npki.Write(root, npki.Files{SignCert: p.Cert.Raw, SignKey: keyDER}, &npki.WriteOptions{Overwrite: overwrite})
	if err != nil {
		reject("the device could not store the certificate")
		if errors.Is(err, npki.ErrExists) {
			d, _ := npki.CertDir(root, p.Cert)
			return "", errf(msgNotKept, d).wrap(err).withHint(msgHintForce)
		}
		return "", errf(msgNotKept, root).wrap(err).withHint(msgHintNotKept)
	}
	stop := c.startSpinner(c.lang.tr(msgAskingServer, server))
	for i := 0; i < confirmTries; i++ {
		if err = p.Confirm(ctx); err == nil {
			break
		}
		var ne *client.NetError
		if !errors.As(err, &ne) {
			break
		}
		time.Sleep(confirmPause)
	}
	stop()
	if err != nil {
		if !existed {
			os.RemoveAll(dir)
		}
		return "", errf(msgNotConfirmed).wrap(c.cmpError(server, err, nil)).withHint(msgHintNotConfirmed)
	}
	return dir, nil
}

// dateRE finds a date in the server's English texts ("renew from 2027-04-10").
var dateRE = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// knownCodes are the server's error codes, whose texts certctl shows in the user's
// language.
var knownCodes = func() map[errs.Code]bool {
	m := map[errs.Code]bool{}
	for _, c := range errs.Codes() {
		m[c] = true
	}
	return m
}()

// cmpError turns a cmpclient error into a certctl message: a server that cannot be
// reached, an answer that failed its checks, or a refusal with the server's code,
// localized from the code (errs), with the date it names (the renewal window's
// opening, the expiry) taken from the server's text or else from cert.
func (c *cli) cmpError(server string, err error, cert *x509.Certificate) error {
	var ne *client.NetError
	var rej *cmpclient.Rejection
	var ce *cliError
	switch {
	case errors.As(err, &ce):
		return err
	case errors.As(err, &ne):
		return errf(msgServerDown, server).wrap(ne.Err).withHint(msgHintServerDown)
	case errors.Is(err, context.DeadlineExceeded):
		return errf(msgServerDown, server).wrap(err).withHint(msgHintServerDown)
	case errors.As(err, &rej):
		return c.rejectionError(rej, cert)
	case errors.Is(err, cmpclient.ErrBadAnswer):
		return errf(msgCMPBadAnswer, server).wrap(err).withHint(msgHintCMPBadAnswer)
	}
	return err
}

func (c *cli) rejectionError(rej *cmpclient.Rejection, cert *x509.Certificate) error {
	code := errs.Code(rej.Code)
	if !knownCodes[code] {
		text := rej.Message
		if text == "" {
			text = rej.Status.String()
		}
		e := errf(msgServerSaid, text)
		if rej.Hint != "" {
			e.withHint(msgText, rej.Hint)
		}
		return e
	}
	date := dateRE.FindString(rej.Message + " " + rej.Hint)
	if date == "" && cert != nil {
		switch code {
		case errs.RenewalWindowNotOpen:
			date = kstDate(renewalOpens(cert.NotAfter))
		case errs.CertExpired:
			date = kstDate(cert.NotAfter)
		}
	}
	lang := errs.English
	if c.lang == langKO {
		lang = errs.Korean
	}
	// The server's English texts carry the values of the code's placeholders ({remaining}
	// tries, a date): read them back by matching the English template.
	ce := errs.New(code, "")
	for k, v := range placeholderValues(code, rej.Message, rej.Hint) {
		ce = ce.With(k, v)
	}
	if date != "" {
		ce = ce.With("opens", date).With("date", date)
	}
	t := errs.Localize(ce, lang)
	if placeholderRE.MatchString(t.Message) {
		t.Message = rej.Message // a value the server did not send: its own words, whole
	}
	if placeholderRE.MatchString(t.Hint) {
		t.Hint = rej.Hint
	}
	var msg msgID = msgServerRefusedCode
	if !rej.Authenticated && !beforeCodeCheck[code] {
		msg = msgServerRefusedUnauth
	}
	e := errf(msg, t.Message, string(code)) // the localized text says it all: no English cause
	if t.Hint != "" {
		e.withHint(msgText, t.Hint)
	}
	return &codedError{cliError: e, rej: rej}
}

// beforeCodeCheck are the refusals of an issue request that the server answers before it
// could MAC with the authorization code (a wrong code, an unknown, locked, expired or
// used enrollment): they are signed, and without a pinned root (issue --trust) no
// device can authenticate them. That is the ordinary case, not a warning sign, and the
// refusal changes nothing on the device, so it is shown without "could not be
// authenticated" (cmpclient's package doc).
var beforeCodeCheck = map[errs.Code]bool{
	errs.AuthCodeInvalid: true, errs.EnrollmentNotFound: true, errs.EnrollmentLocked: true,
	errs.EnrollmentExpired: true, errs.EnrollmentUsed: true, errs.EnrollmentBusy: true,
	errs.RateLimited: true, // too many wrong codes from this device: refused before any MAC
}

// placeholderRE finds the {name} placeholders of errs texts.
var placeholderRE = regexp.MustCompile(`\{[a-z]+\}`)

// placeholderValues reads the values of code's placeholders from the server's English
// message and hint (internal/cmphttp sends errs' English texts, filled): each English
// template becomes a pattern with a group per placeholder.
func placeholderValues(code errs.Code, message, hint string) map[string]string {
	out := map[string]string{}
	d := errs.Lookup(code)
	for _, p := range [][2]string{{d.En.Message, message}, {d.En.Hint, hint}} {
		tmpl, got := p[0], p[1]
		names := placeholderRE.FindAllString(tmpl, -1)
		if len(names) == 0 || got == "" {
			continue
		}
		re, err := regexp.Compile(quotedPlaceholders(tmpl))
		if err != nil {
			continue
		}
		m := re.FindStringSubmatch(got)
		if m == nil {
			continue
		}
		for i, n := range names {
			out[strings.Trim(n, "{}")] = m[i+1]
		}
	}
	return out
}

// quotedPlaceholders is the regular expression of an errs template: its text literal,
// each {name} a lazy group.
func quotedPlaceholders(tmpl string) string {
	var b strings.Builder
	b.WriteString("^")
	rest := tmpl
	for {
		loc := placeholderRE.FindStringIndex(rest)
		if loc == nil {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:loc[0]]))
		b.WriteString("(.+?)")
		rest = rest[loc[1]:]
	}
	b.WriteString("$")
	return b.String()
}

// codedError is a refusal shown localized that still unwraps to the *cmpclient.Rejection,
// so auto-renew can tell "already renewed" from a failure.
type codedError struct {
	*cliError
	rej *cmpclient.Rejection
}

func (e *codedError) Unwrap() []error { return []error{e.cliError, e.rej} }

// viewOf describes the certificate now in dir, numbered as list numbers it.
func (c *cli) viewOf(npkiDir, dir string, cert *x509.Certificate) certView {
	v := newCertView(&entry{dir: dir, cert: cert, hasKey: true}, c.now(), c.lang)
	v.Index = c.indexOf(npkiDir, dir)
	return v
}

// indexOf is the list number of the certificate folder dir, 0 when not found.
func (c *cli) indexOf(npkiDir, dir string) int {
	roots, err := c.npkiRoots(npkiDir)
	if err != nil {
		return 0
	}
	all, err := loadAll(roots)
	if err != nil {
		return 0
	}
	for _, x := range all {
		if x.dir == dir {
			return x.index
		}
	}
	return 0
}
