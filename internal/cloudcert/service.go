package cloudcert

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
	"github.com/certcenter/certcenter/internal/store"
)

// Rules of the service (KOREAN-PKI.md section 9 and the rules of issue 15).
const (
	// KeyBits is the size of the cloud keys: RSA-2048, as the profile asks (section 6).
	KeyBits = 2048
	// MaxDevices is how many devices one person may have connected at once.
	MaxDevices = 5
	// ChallengeLifetime bounds a device challenge: fetched and signed in one go.
	ChallengeLifetime = 2 * time.Minute
	// SignRequestLifetime bounds a relying institution's sign request: the user opens
	// the iframe, reads and types the PIN.
	SignRequestLifetime = 5 * time.Minute
	// CodeLifetime bounds an SMS code of a device registration (as the center's OTPs).
	CodeLifetime = 3 * time.Minute
	// ResetLifetime bounds a PIN reset handed out by an institution.
	ResetLifetime = 30 * time.Minute
	// MaxWrongCodes ends a device registration or a PIN reset.
	MaxWrongCodes = 5
	// MaxRegistrationsPerHour bounds the SMS codes of device registrations per
	// certificate (SMS flooding, code guessing across many registrations).
	MaxRegistrationsPerHour = 5
)

// KeySource is the key-encryption key and the pepper (internal/kek). Wrap binds to ad.
type KeySource interface {
	Wrap(plaintext, ad []byte) ([]byte, error)
	Unwrap(wrapped, ad []byte) ([]byte, error)
	Pepper(msg []byte) ([]byte, error)
}

// Center is what the service needs from the certificate center: redeem an enrollment,
// issue and renew through the authority, revoke, authenticate institutions.
type Center interface {
	Redeem(ctx context.Context, ref, code string) (*center.Redeemed, error)
	IssueRedeemed(ctx context.Context, red *center.Redeemed, pub crypto.PublicKey, r []byte) (*ca.Issued, error)
	Release(ctx context.Context, ref string) error
	Renew(ctx context.Context, serial model.Serial, pub crypto.PublicKey, r []byte, confirmBy *time.Time, actor string) (*ca.Issued, error)
	Revoke(ctx context.Context, inst *model.Institution, serial model.Serial, reason model.RevocationReason, invalidity *time.Time, actor string) (model.Certificate, error)
	Authenticate(ctx context.Context, apiKey string) (model.Institution, error)
}

// Authority gives the certificate with its live status and the CA chain.
type Authority interface {
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)
	IssuingDER() []byte
	RootDER() []byte
}

// Sealer seals personal data (the phone number) and computes the keyed lookups.
type Sealer interface {
	Seal(purpose, binding string, plaintext []byte) ([]byte, error)
	Open(purpose, binding string, sealed []byte) ([]byte, error)
	MAC(purpose string, data ...[]byte) []byte
}

// IdentityChecker resolves a completed identity verification at an institution to the
// customer's identity number (center.Desk, wired in internal/app): a PIN reset needs it.
type IdentityChecker func(ctx context.Context, inst model.Institution, verificationID string) (idn string, err error)

// Store is what the service needs from storage.
//
// Error contract: lookups return store.ErrNotFound when absent. CreateLine stores a new
// line, deactivating the line deactivate (if not "") in the same transaction, and
// returns store.ErrConflict if the person already has another active line.
// AddDevice returns store.ErrConflict when the person has max connected devices.
// UseChallenge marks the challenge of (nonce, deviceID) used if it is unused and not
// expired at at; otherwise store.ErrConflict (store.ErrNotFound if unknown).
// UseSignRequest and UsePending likewise mark single use (store.ErrConflict if used).
// RecordPINFailure increments the count and locks at max, returning both.
// Every method taking an AuditEvent appends it in the same transaction.
type Store interface {
	CreateFinCertLine(ctx context.Context, l model.FinCertLine, deactivate string, ev model.AuditEvent) error
	FinCertLine(ctx context.Context, id string) (model.FinCertLine, error)
	ActiveFinCertLine(ctx context.Context, person []byte) (model.FinCertLine, error)
	ActiveFinCertLineByLookup(ctx context.Context, lookup []byte) (model.FinCertLine, error)
	RenewFinCertLine(ctx context.Context, id string, serial model.Serial, wrappedKey, wrappedR []byte, at time.Time, ev model.AuditEvent) error
	SetFinCertPIN(ctx context.Context, id string, pinHash []byte, at time.Time, ev model.AuditEvent) error
	RecordFinCertPINFailure(ctx context.Context, id string, c *model.FinCertChallenge, at time.Time, max int, ev model.AuditEvent) (fails int, locked bool, err error)
	ClearFinCertPINFailures(ctx context.Context, id string) error

	AddFinCertDevice(ctx context.Context, d model.FinCertDevice, max int, ev model.AuditEvent) error
	FinCertDevice(ctx context.Context, id string) (model.FinCertDevice, error)
	FinCertDevices(ctx context.Context, person []byte) ([]model.FinCertDevice, error)
	DisconnectFinCertDevice(ctx context.Context, id string, at time.Time, ev model.AuditEvent) error

	UseFinCertChallenge(ctx context.Context, c model.FinCertChallenge, at time.Time) error

	CreateFinCertPending(ctx context.Context, p model.FinCertPending, ev model.AuditEvent) error
	FinCertPending(ctx context.Context, id string) (model.FinCertPending, error)
	CountFinCertPending(ctx context.Context, lineID, kind string, since time.Time) (int, error)
	FinCertPendingFailure(ctx context.Context, id string) (tries int, err error)
	UseFinCertPending(ctx context.Context, id string, at time.Time) error

	CreateFinCertSignRequest(ctx context.Context, r model.FinCertSignRequest, ev model.AuditEvent) error
	FinCertSignRequest(ctx context.Context, id string) (model.FinCertSignRequest, error)
	UseFinCertSignRequest(ctx context.Context, id string, serial model.Serial, c *model.FinCertChallenge, lineID string, at time.Time, ev model.AuditEvent) error

	AppendAudit(ctx context.Context, ev model.AuditEvent) error
	Institution(ctx context.Context, code string) (model.Institution, error)
}

