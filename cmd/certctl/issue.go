package main

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/certcenter/certcenter/client/cmpclient"
)

// issue (발급) gets a first certificate with the reference number and authorization
// code the bank handed out after identity verification (KOREAN-PKI.md sections 2 and
// 7): the new password is asked first (nothing happens on the server if the user gives
// up), the RSA-2048 key and R are made on this device, the CMP ir is protected with the
// code (PBM, the reference number as senderKID), and the answer must be MACed with the
// same code and chain to the root in caPubs, whose fingerprint is shown. The folder is
// written whole before the certConf; see keepPending.
func (c *cli) cmdIssue(args []string) error {
	fs := newFlags("issue")
	server := fs.String("server", "", "certcenter server URL")
	ref := fs.String("ref", "", "reference number (참조번호)")
	code := fs.String("code", "", "authorization code (인가코드)")
	newPwFile := fs.String("new-password-file", "", "file holding the new key password")
	trust := fs.String("trust", "", "the CA root the server must present (PEM or DER)")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	force := fs.Bool("force", false, "replace an existing certificate folder")
	keyFormV := keyFormFlag(fs)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("issue", pos, 0, ""); err != nil {
		return err
	}
	form, err := parseKeyForm(*keyFormV)
	if err != nil {
		return err
	}
	*ref, *code = strings.TrimSpace(*ref), strings.TrimSpace(*code)
	if *ref == "" || *code == "" {
		return usageErr(msgIssueMissingRefCode)
	}
	root, err := c.npkiRoot(*npkiDir)
	if err != nil {
		return err
	}
	srv, err := c.serverFor("issue", nil, *server)
	if err != nil {
		return err
	}
	cl, err := c.cmpClient(srv)
	if err != nil {
		return err
	}
	var pinned *x509.Certificate
	if *trust != "" {
		b, err := readFileLimit(*trust, maxFetched)
		if err != nil {
			return errf(msgReadInput, *trust).wrap(err)
		}
		cs, err := parseCerts(b)
		if err != nil {
			return errf(msgBadTrust, *trust).wrap(err)
		}
		pinned = cs[0]
	}
	pw, err := c.readNewPassword(*newPwFile)
	if err != nil {
		return err
	}
	defer clear(pw)
	key, err := c.generateKey()
	if err != nil {
		return err
	}
	r, err := drawR()
	if err != nil {
		return err
	}
	ctx := context.Background()
	stop := c.startSpinner(c.lang.tr(msgAskingServer, srv))
	p, err := cl.Enroll(ctx, cmpclient.EnrollRequest{Reference: *ref, Code: *code, Key: key, RandomNum: r, TrustedRoot: pinned})
	stop()
	if err != nil {
		return c.cmpError(srv, err, nil)
	}
	dir, err := c.keepPending(ctx, root, p, key, pw, form.options(false), *force, srv)
	if err != nil {
		return err
	}
	if a := serverFromAIA(p.Cert); a != "" && a != strings.TrimRight(srv, "/") {
		fmt.Fprintf(c.stderr, "certctl: %s: %s\n", c.lang.tr(msgWarning), c.lang.tr(msgAIADiffers, a, srv))
	}
	rootCert := p.Chain[len(p.Chain)-1]
	fp := sha256.Sum256(rootCert.Raw)
	view := c.viewOf(*npkiDir, dir, p.Cert)
	if *asJSON {
		rFrom := "device"
		if p.ServerDrewR {
			rFrom = "server"
		}
		return writeJSON(c.stdout, struct {
			Issued      bool     `json:"issued"`
			Folder      string   `json:"folder"`
			Server      string   `json:"server"`
			Root        string   `json:"root"`
			RootSHA256  string   `json:"root_sha256"`
			RandomNumBy string   `json:"random_num_from"`
			Certificate certView `json:"certificate"`
		}{true, dir, srv, dnString(rootCert.RawSubject), hex.EncodeToString(fp[:]), rFrom, view})
	}
	fmt.Fprintln(c.stdout, c.lang.tr(msgIssuedInto, view.Name, dir))
	fmt.Fprintln(c.stdout, c.lang.tr(msgIssuedRoot, dnString(rootCert.RawSubject), fingerprint(fp[:])))
	c.numbered(*npkiDir, &view)
	c.printSummary(c.stdout, &view)
	return nil
}

// fingerprint shows a hash as colon-separated uppercase hex pairs, as certificate
// viewers do.
func fingerprint(b []byte) string {
	h := strings.ToUpper(hex.EncodeToString(b))
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}
