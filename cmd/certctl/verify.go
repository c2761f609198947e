package main

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"github.com/certcenter/certcenter/internal/revcheck"
	"net/http"
	"strings"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/certcenter/certcenter/npki"
)

// verify checks a CMS SignedData the way a relying institution does and says, in
// words, what holds: the signature over the content, who signed (name, institution),
// the chain to a trusted root (fetching a missing intermediate through the AIA
// caIssuers URL), validity at the signing time, revocation (OCSP, else the CRL), and
// with --idn and R the identity behind the VID. Exit 0 only when every check passes,
// 1 when the file was read and some check failed, 2 when it could not be checked at all.

// signedFile is a parsed signature file.
type signedFile struct {
	p7          *pkcs7.PKCS7
	signer      *x509.Certificate
	signingTime *time.Time
	r           []byte // randomNum from the unsigned attributes (--include-r)
}

// maxSignature bounds a signature file read whole (an attached one holds the content).
const maxSignature = maxSignInput + 1<<20

// parseSignedFile reads DER or PEM (PKCS7, CMS) SignedData with exactly one signer
// whose certificate is inside.
func parseSignedFile(b []byte) (*signedFile, error) {
	if i := bytes.Index(b, []byte("-----BEGIN")); i >= 0 && i < 64 {
		block, _ := pem.Decode(b)
		if block == nil {
			return nil, errors.New("unreadable PEM")
		}
		b = block.Bytes
	}
	p7, err := pkcs7.Parse(b)
	if err != nil {
		return nil, err
	}
	if len(p7.Signers) != 1 {
		return nil, fmt.Errorf("%d signers; certctl checks files with one", len(p7.Signers))
	}
	signer := p7.GetOnlySigner()
	if signer == nil {
		return nil, errors.New("the signer's certificate is not in the file")
	}
	sf := &signedFile{p7: p7, signer: signer}
	var t time.Time
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &t); err == nil {
		sf.signingTime = &t
	}
	for _, a := range p7.Signers[0].UnauthenticatedAttributes {
		if a.Type.Equal(npki.OIDRandomNum) {
			var bs asn1.BitString
			if rest, err := asn1.Unmarshal(a.Value.Bytes, &bs); err == nil && len(rest) == 0 && bs.BitLength == 8*len(bs.Bytes) {
				sf.r = bs.Bytes
			}
		}
	}
	return sf, nil
}

// checkSignature verifies the content digest and the signature. pkcs7's Verify also
// refuses a signing time outside the signer's validity; verify reports that apart, so
// the check runs on copies of the certificates with their validity opened wide.
func (sf *signedFile) checkSignature() error {
	orig := sf.p7.Certificates
	wide := make([]*x509.Certificate, len(orig))
	for i, c := range orig {
		cc := *c
		cc.NotBefore, cc.NotAfter = time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		wide[i] = &cc
	}
	sf.p7.Certificates = wide
	defer func() { sf.p7.Certificates = orig }()
	return sf.p7.Verify()
}

type checkResult struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

type verifyReport struct {
	Valid     bool        `json:"valid"`
	Signature checkResult `json:"signature"`
	Signer    struct {
		Name        string `json:"name"`
		Subject     string `json:"subject"`
		Institution string `json:"institution,omitempty"`
		Serial      string `json:"serial"`
		Issuer      string `json:"issuer"`
	} `json:"signer"`
	SigningTime *time.Time `json:"signingTime,omitempty"`
	Detached    bool       `json:"detached"`
	Chain       struct {
		checkResult
		Path    []string `json:"path,omitempty"`
		Fetched []string `json:"fetched,omitempty"`
	} `json:"chain"`
	Validity struct {
		checkResult
		// AtVerification: the signature carries no signing time (no signed attributes, as
		// some Korean toolkits and openssl cms -sign -noattr write it), so validity is
		// checked at the time of verification instead.
		AtVerification bool      `json:"atVerificationTime,omitempty"`
		At             time.Time `json:"at"`
		NotBefore      time.Time `json:"notBefore"`
		NotAfter       time.Time `json:"notAfter"`
	} `json:"validity"`
	Revocation revocationResult `json:"revocation"`
	Identity   *struct {
		checkResult
		RFrom string `json:"rFrom"` // flag or signature
	} `json:"identity,omitempty"`
	IncludesR bool `json:"includesR"`
}

