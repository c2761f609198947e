package center

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
	"github.com/certcenter/certcenter/internal/store"
)

// Rules of identity verification (본인확인). The SMS code rules are this project's
// (KOREAN-PKI.md section 2 gives the enrollment rules; banks use the same shape).
const (
	OTPLifetime       = 3 * time.Minute  // an SMS code is valid 3 minutes
	MaxOTPTries       = 5                // the 5th wrong answer locks the verification
	ChallengeLifetime = 5 * time.Minute  // a certificate or registration challenge
	VerifiedUsableFor = 30 * time.Minute // a completed verification may create one enrollment within this
)

// Evidence is what a customer presents; each method reads its own fields. None of it is
// stored or logged in clear.
type Evidence struct {
	Code          string   // sms: the 6-digit code
	AccountNumber string   // account
	AccountPIN    string   // account
	TellerID      string   // in-person: the employee who checked the ID card
	Certificate   []byte   // certificate: DER of the customer's certificate
	Chain         [][]byte // certificate: intermediate CA certificates (optional)
	Signature     []byte   // certificate: signature over the challenge by the certificate's key
	RandomNum     []byte   // certificate: R from the key file, for the VID check
}

// Begun says how a verification starts.
type Begun struct {
	Status    model.VerificationStatus // pending, verified or failed
	Secret    []byte                   // stored: a keyed hash of a code, or a challenge
	Lifetime  time.Duration
	Challenge []byte          // handed to the customer to sign
	Message   *notify.Message // sent once the verification is stored
	Evidence  string          // non-personal evidence to record
	Err       error           // why it failed, when Status is failed
}

// WrongAnswer marks an answer to a pending verification that counts as a failed try.
type WrongAnswer struct{ Err error }

func (w *WrongAnswer) Error() string { return w.Err.Error() }
func (w *WrongAnswer) Unwrap() error { return w.Err }

// Verifier is one method of identity verification. Methods that settle at once
// (account, in person) return a verified or failed Begun; the others return pending and
// are settled by Confirm.
//
// Error contract: Begin returns a coded error (VERIFICATION_METHOD_INVALID for missing
// evidence) when no verification should be recorded. Confirm returns *WrongAnswer for
// an answer that counts against the tries; any other error leaves the verification as
// it was. Errors never contain the evidence.
type Verifier interface {
	Method() string
	Begin(ctx context.Context, c *CustomerRecord, id string, ev Evidence) (Begun, error)
	Confirm(ctx context.Context, c *CustomerRecord, v model.Verification, ev Evidence) (evidence string, err error)
}

// VerificationView is a verification as the institution sees it.
type VerificationView struct {
	ID         string     `json:"id"`
	CustomerID string     `json:"customerId"`
	Method     string     `json:"method"`
	Status     string     `json:"status"`
	ExpiresAt  time.Time  `json:"expiresAt"`
	VerifiedAt *time.Time `json:"verifiedAt,omitempty"`
	Challenge  string     `json:"challenge,omitempty"` // base64, for the certificate method
	TriesLeft  *int       `json:"triesLeft,omitempty"`
}

func view(v model.Verification) VerificationView {
	out := VerificationView{ID: v.ID, CustomerID: v.CustomerID, Method: v.Method, Status: string(v.Status),
		ExpiresAt: v.ExpiresAt, VerifiedAt: v.VerifiedAt}
	if v.Status == model.VerificationPending && v.Method == "sms" {
		left := MaxOTPTries - v.Tries
		out.TriesLeft = &left
	}
	if v.Status == model.VerificationPending && (v.Method == "certificate" || v.Method == "registration") {
		out.Challenge = base64.StdEncoding.EncodeToString(v.Secret)
	}
	return out
}

