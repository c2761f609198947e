package model

import "time"

// CMPTransaction is a CMP issuance (ir, cr, p10cr or kur) whose certificate awaits the
// client's certConf (RFC 4210 section 5.3.18). It lets any node check the certConf:
// which certificate it confirms, that it answers our ip/cp/kup, and how it must be
// protected. It holds no secret.
type CMPTransaction struct {
	ID        []byte // the client's transactionID
	Serial    Serial // the certificate issued
	CertReqID int64  // certReqId of the answer (-1 for a p10cr)
	Nonce     []byte // senderNonce of our answer: the certConf's recipNonce must equal it
	// Reference is set when the request was protected with the enrollment's code (PBM):
	// the certConf must carry a MAC with the same code.
	Reference string
	// Signer is set when the request was signed (kur): the certConf must be signed with
	// that certificate's key (or the new certificate's).
	Signer    Serial
	CreatedAt time.Time
	ExpiresAt time.Time
}
