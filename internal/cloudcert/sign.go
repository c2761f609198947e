package cloudcert

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smallstep/pkcs7"
	"golang.org/x/text/encoding/korean"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// The signing API's shapes follow KFTC's FinCert SDK (issue 15): sign({signFormat,
// content, algorithms, view, info}) → {signedVals[], certSeqNum, rValue?, certificate}.

// Algorithms.
const (
	AlgPKCS1 = "RSASSA-PKCS1-v1_5_SHA256"
	AlgPSS   = "RSASSA-PSS_SHA256_MGF_SHA256"
)

// SignRequest is what a relying institution asks to have signed. Binary values are
// standard base64 in JSON.
type SignRequest struct {
	OrgCode    string     `json:"orgCode"`
	SignFormat SignFormat `json:"signFormat"`
	Content    Content    `json:"content"`
	Algorithms string     `json:"algorithms"`
	View       *View      `json:"view,omitempty"`
	Info       SignInfo   `json:"info"`
}

// SignFormat is {type: "CMS" | "PKCS1", CMSInfo: {includeR, withoutContent, time},
// PKCS1Info: {includeR}}.
type SignFormat struct {
	Type      string     `json:"type"`
	CMSInfo   *CMSInfo   `json:"CMSInfo,omitempty"`
	PKCS1Info *PKCS1Info `json:"PKCS1Info,omitempty"`
}

// PKCS1Info: includeR returns R (rValue) beside raw signatures, e.g. for an
// other-institution registration (a signed challenge and R, KOREAN-PKI.md section 2).
type PKCS1Info struct {
	IncludeR bool `json:"includeR"`
}

// CMSInfo: includeR returns R (rValue) and adds it to the SignerInfo as the unsigned
// attribute randomNum (1.2.410.200004.10.1.1.3, the form signPri.key carries it in);
// withoutContent makes the SignedData detached; time is accepted for compatibility:
// signingTime is always a signed attribute (KOREAN-PKI.md section 9).
type CMSInfo struct {
	IncludeR       bool `json:"includeR"`
	WithoutContent bool `json:"withoutContent"`
	Time           bool `json:"time"`
}

// Content is exactly one of plainText, binary and hash.
type Content struct {
	PlainText *PlainText `json:"plainText,omitempty"`
	Binary    *Binary    `json:"binary,omitempty"`
	Hash      *Hash      `json:"hash,omitempty"`
}

// PlainText is text the user reads in the iframe, signed in the given encoding.
type PlainText struct {
	PlainTexts []string `json:"plainTexts"`
	Encoding   string   `json:"encoding"` // "UTF-8" (default) or "EUC-KR"
}

// Binary is bytes signed as they are.
type Binary struct {
	Binaries [][]byte `json:"binaries"`
}

// Hash is SHA-256 digests signed as they are (PKCS1 only).
type Hash struct {
	Hashes        [][]byte `json:"hashes"`
	HashAlgorithm string   `json:"hashAlgorithm"` // "SHA256" (default)
}

// View says whether the iframe shows the text.
type View struct {
	EnableTextView bool `json:"enableTextView"`
}

// SignInfo carries the sign type: "01" login, "02" transfer, "99" other.
type SignInfo struct {
	SignType string `json:"signType"`
}

// Limits of one sign request.
const (
	maxItems     = 20
	maxItemBytes = 64 << 10
)

func bad(format string, args ...any) error {
	return errs.New(errs.FinCertSignRequestInvalid, format, args...)
}

