package cmp

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"io"
	"time"
)

// NonceSize is the length of the transactionID and nonces this package draws. RFC 4210
// section 5.1.1 recommends at least 128 bits; OpenSSL sends 16 bytes.
const NonceSize = 16

// ReplyOptions are the sender's choices for the header of a reply.
type ReplyOptions struct {
	// Sender names the replying party: the CA's subject for a server, the subject of the
	// current certificate or the requested subject for a client. Zero means NULL-DN.
	Sender GeneralName
	// SenderKID identifies the key protecting the reply: the reference number for a
	// client's PBM, the CA's subject key identifier for signatures (ProtectSignature
	// fills it from the certificate when nil).
	SenderKID []byte
	// Time is messageTime; the caller's clock (RFC 4210 section 5.1.1). Required.
	Time time.Time
	// Rand draws the new senderNonce. Required (crypto/rand.Reader in production).
	Rand io.Reader
	// ImplicitConfirm puts implicitConfirm into generalInfo: a server grants it (only
	// when the request asked, RFC 4210 section 5.1.1.1); a client asks for it.
	ImplicitConfirm bool
	// ConfirmWaitTime, when not zero, tells the client how long the server waits for certConf.
	ConfirmWaitTime time.Time
	// RandomNum, when not nil, is the Korean R the server drew for the certificate,
	// returned in generalInfo under OIDRandomNum (KOREAN-PKI.md section "Issuance protocol").
	RandomNum []byte
	// FreeText is the header's freeText, nil for none.
	FreeText []string
	// ExtraCerts are sent in extraCerts (e.g. the CA chain). ProtectSignature adds the
	// protecting certificate in front.
	ExtraCerts []*x509.Certificate
}

// NewReply builds the unprotected message answering to (RFC 4210 section 5.1.1): same
// pvno and transactionID, recipient = to's sender, recipNonce = to's senderNonce, a fresh
// senderNonce. Servers use it for every response (ip, cp, kup, rp, pkiconf, genp, error);
// clients use it for certConf after an ip/cp/kup. to may be nil when the request could
// not be parsed (then pvno is 2 and the recipient NULL-DN). Protect the result with
// ProtectPBM or ProtectSignature.
func NewReply(to *Message, body Body, opts ReplyOptions) (*Message, error) {
	nonce, err := newNonce(opts.Rand)
	if err != nil {
		return nil, err
	}
	h := Header{PVNO: PVNO2000, Sender: opts.Sender, Recipient: NullDN(), MessageTime: opts.Time,
		SenderKID: opts.SenderKID, SenderNonce: nonce, FreeText: opts.FreeText}
	if to != nil {
		if to.Header.PVNO == PVNO2021 {
			h.PVNO = PVNO2021
		}
		if len(to.Header.Sender.Raw) > 0 {
			h.Recipient = to.Header.Sender
		}
		h.TransactionID = clone(to.Header.TransactionID)
		h.RecipNonce = clone(to.Header.SenderNonce)
	}
	fillCommon(&h, opts)
	return &Message{Header: h, Body: body, ExtraCerts: opts.ExtraCerts}, nil
}

// RequestOptions are a client's choices for the header of the first request of a
// transaction.
type RequestOptions struct {
	ReplyOptions
	// Recipient names the CA; zero means NULL-DN.
	Recipient GeneralName
	// PVNO is 2 unless set to 3 (needed only for RFC 9810 features).
	PVNO int
}

// NewRequest builds the unprotected first message of a transaction with a fresh
// transactionID and senderNonce (RFC 4210 section 5.1.1).
func NewRequest(body Body, opts RequestOptions) (*Message, error) {
	tid, err := newNonce(opts.Rand)
	if err != nil {
		return nil, err
	}
	nonce, err := newNonce(opts.Rand)
	if err != nil {
		return nil, err
	}
	h := Header{PVNO: PVNO2000, Sender: opts.Sender, Recipient: opts.Recipient, MessageTime: opts.Time,
		SenderKID: opts.SenderKID, TransactionID: tid, SenderNonce: nonce, FreeText: opts.FreeText}
	if opts.PVNO != 0 {
		h.PVNO = opts.PVNO
	}
	if len(h.Recipient.Raw) == 0 {
		h.Recipient = NullDN()
	}
	fillCommon(&h, opts.ReplyOptions)
	return &Message{Header: h, Body: body, ExtraCerts: opts.ExtraCerts}, nil
}

