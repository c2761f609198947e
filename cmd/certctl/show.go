package main

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

func (c *cli) cmdShow(args []string) error {
	fs := newFlags("show")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("show", pos, 1, "SELECTOR"); err != nil {
		return err
	}
	e, err := c.loadAndSelect(*npkiDir, pos[0])
	if err != nil {
		return err
	}
	v := newCertView(e, c.now(), c.lang)
	v.Revocation = c.knownRevocation(e.cert) // as list: never "valid" when known revoked
	applyRevocation(&v)
	v.addDetails(e.cert)
	if e.hasKey {
		v.KeyFileInfo = keyFileScheme(e.keyPath())
	}
	if *asJSON {
		return writeJSON(c.stdout, v)
	}
	c.printDetails(&v)
	return nil
}

func (c *cli) printDetails(v *certView) {
	l, w := c.lang, c.stdout
	row := func(label msgID, value string) { fmt.Fprintf(w, "%s %s\n", padRight(l.tr(label)+":", 15), value) }
	row(msgLabelName, v.Name)
	row(msgLabelSubject, v.Subject)
	row(msgLabelIssuer, v.Issuer)
	row(msgLabelInstitution, c.institutionText(v))
	row(msgLabelCA, v.CA)
	row(msgLabelKindUsage, c.kindUsageText(v))
	row(msgLabelSerial, v.Serial)
	row(msgLabelValidFrom, kstTime(v.NotBefore))
	row(msgLabelValidTo, kstTime(v.NotAfter))
	row(msgLabelStatus, l.statusText(v.Status)+" ("+l.daysText(v)+")")
	switch {
	case v.VID == nil || !v.VID.Present && v.VID.Error == "":
		row(msgLabelVID, l.tr(msgVIDAbsent))
	case v.VID.Error != "":
		row(msgLabelVID, l.tr(msgVIDBroken, v.VID.Error))
	default:
		row(msgLabelVID, l.tr(msgVIDPresent, v.VID.RealName, v.VID.HashAlg))
	}
	key := l.tr(msgNo)
	if v.KeyFile {
		key = l.tr(msgYes)
		if v.KeyFileInfo != "" {
			key += " (" + v.KeyFileInfo + ")"
		}
	}
	row(msgLabelKeyFile, key)
	if v.KMPair {
		row(msgLabelKMPair, l.tr(msgYes))
	}
	row(msgLabelSHA256, v.SHA256)
	row(msgLabelFolder, v.Folder)
}

// keyFileScheme names how signPri.key is encrypted, read from its algorithm
// identifier without the password; "" when it cannot tell.
func keyFileScheme(path string) string {
	der, err := readFileLimit(path, 64<<10)
	if err != nil {
		return ""
	}
	s, err := npkiKeyScheme(der)
	if err != nil {
		return ""
	}
	return s
}

var keySchemes = map[string]string{
	"1.2.410.200004.1.15":     "seedCBCWithSHA1",
	"1.2.410.200004.1.4":      "seedCBC",
	"1.2.840.113549.1.5.13":   "PBES2",
	"1.2.840.113549.1.12.1.3": "pbeWithSHA1And3-KeyTripleDES-CBC",
	// PBES2 encryption schemes.
	"2.16.840.1.101.3.4.1.2":  "AES-128-CBC",
	"2.16.840.1.101.3.4.1.22": "AES-192-CBC",
	"2.16.840.1.101.3.4.1.42": "AES-256-CBC",
	"1.2.840.113549.3.7":      "DES-EDE3-CBC",
}

// npkiKeyScheme reads the algorithm of an EncryptedPrivateKeyInfo, and for PBES2 its
// cipher: "seedCBCWithSHA1", "PBES2 SEED-CBC".
func npkiKeyScheme(der []byte) (string, error) {
	in := cryptobyte.String(der)
	var epki, alg, params cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1(&epki, cbasn1.SEQUENCE) || !epki.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&oid) {
		return "", errors.New("not an EncryptedPrivateKeyInfo")
	}
	name, ok := keySchemes[oid.String()]
	if !ok {
		return oid.String(), nil
	}
	if name != "PBES2" {
		return name, nil
	}
	// PBES2-params ::= SEQUENCE { keyDerivationFunc, encryptionScheme }
	var kdf, enc cryptobyte.String
	var encOID asn1.ObjectIdentifier
	if !alg.ReadASN1(&params, cbasn1.SEQUENCE) || !params.ReadASN1(&kdf, cbasn1.SEQUENCE) ||
		!params.ReadASN1(&enc, cbasn1.SEQUENCE) || !enc.ReadASN1ObjectIdentifier(&encOID) {
		return name, nil
	}
	cipher, ok := keySchemes[encOID.String()]
	switch {
	case encOID.String() == "1.2.410.200004.1.4":
		cipher = "SEED-CBC"
	case !ok:
		cipher = encOID.String()
	}
	return name + " " + cipher, nil
}

// padRight pads s to width terminal columns, Hangul and other wide characters taking
// two.
func padRight(s string, width int) string {
	w := 0
	for _, r := range s {
		w++
		if isWide(r) {
			w++
		}
	}
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}

// isWide reports East Asian wide characters: Hangul, CJK and full-width forms.
func isWide(r rune) bool {
	return r >= 0x1100 && r <= 0x115F || r >= 0x2E80 && r <= 0xA4CF ||
		r >= 0xAC00 && r <= 0xD7A3 || r >= 0xF900 && r <= 0xFAFF || r >= 0xFF00 && r <= 0xFF60
}
