package ca

import (
	"crypto"
	"crypto/x509"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// IssueRequest is everything the authority needs to issue one Korean-profile subscriber
// certificate. The identity number is used only to compute the VID and is never stored
// or logged by the authority.
type IssueRequest struct {
	Institution   model.Institution
	EnrollmentRef string // the enrollment redeemed by this issuance ("" for none)
	Name          string // real name: CN prefix and realName of the VID
	IDN           string // identity number, digits only
	Kind          model.Kind
	Usage         model.Usage
	PublicKey     crypto.PublicKey
	RandomNum     []byte    // R; nil means the authority draws 20 bytes
	NotAfter      time.Time // zero: one year from today; renewal and reissue set it
	Actor         string    // who asked, for the audit log
}

// Issued is the result of an issuance.
type Issued struct {
	Record    model.Certificate
	Cert      *x509.Certificate
	RandomNum []byte
	Chain     [][]byte // issuing CA, then root (DER)
}