// StartVerification begins a verification of inst's customer by method.
func (d *Desk) StartVerification(ctx context.Context, inst model.Institution, customerID, method string, ev Evidence) (VerificationView, error) {
	vf, ok := d.verifiers[method]
	if !ok {
		return VerificationView{}, errs.New(errs.VerificationMethodInvalid, "method %q", method)
	}
	c, err := d.Customer(ctx, inst, customerID)
	if err != nil {
		return VerificationView{}, err
	}
	if err := d.throttle(ctx, c, method); err != nil {
		return VerificationView{}, err
	}
	id := newID("ver_")
	b, err := vf.Begin(ctx, c, id, ev)
	if err != nil {
		return VerificationView{}, err
	}
	return d.record(ctx, inst, c, id, method, ev.TellerID, b)
}

// Limits on guessing and on sending messages, per customer: an account PIN is locked
// after MaxAccountFailures wrong answers in a day (the customer verifies another way, in
// person for instance), and at most MaxSMSPerHour one-time codes are sent in an hour.
const (
	MaxAccountFailures = 5
	MaxSMSPerHour      = 5
)

// throttle refuses a verification the customer's recent attempts forbid, counting
// from the latest reset at the counter (ResetThrottle) if it is in the window.
func (d *Desk) throttle(ctx context.Context, c *CustomerRecord, method string) error {
	now := d.now()
	switch method {
	case "account":
		since, err := d.since(ctx, c, now.Add(-24*time.Hour))
		if err != nil {
			return err
		}
		n, err := d.st.CountVerifications(ctx, c.ID, method, model.VerificationFailed, since)
		if err != nil {
			return err
		}
		if n >= MaxAccountFailures {
			return errs.New(errs.AccountCheckLocked, "%d wrong account answers in the last day for customer %s", n, c.ID)
		}
	case "sms":
		since, err := d.since(ctx, c, now.Add(-time.Hour))
		if err != nil {
			return err
		}
		n, err := d.st.CountVerifications(ctx, c.ID, method, "", since)
		if err != nil {
			return err
		}
		if n >= MaxSMSPerHour {
			return errs.New(errs.VerificationRateLimited, "%d one-time codes sent in the last hour to customer %s", n, c.ID)
		}
	}
	return nil
}

func (d *Desk) record(ctx context.Context, inst model.Institution, c *CustomerRecord, id, method, teller string, b Begun) (VerificationView, error) {
	now := d.now()
	v := model.Verification{ID: id, InstitutionCode: inst.Code, CustomerID: c.ID, Method: method, Status: b.Status,
		Secret: b.Secret, CreatedAt: now, ExpiresAt: now.Add(b.Lifetime), TellerID: teller, Evidence: b.Evidence}
	typ := "verification.started"
	if method == "registration" {
		typ = "registration.challenged"
	}
	switch b.Status {
	case model.VerificationVerified:
		v.VerifiedAt, typ = &now, "verification.verified"
	case model.VerificationFailed:
		typ = "verification.failed"
	}
	ev := model.AuditEvent{Type: typ, Actor: actorOf(inst), Institution: inst.Code, Subject: id,
		Details: map[string]string{"method": method, "customer": c.ID}}
	if teller != "" {
		ev.Details["teller"] = teller
	}
	if b.Evidence != "" {
		ev.Details["evidence"] = b.Evidence
	}
	if err := d.st.CreateVerification(ctx, v, ev); err != nil {
		return VerificationView{}, err
	}
	if b.Status == model.VerificationFailed {
		return VerificationView{}, b.Err
	}
	if b.Message != nil {
		if err := d.notifier.Send(ctx, *b.Message); err != nil {
			return VerificationView{}, errs.Wrap(errs.NotifyFailed, err, "verification %s", id)
		}
	}
	if b.Challenge != nil {
		v.Secret = b.Challenge
	}
	return view(v), nil
}

// Verification returns inst's verification.
func (d *Desk) Verification(ctx context.Context, inst model.Institution, id string) (VerificationView, error) {
	v, err := d.verification(ctx, inst, id)
	if err != nil {
		return VerificationView{}, err
	}
	return view(v), nil
}