func fillCommon(h *Header, opts ReplyOptions) {
	if len(h.Sender.Raw) == 0 {
		h.Sender = NullDN()
	}
	if opts.ImplicitConfirm {
		h.GeneralInfo = append(h.GeneralInfo, ImplicitConfirmInfo())
	}
	if !opts.ConfirmWaitTime.IsZero() {
		h.GeneralInfo = append(h.GeneralInfo, ConfirmWaitTimeInfo(opts.ConfirmWaitTime))
	}
	if opts.RandomNum != nil {
		h.GeneralInfo = append(h.GeneralInfo, RandomNumInfo(opts.RandomNum))
	}
}

func newNonce(rand io.Reader) ([]byte, error) {
	if rand == nil {
		return nil, fmt.Errorf("cmp: no randomness source for nonces (set Rand)")
	}
	n := make([]byte, NonceSize)
	if _, err := io.ReadFull(rand, n); err != nil {
		return nil, fmt.Errorf("cmp: nonce: %w", err)
	}
	return n, nil
}

// CheckReply checks that reply answers req (RFC 4210 section 5.1.1): same transactionID
// and reply's recipNonce equal to req's senderNonce. A client checks each response; a
// server checks a certConf against the ip/cp/kup it sent. Errors wrap ErrBadRequest
// (transactionID) or ErrBadRecipientNonce.
func CheckReply(req, reply *Message) error {
	if len(req.Header.TransactionID) == 0 || !bytes.Equal(req.Header.TransactionID, reply.Header.TransactionID) {
		return fmt.Errorf("%w: transactionID does not match", ErrBadRequest)
	}
	if !bytes.Equal(req.Header.SenderNonce, reply.Header.RecipNonce) {
		return ErrBadRecipientNonce
	}
	return nil
}

// ResponseType returns the body type answering a request type: ir→ip, cr→cp,
// p10cr→cp, kur→kup, rr→rp, certConf→pkiconf, genm→genp.
func ResponseType(req BodyType) (BodyType, bool) {
	switch req {
	case BodyIR:
		return BodyIP, true
	case BodyCR, BodyP10CR:
		return BodyCP, true
	case BodyKUR:
		return BodyKUP, true
	case BodyRR:
		return BodyRP, true
	case BodyCertConf:
		return BodyPKIConf, true
	case BodyGenM:
		return BodyGenP, true
	}
	return 0, false
}

// CertRepBody builds an ip, cp or kup body (RFC 4210 section 5.3.4). caPubs may be nil.
func CertRepBody(t BodyType, caPubs []*x509.Certificate, responses ...CertResponse) (Body, error) {
	if t != BodyIP && t != BodyCP && t != BodyKUP {
		return Body{}, fmt.Errorf("cmp: CertRepBody: %v is not ip, cp or kup", t)
	}
	return Body{Type: t, CertRep: &CertRepMessage{CAPubs: caPubs, Responses: responses}}, nil
}

// CertReqIDNone is the certReqId of the CertResponse answering a p10cr, which has no
// certReqId of its own (RFC 9810 section 5.3.4; OpenSSL 3.0.19 sends and expects it).
const CertReqIDNone = -1

// Issued is the CertResponse carrying an issued certificate (status accepted).
func Issued(certReqID int64, cert *x509.Certificate) CertResponse {
	return CertResponse{CertReqID: certReqID, Status: StatusInfo{Status: StatusAccepted}, Certificate: cert}
}

// Rejected is a CertResponse refusing a request (status rejection).
func Rejected(certReqID int64, fail FailureInfo, text ...string) CertResponse {
	return CertResponse{CertReqID: certReqID, Status: Rejection(fail, text...)}
}

// Rejection is a PKIStatusInfo with status rejection, the failInfo bits and optional
// statusString texts (shown by OpenSSL to the user; keep personal data out).
func Rejection(fail FailureInfo, text ...string) StatusInfo {
	si := StatusInfo{Status: StatusRejection, FailInfo: fail}
	if len(text) > 0 {
		si.StatusString = text
	}
	return si
}

// RPBody builds an rp body (RFC 4210 section 5.3.10): one status per RevDetails of the
// rr, and optionally the CertIDs of the revoked certificates.
func RPBody(status []StatusInfo, revCerts []CertID) Body {
	return Body{Type: BodyRP, RevRep: &RevRepContent{Status: status, RevCerts: revCerts}}
}

