package relay

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// Store is what the relay needs from storage.
//
// Error contract: CreateRelaySession returns store.ErrConflict when the id or the
// locator belongs to a stored session that has not expired at s.CreatedAt (an expired
// one with the same locator is removed). RelaySession and RelaySessionByLocator return
// store.ErrNotFound when absent. ClaimRelaySession, RevealRelayKey, PutRelayPayload and PutRelayOutcome
// are conditional (see sqlstore) and return store.ErrConflict when the session is not
// in the required state, store.ErrNotFound when it does not exist. RelayFailedTry counts
// a wrong code against an open session (store.ErrConflict once claimed).
// DeleteRelaySession returns store.ErrNotFound when absent.
type Store interface {
	CreateRelaySession(ctx context.Context, s model.RelaySession) error
	RelaySession(ctx context.Context, id string) (model.RelaySession, error)
	RelaySessionByLocator(ctx context.Context, locator string) (model.RelaySession, error)
	ClaimRelaySession(ctx context.Context, id string, senderKey, senderTokenHash []byte, maxTries int, at time.Time) error
	RelayFailedTry(ctx context.Context, id string) (int, error)
	RevealRelayKey(ctx context.Context, id string, receiverKey []byte, at time.Time) error
	PutRelayPayload(ctx context.Context, id string, payload []byte, at time.Time) error
	PutRelayOutcome(ctx context.Context, id string, outcome []byte, at time.Time) error
	DeleteRelaySession(ctx context.Context, id string) error
	DeleteExpiredRelaySessions(ctx context.Context, before time.Time) (int64, error)
}

const (
	// TTL is how long a session lives from its opening (KOREAN-PKI.md section 8).
	TTL = 5 * time.Minute
	// MaxTries wrong codes lock a session.
	MaxTries = 5
	// MaxWait bounds a long-poll, under the server's 60 s write timeout.
	MaxWait = 25 * time.Second
	// pollEvery is how often a long-poll looks at the database: sessions may change on
	// another node, so the database is the only place to watch.
	pollEvery = 50 * time.Millisecond
	// createTries bounds the draws of a free locator.
	createTries = 8
)

// Session states, as GET reports them.
const (
	StateOpen     = "open"     // waiting for the sender's code
	StateClaimed  = "claimed"  // the sender's key is there; the receiver reveals its own
	StateRevealed = "revealed" // both keys are there; the sender confirms and sends
	StateSent     = "sent"     // the ciphertext is there for the receiver
	StateDone     = "done"     // the receiver's outcome is there for the sender
	StateLocked   = "locked"   // 5 wrong codes
)

// Service runs the relay's sessions.
type Service struct {
	store Store
	now   func() time.Time
	log   *slog.Logger
}

// New returns the relay service.
func New(st Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, now: now, log: log}
}

