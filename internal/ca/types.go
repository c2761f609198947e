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
	RandomNum     []byte // R; nil means the authority draws 20 bytes
	Actor         string // who asked, for the audit log
	// Replaces, with Mode, makes this a renewal or a reissue of that certificate.
	Replaces *model.Certificate
	Mode     Mode
	// ConfirmBy: the certificate awaits a CMP certConf until then, or is revoked.
	ConfirmBy *time.Time
	// ValidityDays, when positive, replaces the year of a first issuance with this
	// many days (notAfter 23:59:59 KST of the last day). Only a demo deployment sets it
	// (center.Service.AllowDemoValidity), so that a newcomer sees the renewal window
	// and the reminders at once.
	ValidityDays int
}

// Mode says how a new certificate relates to the one it replaces (KOREAN-PKI.md
// section 2).
type Mode int

const (
	// New is a first issuance: one year from today.
	New Mode = iota
	// Renewal (갱신): one year from the old notAfter; the old one is marked replaced.
	Renewal
	// Reissue (재발급): the old notAfter is kept; the old one is revoked (superseded).
	Reissue
)

func (m Mode) String() string {
	return [...]string{"issue", "renewal", "reissue"}[m]
}

// Issued is the result of an issuance.
type Issued struct {
	Record    model.Certificate
	Cert      *x509.Certificate
	RandomNum []byte
	Chain     [][]byte // issuing CA, then root (DER)
	// Again: not issued now but answered again to the request that made it, whose
	// answer was lost (a renewal asked again: center.Renew).
	Again bool
}
