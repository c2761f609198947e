package model

import "time"

// FinCert is the usage of the financial certificate (금융인증서, KOREAN-PKI.md section 9):
// a personal certificate whose key the service holds, valid three years, subject kind OU
// personalF. An enrollment with this usage is redeemed by internal/cloudcert, never by
// a client that brings its own key.
const FinCert Usage = "fincert"

// FinCertLine is one person's financial certificate as internal/cloudcert keeps it: a
// line of certificates (the first issuance and its renewals) sharing one PIN. A reissue
// or a new issuance starts a new line and deactivates the old one. Nothing in it is
// usable from a database dump alone: the key and R are wrapped under the key source's
// key-encryption key, the PIN verifier is keyed by the key source's pepper, and the
// lookups are keyed hashes.
type FinCertLine struct {
	ID              string // "fcl_<hex>": stable across renewals; binds the PIN verifier
	Person          []byte // keyed hash of the identity number: one active line per person
	Lookup          []byte // keyed hash of (name, birth date, phone): how a browser finds it
	Serial          Serial // the current certificate
	InstitutionCode string // where it was issued
	WrappedKey      []byte // PKCS#8 private key, wrapped under the KEK (bound to ID)
	WrappedR        []byte // randomNum R, wrapped under the KEK (bound to ID)
	PhoneCipher     []byte // the phone number for SMS, sealed by the secrets box (bound to ID)
	PINHash         []byte // argon2id(HMAC(pepper, PIN || ID)); nil until the PIN is set
	PINFails        int
	PINLocked       bool
	AutoRenew       bool
	Active          bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// FinCertDevice is a browser registered to use a person's financial certificate: its
// WebCrypto ECDSA P-256 public key (non-extractable private key kept in IndexedDB).
type FinCertDevice struct {
	ID             string // "fcd_<hex>"
	Person         []byte
	SPKI           []byte // DER SubjectPublicKeyInfo, P-256
	Label          string // user-visible name, e.g. "Chrome on Linux"
	CreatedAt      time.Time
	LastUsedAt     *time.Time
	DisconnectedAt *time.Time
}

// FinCertChallenge is a single-use server nonce a device signs to prove it is present.
type FinCertChallenge struct {
	Nonce     []byte // 32 random bytes
	DeviceID  string
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// FinCertPending is a pending step that needs a one-time code or a reset token: a
// device registration (Kind "device", SMS code) or a PIN reset (Kind "pin-reset",
// code handed out by an institution after identity verification). Secret is a keyed
// hash of the code, never the code.
type FinCertPending struct {
	ID        string
	Kind      string
	LineID    string
	Secret    []byte
	SPKI      []byte // device registrations: the key to register
	Label     string
	Tries     int
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

// FinCertSignRequest is a relying institution's request for a signature, single use.
// Request is its JSON (content and options), kept to the end of its short life.
type FinCertSignRequest struct {
	ID              string // "fsr_<hex>"
	InstitutionCode string
	Request         []byte
	CreatedAt       time.Time
	ExpiresAt       time.Time
	UsedAt          *time.Time
	Serial          Serial // the certificate that signed it, once used
}
