// Package center is the institutions' certificate center (the RA role of a bank,
// KOREAN-PKI.md sections 1 and 2): it verifies identity, hands out reference numbers and
// authorization codes, and redeems them for certificates through the authority.
//
// center owns enrollment rules (single use, 14 days, lock after 5 wrong codes). It does
// not sign anything (internal/ca does) and does not speak HTTP or CMP (httpapi and
// cmphttp call it).
package center

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/ratelimit"
	"github.com/certcenter/certcenter/internal/sealer"
	"github.com/certcenter/certcenter/internal/store"
)

// Rules of enrollment (KOREAN-PKI.md section 2).
const (
	EnrollmentLifetime = 14 * 24 * time.Hour
	// MaxWrongCodes wrong codes lock an enrollment for good. KOREAN-PKI.md section 2
	// says 5, but then anyone who knows a reference number could end it with 5 requests
	// (issue 17). The rate limits in front of the center (internal/ratelimit: 5 wrong
	// codes per reference and client, then a back-off, and a slower limit per reference
	// across all clients) keep guessing hopeless against a 77-bit code instead; this
	// ceiling stays as the last guard should those limits be switched off. Misses by
	// new addresses let past the per-reference limit do not count towards it
	// (ratelimit.PastShared): the lock moves at most at that limit's pace.
	MaxWrongCodes = 100
	// ClaimLease is how long one issuance may hold an enrollment before another may
	// take it over: an issuance takes milliseconds, so a claim older than this belongs to
	// a process that died or lost its database. Taking a claim over never makes a second
	// certificate: storing a certificate redeems the enrollment only while it is unused
	// (sqlstore's redeemEnrollmentSQL), so of two issuances racing only one stores.
	// 5 s: a node killed during an issuance leaves its enrollment unusable for at most
	// the lease plus a client's retry interval, under issue 17's 10 s (bench/chaos).
	ClaimLease = 5 * time.Second
)

// Authority is what the center needs from the CA.
type Authority interface {
	Issue(ctx context.Context, req ca.IssueRequest) (*ca.Issued, error)
	// Certificate is the store's, with the DER of a certificate still being written.
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)
	Revoke(ctx context.Context, serial model.Serial, reason model.RevocationReason, invalidity *time.Time, actor, institution string) (model.Certificate, error)
	Suspend(ctx context.Context, serial model.Serial, actor, institution string) (model.Certificate, error)
	Resume(ctx context.Context, serial model.Serial, actor, institution string) (model.Certificate, error)
	RootDER() []byte
	IssuingDER() []byte
}

// Service is the certificate center.
type Service struct {
	store Store
	seal  *sealer.Sealer
	ca    Authority
	now   func() time.Time
	insts institutionCache
	// demoValidity allows IssueOptions.ValidityDays (demo deployments only).
	demoValidity bool
}

// AllowDemoValidity lets issuances ask for a short validity (IssueOptions): only a
// demo deployment calls it.
func (s *Service) AllowDemoValidity() { s.demoValidity = true }

// New returns a center. now is the clock (time.Now in production).
func New(st Store, seal *sealer.Sealer, authority Authority, now func() time.Time) *Service {
	return &Service{store: st, seal: seal, ca: authority, now: now}
}

// EnrollRequest is an enrollment after identity verification.
type EnrollRequest struct {
	Institution  string // 3-digit code
	Name         string
	IDN          string // digits, hyphen allowed
	Kind         model.Kind
	Usage        model.Usage
	Verification string // "in-person", ...
	TellerID     string
	Actor        string // for the audit log, e.g. "institution:901" or "teller:T-1"
	// Replaces makes this a reissue (재발급) enrollment: the certificate issued from it
	// keeps this certificate's expiry and revokes it (superseded) when issued.
	Replaces model.Serial
	// create, when set (Desk.EnrollVerified), stores the enrollment instead of
	// Store.CreateEnrollment: it consumes the verification in the same transaction.
	create func(ctx context.Context, e model.Enrollment, ev model.AuditEvent) error
}

// Enrolled is what the customer receives.
type Enrolled struct {
	Reference string    `json:"reference"`
	AuthCode  string    `json:"authCode"`
	ExpiresAt time.Time `json:"expiresAt"`
	// CustomerID is the customer record the enrollment belongs to, when it has one.
	CustomerID string `json:"customerId,omitempty"`
	// Reminders says where the certificate's expiry reminders will go (Reminders*
	// constants, counter.go); empty when the desk is not in use.
	Reminders string `json:"reminders,omitempty"`
}