// Opened is the receiver's view of a new session.
type Opened struct {
	ID        string    `json:"id"`
	Token     string    `json:"token"`
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Claimed is the sender's view after a good code.
type Claimed struct {
	ID         string    `json:"id"`
	Token      string    `json:"token"`
	Commitment []byte    `json:"commitment"`
	ExpiresAt  time.Time `json:"expiresAt"`
}

// View is a session as one party may see it.
type View struct {
	State       string    `json:"state"`
	Commitment  []byte    `json:"commitment"`
	ReceiverKey []byte    `json:"receiverKey,omitempty"` // after the reveal
	SenderKey   []byte    `json:"senderKey,omitempty"`   // after the claim
	Ciphertext  []byte    `json:"ciphertext,omitempty"`  // to the receiver, once sent
	Outcome     []byte    `json:"outcome,omitempty"`     // to the sender, once done
	ExpiresAt   time.Time `json:"expiresAt"`
}

func hash(b []byte) []byte { h := sha256.Sum256(b); return h[:] }

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Open starts a session for a receiver that committed to its key.
func (s *Service) Open(ctx context.Context, commitment []byte) (*Opened, error) {
	if len(commitment) != sha256.Size {
		return nil, errs.New(errs.RelayBadKey, "commitment must be 32 bytes (SHA-256 of the X25519 public key)")
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	for range createTries {
		code, err := NewCode()
		if err != nil {
			return nil, err
		}
		id, err := randomHex(16)
		if err != nil {
			return nil, err
		}
		sess := model.RelaySession{
			ID: id, Locator: Locator(code), CodeHash: hash([]byte(code)),
			ReceiverTokenHash: hash([]byte(token)), Commitment: commitment,
			CreatedAt: now, ExpiresAt: now.Add(TTL),
		}
		err = s.store.CreateRelaySession(ctx, sess)
		if errors.Is(err, store.ErrConflict) {
			continue // locator taken: draw again
		}
		if err != nil {
			return nil, err
		}
		return &Opened{ID: id, Token: token, Code: code, ExpiresAt: sess.ExpiresAt}, nil
	}
	return nil, errs.New(errs.RelayBusy, "no free locator after %d draws", createTries)
}

// Claim redeems a code for the sender: it records the sender's key and answers the
// receiver's commitment and the sender's token. A wrong code finds no session (Locator),
// so it cannot count against, or lock, anyone's session; guessing is limited per client
// in front of the relay (httpapi's Limits).
func (s *Service) Claim(ctx context.Context, codeText string, senderKey []byte) (*Claimed, error) {
	code, err := ParseCode(codeText)
	if err != nil {
		return nil, errs.New(errs.RelayCodeInvalid, "%v", err)
	}
	if !ValidKey(senderKey) {
		return nil, errs.New(errs.RelayBadKey, "publicKey must be a 32-byte X25519 key")
	}
	now := s.now()
	sess, err := s.store.RelaySessionByLocator(ctx, Locator(code))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errs.New(errs.RelayCodeInvalid, "no open session for this code")
	}
	if err != nil {
		return nil, err
	}
	good := subtle.ConstantTimeCompare(hash([]byte(code)), sess.CodeHash) == 1
	switch {
	case !now.Before(sess.ExpiresAt):
		if good {
			return nil, errs.New(errs.RelayCodeExpired, "expired at %s", sess.ExpiresAt.Format(time.RFC3339))
		}
		return nil, errs.New(errs.RelayCodeInvalid, "no open session for this code")
	case sess.FailedTries >= MaxTries:
		return nil, errs.New(errs.RelaySessionLocked, "%d wrong codes", sess.FailedTries)
	case sess.ClaimedAt != nil:
		if good {
			return nil, errs.New(errs.RelayCodeUsed, "claimed at %s", sess.ClaimedAt.Format(time.RFC3339))
		}
		return nil, errs.New(errs.RelayCodeInvalid, "no open session for this code")
	case !good:
		tries, err := s.store.RelayFailedTry(ctx, sess.ID)
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			return nil, errs.New(errs.RelayCodeInvalid, "no open session for this code")
		}
		if err != nil {
			return nil, err
		}
		s.log.Warn("relay: wrong code", "session", sess.ID, "tries", tries)
		if tries >= MaxTries {
			return nil, errs.New(errs.RelaySessionLocked, "%d wrong codes", tries)
		}
		return nil, errs.New(errs.RelayCodeInvalid, "wrong code (%d of %d tries left)", MaxTries-tries, MaxTries).
			With("remaining", strconv.Itoa(MaxTries-tries))
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	err = s.store.ClaimRelaySession(ctx, sess.ID, senderKey, hash([]byte(token)), MaxTries, now)
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		// Lost a race: another claim, the fifth wrong code or expiry came first.
		return nil, errs.New(errs.RelayCodeUsed, "the session changed while claiming")
	}
	if err != nil {
		return nil, err
	}
	return &Claimed{ID: sess.ID, Token: token, Commitment: sess.Commitment, ExpiresAt: sess.ExpiresAt}, nil
}