func (d *Desk) verification(ctx context.Context, inst model.Institution, id string) (model.Verification, error) {
	v, err := d.st.Verification(ctx, id)
	if err != nil {
		return v, notFound(err, errs.VerificationNotFound, "verification %q", id)
	}
	if v.InstitutionCode != inst.Code {
		return v, errs.New(errs.Forbidden, "verification %s belongs to another institution", id)
	}
	return v, nil
}

// ConfirmVerification answers a pending verification: the SMS code, or the signed
// challenge. A wrong answer counts; the fifth locks the verification.
func (d *Desk) ConfirmVerification(ctx context.Context, inst model.Institution, id string, ev Evidence) (VerificationView, error) {
	v, err := d.verification(ctx, inst, id)
	if err != nil {
		return VerificationView{}, err
	}
	vf, ok := d.verifiers[v.Method]
	if !ok {
		return VerificationView{}, errs.New(errs.VerificationNotPending, "verification %s (%s) takes no confirmation", id, v.Method)
	}
	if err := pendingState(v, d.now()); err != nil {
		return VerificationView{}, err
	}
	c, err := d.Customer(ctx, inst, v.CustomerID)
	if err != nil {
		return VerificationView{}, err
	}
	evidence, err := vf.Confirm(ctx, c, v, ev)
	var wrong *WrongAnswer
	if errors.As(err, &wrong) {
		tries, status, ferr := d.st.FailVerification(ctx, id, MaxOTPTries, false, model.AuditEvent{
			Type: "verification.wrong_answer", Actor: actorOf(inst), Institution: inst.Code, Subject: id,
			Details: map[string]string{"method": v.Method}})
		if errors.Is(ferr, store.ErrConflict) {
			return VerificationView{}, errs.New(errs.VerificationNotPending, "verification %s", id)
		} else if ferr != nil {
			return VerificationView{}, ferr
		}
		if status == model.VerificationLocked {
			return VerificationView{}, errs.New(errs.VerificationLocked, "verification %s locked after %d wrong answers", id, tries)
		}
		if v.Method == "sms" {
			return VerificationView{}, errs.New(errs.OTPInvalid, "wrong code for %s (%d of %d)", id, tries, MaxOTPTries).
				With("remaining", strconv.Itoa(MaxOTPTries-tries))
		}
		return VerificationView{}, wrong.Err
	}
	if err != nil {
		return VerificationView{}, err
	}
	now := d.now()
	err = d.st.CompleteVerification(ctx, id, now, evidence, model.AuditEvent{
		Type: "verification.verified", Actor: actorOf(inst), Institution: inst.Code, Subject: id,
		Details: map[string]string{"method": v.Method, "customer": v.CustomerID}})
	if errors.Is(err, store.ErrConflict) {
		cur, _ := d.st.Verification(ctx, id)
		if err := pendingState(cur, now); err != nil {
			return VerificationView{}, err
		}
		return VerificationView{}, errs.New(errs.VerificationNotPending, "verification %s", id)
	} else if err != nil {
		return VerificationView{}, err
	}
	v.Status, v.VerifiedAt, v.Evidence = model.VerificationVerified, &now, evidence
	return view(v), nil
}

// pendingState explains why a verification cannot take an answer, or returns nil.
func pendingState(v model.Verification, now time.Time) error {
	switch {
	case v.Status == model.VerificationLocked:
		return errs.New(errs.VerificationLocked, "verification %s is locked", v.ID)
	case v.Status != model.VerificationPending:
		return errs.New(errs.VerificationNotPending, "verification %s is %s", v.ID, v.Status)
	case !now.Before(v.ExpiresAt) && v.Method == "sms":
		return errs.New(errs.OTPExpired, "verification %s expired", v.ID)
	case !now.Before(v.ExpiresAt):
		return errs.New(errs.ChallengeInvalid, "verification %s expired", v.ID)
	}
	return nil
}

