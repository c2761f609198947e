package e2e

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// The end-to-end cryptography both devices run (package doc, "Keys"). The relay
// itself uses only Commitment, to check a revealed key.

const (
	protocolLabel = "certcenter-relay-v1"
	// KeySize is the size of an X25519 public key.
	KeySize = 32
	// MaxPayload bounds the ciphertext: a certificate and key files are a few KiB.
	MaxPayload = 64 << 10
)

var (
	// ErrCommitment: the receiver's revealed key does not match its commitment.
	ErrCommitment = errors.New("relay: the receiver's key does not match its commitment")
	// ErrDecrypt: the ciphertext does not open with the agreed key (tampered, or not
	// from the device that showed the same confirmation number).
	ErrDecrypt = errors.New("relay: the payload does not decrypt with the agreed key")
)

// KeyPair is one device's ephemeral X25519 pair for one session.
type KeyPair struct{ priv *ecdh.PrivateKey }

// NewKeyPair draws a fresh pair.
func NewKeyPair() (*KeyPair, error) {
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &KeyPair{k}, nil
}

// Public returns the 32-byte public key.
func (k *KeyPair) Public() []byte { return k.priv.PublicKey().Bytes() }

// Commitment is SHA-256 of a public key: what the receiver gives before revealing it.
func Commitment(pub []byte) []byte {
	h := sha256.Sum256(pub)
	return h[:]
}

// CheckCommitment reports whether pub matches commitment, in constant time.
func CheckCommitment(pub, commitment []byte) bool {
	return subtle.ConstantTimeCompare(Commitment(pub), commitment) == 1
}

// ValidKey reports whether b is an X25519 public key.
func ValidKey(b []byte) bool {
	_, err := ecdh.X25519().NewPublicKey(b)
	return err == nil && len(b) == KeySize
}

// Channel is the agreed key and confirmation number of one session, the same on both
// devices when no one stood between them.
type Channel struct {
	aead         cipher.AEAD
	ad           []byte
	Confirmation string // six digits
}

// Agree derives the channel from own's private key, the peer's public key and the
// transcript (both public keys in their roles, and the code).
func (k *KeyPair) Agree(peer, receiverPub, senderPub []byte, code string) (*Channel, error) {
	pk, err := ecdh.X25519().NewPublicKey(peer)
	if err != nil {
		return nil, fmt.Errorf("relay: peer key: %w", err)
	}
	shared, err := k.priv.ECDH(pk)
	if err != nil {
		return nil, fmt.Errorf("relay: key agreement: %w", err)
	}
	th := sha256.New()
	th.Write([]byte(protocolLabel))
	th.Write(receiverPub)
	th.Write(senderPub)
	th.Write([]byte(code))
	transcript := th.Sum(nil)
	prk, err := hkdf.Extract(sha256.New, shared, transcript)
	if err != nil {
		return nil, err
	}
	key, err := hkdf.Expand(sha256.New, prk, protocolLabel+" key", 32)
	if err != nil {
		return nil, err
	}
	conf, err := hkdf.Expand(sha256.New, prk, protocolLabel+" confirmation", 8)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Channel{aead: aead, ad: transcript,
		Confirmation: fmt.Sprintf("%06d", binary.BigEndian.Uint64(conf)%1_000_000)}, nil
}

// Seal encrypts plaintext: nonce || AES-GCM ciphertext.
func (c *Channel) Seal(plaintext []byte) ([]byte, error) {
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(plaintext)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return c.aead.Seal(nonce, nonce, plaintext, c.ad), nil
}

// Open decrypts what Seal made; ErrDecrypt when it does not authenticate.
func (c *Channel) Open(ciphertext []byte) ([]byte, error) {
	n := c.aead.NonceSize()
	if len(ciphertext) < n+c.aead.Overhead() {
		return nil, ErrDecrypt
	}
	pt, err := c.aead.Open(nil, ciphertext[:n], ciphertext[n:], c.ad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// outcomeAD is appended to the transcript as the additional data of the receiver's
// outcome: a ciphertext of one direction does not open as the other (the relay cannot
// hand the sender its own payload back as an outcome).
const outcomeAD = " receiver outcome"

// SealOutcome encrypts the receiver's outcome.
func (c *Channel) SealOutcome(plaintext []byte) ([]byte, error) {
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(plaintext)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return c.aead.Seal(nonce, nonce, plaintext, append(append([]byte{}, c.ad...), outcomeAD...)), nil
}

// OpenOutcome decrypts what SealOutcome made; ErrDecrypt when it does not authenticate.
func (c *Channel) OpenOutcome(ciphertext []byte) ([]byte, error) {
	n := c.aead.NonceSize()
	if len(ciphertext) < n+c.aead.Overhead() {
		return nil, ErrDecrypt
	}
	pt, err := c.aead.Open(nil, ciphertext[:n], ciphertext[n:], append(append([]byte{}, c.ad...), outcomeAD...))
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// Outcome is what the receiving device reports after the payload: whether it stored the
// files, and if not why, as one of the Outcome* words.
type Outcome struct {
	Version int    `json:"v"`
	Stored  bool   `json:"stored"`
	Reason  string `json:"reason,omitempty"` // when not stored
	Folder  string `json:"folder,omitempty"` // <CA>/USER/<subject folder>, when stored or already there
}

// Reasons the receiver did not store the files.
const (
	OutcomeExists     = "exists"     // the certificate folder is already there (nothing was written)
	OutcomeUnreadable = "unreadable" // the payload did not open or parse
	OutcomeWriteError = "write-error"
)

// MarshalOutcome encodes o.
func MarshalOutcome(o Outcome) ([]byte, error) {
	o.Version = 1
	return json.Marshal(o)
}

// ParseOutcome decodes an outcome.
func ParseOutcome(b []byte) (*Outcome, error) {
	var o Outcome
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, fmt.Errorf("relay: outcome: %w", err)
	}
	if o.Version != 1 {
		return nil, fmt.Errorf("relay: outcome version %d (this certctl reads 1)", o.Version)
	}
	return &o, nil
}

// Payload is what crosses: a certificate folder's files exactly as on disk.
type Payload struct {
	Version  int    `json:"v"`
	Folder   string `json:"folder"` // <CA>/USER/<subject folder> on the sending device
	SignCert []byte `json:"signCert"`
	SignKey  []byte `json:"signKey"`
	KMCert   []byte `json:"kmCert,omitempty"`
	KMKey    []byte `json:"kmKey,omitempty"`
}

// MarshalPayload encodes p.
func MarshalPayload(p Payload) ([]byte, error) {
	p.Version = 1
	return json.Marshal(p)
}

// ParsePayload decodes a payload and checks that its required files are there.
func ParsePayload(b []byte) (*Payload, error) {
	var p Payload
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("relay: payload: %w", err)
	}
	switch {
	case p.Version != 1:
		return nil, fmt.Errorf("relay: payload version %d (this certctl reads 1)", p.Version)
	case len(p.SignCert) == 0 || len(p.SignKey) == 0:
		return nil, errors.New("relay: payload without signCert.der or signPri.key")
	case (p.KMCert == nil) != (p.KMKey == nil):
		return nil, errors.New("relay: payload with only half of the km pair")
	}
	return &p, nil
}
