package model

import "time"

// RelaySession is one device-to-device copy in progress (internal/relay). The relay
// holds only hashes of the code and the two bearer tokens, the two X25519 public keys,
// the receiver's commitment to its key, and the end-to-end ciphertext: never a key
// file, a password or a clear code.
type RelaySession struct {
	ID       string // random, hex; names the session in URLs
	Locator  string // the code's first digits: addresses the session while it is open
	CodeHash []byte // SHA-256 of the whole code (digits only)

	ReceiverTokenHash []byte // SHA-256 of the receiver's bearer token
	SenderTokenHash   []byte // set by the claim
	Commitment        []byte // SHA-256 of the receiver's public key, given at creation
	ReceiverKey       []byte // X25519, revealed after the claim
	SenderKey         []byte // X25519, given with the claim
	Payload           []byte // AES-GCM ciphertext, set once by the sender, cleared with the outcome
	Outcome           []byte // AES-GCM ciphertext, set once by the receiver after the payload

	FailedTries int // wrong codes tried against this session while it was open

	CreatedAt  time.Time
	ExpiresAt  time.Time
	ClaimedAt  *time.Time
	RevealedAt *time.Time
	SentAt     *time.Time
	DoneAt     *time.Time // the receiver's outcome is there
}
