// Package model holds the domain types shared by the authority, the certificate center,
// storage and the HTTP API: certificates, serials, institutions, enrollments, revocation
// reasons, kinds and usages. It owns no behaviour beyond small, pure helpers; rules live
// in the packages that enforce them (ca, center, issuance).
package model

import (
	"encoding/hex"
	"fmt"
	"time"
)

// Kind is the subject kind of a joint certificate (KOREAN-PKI.md section 1).
type Kind string

const (
	Personal  Kind = "personal"
	Corporate Kind = "corporate"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Personal || k == Corporate }

// Usage is the usage class: universal (범용) works everywhere, banking (용도제한) is
// restricted to banking, insurance and card use (KOREAN-PKI.md section 1).
type Usage string

const (
	Banking   Usage = "banking"
	Universal Usage = "universal"
)

// Valid reports whether u is a known usage.
func (u Usage) Valid() bool { return u == Banking || u == Universal || u == FinCert }

// Serial is a certificate serial number as its big-endian magnitude bytes.
type Serial []byte

// String returns the lowercase hex form used in URLs, the database and the API.
func (s Serial) String() string { return hex.EncodeToString(s) }

// ParseSerial parses the lowercase or uppercase hex form of a serial.
func ParseSerial(h string) (Serial, error) {
	b, err := hex.DecodeString(h)
	if err != nil || len(b) == 0 || len(b) > 20 {
		return nil, fmt.Errorf("model: serial %q is not 1 to 20 bytes of hex", h)
	}
	return Serial(b), nil
}

// CertStatus is the lifecycle status of an issued certificate. Expiry is not a status:
// it follows from NotAfter and the clock.
type CertStatus string

const (
	StatusValid     CertStatus = "valid"
	StatusSuspended CertStatus = "suspended" // certificateHold (효력정지)
	StatusRevoked   CertStatus = "revoked"
	StatusReplaced  CertStatus = "replaced" // renewed (갱신): a newer certificate took its place
)

// RevocationReason is an RFC 5280 CRLReason code.
type RevocationReason int

const (
	ReasonUnspecified          RevocationReason = 0
	ReasonKeyCompromise        RevocationReason = 1
	ReasonCACompromise         RevocationReason = 2
	ReasonAffiliationChanged   RevocationReason = 3
	ReasonSuperseded           RevocationReason = 4
	ReasonCessationOfOperation RevocationReason = 5
	ReasonCertificateHold      RevocationReason = 6
	ReasonRemoveFromCRL        RevocationReason = 8
	ReasonPrivilegeWithdrawn   RevocationReason = 9
	ReasonAACompromise         RevocationReason = 10
)

var reasonNames = map[RevocationReason]string{
	ReasonUnspecified:          "unspecified",
	ReasonKeyCompromise:        "keyCompromise",
	ReasonCACompromise:         "cACompromise",
	ReasonAffiliationChanged:   "affiliationChanged",
	ReasonSuperseded:           "superseded",
	ReasonCessationOfOperation: "cessationOfOperation",
	ReasonCertificateHold:      "certificateHold",
	ReasonRemoveFromCRL:        "removeFromCRL",
	ReasonPrivilegeWithdrawn:   "privilegeWithdrawn",
	ReasonAACompromise:         "aACompromise",
}