func (c *cli) cmdVerify(args []string) error {
	fs := newFlags("verify")
	in := fs.String("in", "", "signature file (.p7s, DER or PEM)")
	contentFile := fs.String("content", "", "the signed content, for a detached signature")
	trust := fs.String("trust", "", "trusted root certificate(s), PEM or DER")
	server := fs.String("server", "", "take the trusted root from this certcenter server")
	idnFlag := fs.String("idn", "", "identity number to check against the VID")
	rHex := fs.String("r", "", "R (randomNum) in hex, from the signer")
	noCache := fs.Bool("no-cache", false, "do not use or fill the OCSP and certificate cache")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("verify", pos, 0, ""); err != nil {
		return err
	}
	if *in == "" {
		return usageErr(msgVerifyMissingIn)
	}
	var idn string
	if *idnFlag != "" {
		idn = strings.ReplaceAll(strings.TrimSpace(*idnFlag), "-", "")
		if !validIDN(idn) {
			return errf(msgBadIDN)
		}
	}
	var r []byte
	if *rHex != "" {
		if r, err = hex.DecodeString(strings.TrimSpace(*rHex)); err != nil || len(r) == 0 {
			return usageErr(msgBadRHex)
		}
	}
	data, err := readFileLimit(*in, maxSignature)
	if err != nil {
		return errf(msgReadInput, *in).wrap(err)
	}
	sf, err := parseSignedFile(data)
	if err != nil {
		return errf(msgBadSignatureFile, *in).wrap(err)
	}
	rep := &verifyReport{Detached: len(sf.p7.Content) == 0, IncludesR: sf.r != nil}
	if rep.Detached {
		if *contentFile == "" {
			return usageErr(msgVerifyNeedContent, *in)
		}
		content, err := readFileLimit(*contentFile, maxSignInput)
		if err != nil {
			return errf(msgReadInput, *contentFile).wrap(err)
		}
		sf.p7.Content = content
	}
	f := &revcheck.Checker{HTTP: &http.Client{Timeout: fetchTimeout}, Now: c.now}
	if !*noCache {
		f.CacheDir = c.cacheDir()
	}
	roots := x509.NewCertPool()
	switch {
	case *trust != "":
		b, err := readFileLimit(*trust, maxFetched)
		if err != nil {
			return errf(msgReadInput, *trust).wrap(err)
		}
		cs, err := parseCerts(b)
		if err != nil {
			return errf(msgBadTrust, *trust).wrap(err)
		}
		for _, c := range cs {
			roots.AddCert(c)
		}
	case *server != "" || c.env("CERTCTL_SERVER") != "":
		u := *server
		if u == "" {
			u = c.env("CERTCTL_SERVER")
		}
		b, err := f.Get(strings.TrimRight(u, "/")+"/pki/root.crt", maxFetched)
		if err != nil {
			return errf(msgServerDown, u).wrap(err).withHint(msgHintServerDown)
		}
		cs, err := parseCerts(b)
		if err != nil {
			return errf(msgBadTrust, u).wrap(err)
		}
		roots.AddCert(cs[0])
	default:
		return usageErr(msgVerifyNeedTrust)
	}

	c.verifyChecks(sf, rep, f, roots, idn, r)
	if *asJSON {
		if err := writeJSON(c.stdout, rep); err != nil {
			return err
		}
	} else {
		c.printVerifyReport(rep)
	}
	if !rep.Valid {
		return errVerifyFailed
	}
	return nil
}

