package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/certcenter/certcenter/npki"
)

// vid checks that the certificate's VID was computed from this identity number and
// the R in the key file (KOREAN-PKI.md section 5): what a bank does when it registers
// a certificate from another institution. It prints "match" (exit 0) or "mismatch"
// (exit 1). The identity number is personal data: it is never printed.
func (c *cli) cmdVID(args []string) error {
	fs := newFlags("vid")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	pwFile := fs.String("password-file", "", "file holding the key's password")
	idnFlag := fs.String("idn", "", "resident or business registration number")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("vid", pos, 1, "SELECTOR"); err != nil {
		return err
	}
	if *idnFlag == "" {
		return usageErr(msgMissingIDN)
	}
	idn := strings.ReplaceAll(strings.TrimSpace(*idnFlag), "-", "")
	if !validIDN(idn) {
		return errf(msgBadIDN)
	}
	e, err := c.loadAndSelect(*npkiDir, pos[0])
	if err != nil {
		return err
	}
	id, err := npki.ParseIdentifyDataFromCert(e.cert)
	switch {
	case errors.Is(err, npki.ErrNoIdentifyData):
		return errf(msgNoVID, serialHex(e.cert))
	case err != nil:
		return errf(msgBadVID, serialHex(e.cert)).wrap(err)
	}
	k, pw, err := c.unlock(e, *pwFile)
	if err != nil {
		return err
	}
	defer clear(pw)
	if len(k.RandomNum) == 0 {
		return errf(msgNoRandomNum, e.keyPath())
	}
	ok, err := id.CheckVID(idn, k.RandomNum)
	if err != nil {
		return errf(msgBadVID, serialHex(e.cert)).wrap(err)
	}
	if *asJSON {
		if err := writeJSON(c.stdout, struct {
			Match  bool   `json:"match"`
			Serial string `json:"serial"`
		}{ok, serialHex(e.cert)}); err != nil {
			return err
		}
	} else if ok {
		fmt.Fprintln(c.stdout, "match")
	} else {
		fmt.Fprintln(c.stdout, "mismatch")
	}
	if !ok {
		return errMismatch
	}
	return nil
}

// validIDN accepts a resident (13 digits) or business (10 digits) registration number.
func validIDN(idn string) bool {
	if len(idn) != 13 && len(idn) != 10 {
		return false
	}
	for _, r := range idn {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