// validate checks a sign request and returns the byte strings to sign.
func (r *SignRequest) validate() ([][]byte, error) {
	switch r.SignFormat.Type {
	case "CMS", "PKCS1":
	default:
		return nil, bad("signFormat.type %q (want CMS or PKCS1)", r.SignFormat.Type)
	}
	if r.Algorithms == "" {
		r.Algorithms = AlgPKCS1
	}
	switch r.Algorithms {
	case AlgPKCS1:
	case AlgPSS:
		if r.SignFormat.Type == "CMS" {
			return nil, bad("CMS signs with %s; %s is for PKCS1", AlgPKCS1, AlgPSS)
		}
	default:
		return nil, bad("algorithms %q (want %s or %s)", r.Algorithms, AlgPKCS1, AlgPSS)
	}
	switch r.Info.SignType {
	case "01", "02", "99":
	default:
		return nil, bad("info.signType %q (want 01 login, 02 transfer or 99)", r.Info.SignType)
	}
	n := 0
	var items [][]byte
	if c := r.Content.PlainText; c != nil {
		n++
		enc := strings.ToUpper(c.Encoding)
		if enc == "" {
			enc, c.Encoding = "UTF-8", "UTF-8"
		}
		for _, t := range c.PlainTexts {
			if !utf8.ValidString(t) {
				return nil, bad("plainTexts hold invalid UTF-8")
			}
			switch enc {
			case "UTF-8":
				items = append(items, []byte(t))
			case "EUC-KR":
				b, err := korean.EUCKR.NewEncoder().Bytes([]byte(t))
				if err != nil {
					return nil, bad("a plain text has characters EUC-KR cannot write")
				}
				items = append(items, b)
			default:
				return nil, bad("encoding %q (want UTF-8 or EUC-KR)", c.Encoding)
			}
		}
	}
	if c := r.Content.Binary; c != nil {
		n++
		items = append(items, c.Binaries...)
	}
	if c := r.Content.Hash; c != nil {
		n++
		if r.SignFormat.Type != "PKCS1" {
			return nil, bad("hash content is signed with signFormat PKCS1")
		}
		if c.HashAlgorithm != "" && !strings.EqualFold(c.HashAlgorithm, "SHA256") {
			return nil, bad("hashAlgorithm %q (want SHA256)", c.HashAlgorithm)
		}
		for _, h := range c.Hashes {
			if len(h) != sha256.Size {
				return nil, bad("a hash is %d bytes, not 32 (SHA-256)", len(h))
			}
		}
		items = append(items, c.Hashes...)
	}
	if n != 1 {
		return nil, bad("content must hold exactly one of plainText, binary and hash")
	}
	if len(items) == 0 || len(items) > maxItems {
		return nil, bad("content holds %d items (want 1 to %d)", len(items), maxItems)
	}
	for _, it := range items {
		if len(it) > maxItemBytes {
			return nil, bad("an item is over %d bytes", maxItemBytes)
		}
	}
	return items, nil
}