// NormalizeIDN strips hyphens and spaces and checks the form: 13 digits (resident
// registration number) or 10 digits (business registration number).
func NormalizeIDN(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, s)
	if len(s) != 13 && len(s) != 10 {
		return "", errs.New(errs.InvalidIDN, "identity number has %d digits", len(s))
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return "", errs.New(errs.InvalidIDN, "identity number has a non-digit")
		}
	}
	return s, nil
}

// MaskIDN shows an identity number the way Korean sites do: 800101-1****** for a
// resident number, 123-45-***** for a business number.
func MaskIDN(idn string) string {
	switch len(idn) {
	case 13:
		return idn[:6] + "-" + idn[6:7] + "******"
	case 10:
		return idn[:3] + "-" + idn[3:5] + "-*****"
	}
	return "*****"
}

// MaxNameLength is the longest real name in characters: the name becomes the CN
// <name>()<24 digits>, which must fit RFC 5280's 64-character ub-common-name
// (KOREAN-PKI.md section 6). A longer name refused here would otherwise fail only at
// issuance.
const MaxNameLength = 64 - 2 - 24

// CheckName validates a subject's real name: it becomes the CN before "()".
func CheckName(name string) error {
	n := utf8.RuneCountInString(name)
	if strings.TrimSpace(name) != name || n < 1 || n > MaxNameLength || !utf8.ValidString(name) {
		return errs.New(errs.InvalidName, "name must be 1 to %d characters without surrounding space", MaxNameLength)
	}
	for _, r := range name {
		if r == '(' || r == ')' || unicode.IsControl(r) || r == ',' || r == '=' {
			return errs.New(errs.InvalidName, "name contains %q", r)
		}
	}
	return nil
}

// MaxTellerID bounds a teller's id: it goes into the enrollment and the audit log.
const MaxTellerID = 32

// CheckTellerID validates the id of the employee who checked an identity in person:
// at most MaxTellerID characters, printable, no surrounding space. Empty is allowed
// (the institution itself enrolled).
func CheckTellerID(id string) error {
	if id == "" {
		return nil
	}
	if !utf8.ValidString(id) || utf8.RuneCountInString(id) > MaxTellerID || strings.TrimSpace(id) != id {
		return errs.New(errs.FieldInvalid, "tellerId must be 1 to %d characters without surrounding space", MaxTellerID).
			With("field", "tellerId").With("max", strconv.Itoa(MaxTellerID))
	}
	for _, r := range id {
		if !unicode.IsPrint(r) {
			return errs.New(errs.FieldInvalid, "tellerId contains %U", r).
				With("field", "tellerId").With("max", strconv.Itoa(MaxTellerID))
		}
	}
	return nil
}

// Enroll records an enrollment and returns its reference number and authorization code.
func (s *Service) Enroll(ctx context.Context, req EnrollRequest) (*Enrolled, error) {
	inst, err := s.institution(ctx, req.Institution)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errs.New(errs.InstitutionUnknown, "institution %q", req.Institution)
	} else if err != nil {
		return nil, err
	}
	if err := CheckName(req.Name); err != nil {
		return nil, err
	}
	if err := CheckTellerID(req.TellerID); err != nil {
		return nil, err
	}
	idn, err := NormalizeIDN(req.IDN)
	if err != nil {
		return nil, err
	}
	if err := req.checkKind(idn); err != nil {
		return nil, err
	}
	req.Kind, req.Usage = req.kind(), req.usage()
	if req.Verification == "" {
		req.Verification = "in-person"
	}
	now := s.now()
	code := newAuthCode()
	for attempt := 0; ; attempt++ {
		ref := newReference()
		idnC, err := s.seal.Seal("idn", ref, []byte(idn))
		if err != nil {
			return nil, err
		}
		codeC, err := s.seal.Seal("authcode", ref, []byte(code))
		if err != nil {
			return nil, err
		}
		e := model.Enrollment{
			Reference: ref, InstitutionCode: inst.Code, Name: req.Name,
			IDNCipher: idnC, AuthCodeCipher: codeC, Kind: req.Kind, Usage: req.Usage,
			Verification: req.Verification, TellerID: req.TellerID,
			CreatedAt: now, ExpiresAt: now.Add(EnrollmentLifetime), Replaces: req.Replaces,
		}
		ev := model.AuditEvent{Type: "enrollment.created", Actor: req.Actor, Institution: inst.Code, Subject: ref,
			Details: map[string]string{"kind": string(req.Kind), "usage": string(req.Usage), "verification": req.Verification}}
		if req.TellerID != "" {
			ev.Details["teller"] = req.TellerID
		}
		if len(req.Replaces) > 0 {
			ev.Details["replaces"] = req.Replaces.String()
		}
		if req.create != nil {
			err = req.create(ctx, e, ev)
		} else {
			err = s.store.CreateEnrollment(ctx, e, ev)
		}
		if errors.Is(err, store.ErrConflict) && attempt < 5 {
			continue // reference collision: draw another
		}
		if err != nil {
			return nil, err
		}
		return &Enrolled{Reference: ref, AuthCode: code, ExpiresAt: e.ExpiresAt}, nil
	}
}

