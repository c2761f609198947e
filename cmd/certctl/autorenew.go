package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/client/cmpclient"
	"github.com/certcenter/certcenter/internal/errs"
)

// auto-renew is renew for every certificate of the NPKI roots whose renewal window is
// open (ca.CheckRenewable's rules: from 00:00 KST 30 days before notAfter until notAfter),
// for a cron job or a systemd timer. Each certificate goes to its own server, named in
// its AIA, or to --server; certificates whose AIA names none (from another CA) are
// listed and left alone, $CERTCTL_SERVER is not used for them. All keys are opened with
// one password (--password-file, read once; at a terminal it is asked for each
// certificate) and the new keys keep it. It reports every certificate (renewed, not
// due, failed) and exits 2 when any renewal failed, after the others were tried.
func (c *cli) cmdAutoRenew(args []string) error {
	fs := newFlags("auto-renew")
	server := fs.String("server", "", "certcenter server URL for every certificate (default: each certificate's own)")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	pwFile := fs.String("password-file", "", "file holding the keys' password")
	keepOld := fs.Bool("keep-old", false, "keep the old certificate folders")
	keyFormV := keyFormFlag(fs)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("auto-renew", pos, 0, ""); err != nil {
		return err
	}
	form, err := parseKeyForm(*keyFormV)
	if err != nil {
		return err
	}
	roots, err := c.npkiRoots(*npkiDir)
	if err != nil {
		return err
	}
	entries, err := loadAll(roots)
	if err != nil {
		return err
	}
	var shared []byte
	if *pwFile != "" {
		if shared, err = c.readSecretFile(*pwFile); err != nil {
			return err
		}
		defer clear(shared)
	}
	rep := autoReport{Renewed: []*renewResult{}, NotDue: []autoItem{}, Failed: []autoItem{}, NotRenewable: []autoItem{}}
	now := c.now()
	ctx := context.Background()
	for _, e := range entries {
		it := autoItem{Folder: e.dir}
		if e.cert == nil {
			it.Reason = c.lang.tr(msgAutoUnreadable)
			rep.NotDue = append(rep.NotDue, it)
			continue
		}
		it.Serial, it.Name = serialHex(e.cert), displayName(e.cert.Subject.CommonName)
		if r := c.knownRevocation(e.cert); r != nil {
			// Known revoked or suspended (certctl revoke, a cached OCSP answer): never
			// "not due", whatever its dates.
			it.Reason = c.notRenewableReason(r.Suspended)
			rep.NotRenewable = append(rep.NotRenewable, it)
			continue
		}
		opens := renewalOpens(e.cert.NotAfter)
		switch {
		case now.After(e.cert.NotAfter):
			it.Reason = c.lang.tr(msgAutoExpired, kstDate(e.cert.NotAfter))
			rep.NotDue = append(rep.NotDue, it)
			continue
		case now.Before(opens):
			it.Reason, it.Opens = c.lang.tr(msgAutoNotDue, kstDate(opens)), &opens
			rep.NotDue = append(rep.NotDue, it)
			continue
		case *server == "" && serverFromAIA(e.cert) == "":
			// Not a certificate of a certcenter server (e.g. one from another CA): not
			// ours to renew every night.
			it.Reason = c.lang.tr(msgAutoNoServer)
			rep.NotDue = append(rep.NotDue, it)
			continue
		case !e.hasKey:
			it.Error = c.lang.tr(msgAutoNoKey)
			rep.Failed = append(rep.Failed, it)
			continue
		}
		res, err := c.autoRenewOne(ctx, e, *server, shared, form, *keepOld)
		if err != nil {
			if isRejection(err, errs.CertReplaced) {
				it.Reason = c.lang.tr(msgAutoReplaced)
				rep.NotDue = append(rep.NotDue, it)
				continue
			}
			if isRejection(err, errs.CertRevoked) || isRejection(err, errs.CertSuspended) {
				it.Reason = c.notRenewableReason(isRejection(err, errs.CertSuspended))
				it.Code = string(errs.CertRevoked)
				if isRejection(err, errs.CertSuspended) {
					it.Code = string(errs.CertSuspended)
				}
				rep.NotRenewable = append(rep.NotRenewable, it)
				continue
			}
			it.Error = renderError(err, c.lang)
			var rej *cmpclient.Rejection
			if errors.As(err, &rej) {
				it.Code = rej.Code
			}
			rep.Failed = append(rep.Failed, it)
			continue
		}
		rep.Renewed = append(rep.Renewed, res)
	}
	if *asJSON {
		if err := writeJSON(c.stdout, rep); err != nil {
			return err
		}
	} else {
		for _, r := range rep.Renewed {
			fmt.Fprintln(c.stdout, c.lang.tr(msgAutoRenewed, r.Certificate.Name, r.OldSerial, r.Certificate.Serial, r.Folder))
		}
		for _, it := range rep.NotDue {
			fmt.Fprintln(c.stdout, c.lang.tr(msgAutoSkipped, it.Name, it.Serial, it.Reason))
		}
		for _, it := range rep.NotRenewable {
			fmt.Fprintln(c.stdout, c.lang.tr(msgAutoNotRenewable, it.Name, it.Serial, it.Reason))
		}
		for _, it := range rep.Failed {
			fmt.Fprintln(c.stdout, c.lang.tr(msgAutoFailed, it.Name, it.Serial, it.Error))
		}
		if n := len(rep.NotRenewable); n > 0 {
			fmt.Fprintln(c.stdout, c.lang.tr(msgAutoSummaryNotRenewable, len(rep.Renewed), len(rep.Failed), len(rep.NotDue), n))
		} else {
			fmt.Fprintln(c.stdout, c.lang.tr(msgAutoSummary, len(rep.Renewed), len(rep.Failed), len(rep.NotDue)))
		}
	}
	if n := len(rep.Failed); n > 0 {
		return errf(msgAutoFailures, n, n+len(rep.Renewed))
	}
	return nil
}