type role int

const (
	roleReceiver role = iota + 1
	roleSender
)

// session loads a live session and authenticates the bearer token.
func (s *Service) session(ctx context.Context, id, token string) (model.RelaySession, role, error) {
	sess, err := s.store.RelaySession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return sess, 0, errs.New(errs.RelaySessionNotFound, "session %s", id)
	}
	if err != nil {
		return sess, 0, err
	}
	th := hash([]byte(token))
	var r role
	switch {
	case token != "" && subtle.ConstantTimeCompare(th, sess.ReceiverTokenHash) == 1:
		r = roleReceiver
	case token != "" && sess.SenderTokenHash != nil && subtle.ConstantTimeCompare(th, sess.SenderTokenHash) == 1:
		r = roleSender
	default:
		return sess, 0, errs.New(errs.RelayTokenInvalid, "bad bearer token for session %s", id)
	}
	if !s.now().Before(sess.ExpiresAt) {
		return sess, r, errs.New(errs.RelayCodeExpired, "session expired at %s", sess.ExpiresAt.Format(time.RFC3339))
	}
	return sess, r, nil
}

func state(sess model.RelaySession) string {
	switch {
	case sess.DoneAt != nil:
		return StateDone
	case sess.SentAt != nil:
		return StateSent
	case sess.RevealedAt != nil:
		return StateRevealed
	case sess.ClaimedAt != nil:
		return StateClaimed
	case sess.FailedTries >= MaxTries:
		return StateLocked
	}
	return StateOpen
}

func view(sess model.RelaySession, r role) *View {
	v := &View{State: state(sess), Commitment: sess.Commitment, ReceiverKey: sess.ReceiverKey,
		SenderKey: sess.SenderKey, ExpiresAt: sess.ExpiresAt}
	if r == roleReceiver {
		v.Ciphertext = sess.Payload
	} else {
		v.Outcome = sess.Outcome
	}
	return v
}

// Status returns the session as the token's holder may see it. With wait > 0 it waits
// (at most MaxWait) until the state is no longer after, or the session is gone.
func (s *Service) Status(ctx context.Context, id, token, after string, wait time.Duration) (*View, error) {
	wait = min(wait, MaxWait)
	deadline := time.Now().Add(wait)
	for {
		sess, r, err := s.session(ctx, id, token)
		if err != nil {
			return nil, err
		}
		v := view(sess, r)
		if after == "" || v.State != after || wait <= 0 || !time.Now().Before(deadline) {
			return v, nil
		}
		t := time.NewTimer(pollEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, nil
		case <-t.C:
		}
	}
}

// Reveal stores the receiver's public key once the sender has claimed; it must match
// the commitment given at Open.
func (s *Service) Reveal(ctx context.Context, id, token string, pub []byte) error {
	sess, r, err := s.session(ctx, id, token)
	if err != nil {
		return err
	}
	if r != roleReceiver {
		return errs.New(errs.RelayTokenInvalid, "only the receiver reveals its key")
	}
	if !ValidKey(pub) || !CheckCommitment(pub, sess.Commitment) {
		return errs.New(errs.RelayBadKey, "publicKey does not match the commitment")
	}
	err = s.store.RevealRelayKey(ctx, id, pub, s.now())
	if s.repeated(ctx, err, id, func(cur model.RelaySession) []byte { return cur.ReceiverKey }, pub) {
		return nil
	}
	return s.stateErr(err, id, "the sender has not claimed the session yet, or the key was revealed already")
}