// errVerifyFailed: the report says which check failed; exit 1.
var errVerifyFailed = fmt.Errorf("%w: a check failed", errMismatch)

func (c *cli) verifyChecks(sf *signedFile, rep *verifyReport, f *revcheck.Checker, roots *x509.CertPool, idn string, r []byte) {
	ee := sf.signer
	v := newCertView(&entry{cert: ee}, c.now(), c.lang)
	rep.Signer.Name, rep.Signer.Subject, rep.Signer.Serial = v.Name, dnString(ee.RawSubject), serialHex(ee)
	rep.Signer.Institution = c.institutionText(&v)
	rep.Signer.Issuer = dnString(ee.RawIssuer)
	rep.SigningTime = sf.signingTime

	if err := sf.checkSignature(); err != nil {
		rep.Signature.Error = err.Error()
	} else {
		rep.Signature.OK = true
	}

	at := c.now()
	if sf.signingTime != nil {
		at = *sf.signingTime
	}
	rep.Validity.At, rep.Validity.NotBefore, rep.Validity.NotAfter = at, ee.NotBefore, ee.NotAfter
	rep.Validity.AtVerification = sf.signingTime == nil
	switch {
	case sf.signingTime == nil && (at.Before(ee.NotBefore) || at.After(ee.NotAfter)):
		// Without a signing time nothing says when it was signed: the certificate must
		// be valid now (as OpenSSL checks it).
		rep.Validity.Error = c.lang.tr(msgOutsideValidityNow)
	case at.Before(ee.NotBefore) || at.After(ee.NotAfter):
		rep.Validity.Error = c.lang.tr(msgOutsideValidity)
	case at.After(c.now().Add(5 * time.Minute)):
		rep.Validity.Error = c.lang.tr(msgSigningTimeFuture)
	default:
		rep.Validity.OK = true
	}

	// Chain at the signing time, with the certificates in the file, then with those
	// found through caIssuers.
	inter := x509.NewCertPool()
	for _, x := range sf.p7.Certificates {
		if x != ee {
			inter.AddCert(x)
		}
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	chains, err := ee.Verify(opts)
	var unknown x509.UnknownAuthorityError
	for cert, depth := ee, 0; err != nil && errors.As(err, &unknown) && depth < 3; depth++ {
		got, used, ferr := f.CAIssuers(cert)
		rep.Chain.Fetched = append(rep.Chain.Fetched, used...)
		if len(got) == 0 {
			if ferr != nil {
				err = fmt.Errorf("%w; caIssuers: %v", err, ferr)
			}
			break
		}
		for _, g := range got {
			inter.AddCert(g)
		}
		chains, err = ee.Verify(opts)
		cert = got[0]
	}
	var issuer *x509.Certificate
	if err != nil {
		rep.Chain.Error = err.Error()
	} else {
		rep.Chain.OK = true
		for _, x := range chains[0] {
			rep.Chain.Path = append(rep.Chain.Path, dnString(x.RawSubject))
		}
		if len(chains[0]) > 1 {
			issuer = chains[0][1]
		}
	}

	if issuer != nil {
		stop := c.startSpinner(c.lang.tr(msgCheckingRevocation))
		rep.Revocation = f.Check(ee, issuer)
		stop()
	} else {
		rep.Revocation = revocationResult{Status: revUnknown, OCSPError: c.lang.tr(msgNoIssuer)}
	}

	if idn != "" {
		id := &struct {
			checkResult
			RFrom string `json:"rFrom"`
		}{RFrom: "flag"}
		rep.Identity = id
		if r == nil {
			r, id.RFrom = sf.r, "signature"
		}
		data, err := npki.ParseIdentifyDataFromCert(ee)
		switch {
		case r == nil:
			id.Error = c.lang.tr(msgVerifyNoR)
		case err != nil:
			id.Error = err.Error()
		default:
			ok, err := data.CheckVID(idn, r)
			switch {
			case err != nil:
				id.Error = err.Error()
			case !ok:
				id.Error = c.lang.tr(msgIdentityMismatch)
			default:
				id.OK = true
			}
		}
	}
	rep.Valid = rep.Signature.OK && rep.Chain.OK && rep.Validity.OK && rep.Revocation.Status == revGood &&
		(rep.Identity == nil || rep.Identity.OK)
}

func (c *cli) printVerifyReport(rep *verifyReport) {
	l := c.lang
	w := c.stdout
	mark := func(ok bool) string {
		if ok {
			return l.tr(msgCheckOK)
		}
		return l.tr(msgCheckFail)
	}
	line := func(label msgID, ok bool, text string) {
		fmt.Fprintf(w, "%-4s %s: %s\n", mark(ok), l.tr(label), text)
	}
	if rep.Signature.OK {
		line(msgLabelSignature, true, l.tr(msgSignatureValid))
	} else {
		line(msgLabelSignature, false, l.tr(msgSignatureInvalid, rep.Signature.Error))
	}
	fmt.Fprintf(w, "     %s: %s — %s\n", l.tr(msgLabelSigner), rep.Signer.Name, rep.Signer.Institution)
	fmt.Fprintf(w, "     %s: %s\n", l.tr(msgLabelSerial), rep.Signer.Serial)
	if rep.SigningTime != nil {
		fmt.Fprintf(w, "     %s: %s\n", l.tr(msgLabelSigningTime), kstTime(*rep.SigningTime))
	}
	if rep.Chain.OK {
		text := l.tr(msgChainOK, strings.Join(rep.Chain.Path, " → "))
		if len(rep.Chain.Fetched) > 0 {
			text += " " + l.tr(msgChainFetched, strings.Join(rep.Chain.Fetched, ", "))
		}
		line(msgLabelChain, true, text)
	} else {
		line(msgLabelChain, false, l.tr(msgChainFail, rep.Chain.Error))
	}
	switch {
	case rep.Validity.OK && rep.Validity.AtVerification:
		line(msgLabelValidityAt, true, l.tr(msgValidNowNoSigningTime, kstTime(rep.Validity.NotBefore), kstTime(rep.Validity.NotAfter)))
	case rep.Validity.OK:
		line(msgLabelValidityAt, true, l.tr(msgValidAtSigning, kstTime(rep.Validity.NotBefore), kstTime(rep.Validity.NotAfter)))
	default:
		line(msgLabelValidityAt, false, rep.Validity.Error)
	}
	rv := rep.Revocation
	switch rv.Status {
	case revGood:
		text := l.tr(msgNotRevoked, strings.ToUpper(rv.Source), rv.URL)
		if rv.Cached {
			text += " " + l.tr(msgCached)
		}
		if rv.OCSPError != "" {
			text += "; " + l.tr(msgOCSPUnavailable, rv.OCSPError)
		}
		line(msgLabelRevocation, true, text)
	case revRevoked:
		if rv.Suspended {
			// A hold (효력정지) is not a revocation (폐기): the CA may lift it.
			line(msgLabelRevocation, false, l.tr(msgSuspended, kstTime(*rv.RevokedAt), strings.ToUpper(rv.Source)))
		} else {
			line(msgLabelRevocation, false, l.tr(msgRevoked, kstTime(*rv.RevokedAt), rv.Reason, strings.ToUpper(rv.Source)))
		}
	default:
		line(msgLabelRevocation, false, l.tr(msgRevocationUnknown, rv.OCSPError, rv.CRLError))
	}
	if rep.Identity != nil {
		if rep.Identity.OK {
			line(msgLabelIdentity, true, l.tr(msgIdentityMatch))
		} else {
			line(msgLabelIdentity, false, rep.Identity.Error)
		}
	}
	if rep.Valid {
		fmt.Fprintln(w, l.tr(msgVerifyAllPassed))
	} else {
		fmt.Fprintln(w, l.tr(msgVerifyNotValid))
	}
}