// VerifiedEnrollment asks for an enrollment from a completed verification.
type VerifiedEnrollment struct {
	VerificationID string
	Kind           model.Kind
	Usage          model.Usage
	// Replaces makes it a reissue (재발급): the customer's certificate to supersede.
	Replaces model.Serial
}

// EnrollVerified creates an enrollment (reference number and authorization code) for
// the customer of a completed verification, consuming it in the same transaction. With
// Replaces, the certificate must be inst's and the same person's (its enrollment's
// identity number equals the customer's); it is revoked (superseded) when the new one is
// issued, and the new one keeps its expiry (KOREAN-PKI.md section 2).
func (d *Desk) EnrollVerified(ctx context.Context, inst model.Institution, req VerifiedEnrollment) (*Enrolled, error) {
	v, err := d.verification(ctx, inst, req.VerificationID)
	if err != nil {
		return nil, err
	}
	now := d.now()
	if v.Status != model.VerificationVerified || v.VerifiedAt == nil || now.Sub(*v.VerifiedAt) >= VerifiedUsableFor || v.Method == "registration" {
		return nil, errs.New(errs.VerificationNotUsable, "verification %s is %s", v.ID, v.Status)
	}
	c, err := d.Customer(ctx, inst, v.CustomerID)
	if err != nil {
		return nil, err
	}
	if len(req.Replaces) > 0 {
		if err := d.checkReissue(ctx, inst, c, req.Replaces); err != nil {
			return nil, err
		}
	}
	out, err := d.Enroll(ctx, EnrollRequest{
		Institution: inst.Code, Name: c.Profile.Name, IDN: c.IDN, Kind: req.Kind, Usage: req.Usage,
		Verification: v.Method, TellerID: v.TellerID, Actor: actorOf(inst), Replaces: req.Replaces,
		create: func(ctx context.Context, e model.Enrollment, ev model.AuditEvent) error {
			ev.Details["verificationId"], ev.Details["customer"] = v.ID, c.ID
			err := d.st.CreateEnrollmentVerified(ctx, e, v.ID, c.ID, now.Add(-VerifiedUsableFor), now, ev)
			if errors.Is(err, store.ErrConflict) {
				if cur, err2 := d.st.Verification(ctx, v.ID); err2 == nil && cur.Status != model.VerificationVerified {
					return errs.New(errs.VerificationNotUsable, "verification %s is %s", v.ID, cur.Status)
				}
			}
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	out.CustomerID, out.Reminders = c.ID, remindersTo(c)
	return out, nil
}

// checkReissue checks that serial is inst's certificate of the customer c.
func (d *Desk) checkReissue(ctx context.Context, inst model.Institution, c *CustomerRecord, serial model.Serial) error {
	old, err := d.certificate(ctx, serial, &inst)
	if err != nil {
		return err
	}
	e, err := d.store.Enrollment(ctx, old.EnrollmentRef)
	if err != nil {
		return fmt.Errorf("center: enrollment of %s: %w", serial, err)
	}
	idn, err := d.seal.Open("idn", e.Reference, e.IDNCipher)
	if err != nil {
		return fmt.Errorf("center: open identity number of %s: %w", e.Reference, err)
	}
	if subtle.ConstantTimeCompare(idn, []byte(c.IDN)) != 1 {
		return errs.New(errs.ReissueMismatch, "certificate %s is not customer %s's", serial, c.ID)
	}
	switch old.Status {
	case model.StatusValid, model.StatusSuspended:
		return nil
	case model.StatusRevoked:
		return errs.New(errs.CertRevoked, "certificate %s is revoked", serial)
	}
	return errs.New(errs.CertReplaced, "certificate %s was replaced", serial)
}

// The four standard verifiers.

type smsVerifier struct{ d *Desk }

func (smsVerifier) Method() string { return "sms" }

func (s smsVerifier) Begin(ctx context.Context, c *CustomerRecord, id string, ev Evidence) (Begun, error) {
	if c.Profile.Phone == "" {
		return Begun{}, errs.New(errs.VerificationMethodInvalid, "customer %s has no phone number", c.ID)
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return Begun{}, err
	}
	code := fmt.Sprintf("%06d", n.Int64())
	inst, err := s.d.store.Institution(ctx, c.Institution)
	if err != nil {
		return Begun{}, err
	}
	return Begun{
		Status: model.VerificationPending, Secret: s.d.seal.MAC("otp", []byte(id), []byte(code)), Lifetime: OTPLifetime,
		Message: &notify.Message{Institution: c.Institution, Channel: notify.SMS, To: c.Profile.Phone,
			Body: fmt.Sprintf("[%s] 본인확인 인증번호 [%s] (3분 이내 입력). 타인에게 알려주지 마세요.", inst.Name, code)},
	}, nil
}

func (s smsVerifier) Confirm(_ context.Context, _ *CustomerRecord, v model.Verification, ev Evidence) (string, error) {
	got := s.d.seal.MAC("otp", []byte(v.ID), []byte(ev.Code))
	if subtle.ConstantTimeCompare(got, v.Secret) != 1 {
		return "", &WrongAnswer{errs.New(errs.OTPInvalid, "wrong code")}
	}
	return "", nil
}

type accountVerifier struct{ d *Desk }

func (accountVerifier) Method() string { return "account" }

func (a accountVerifier) Begin(_ context.Context, c *CustomerRecord, _ string, ev Evidence) (Begun, error) {
	if ev.AccountNumber == "" || ev.AccountPIN == "" {
		return Begun{}, errs.New(errs.VerificationMethodInvalid, "account verification needs accountNumber and accountPin")
	}
	if !a.d.checkAccount(c, ev.AccountNumber, ev.AccountPIN) {
		return Begun{Status: model.VerificationFailed, Lifetime: 0,
			Err: errs.New(errs.VerificationFailed, "account number or PIN does not match the customer's record")}, nil
	}
	return Begun{Status: model.VerificationVerified, Lifetime: VerifiedUsableFor}, nil
}

func (accountVerifier) Confirm(context.Context, *CustomerRecord, model.Verification, Evidence) (string, error) {
	return "", errs.New(errs.VerificationNotPending, "account verifications settle at once")
}

type inPersonVerifier struct{}

func (inPersonVerifier) Method() string { return "in-person" }

func (inPersonVerifier) Begin(_ context.Context, _ *CustomerRecord, _ string, ev Evidence) (Begun, error) {
	if ev.TellerID == "" {
		return Begun{}, errs.New(errs.VerificationMethodInvalid, "in-person verification needs the teller's id (tellerId)")
	}
	if err := CheckTellerID(ev.TellerID); err != nil {
		return Begun{}, err
	}
	return Begun{Status: model.VerificationVerified, Lifetime: VerifiedUsableFor}, nil
}

func (inPersonVerifier) Confirm(context.Context, *CustomerRecord, model.Verification, Evidence) (string, error) {
	return "", errs.New(errs.VerificationNotPending, "in-person verifications settle at once")
}

// certificateVerifier: an existing valid certificate of the same person (a signature
// over a server challenge, and R for the VID check), as banks accept for adding a device
// or reissuing.
type certificateVerifier struct{ d *Desk }

func (certificateVerifier) Method() string { return "certificate" }

func (certificateVerifier) Begin(context.Context, *CustomerRecord, string, Evidence) (Begun, error) {
	ch := newChallenge()
	return Begun{Status: model.VerificationPending, Secret: ch, Challenge: ch, Lifetime: ChallengeLifetime}, nil
}

func (cv certificateVerifier) Confirm(ctx context.Context, c *CustomerRecord, v model.Verification, ev Evidence) (string, error) {
	proof, err := cv.d.CheckCertificateProof(ctx, ev.Certificate, ev.Chain, v.Secret, ev.Signature, c.IDN, ev.RandomNum)
	if err != nil {
		return "", &WrongAnswer{err}
	}
	return "certificate:" + proof.Serial.String(), nil
}

func newChallenge() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}