type autoReport struct {
	Renewed []*renewResult `json:"renewed"`
	NotDue  []autoItem     `json:"not_due"`
	Failed  []autoItem     `json:"failed"`
	// NotRenewable: revoked or suspended, known here or from the server's refusal.
	NotRenewable []autoItem `json:"not_renewable"`
}

// notRenewableReason says why a revoked or suspended certificate is not renewed.
func (c *cli) notRenewableReason(suspended bool) string {
	if suspended {
		return c.lang.tr(msgAutoSuspended)
	}
	return c.lang.tr(msgAutoRevoked)
}

type autoItem struct {
	Serial string     `json:"serial,omitempty"`
	Name   string     `json:"name,omitempty"`
	Folder string     `json:"folder"`
	Reason string     `json:"reason,omitempty"`
	Opens  *time.Time `json:"renewal_opens,omitempty"`
	Error  string     `json:"error,omitempty"`
	Code   string     `json:"code,omitempty"` // the server's error code, when it refused
}

// autoRenewOne renews one certificate whose window is open.
func (c *cli) autoRenewOne(ctx context.Context, e *entry, server string, shared []byte, form keyForm, keepOld bool) (*renewResult, error) {
	srv, err := c.serverFor("auto-renew", e.cert, server)
	if err != nil {
		return nil, err
	}
	cl, err := c.cmpClient(srv)
	if err != nil {
		return nil, err
	}
	der, err := readKeyFile(e)
	if err != nil {
		return nil, err
	}
	pw := shared
	if pw == nil {
		if pw, err = c.readPassword("", msgPromptPassword, displayName(e.cert.Subject.CommonName)); err != nil {
			return nil, err
		}
		defer clear(pw)
	}
	k, err := decryptKey(der, pw, e.keyPath(), e.cert)
	if err != nil {
		return nil, err
	}
	return c.renewOne(ctx, cl, srv, e, k, pw, form.options(true), keepOld)
}

func isRejection(err error, code errs.Code) bool {
	var rej *cmpclient.Rejection
	return errors.As(err, &rej) && rej.Code == string(code)
}

// renderError is an error as printError shows it, on one line.
func renderError(err error, l lang) string {
	var ce *cliError
	if errors.As(err, &ce) {
		s := ce.render(l)
		if ce.hint != "" {
			s += " (" + l.tr(ce.hint, ce.hintArgs...) + ")"
		}
		return s
	}
	return err.Error()
}