// PKIConfBody is the pkiconf body answering a certConf (RFC 4210 section 5.3.17).
func PKIConfBody() Body { return Body{Type: BodyPKIConf} }

// GenpBody builds a genp body (RFC 4210 section 5.3.19).
func GenpBody(items ...InfoTypeAndValue) Body {
	if items == nil {
		items = []InfoTypeAndValue{}
	}
	return Body{Type: BodyGenP, Info: items}
}

// AnswerGenm selects the genp content for a genm (RFC 4210 section 5.3.19): for each
// requested infoType, the available item of that type, in request order; types without
// an available item are left out ("free to ignore"). An empty genm, which OpenSSL 3.0
// sends without -infotype, "indicates that the CA may send any/all information that it
// wishes": every available item. Build available items with CACertsInfo,
// CAProtEncCertInfo and the like.
func AnswerGenm(genm []InfoTypeAndValue, available ...InfoTypeAndValue) []InfoTypeAndValue {
	if len(genm) == 0 {
		return append([]InfoTypeAndValue{}, available...)
	}
	out := []InfoTypeAndValue{}
	for _, want := range genm {
		if it, ok := findInfo(available, want.Type); ok {
			out = append(out, it)
		}
	}
	return out
}

// ErrorBody builds an error body (RFC 4210 section 5.3.21). details become errorDetails.
func ErrorBody(status StatusInfo, details ...string) Body {
	e := &ErrorMsgContent{Status: status}
	if len(details) > 0 {
		e.ErrorDetails = details
	}
	return Body{Type: BodyError, Error: e}
}

// CertReqBody builds an ir, cr or kur body from requests prepared with SignPOP.
func CertReqBody(t BodyType, reqs ...CertReqMsg) (Body, error) {
	if t != BodyIR && t != BodyCR && t != BodyKUR {
		return Body{}, fmt.Errorf("cmp: CertReqBody: %v is not ir, cr or kur", t)
	}
	if len(reqs) == 0 {
		return Body{}, fmt.Errorf("cmp: CertReqBody: no requests")
	}
	return Body{Type: t, CertReqs: reqs}, nil
}

// RevocationRequest names cert for revocation with a CRLReason (RFC 4210 section 5.3.9;
// RFC 5280 section 5.3.1: 1 keyCompromise, 4 superseded, 5 cessationOfOperation, ...).
func RevocationRequest(cert *x509.Certificate, reason int) RevDetails {
	return RevDetails{
		CertDetails:     CertTemplate{SerialNumber: cert.SerialNumber, Issuer: cert.RawIssuer},
		CRLEntryDetails: []Extension{ReasonCodeExtension(reason)},
	}
}

// RRBody builds an rr body.
func RRBody(details ...RevDetails) Body { return Body{Type: BodyRR, RevReqs: details} }

// ConfirmCert is the CertStatus accepting cert in a certConf (RFC 4210 section 5.3.18).
// For a certificate signed with Ed25519, whose signature names no hash, it sets hashAlg
// to SHA-512 (RFC 9810 section 5.3.18, RFC 9481 section 3.3); the certConf must then be
// sent with pvno 3.
func ConfirmCert(certReqID int64, cert *x509.Certificate) (CertStatus, error) {
	h, err := CertHash(cert)
	if err != nil {
		return CertStatus{}, err
	}
	cs := CertStatus{CertHash: h, CertReqID: certReqID}
	if cert.SignatureAlgorithm == x509.PureEd25519 {
		cs.HashAlg = &AlgorithmIdentifier{Algorithm: OIDSHA512}
	}
	return cs, nil
}

// RejectCert is the CertStatus refusing cert in a certConf.
func RejectCert(certReqID int64, cert *x509.Certificate, fail FailureInfo, text ...string) (CertStatus, error) {
	cs, err := ConfirmCert(certReqID, cert)
	if err != nil {
		return CertStatus{}, err
	}
	si := Rejection(fail, text...)
	cs.StatusInfo = &si
	return cs, nil
}

// CertConfBody builds a certConf body.
func CertConfBody(statuses ...CertStatus) Body {
	if statuses == nil {
		statuses = []CertStatus{}
	}
	return Body{Type: BodyCertConf, CertConf: statuses}
}
