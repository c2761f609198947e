package signer

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ThalesGroup/crypto11"
	"github.com/miekg/pkcs11"
)

// HSM is an open, logged-in session with one PKCS#11 token. Its methods and the Signers
// it returns are safe for concurrent use; Signers stop working once the HSM is closed.
type HSM struct {
	ctx   *crypto11.Context
	token string // "token LABEL" or "slot N", for messages and Describe
}

// OpenPKCS11 loads the module, finds the token and logs in with the PIN the reference in
// cfg.PIN resolves to. cfg.KeyLabel is not used here (see PKCS11Config). Errors wrap
// ErrModuleNotFound, ErrTokenNotFound, ErrWrongPIN or ErrPINLocked when those are the
// cause, and never contain the PIN.
func OpenPKCS11(cfg PKCS11Config) (*HSM, error) {
	if cfg.Module == "" {
		return nil, fmt.Errorf("%w: no module path configured (pkcs11.module)", ErrModuleNotFound)
	}
	if (cfg.TokenLabel == "") == (cfg.Slot == nil) {
		return nil, errors.New("signer: pkcs11: set exactly one of token_label and slot")
	}
	// crypto11 reports a missing library only as "failed to open module"; check first
	// so the message can name the path and the fix.
	if _, err := os.Stat(cfg.Module); err != nil {
		return nil, fmt.Errorf("%w: %s: %w (install the vendor's PKCS#11 library, or softhsm2 for tests, and set pkcs11.module)",
			ErrModuleNotFound, cfg.Module, errors.Unwrap(err))
	}
	pin, err := ResolveSecret(cfg.PIN)
	if err != nil {
		return nil, fmt.Errorf("%w (pkcs11.pin)", err)
	}
	c11 := &crypto11.Config{Path: cfg.Module, TokenLabel: cfg.TokenLabel, Pin: string(pin)}
	clear(pin)
	token := "token " + cfg.TokenLabel
	if cfg.Slot != nil {
		slot := int(*cfg.Slot)
		c11.SlotNumber = &slot
		token = fmt.Sprintf("slot %d", *cfg.Slot)
	}
	ctx, err := crypto11.Configure(c11)
	c11.Pin = "" // crypto11 keeps a pointer to c11; the PIN is only needed to log in
	if err != nil {
		return nil, classifyOpenError(err, cfg.Module, token)
	}
	return &HSM{ctx: ctx, token: token}, nil
}

// classifyOpenError maps crypto11.Configure's errors onto our sentinels. crypto11 does
// not export its "token not found" error, so that one is matched by its text (pinned by
// go.sum and covered by TestOpenPKCS11Errors).
func classifyOpenError(err error, module, token string) error {
	var p11 pkcs11.Error
	if errors.As(err, &p11) {
		switch p11 {
		case pkcs11.CKR_PIN_INCORRECT, pkcs11.CKR_PIN_INVALID, pkcs11.CKR_PIN_LEN_RANGE:
			return fmt.Errorf("%w for %s (check the secret pkcs11.pin refers to)", ErrWrongPIN, token)
		case pkcs11.CKR_PIN_LOCKED:
			return fmt.Errorf("%w for %s (the security officer must unlock or reset it)", ErrPINLocked, token)
		case pkcs11.CKR_USER_PIN_NOT_INITIALIZED:
			return fmt.Errorf("%w for %s: the token has no user PIN yet (the security officer sets one)", ErrWrongPIN, token)
		case pkcs11.CKR_TOKEN_NOT_RECOGNIZED, pkcs11.CKR_TOKEN_NOT_PRESENT, pkcs11.CKR_SLOT_ID_INVALID:
			return fmt.Errorf("%w: %s in %s is absent or not initialized: %v", ErrTokenNotFound, token, module, p11)
		case pkcs11.CKR_PIN_EXPIRED:
			return fmt.Errorf("%w for %s: the PIN has expired (set a new one with the vendor's tool)", ErrWrongPIN, token)
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "could not find PKCS#11 token"):
		return fmt.Errorf("%w: no %s in %s (list tokens with `softhsm2-util --show-slots` or `pkcs11-tool --module %s -L`)",
			ErrTokenNotFound, token, module, module)
	case strings.Contains(msg, "failed to open module"), strings.Contains(msg, "failed to initialize module"):
		return fmt.Errorf("%w: %s cannot be loaded as a PKCS#11 library: %v", ErrModuleNotFound, module, err)
	}
	return fmt.Errorf("signer: pkcs11 open %s in %s: %w", token, module, err)
}

