package center

import (
	"context"
	"crypto/subtle"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// The counter's side of unlocking and registration (issue 16): what a teller does for
// a customer standing in front of them, after checking their ID card again
// (an in-person verification, VerifiedUsableFor old at most).

// inPerson returns the customer of inst's usable in-person verification; it is not
// consumed (one ID check serves the counter's work for VerifiedUsableFor).
func (d *Desk) inPerson(ctx context.Context, inst model.Institution, verificationID string) (*CustomerRecord, model.Verification, error) {
	v, err := d.verification(ctx, inst, verificationID)
	if err != nil {
		return nil, v, err
	}
	if v.Method != "in-person" || v.Status != model.VerificationVerified || v.VerifiedAt == nil || d.now().Sub(*v.VerifiedAt) >= VerifiedUsableFor {
		return nil, v, errs.New(errs.VerificationNotUsable, "verification %s is %s %s", v.ID, v.Method, v.Status)
	}
	c, err := d.Customer(ctx, inst, v.CustomerID)
	return c, v, err
}

// throttleReset is the method of the marker a reset leaves: the throttle counts only
// attempts after the latest one.
const throttleReset = "throttle-reset"

// Throttled says whether the customer's identity checks are locked (the account check
// after MaxAccountFailures wrong answers in a day, or text codes after MaxSMSPerHour in
// an hour), counting since the latest reset.
func (d *Desk) Throttled(ctx context.Context, inst model.Institution, customerID string) (account, sms bool, err error) {
	c, err := d.Customer(ctx, inst, customerID)
	if err != nil {
		return false, false, err
	}
	return d.throttled(ctx, c)
}

func (d *Desk) throttled(ctx context.Context, c *CustomerRecord) (account, sms bool, err error) {
	for _, m := range []string{"account", "sms"} {
		if err := d.throttle(ctx, c, m); err != nil {
			switch errs.CodeOf(err) {
			case errs.AccountCheckLocked:
				account = true
			case errs.VerificationRateLimited:
				sms = true
			default:
				return false, false, err
			}
		}
	}
	return account, sms, nil
}

// since is the start of a throttle's window: the window's start, or the customer's
// latest reset if later.
func (d *Desk) since(ctx context.Context, c *CustomerRecord, window time.Time) (time.Time, error) {
	last, err := d.st.LatestVerificationAt(ctx, c.ID, throttleReset)
	if err != nil {
		return window, err
	}
	if last.After(window) {
		return last.Add(time.Microsecond), nil // the attempts after the reset
	}
	return window, nil
}

// ResetThrottle unlocks the customer of an in-person verification whose account check
// or text codes are locked (COUNTER_NOTHING_LOCKED when neither is): a marker
// verification, recorded for actor (the staff member doing it) with the in-person
// check as evidence, from which the throttle counts again. Audited as
// verification.throttle_reset.
func (d *Desk) ResetThrottle(ctx context.Context, inst model.Institution, verificationID, actor string) error {
	c, v, err := d.inPerson(ctx, inst, verificationID)
	if err != nil {
		return err
	}
	account, sms, err := d.throttled(ctx, c)
	if err != nil {
		return err
	}
	if !account && !sms {
		return errs.New(errs.CounterNothingLocked, "customer %s", c.ID)
	}
	now := d.now()
	id := newID("ver_")
	m := model.Verification{ID: id, InstitutionCode: inst.Code, CustomerID: c.ID, Method: throttleReset, Status: model.VerificationUsed,
		CreatedAt: now, ExpiresAt: now, TellerID: v.TellerID, Evidence: "in-person:" + v.ID}
	return d.st.CreateVerification(ctx, m, model.AuditEvent{Type: "verification.throttle_reset", Actor: actor, Institution: inst.Code,
		Subject: id, Details: map[string]string{"customer": c.ID, "verification": v.ID, "account": boolStr(account), "sms": boolStr(sms)}})
}

// RegisterAtCounter registers, for the customer of an in-person verification, a
// certificate this CA issued through another institution (타기관 인증서 등록 at the
// counter). The customer shows the certificate (its serial, as certctl list or their
// bank's program shows it); the teller cannot take a signature with its key, so
// instead of the VID check of Register (which needs R, inside the key file) the
// certificate's own enrollment is compared with the verified customer: its sealed
// identity number must be the customer's (as for a reissue). The certificate must be
// valid (not suspended, revoked, replaced or expired). Another CA's certificate cannot
// be checked this way (COUNTER_REGISTER_FOREIGN_CA): the customer registers it in the
// web center, signing with it. A registration challenge is recorded for the teller and
// consumed by the registration in one transaction, as Register does.
func (d *Desk) RegisterAtCounter(ctx context.Context, inst model.Institution, verificationID string, serial model.Serial, actor string) (RegistrationView, error) {
	c, v, err := d.inPerson(ctx, inst, verificationID)
	if err != nil {
		return RegistrationView{}, err
	}
	cert, err := d.store.Certificate(ctx, serial)
	if errors.Is(err, store.ErrNotFound) {
		return RegistrationView{}, errs.New(errs.CounterRegisterForeign, "serial %s", serial)
	} else if err != nil {
		return RegistrationView{}, err
	}
	if cert.InstitutionCode == inst.Code {
		return RegistrationView{}, errs.New(errs.CounterRegisterOwn, "certificate %s", serial)
	}
	refuse := func(err error) (RegistrationView, error) {
		d.audit(ctx, model.AuditEvent{Type: "registration.refused", Actor: actor, Institution: inst.Code, Subject: serial.String(),
			Details: map[string]string{"customer": c.ID, "code": string(errs.CodeOf(err)), "counter": "true"}})
		return RegistrationView{}, err
	}
	e, err := d.store.Enrollment(ctx, cert.EnrollmentRef)
	if err != nil {
		return RegistrationView{}, fmt.Errorf("center: enrollment of %s: %w", serial, err)
	}
	idn, err := d.seal.Open("idn", e.Reference, e.IDNCipher)
	if err != nil {
		return RegistrationView{}, fmt.Errorf("center: open identity number of %s: %w", e.Reference, err)
	}
	if subtle.ConstantTimeCompare(idn, []byte(c.IDN)) != 1 {
		return refuse(errs.New(errs.VIDMismatch, "certificate %s is not customer %s's", serial, c.ID))
	}
	now := d.now()
	switch {
	case cert.Status == model.StatusRevoked:
		return refuse(errs.New(errs.CertRevoked, "certificate %s", serial))
	case cert.Status == model.StatusSuspended:
		return refuse(errs.New(errs.CertSuspended, "certificate %s", serial))
	case cert.Status == model.StatusReplaced:
		return refuse(errs.New(errs.CertReplaced, "certificate %s", serial))
	case !now.Before(cert.NotAfter):
		return refuse(errs.New(errs.CertExpired, "certificate %s", serial))
	}
	parsed, err := x509.ParseCertificate(cert.DER)
	if err != nil {
		return RegistrationView{}, fmt.Errorf("center: parse certificate %s: %w", serial, err)
	}
	ch := newChallenge()
	chl, err := d.record(ctx, inst, c, newID("chl_"), "registration", v.TellerID,
		Begun{Status: model.VerificationPending, Secret: ch, Lifetime: ChallengeLifetime, Evidence: "counter:" + v.ID})
	if err != nil {
		return RegistrationView{}, err
	}
	r := model.Registration{ID: newID("reg_"), InstitutionCode: inst.Code, CustomerID: c.ID, Serial: cert.Serial,
		Issuer: model.IssuerString(parsed), Subject: model.SubjectString(parsed), CertDER: cert.DER, NotAfter: cert.NotAfter, CreatedAt: now}
	ev := model.AuditEvent{Type: "registration.created", Actor: actor, Institution: inst.Code, Subject: r.ID,
		Details: map[string]string{"customer": c.ID, "serial": r.Serial.String(), "challenge": chl.ID, "ownCA": "true",
			"counter": "true", "verification": v.ID}}
	err = d.st.CreateRegistration(ctx, r, chl.ID, now, ev)
	if errors.Is(err, store.ErrConflict) {
		return RegistrationView{}, errs.New(errs.RegistrationExists, "certificate %s", r.Serial)
	} else if err != nil {
		return RegistrationView{}, err
	}
	return d.registrationView(ctx, r), nil
}

// DeregisterAs removes inst's registration as Deregister does, audited for actor (a
// staff member at the counter) and checked to be the customer's.
func (d *Desk) DeregisterAs(ctx context.Context, inst model.Institution, customerID, id, actor string) error {
	r, err := d.st.Registration(ctx, id)
	if err != nil {
		return notFound(err, errs.RegistrationNotFound, "registration %q", id)
	}
	if r.InstitutionCode != inst.Code || r.CustomerID != customerID {
		return errs.New(errs.RegistrationNotFound, "registration %s is not customer %s's", id, customerID)
	}
	err = d.st.DeleteRegistration(ctx, id, model.AuditEvent{Type: "registration.deleted", Actor: actor, Institution: inst.Code,
		Subject: id, Details: map[string]string{"customer": r.CustomerID, "serial": r.Serial.String(), "counter": "true"}})
	return notFound(err, errs.RegistrationNotFound, "registration %q", id)
}