// String returns the RFC 5280 name of the reason.
func (r RevocationReason) String() string {
	if n, ok := reasonNames[r]; ok {
		return n
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// ParseRevocationReason accepts an RFC 5280 name (case-insensitive) or its number.
func ParseRevocationReason(s string) (RevocationReason, error) {
	for r, n := range reasonNames {
		if equalFold(n, s) || fmt.Sprint(int(r)) == s {
			return r, nil
		}
	}
	return 0, fmt.Errorf("model: unknown revocation reason %q", s)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// AuthorityRole names the certificates an authority holds.
type AuthorityRole string

const (
	RoleRoot    AuthorityRole = "root"    // the KISA role: self-signed trust anchor
	RoleIssuing AuthorityRole = "issuing" // the yessign role: issues subscriber certificates
	RoleOCSP    AuthorityRole = "ocsp"    // delegated OCSP responder, certified by the issuing CA
)

// Authority is one CA or responder certificate and a reference to its key.
type Authority struct {
	ID        string        // stable identifier, e.g. "issuing"
	Role      AuthorityRole //
	CertDER   []byte        // the certificate
	KeyRef    string        // where the key is: a file path relative to the data folder, or "pkcs11:label=..."
	CreatedAt time.Time
}

// Institution is a registration authority (a bank's certificate center) with its 3-digit code.
type Institution struct {
	Code       string // 3 digits, e.g. "901"
	Name       string // Korean display name
	ShortName  string // ASCII name written in the subject OU, e.g. "DEMOBANK1"
	APIKeyHash []byte // SHA-256 of the API key; the key itself is never stored
	CreatedAt  time.Time
}

// Enrollment is a reference number and authorization code handed out after identity
// verification (KOREAN-PKI.md section 2). The identity number and the code are stored
// only encrypted (the code must be recoverable: it is the CMP password-based-MAC secret).
type Enrollment struct {
	Reference       string
	InstitutionCode string
	Name            string // the subject's real name (realName in the VID, CN prefix)
	IDNCipher       []byte // identity number, AES-GCM sealed by the secrets box
	AuthCodeCipher  []byte // authorization code, AES-GCM sealed by the secrets box
	Kind            Kind
	Usage           Usage
	Verification    string // how identity was verified, e.g. "in-person"
	TellerID        string // who verified it in person, when in person
	CreatedAt       time.Time
	ExpiresAt       time.Time
	FailedTries     int
	Locked          bool
	UsedAt          *time.Time
	ClaimedUntil    *time.Time // set while an issuance holds the enrollment
	IssuedSerial    Serial     // the certificate issued from it, once used
	// Replaces is set for a reissue (재발급): the certificate the new one supersedes.
	Replaces Serial
}

// Certificate is an issued subscriber certificate and its status.
type Certificate struct {
	Serial          Serial
	IssuerID        string // Authority.ID of the issuing CA
	InstitutionCode string
	EnrollmentRef   string
	CommonName      string
	Kind            Kind
	Usage           Usage
	NotBefore       time.Time
	NotAfter        time.Time
	Partition       int // CRL partition, fixed at issuance
	DER             []byte
	Status          CertStatus
	RevokedAt       *time.Time
	Reason          *RevocationReason
	CreatedAt       time.Time
	// Replaces is the certificate this one renewed (갱신) or reissued (재발급).
	Replaces Serial
	// InvalidityDate is when the key is known or suspected to have become unusable
	// (RFC 5280 section 5.3.2), when the revoker said.
	InvalidityDate *time.Time
	// ConfirmBy is set while a CMP issuance awaits its certConf: unconfirmed by then, the
	// certificate is revoked (RFC 4210 section 5.3.18).
	ConfirmBy *time.Time
	// StatusAt is when the status last changed (issue, revoke, suspend, resume).
	StatusAt time.Time
	// TBS is set, and DER empty, while the certificate is being signed: the authority
	// stores the linted TBSCertificate before the signature leaves it and writes the
	// DER right after (internal/ca, issue.go). TBSTag authenticates TBS (an HMAC under
	// the authority's key) so that it can be signed again after a crash.
	TBS    []byte
	TBSTag []byte
}

// Pending reports whether the certificate is stored but its DER not yet written.
func (c Certificate) Pending() bool { return len(c.DER) == 0 && len(c.TBS) > 0 }

// SignedCertificate completes a pending certificate with its DER.
type SignedCertificate struct {
	Serial Serial
	DER    []byte
}

// StatusChange is a conditional status transition: it applies only when the certificate
// is in one of From.
type StatusChange struct {
	Serial         Serial
	From           []CertStatus
	To             CertStatus
	Reason         *RevocationReason // revoked and suspended; nil clears it (resume)
	At             time.Time
	InvalidityDate *time.Time
}

// AuditEvent is what a caller asks the audit log to record. It must carry no personal
// data in clear: no identity numbers, names, phone numbers, passwords or codes.
type AuditEvent struct {
	Type        string            // e.g. "enrollment.created", "certificate.issued"
	Actor       string            // who: "institution:901", "teller:T-17", "subscriber", "system"
	Institution string            // institution code, when one is involved
	Subject     string            // what: a serial, a reference number
	Details     map[string]string // small, non-personal facts
}

// AuditEntry is a stored, hash-chained audit record.
type AuditEntry struct {
	Chain    int
	Seq      int64
	Time     time.Time
	Event    AuditEvent
	PrevHash []byte
	Hash     []byte
}

// AuditHead is the last entry of one audit chain as the store records it: a verifier
// that walked the chain must end at the same seq and hash, or entries were cut off.
type AuditHead struct {
	Seq  int64
	Hash []byte
}

// Bootstrap is everything the first start creates, stored in one transaction.
type Bootstrap struct {
	Authorities  []Authority
	Institutions []Institution
	// NodeChecks are what every later node must match (secrets key check value, base
	// URL), recorded with the authorities so that no other node records its own first.
	NodeChecks map[string]string
}
