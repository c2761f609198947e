package main

import (
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/certcenter/certcenter/internal/revcheck"
)

func (c *cli) cmdList(args []string) error {
	fs := newFlags("list")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	asJSON := fs.Bool("json", false, "JSON output")
	check := fs.Bool("check", false, "ask each certificate's OCSP responder (or CRL) whether it is revoked")
	noCache := fs.Bool("no-cache", false, "with --check: do not use or fill the OCSP and certificate cache")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("list", pos, 0, ""); err != nil {
		return err
	}
	roots, err := c.npkiRoots(*npkiDir)
	if err != nil {
		return err
	}
	root := roots[0]
	entries, err := loadAll(roots)
	if err != nil {
		return err
	}
	now := c.now()
	views := make([]listItem, 0, len(entries))
	for _, e := range entries {
		if e.cert == nil {
			views = append(views, listItem{Broken: &brokenView{Index: e.index, Folder: e.dir, Error: e.certErr.Error()}})
			continue
		}
		v := newCertView(e, now, c.lang)
		if *check {
			v.Revocation = c.checkRevocation(e.cert, *noCache)
		} else {
			v.Revocation = c.knownRevocation(e.cert)
		}
		applyRevocation(&v)
		views = append(views, listItem{View: &v})
	}
	if *asJSON {
		out := listJSON{NPKIDir: root, NPKIDirs: roots, Certificates: []certView{}, Unreadable: []brokenView{}}
		for _, v := range views {
			if v.View != nil {
				out.Certificates = append(out.Certificates, *v.View)
			} else {
				out.Unreadable = append(out.Unreadable, *v.Broken)
			}
		}
		return writeJSON(c.stdout, out)
	}
	if len(views) == 0 {
		fmt.Fprintln(c.stdout, c.lang.tr(msgListEmpty, strings.Join(roots, ", ")))
		return nil
	}
	for i, v := range views {
		if i > 0 {
			fmt.Fprintln(c.stdout)
		}
		if v.Broken != nil {
			fmt.Fprintf(c.stdout, "%d. %s\n   %s: %s\n   %s: %s\n", v.Broken.Index, c.lang.tr(msgUnreadable),
				c.lang.tr(msgLabelError), v.Broken.Error, c.lang.tr(msgLabelFolder), v.Broken.Folder)
			continue
		}
		c.printSummary(c.stdout, v.View)
	}
	return nil
}

type listItem struct {
	View   *certView
	Broken *brokenView
}

type listJSON struct {
	NPKIDir      string       `json:"npki_dir"`
	NPKIDirs     []string     `json:"npki_dirs"` // the default folder, then removable drives'
	Certificates []certView   `json:"certificates"`
	Unreadable   []brokenView `json:"unreadable"`
}

// brokenView is a folder whose signCert.der does not parse.
type brokenView struct {
	Index  int    `json:"index"`
	Folder string `json:"folder"`
	Error  string `json:"error"`
}

// numbered sets the list number of a certificate just written (issue, renew, copy), so
// that the summary tells which number selects it; it stays 0 when not found.
func (c *cli) numbered(npkiDir string, v *certView) {
	roots, err := c.npkiRoots(npkiDir)
	if err != nil {
		return
	}
	entries, err := loadAll(roots)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.dir == v.Folder {
			v.Index = e.index
		}
	}
}

// printSummary prints the few lines list shows for one certificate:
//
//  1. HKD — INITECH, yessign — expired
//     personal, banking (1.2.410.200005.1.1.4)
//     serial 459C75
//     valid 2020-02-25 00:00:00 KST to 2020-03-25 23:59:59 KST (expired 2000 days ago)
//     folder /home/u/NPKI/yessign/USER/cn=...
func (c *cli) printSummary(w io.Writer, v *certView) {
	l := c.lang
	number := "-"
	if v.Index > 0 {
		number = fmt.Sprintf("%d.", v.Index)
	}
	fmt.Fprintf(w, "%s %s — %s, %s — %s\n", number, v.Name, c.institutionText(v), v.CA, l.statusText(v.Status))
	fmt.Fprintf(w, "   %s\n", c.kindUsageText(v))
	fmt.Fprintf(w, "   %s %s\n", l.tr(msgLabelSerial), v.Serial)
	fmt.Fprintf(w, "   %s\n", l.tr(msgValidity, kstTime(v.NotBefore), kstTime(v.NotAfter), l.daysText(v)))
	fmt.Fprintf(w, "   %s %s\n", l.tr(msgLabelFolder), v.Folder)
	if r := v.Revocation; r != nil {
		switch r.Status {
		case revGood:
			fmt.Fprintf(w, "   %s\n", l.tr(msgCheckGood, r.Source, r.URL))
		case revRevoked:
			at := ""
			if r.RevokedAt != nil {
				at = kstTime(*r.RevokedAt)
			}
			if r.Suspended {
				fmt.Fprintf(w, "   %s\n", l.tr(msgCheckSuspended, at, r.Source, r.URL))
			} else {
				fmt.Fprintf(w, "   %s\n", l.tr(msgCheckRevoked, at, r.Reason, r.Source, r.URL))
			}
		default:
			fmt.Fprintf(w, "   %s\n", l.tr(msgCheckUnknown, r.OCSPError, r.CRLError))
		}
	}
}

// checkRevocation asks the certificate's CA about it: the issuer comes from the AIA
// caIssuers URL (cached unless noCache), then OCSP with CRL fallback (internal/revcheck).
func (c *cli) checkRevocation(cert *x509.Certificate, noCache bool) *revocationResult {
	f := &revcheck.Checker{HTTP: &http.Client{Timeout: fetchTimeout}, Now: c.now}
	if !noCache {
		f.CacheDir = c.cacheDir()
	}
	return c.checkWith(f, cert)
}

// checkWith finds cert's issuer through f (AIA caIssuers) and asks f about cert.
func (c *cli) checkWith(f *revcheck.Checker, cert *x509.Certificate) *revocationResult {
	issuers, _, err := f.CAIssuers(cert)
	for _, is := range issuers {
		if cert.CheckSignatureFrom(is) == nil {
			r := f.Check(cert, is)
			return &r
		}
	}
	why := "the issuing CA's certificate could not be fetched from the AIA"
	if err != nil {
		why += ": " + err.Error()
	}
	return &revocationResult{Status: revUnknown, OCSPError: why, CRLError: why}
}

// institutionText is the institution OU, with the bank named by the CN's code.
func (c *cli) institutionText(v *certView) string {
	inst := v.Institution
	switch {
	case v.BankName != "" && inst != "":
		return fmt.Sprintf("%s (%s %s)", inst, v.BankName, v.BankCode)
	case v.BankName != "":
		return fmt.Sprintf("%s (%s)", v.BankName, v.BankCode)
	case inst != "":
		return inst
	}
	return c.lang.tr(msgUnknown)
}

func (c *cli) kindUsageText(v *certView) string {
	l := c.lang
	kind, usage := l.tr(msgUnknown), l.tr(msgUnknownPolicy)
	if v.Kind != "" {
		kind = l.kindText(v.Kind)
	}
	if v.Usage != "" {
		usage = l.usageText(v.Usage)
	}
	oid := v.PolicyOID
	if oid == "" {
		oid = l.tr(msgNoPolicy)
	}
	return l.tr(msgKindUsagePolicy, kind, usage, oid)
}
