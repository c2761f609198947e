package model

import "time"

// Customer is a person or company on an institution's books (KOREAN-PKI.md section 1:
// the institution verifies its own customers). Everything personal is sealed: the
// identity number on its own (bound to the customer id) and the profile (name, phone,
// e-mail, accounts) as one sealed JSON document. IDNHash is a keyed hash (HMAC) of the
// identity number, for finding a customer without decrypting every row; NameBirthHash
// and PhoneHash are the teller's search keys (center.SearchKeys), keyed hashes too, set
// when SearchKeyed (nil where the customer has no birth date or no phone).
type Customer struct {
	ID              string
	InstitutionCode string
	IDNHash         []byte
	IDNCipher       []byte
	ProfileCipher   []byte
	CreatedAt       time.Time
	NameBirthHash   []byte
	PhoneHash       []byte
	SearchKeyed     bool
}

// VerificationStatus is where an identity verification (본인확인) stands.
type VerificationStatus string

const (
	VerificationPending    VerificationStatus = "pending"    // waiting for the code or the signed challenge
	VerificationVerified   VerificationStatus = "verified"   // identity proven; may create one enrollment
	VerificationFailed     VerificationStatus = "failed"     // wrong evidence (account check, certificate)
	VerificationLocked     VerificationStatus = "locked"     // too many wrong codes
	VerificationUsed       VerificationStatus = "used"       // consumed by an enrollment or a registration
	VerificationSuperseded VerificationStatus = "superseded" // a newer verification of the same customer and method replaced it
)

// Verification is one identity verification of a customer, or (Method "registration")
// one challenge of an other-institution registration. Secret is a keyed hash of the
// one-time code, or the challenge itself; it is never a code in clear.
type Verification struct {
	ID              string
	InstitutionCode string
	CustomerID      string
	Method          string // "sms", "account", "in-person", "certificate", "registration"
	Status          VerificationStatus
	Secret          []byte
	Tries           int
	CreatedAt       time.Time
	ExpiresAt       time.Time
	VerifiedAt      *time.Time
	UsedAt          *time.Time
	TellerID        string
	Evidence        string // non-personal: the serial of the certificate that proved it
}

// Registration binds a certificate obtained elsewhere (another institution, or another
// CA on the trust list) to a customer (타기관 인증서 등록, KOREAN-PKI.md section 2).
type Registration struct {
	ID              string
	InstitutionCode string
	CustomerID      string
	Serial          Serial
	Issuer          string // issuer DN as a string
	Subject         string // subject DN (holds the name: shown only to the institution)
	CertDER         []byte
	NotAfter        time.Time
	CreatedAt       time.Time
	// Status is filled on reading for certificates of this CA: the live status.
	Status CertStatus
}

// BillingRecord is the fee of one universal certificate (범용, KOREAN-PKI.md section 1).
type BillingRecord struct {
	Serial          Serial
	InstitutionCode string
	Kind            Kind
	Usage           Usage
	PolicyOID       string
	AmountKRW       int64
	Note            string // "issue", "renewal", "reissue (no charge)"
	CreatedAt       time.Time
}

// ReminderDue is a certificate that needs an expiry reminder at a threshold (days).
type ReminderDue struct {
	Serial          Serial
	InstitutionCode string
	CustomerID      string
	NotAfter        time.Time
	Threshold       int
}

// OutboxMessage is a notification kept in the database (development outbox).
type OutboxMessage struct {
	ID              int64
	InstitutionCode string
	Channel         string // "email" or "sms"
	To              string // masked recipient
	Subject         string
	Body            string
	CreatedAt       time.Time
}