// Send stores the sender's ciphertext, once.
func (s *Service) Send(ctx context.Context, id, token string, ciphertext []byte) error {
	_, r, err := s.session(ctx, id, token)
	if err != nil {
		return err
	}
	if r != roleSender {
		return errs.New(errs.RelayTokenInvalid, "only the sender sends")
	}
	if len(ciphertext) == 0 {
		return errs.New(errs.BadRequest, "empty ciphertext")
	}
	if len(ciphertext) > MaxPayload {
		return errs.New(errs.RelayPayloadTooLarge, "%d bytes, at most %d", len(ciphertext), MaxPayload)
	}
	err = s.store.PutRelayPayload(ctx, id, ciphertext, s.now())
	if s.repeated(ctx, err, id, func(cur model.RelaySession) []byte { return cur.Payload }, ciphertext) {
		return nil
	}
	return s.stateErr(err, id, "the receiver has not revealed its key yet, or the payload was sent already")
}

// MaxOutcome bounds the receiver's outcome: a few words of JSON, encrypted.
const MaxOutcome = 4 << 10

// Outcome stores the receiver's encrypted outcome once the payload is there, once; it
// clears the payload, which the receiver has read.
func (s *Service) Outcome(ctx context.Context, id, token string, ciphertext []byte) error {
	_, r, err := s.session(ctx, id, token)
	if err != nil {
		return err
	}
	if r != roleReceiver {
		return errs.New(errs.RelayTokenInvalid, "only the receiver reports the outcome")
	}
	if len(ciphertext) == 0 {
		return errs.New(errs.BadRequest, "empty outcome")
	}
	if len(ciphertext) > MaxOutcome {
		return errs.New(errs.RelayPayloadTooLarge, "%d bytes, at most %d", len(ciphertext), MaxOutcome)
	}
	err = s.store.PutRelayOutcome(ctx, id, ciphertext, s.now())
	if s.repeated(ctx, err, id, func(cur model.RelaySession) []byte { return cur.Outcome }, ciphertext) {
		return nil
	}
	return s.stateErr(err, id, "the sender has not sent yet, or the outcome was reported already")
}

// ExpiredGrace is how long an expired session stays before the sweep removes it, so
// that a code typed late is answered "expired" rather than "wrong". Expired sessions
// serve nothing: every operation on them is refused.
const ExpiredGrace = time.Minute

// Delete ends a session: the receiver after receiving, either party to cancel. An
// expired session is left to the sweep (ExpiredGrace). A session already gone is
// deleted: the same request again after its answer was lost (a gone session tells
// nothing about its token).
func (s *Service) Delete(ctx context.Context, id, token string) error {
	if _, _, err := s.session(ctx, id, token); errors.Is(err, errs.Sentinel(errs.RelayCodeExpired)) || errors.Is(err, errs.Sentinel(errs.RelaySessionNotFound)) {
		return nil
	} else if err != nil {
		return err
	}
	err := s.store.DeleteRelaySession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted meanwhile by the other party or the sweep
	}
	return err
}

// repeated reports whether a refused step (store.ErrConflict) was this very step done
// already, with the same bytes: the same request again after its answer was lost (the
// chaos harness's copies after a kill). It is answered as done; other bytes are still
// refused.
func (s *Service) repeated(ctx context.Context, err error, id string, stored func(model.RelaySession) []byte, sent []byte) bool {
	if !errors.Is(err, store.ErrConflict) {
		return false
	}
	cur, err := s.store.RelaySession(ctx, id)
	return err == nil && len(sent) > 0 && bytes.Equal(stored(cur), sent)
}

func (s *Service) stateErr(err error, id, why string) error {
	switch {
	case errors.Is(err, store.ErrConflict):
		return errs.New(errs.RelayState, "%s", why)
	case errors.Is(err, store.ErrNotFound):
		return errs.New(errs.RelaySessionNotFound, "session %s", id)
	}
	return err
}

// Sweep deletes the sessions expired more than ExpiredGrace ago and returns how many.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	return s.store.DeleteExpiredRelaySessions(ctx, s.now().Add(-ExpiredGrace))
}

// RunSweeper sweeps every interval until ctx is done: the cleanup job.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("relay: sweep expired sessions", "err", err)
			} else if n > 0 {
				s.log.Debug("relay: swept expired sessions", "count", n)
			}
		}
	}
}