// Config builds a Service.
type Config struct {
	Store     Store
	Center    Center
	Authority Authority
	Keys      KeySource
	Seal      Sealer
	Notifier  notify.Notifier // SMS codes and notices; nil sends nothing
	Identity  IdentityChecker // PIN reset; nil refuses resets
	Now       func() time.Time
	Log       *slog.Logger // failures nobody waits for (automatic renewal); nil discards
}

// Service is the financial certificate service. It is safe for concurrent use.
type Service struct {
	st       Store
	center   Center
	ca       Authority
	keys     KeySource
	seal     Sealer
	notifier notify.Notifier
	identity IdentityChecker
	now      func() time.Time
	cache    keyCache
	logger   *slog.Logger
}

// log reports a failure that no request answers for; never personal data.
func (s *Service) log(what, line string, err error) {
	if s.logger != nil {
		s.logger.Warn("fincert: "+what, "line", line, "err", err)
	}
}

// New returns the service.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Notifier == nil {
		c.Notifier = notify.Router{}
	}
	return &Service{st: c.Store, center: c.Center, ca: c.Authority, keys: c.Keys, seal: c.Seal,
		notifier: c.Notifier, identity: c.Identity, now: c.Now, logger: c.Log}
}

func newID(prefix string) string {
	b := make([]byte, 16)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// person is the keyed hash that finds a person's line across institutions.
func (s *Service) person(idn string) []byte { return s.seal.MAC("fincert-person", []byte(idn)) }

// lookup is the keyed hash a browser finds a line with: name, birth date (YYMMDD) and
// phone digits, as the financial certificate's "find my certificate" form asks.
func (s *Service) lookup(name, birth, phone string) []byte {
	return s.seal.MAC("fincert-lookup", []byte(name), []byte(birth), []byte(digitsOnly(phone)))
}

func digitsOnly(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// audit appends an event that no transaction of its own carries.
func (s *Service) audit(ctx context.Context, ev model.AuditEvent) {
	s.st.AppendAudit(context.WithoutCancel(ctx), ev)
}

// notFound maps store.ErrNotFound onto a coded error.
func notFound(err error, code errs.Code, format string, args ...any) error {
	if errors.Is(err, store.ErrNotFound) {
		return errs.New(code, format, args...)
	}
	return err
}

// usableCert loads the line's current certificate and refuses it unless valid and
// unexpired.
func (s *Service) usableCert(ctx context.Context, l model.FinCertLine) (model.Certificate, error) {
	c, err := s.ca.Certificate(ctx, l.Serial)
	if err != nil {
		return c, err
	}
	switch c.Status {
	case model.StatusRevoked, model.StatusReplaced:
		return c, errs.New(errs.FinCertRevoked, "certificate %s is %s", c.Serial, c.Status)
	case model.StatusSuspended:
		return c, errs.New(errs.FinCertSuspended, "certificate %s is suspended", c.Serial)
	}
	if s.now().After(c.NotAfter) {
		return c, errs.New(errs.FinCertExpired, "certificate %s expired", c.Serial).With("date", c.NotAfter.In(kst).Format("2006-01-02"))
	}
	return c, nil
}

var kst = time.FixedZone("KST", 9*60*60)

func (s *Service) send(ctx context.Context, l model.FinCertLine, body string) {
	if len(l.PhoneCipher) == 0 {
		return
	}
	phone, err := s.seal.Open("fincert-phone", l.ID, l.PhoneCipher)
	if err != nil {
		return
	}
	s.notifier.Send(context.WithoutCancel(ctx), notify.Message{Institution: l.InstitutionCode, Channel: notify.SMS, To: string(phone), Body: body})
}