// Signer returns the key pair whose private key has CKA_LABEL keyLabel, after checking
// it against the CA key policy. It fails with ErrKeyNotFound if there is none, and
// refuses an ambiguous label rather than pick one of several keys.
func (h *HSM) Signer(keyLabel string) (Signer, error) {
	if keyLabel == "" {
		return nil, errors.New("signer: pkcs11: empty key label")
	}
	keys, err := h.ctx.FindKeyPairs(nil, []byte(keyLabel))
	if err != nil {
		return nil, fmt.Errorf("signer: pkcs11 find key %q in %s: %w", keyLabel, h.token, err)
	}
	switch len(keys) {
	case 0:
		return nil, fmt.Errorf("%w: no key pair labelled %q in %s (a private key needs a CKA_ID and a matching public key)",
			ErrKeyNotFound, keyLabel, h.token)
	case 1:
	default:
		return nil, fmt.Errorf("signer: pkcs11: %d key pairs labelled %q in %s; labels must be unique", len(keys), keyLabel, h.token)
	}
	return h.wrap(keys[0], keyLabel)
}

// GenerateRSA creates an RSA key pair labelled keyLabel in the token, for bootstrapping
// a CA into an HSM. The private key is sensitive and non-extractable, so it can never
// leave the token, and sign-only: a CA key that can also decrypt invites its use as an
// RSA decryption oracle (key separation, NIST SP 800-57 Part 1, 5.2). It refuses to add
// a second key under a label that is already taken.
func (h *HSM) GenerateRSA(keyLabel string, bits int) (Signer, error) {
	if keyLabel == "" {
		return nil, errors.New("signer: pkcs11: empty key label")
	}
	if bits < minRSABits {
		return nil, fmt.Errorf("%w: RSA-%d is below the %d-bit minimum", ErrKeyPolicy, bits, minRSABits)
	}
	existing, err := h.ctx.FindKeyPairs(nil, []byte(keyLabel))
	if err != nil {
		return nil, fmt.Errorf("signer: pkcs11 find key %q in %s: %w", keyLabel, h.token, err)
	}
	if len(existing) > 0 {
		return nil, fmt.Errorf("%w: %s already holds a key pair labelled %q", ErrKeyExists, h.token, keyLabel)
	}
	// crypto11 pairs private and public halves by CKA_ID, so each key needs its own.
	id := make([]byte, 16)
	rand.Read(id)
	pub, err := crypto11.NewAttributeSetWithIDAndLabel(id, []byte(keyLabel))
	if err != nil {
		return nil, err
	}
	priv := pub.Copy()
	pub.AddIfNotPresent([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, false),
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, false),
	})
	priv.AddIfNotPresent([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
		pkcs11.NewAttribute(pkcs11.CKA_DECRYPT, false),
		pkcs11.NewAttribute(pkcs11.CKA_UNWRAP, false),
	})
	k, err := h.ctx.GenerateRSAKeyPairWithAttributes(pub, priv, bits)
	if err != nil {
		return nil, fmt.Errorf("signer: pkcs11 generate RSA-%d %q in %s: %w", bits, keyLabel, h.token, err)
	}
	return h.wrap(k, keyLabel)
}

func (h *HSM) wrap(k crypto11.Signer, keyLabel string) (Signer, error) {
	alg, err := checkPolicy(k.Public())
	if err != nil {
		return nil, fmt.Errorf("signer: pkcs11 key %q in %s: %w", keyLabel, h.token, err)
	}
	// Wrap in described so the crypto11 value, whose Delete method would destroy the
	// key in the token, is not reachable by a type assertion.
	return &described{Signer: k, desc: fmt.Sprintf("pkcs11 %s key %s (%s)", h.token, keyLabel, alg)}, nil
}

// Close logs out and releases the token's sessions, waiting for operations in flight.
// Signers from this HSM fail afterwards.
func (h *HSM) Close() error {
	return h.ctx.Close()
}
