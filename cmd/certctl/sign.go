package main

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/certcenter/certcenter/npki"
)

// sign makes a CMS SignedData (RFC 5652) with the certificate's key: SHA-256 with RSA,
// signed attributes contentType, messageDigest and signingTime, the signer's
// certificate included (the issuing CA is found through its AIA caIssuers URL, as
// Korean relying parties do). The content is inside unless --detached.
//
// --include-r puts R where a relying party can read it without the key file: an
// unsigned attribute of the SignerInfo whose type is randomNum
// (1.2.410.200004.10.1.1.3) and whose value is SET { BIT STRING R }, the same encoding
// as in the key file (KOREAN-PKI.md sections 4 and 5), as Korean signing toolkits send
// it. Unsigned, because R is not a statement of the signer: the VID in the signed
// certificate is, and R only opens it; a changed R fails the VID check, it cannot make
// one pass. R identifies its holder together with the identity number, so it is only
// included when asked for, and only to a relying party that has the number anyway.
func (c *cli) cmdSign(args []string) error {
	fs := newFlags("sign")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	pwFile := fs.String("password-file", "", "file holding the key's password")
	in := fs.String("in", "", "file to sign")
	out := fs.String("out", "", "signature file to write (.p7s)")
	detached := fs.Bool("detached", false, "leave the content out of the signature")
	includeR := fs.Bool("include-r", false, "put R (randomNum) in an unsigned attribute")
	force := fs.Bool("force", false, "replace an existing --out file")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("sign", pos, 1, "SELECTOR"); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return usageErr(msgSignMissingInOut)
	}
	if !*force && fileExists(*out) {
		return errf(msgOutExists, *out).withHint(msgHintForce)
	}
	content, err := readFileLimit(*in, maxSignInput)
	if err != nil {
		return errf(msgReadInput, *in).wrap(err)
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
	var cfg pkcs7.SignerInfoConfig
	if *includeR {
		if len(k.RandomNum) == 0 {
			return errf(msgNoRandomNum, e.keyPath())
		}
		cfg.ExtraUnsignedAttributes = []pkcs7.Attribute{{Type: npki.OIDRandomNum,
			Value: asn1.BitString{Bytes: k.RandomNum, BitLength: 8 * len(k.RandomNum)}}}
	}
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return errf(msgSignFailed).wrap(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	// The signingTime attribute is the library's clock (time.Now), not c.now: a
	// signature's time must be the real one.
	if err := sd.AddSigner(e.cert, k.Key, cfg); err != nil {
		return errf(msgSignFailed).wrap(err)
	}
	nullRSAParameters(sd)
	if *detached {
		sd.Detach()
	}
	p7s, err := sd.Finish()
	if err != nil {
		return errf(msgSignFailed).wrap(err)
	}
	// Written whole or not at all (a temporary file renamed into place).
	switch err := replaceFile(*out, p7s, 0o644, *force); {
	case errors.Is(err, errFileExists):
		return errf(msgOutExists, *out).withHint(msgHintForce)
	case err != nil:
		return errf(msgWriteFile, *out).wrap(err)
	}
	if *asJSON {
		return writeJSON(c.stdout, struct {
			Out       string    `json:"out"`
			Detached  bool      `json:"detached"`
			IncludesR bool      `json:"includesR"`
			Serial    string    `json:"serial"`
			Signer    string    `json:"signer"`
			Bytes     int       `json:"bytes"`
			At        time.Time `json:"at"`
		}{*out, *detached, *includeR, serialHex(e.cert), e.cert.Subject.CommonName, len(p7s), time.Now().UTC()})
	}
	fmt.Fprintln(c.stdout, c.lang.tr(msgSigned, *in, *out, displayName(e.cert.Subject.CommonName)))
	return nil
}

// nullRSAParameters gives the SignerInfos' signatureAlgorithm sha256WithRSAEncryption its
// NULL parameters, which RFC 4055 section 5 requires ("the parameters MUST be present
// and MUST be NULL") and strict readers check; the library leaves them absent.
func nullRSAParameters(sd *pkcs7.SignedData) {
	infos := sd.GetSignedData().SignerInfos
	for i := range infos {
		a := &infos[i].DigestEncryptionAlgorithm
		if a.Algorithm.Equal(pkcs7.OIDEncryptionAlgorithmRSASHA256) || a.Algorithm.Equal(pkcs7.OIDEncryptionAlgorithmRSA) {
			a.Parameters = asn1.NullRawValue
		}
	}
}

// maxSignInput bounds what sign and verify read as content: the library holds it in memory.
const maxSignInput = 256 << 20