func (req *EnrollRequest) kind() model.Kind {
	if req.Kind == "" {
		return model.Personal
	}
	return req.Kind
}

func (req *EnrollRequest) usage() model.Usage {
	if req.Usage == "" {
		return model.Banking
	}
	return req.Usage
}

// checkKind checks the kind and usage (empty means personal banking) against the
// normalized identity number.
func (req *EnrollRequest) checkKind(idn string) error {
	k, u := req.kind(), req.usage()
	if !k.Valid() || !u.Valid() {
		return errs.New(errs.InvalidKind, "kind %q, usage %q", req.Kind, req.Usage)
	}
	if k == model.Personal && len(idn) != 13 || k == model.Corporate && len(idn) != 10 {
		return errs.New(errs.InvalidIDN, "a %s certificate needs a %d-digit number", k, map[model.Kind]int{model.Personal: 13, model.Corporate: 10}[k])
	}
	return nil
}

// newReference draws a 10-digit reference number (first digit not 0).
func newReference() string {
	n, err := rand.Int(rand.Reader, big.NewInt(9_000_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return strconv.FormatInt(n.Int64()+1_000_000_000, 10)
}

// codeAlphabet has no look-alikes (0/O, 1/I/L, U/V): codes are read aloud and typed.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTWXYZ"

// newAuthCode draws a 16-character authorization code (about 77 bits).
func newAuthCode() string {
	b := make([]byte, 16)
	max := big.NewInt(int64(len(codeAlphabet)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b[i] = codeAlphabet[n.Int64()]
	}
	return string(b)
}

// Redeemed is an enrollment whose code was checked and which this caller now holds.
type Redeemed struct {
	Enrollment model.Enrollment
	IDN        string
	// ConfirmBy, when set by the caller (CMP), makes the certificate await confirmation.
	ConfirmBy *time.Time
	// Cloud is set by internal/cloudcert, which generated the key itself: only then may a
	// financial certificate enrollment (usage fincert) be issued (IssueRedeemed).
	Cloud bool
}

// Redeem checks the reference number and code and claims the enrollment for one
// issuance. The caller must either issue (which marks it used) or Release it.
//
// An unknown reference number and a wrong code get the same answer
// (AUTH_CODE_INVALID), so that the API is no oracle of which references
// exist; the state of an enrollment (used, locked, expired) is told only to a caller who
// gave its code.
func (s *Service) Redeem(ctx context.Context, ref, code string) (*Redeemed, error) {
	e, err := s.checkCode(ctx, ref, code)
	if err != nil {
		return nil, err
	}
	if err := s.state(e); err != nil {
		return nil, err
	}
	return s.claim(ctx, e)
}

// checkCode returns the enrollment of ref when code is its code. A wrong code against a
// usable enrollment counts towards its lock; any other failure counts nothing.
func (s *Service) checkCode(ctx context.Context, ref, code string) (model.Enrollment, error) {
	e, err := s.store.Enrollment(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		return e, credentialsInvalid(ref)
	} else if err != nil {
		return e, err
	}
	want, err := s.seal.Open("authcode", ref, e.AuthCodeCipher)
	if err != nil {
		return e, fmt.Errorf("center: open auth code of %s: %w", ref, err)
	}
	if subtle.ConstantTimeCompare(want, []byte(strings.ToUpper(strings.TrimSpace(code)))) != 1 {
		if s.state(e) != nil {
			return e, credentialsInvalid(ref)
		}
		return e, s.wrongCode(ctx, e)
	}
	return e, nil
}

// credentialsInvalid is the one answer for an unknown reference number and a wrong code:
// the detail names neither which nor how many tries are left.
func credentialsInvalid(ref string) error {
	return errs.New(errs.AuthCodeInvalid, "reference number %q or its code is wrong", ref)
}

// Secret returns the authorization code of an enrollment, for protocols where the code
// is a MAC key (CMP password-based MAC, KOREAN-PKI.md section 7). The caller checks the
// MAC and must call WrongSecret on a mismatch, and Claim (or Redeliver, for an
// enrollment already used) on a match. An unknown reference number is
// AUTH_CODE_INVALID, as a wrong MAC is: the state of the enrollment is told
// only after the MAC proved the code.
func (s *Service) Secret(ctx context.Context, ref string) ([]byte, error) {
	e, err := s.store.Enrollment(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		return nil, credentialsInvalid(ref)
	} else if err != nil {
		return nil, err
	}
	return s.seal.Open("authcode", ref, e.AuthCodeCipher)
}

// WrongSecret records a failed proof of the code (a bad MAC) and returns the error to show.
func (s *Service) WrongSecret(ctx context.Context, ref string) error {
	e, err := s.store.Enrollment(ctx, ref)
	if errors.Is(err, store.ErrNotFound) || err == nil && s.state(e) != nil {
		return credentialsInvalid(ref)
	} else if err != nil {
		return err
	}
	return s.wrongCode(ctx, e)
}

// Claim claims a usable enrollment after the caller proved the code another way.
func (s *Service) Claim(ctx context.Context, ref string) (*Redeemed, error) {
	e, err := s.usable(ctx, ref)
	if err != nil {
		return nil, err
	}
	return s.claim(ctx, e)
}

// Release gives back a claimed enrollment whose issuance failed.
func (s *Service) Release(ctx context.Context, ref string) error {
	return s.store.ReleaseEnrollment(ctx, ref)
}

func (s *Service) usable(ctx context.Context, ref string) (model.Enrollment, error) {
	e, err := s.store.Enrollment(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		return e, credentialsInvalid(ref)
	} else if err != nil {
		return e, err
	}
	return e, s.state(e)
}

func (s *Service) state(e model.Enrollment) error {
	switch {
	case e.UsedAt != nil:
		return errs.New(errs.EnrollmentUsed, "reference %s was used", e.Reference)
	case e.Locked:
		return errs.New(errs.EnrollmentLocked, "reference %s is locked", e.Reference)
	case !s.now().Before(e.ExpiresAt):
		return errs.New(errs.EnrollmentExpired, "reference %s expired", e.Reference)
	}
	return nil
}

func (s *Service) wrongCode(ctx context.Context, e model.Enrollment) error {
	if ratelimit.PastShared(ctx) {
		// A stranger let past the reference's limit for its clean record (internal/
		// ratelimit.Guesses.Admit): its miss must not bring the lock nearer, or a
		// hundred fresh addresses would end the enrollment at once. The limiter counted
		// it; the enrollment and its audit trail are left alone.
		return credentialsInvalid(e.Reference)
	}
	_, _, err := s.store.RecordFailedAttempt(ctx, e.Reference, MaxWrongCodes, model.AuditEvent{
		Type: "enrollment.wrong_code", Actor: "subscriber", Institution: e.InstitutionCode, Subject: e.Reference,
	})
	if err != nil {
		return err
	}
	// Locked or not, the answer is the one an unknown reference gets: a count of tries
	// left, or "locked", would tell a stranger that the reference exists.
	return credentialsInvalid(e.Reference)
}

func (s *Service) claim(ctx context.Context, e model.Enrollment) (*Redeemed, error) {
	now := s.now()
	if err := s.store.ClaimEnrollment(ctx, e.Reference, now, now.Add(ClaimLease)); errors.Is(err, store.ErrConflict) {
		// Lost a race: say why, from the current state.
		wait := ClaimLease
		if cur, err2 := s.store.Enrollment(ctx, e.Reference); err2 == nil {
			if err3 := s.state(cur); err3 != nil {
				return nil, err3
			}
			if cur.ClaimedUntil != nil {
				wait = min(max(cur.ClaimedUntil.Sub(now), time.Second), ClaimLease)
			}
		}
		return nil, errs.New(errs.EnrollmentBusy, "reference %s is held by another issuance", e.Reference).
			With("wait", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	} else if err != nil {
		return nil, err
	}
	idn, err := s.seal.Open("idn", e.Reference, e.IDNCipher)
	if err != nil {
		s.store.ReleaseEnrollment(ctx, e.Reference)
		return nil, fmt.Errorf("center: open identity number of %s: %w", e.Reference, err)
	}
	return &Redeemed{Enrollment: e, IDN: string(idn)}, nil
}