// Created is a stored sign request.
type Created struct {
	ID        string    `json:"id"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Authenticate checks a relying institution's orgCode and API key.
func (s *Service) Authenticate(ctx context.Context, orgCode, apiKey string) (model.Institution, error) {
	inst, err := s.st.Institution(ctx, orgCode)
	if err != nil {
		return inst, notFound(err, errs.FinCertOrgUnknown, "orgCode %q", orgCode)
	}
	got, err := s.center.Authenticate(ctx, apiKey)
	if err != nil || got.Code != inst.Code {
		return inst, errs.New(errs.FinCertAPIKeyInvalid, "API key is not orgCode %s's", orgCode)
	}
	return inst, nil
}

// CreateSignRequest stores a relying institution's sign request, single use, for
// SignRequestLifetime.
func (s *Service) CreateSignRequest(ctx context.Context, inst model.Institution, r SignRequest) (*Created, error) {
	r.OrgCode = inst.Code
	if _, err := r.validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	now := s.now()
	sr := model.FinCertSignRequest{ID: newID("fsr_"), InstitutionCode: inst.Code, Request: body, CreatedAt: now, ExpiresAt: now.Add(SignRequestLifetime)}
	if err := s.st.CreateFinCertSignRequest(ctx, sr, model.AuditEvent{Type: "fincert.sign_requested", Actor: "institution:" + inst.Code,
		Institution: inst.Code, Subject: sr.ID, Details: map[string]string{"signType": r.Info.SignType, "format": r.SignFormat.Type}}); err != nil {
		return nil, err
	}
	return &Created{ID: sr.ID, ExpiresAt: sr.ExpiresAt}, nil
}

// signRequest loads a usable (unused, unexpired) sign request.
func (s *Service) signRequest(ctx context.Context, id string) (model.FinCertSignRequest, *SignRequest, error) {
	sr, err := s.st.FinCertSignRequest(ctx, id)
	if err != nil {
		return sr, nil, notFound(err, errs.FinCertSignRequestNotFound, "sign request %q", id)
	}
	if sr.UsedAt != nil {
		return sr, nil, errs.New(errs.FinCertSignRequestUsed, "sign request %s", id)
	}
	if !s.now().Before(sr.ExpiresAt) {
		return sr, nil, errs.New(errs.FinCertSignRequestExpired, "sign request %s", id)
	}
	var r SignRequest
	if err := json.Unmarshal(sr.Request, &r); err != nil {
		return sr, nil, err
	}
	return sr, &r, nil
}

// SignView is what the iframe shows before the PIN pad: who asks, why, and the text.
type SignView struct {
	OrgCode   string    `json:"orgCode"`
	OrgName   string    `json:"orgName"`
	SignType  string    `json:"signType"`
	Texts     []string  `json:"plainTexts,omitempty"`
	Items     int       `json:"items"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// View returns what the iframe displays for a sign request.
func (s *Service) View(ctx context.Context, id string) (*SignView, error) {
	sr, r, err := s.signRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	items, err := r.validate()
	if err != nil {
		return nil, err
	}
	v := &SignView{OrgCode: sr.InstitutionCode, SignType: r.Info.SignType, Items: len(items), ExpiresAt: sr.ExpiresAt}
	if inst, err := s.st.Institution(ctx, sr.InstitutionCode); err == nil {
		v.OrgName = inst.Name
	}
	if r.Content.PlainText != nil && (r.View == nil || r.View.EnableTextView) {
		v.Texts = r.Content.PlainText.PlainTexts
	}
	return v, nil
}

// SignResult is the SDK's sign() result.
type SignResult struct {
	SignedVals  [][]byte `json:"signedVals"`
	CertSeqNum  string   `json:"certSeqNum"`
	RValue      []byte   `json:"rValue,omitempty"`
	Certificate []byte   `json:"certificate"`
}

// Complete is the user's side of a sign request: device proof (bound to the request
// id), then PIN, then the signatures. The request is single use: its completion is
// recorded before the answer leaves, so a replay is FINCERT_SIGN_REQUEST_USED.
func (s *Service) Complete(ctx context.Context, id string, p DeviceProof, pin string) (*SignResult, error) {
	_, r, err := s.signRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	items, err := r.validate()
	if err != nil {
		return nil, err
	}
	d, l, c, ch, err := s.unlock(ctx, p, pin, "sign", id)
	if err != nil {
		return nil, err
	}
	// One commit records the attempt: the challenge used, the PIN failures cleared, the
	// request used with its audit entry. It precedes the signature, so a failure to sign
	// (internal) spends the request: the user starts again from the institution's page.
	err = s.st.UseFinCertSignRequest(ctx, id, c.Serial, &ch, l.ID, s.now(), model.AuditEvent{Type: "fincert.signed", Actor: "subscriber",
		Institution: r.OrgCode, Subject: id, Details: map[string]string{"serial": c.Serial.String(), "device": d.ID,
			"signType": r.Info.SignType, "format": r.SignFormat.Type, "items": itoa(len(items))}})
	if errors.Is(err, store.ErrConflict) {
		if cur, err2 := s.st.FinCertSignRequest(ctx, id); err2 == nil && cur.UsedAt == nil && s.now().Before(cur.ExpiresAt) {
			return nil, errs.New(errs.FinCertChallengeInvalid, "challenge of device %s was used", d.ID)
		}
		return nil, errs.New(errs.FinCertSignRequestUsed, "sign request %s", id)
	}
	if err != nil {
		return nil, err
	}
	key, err := s.unwrapKey(l.ID, l.WrappedKey)
	if err != nil {
		return nil, err
	}
	var rv []byte
	cms := r.SignFormat.Type == "CMS"
	includeR := cms && r.SignFormat.CMSInfo != nil && r.SignFormat.CMSInfo.IncludeR ||
		!cms && r.SignFormat.PKCS1Info != nil && r.SignFormat.PKCS1Info.IncludeR
	if includeR {
		if rv, err = s.keys.Unwrap(l.WrappedR, rAD(l.ID)); err != nil {
			return nil, err
		}
	}
	res := &SignResult{CertSeqNum: c.Serial.String(), Certificate: c.DER, RValue: rv}
	var cert *x509.Certificate
	if cms {
		if cert, err = x509.ParseCertificate(c.DER); err != nil {
			return nil, err
		}
	}
	for _, it := range items {
		var sig []byte
		switch {
		case cms:
			sig, err = signCMS(key, cert, it, r.SignFormat.CMSInfo, rv)
		case r.Content.Hash != nil:
			sig, err = signRaw(key, r.Algorithms, it)
		default:
			h := sha256.Sum256(it)
			sig, err = signRaw(key, r.Algorithms, h[:])
		}
		if err != nil {
			return nil, err
		}
		res.SignedVals = append(res.SignedVals, sig)
	}
	s.autoRenew(ctx, l, c)
	return res, nil
}

func signRaw(k *rsa.PrivateKey, alg string, digest []byte) ([]byte, error) {
	if alg == AlgPSS {
		return rsa.SignPSS(rand.Reader, k, crypto.SHA256, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	}
	return rsa.SignPKCS1v15(nil, k, crypto.SHA256, digest)
}

// oidRandomNum is the randomNum attribute (KOREAN-PKI.md section 4).
var oidRandomNum = asn1.ObjectIdentifier{1, 2, 410, 200004, 10, 1, 1, 3}

func signCMS(k *rsa.PrivateKey, cert *x509.Certificate, content []byte, ci *CMSInfo, r []byte) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return nil, err
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	var cfg pkcs7.SignerInfoConfig
	if r != nil {
		cfg.ExtraUnsignedAttributes = []pkcs7.Attribute{{Type: oidRandomNum, Value: asn1.BitString{Bytes: r, BitLength: 8 * len(r)}}}
	}
	if err := sd.AddSigner(cert, k, cfg); err != nil {
		return nil, err
	}
	if ci != nil && ci.WithoutContent {
		sd.Detach()
	}
	return sd.Finish()
}

// VerifyRequest is an institution's server-side check of a signedVal.
type VerifyRequest struct {
	SignFormat  string `json:"signFormat"` // CMS or PKCS1
	Algorithms  string `json:"algorithms"` // PKCS1 only
	SignedVal   []byte `json:"signedVal"`
	Content     []byte `json:"content,omitempty"`     // the signed bytes: PKCS1, or a detached CMS
	Hash        []byte `json:"hash,omitempty"`        // PKCS1 over a hash
	Certificate []byte `json:"certificate,omitempty"` // PKCS1: the signer's certificate
}

// Verified is the answer of Verify.
type Verified struct {
	Valid       bool       `json:"valid"`
	CertSeqNum  string     `json:"certSeqNum,omitempty"`
	Status      string     `json:"status,omitempty"`
	SigningTime *time.Time `json:"signingTime,omitempty"`
	Reason      string     `json:"reason,omitempty"`
}

// Verify checks a signature made through the service: the signature, the chain to
// this CA and the certificate's status now.
func (s *Service) Verify(ctx context.Context, v VerifyRequest) (out *Verified, err error) {
	defer func() {
		if r := recover(); r != nil { // a parser's panic on hostile input is a refusal
			out, err = &Verified{Reason: "signedVal does not parse"}, nil
		}
	}()
	return s.verify(ctx, v)
}

func (s *Service) verify(ctx context.Context, v VerifyRequest) (*Verified, error) {
	root, err := x509.ParseCertificate(s.ca.RootDER())
	if err != nil {
		return nil, err
	}
	issuing, err := x509.ParseCertificate(s.ca.IssuingDER())
	if err != nil {
		return nil, err
	}
	var cert *x509.Certificate
	out := &Verified{}
	switch v.SignFormat {
	case "CMS":
		p7, err := pkcs7.Parse(v.SignedVal)
		if err != nil {
			return &Verified{Reason: "signedVal is not CMS SignedData"}, nil
		}
		if len(p7.Content) == 0 {
			p7.Content = v.Content
		}
		if err := p7.Verify(); err != nil {
			return &Verified{Reason: "signature does not verify"}, nil
		}
		if cert = p7.GetOnlySigner(); cert == nil {
			return &Verified{Reason: "not exactly one signer"}, nil
		}
		var t time.Time
		if p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &t) == nil {
			out.SigningTime = &t
		}
	case "PKCS1":
		if cert, err = x509.ParseCertificate(v.Certificate); err != nil {
			return &Verified{Reason: "certificate does not parse"}, nil
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return &Verified{Reason: "certificate key is not RSA"}, nil
		}
		digest := v.Hash
		if digest == nil {
			h := sha256.Sum256(v.Content)
			digest = h[:]
		}
		if v.Algorithms == AlgPSS {
			err = rsa.VerifyPSS(pub, crypto.SHA256, digest, v.SignedVal, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
		} else {
			err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest, v.SignedVal)
		}
		if err != nil {
			return &Verified{Reason: "signature does not verify"}, nil
		}
	default:
		return nil, bad("signFormat %q (want CMS or PKCS1)", v.SignFormat)
	}
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	inters.AddCert(issuing)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, CurrentTime: s.now(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return &Verified{Reason: "certificate does not chain to this CA at this time"}, nil
	}
	rec, err := s.ca.Certificate(ctx, model.Serial(cert.SerialNumber.Bytes()))
	if err != nil {
		return &Verified{Reason: "certificate unknown to this CA"}, nil
	}
	out.CertSeqNum, out.Status = rec.Serial.String(), string(rec.Status)
	if subtle.ConstantTimeCompare(rec.DER, cert.Raw) != 1 {
		return &Verified{Reason: "certificate differs from the one issued"}, nil
	}
	if rec.Status != model.StatusValid && rec.Status != model.StatusReplaced {
		out.Reason = "certificate is " + string(rec.Status)
		return out, nil
	}
	out.Valid = true
	return out, nil
}
