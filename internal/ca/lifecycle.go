package ca

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// OnChange registers a function called, in this process, after every status change the
// authority makes (issue, revoke, suspend, resume, replacement). Revocation status
// services use it to refresh their caches at once; other nodes learn through the store.
func (a *Authority) OnChange(f func(model.Certificate)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.listeners = append(a.listeners, f)
}

func (a *Authority) changed(c model.Certificate) {
	a.mu.RLock()
	ls := a.listeners
	a.mu.RUnlock()
	for _, f := range ls {
		f(c)
	}
}

var kst = time.FixedZone("KST", 9*3600)

// kstDate formats a day as Koreans read it.
func kstDate(t time.Time) string { return t.In(kst).Format("2006-01-02") }

// statusError explains why a certificate that is not valid cannot be used.
func statusError(c model.Certificate) error {
	switch c.Status {
	case model.StatusRevoked:
		return errs.New(errs.CertRevoked, "certificate %s is revoked", c.Serial)
	case model.StatusSuspended:
		return errs.New(errs.CertSuspended, "certificate %s is suspended", c.Serial)
	case model.StatusReplaced:
		return errs.New(errs.CertReplaced, "certificate %s was replaced", c.Serial)
	}
	return errs.New(errs.Internal, "certificate %s has status %q", c.Serial, c.Status)
}

func (a *Authority) change(ctx context.Context, ch model.StatusChange, ev model.AuditEvent, onConflict func(model.Certificate) error) (model.Certificate, error) {
	if ch.At.IsZero() {
		ch.At = a.cfg.Now()
	}
	c, err := a.st.ChangeStatus(ctx, ch, ev)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c, errs.New(errs.CertificateNotFound, "serial %s", ch.Serial)
	case errors.Is(err, store.ErrConflict):
		return c, onConflict(c)
	case err != nil:
		return c, err
	}
	a.changed(c)
	return c, nil
}

// Revoke revokes a certificate (폐기) with an RFC 5280 reason. certificateHold is not a
// revocation reason here (use Suspend) and removeFromCRL is never stored. A valid,
// suspended or replaced certificate can be revoked; a revoked one cannot be revoked again.
func (a *Authority) Revoke(ctx context.Context, serial model.Serial, reason model.RevocationReason, invalidity *time.Time, actor, institution string) (model.Certificate, error) {
	switch reason {
	case model.ReasonUnspecified, model.ReasonKeyCompromise, model.ReasonCACompromise, model.ReasonAffiliationChanged,
		model.ReasonSuperseded, model.ReasonCessationOfOperation, model.ReasonPrivilegeWithdrawn, model.ReasonAACompromise:
	default:
		return model.Certificate{}, errs.New(errs.RevocationReasonInvalid, "reason %s", reason)
	}
	ch := model.StatusChange{Serial: serial, To: model.StatusRevoked, Reason: &reason, InvalidityDate: invalidity,
		From: []model.CertStatus{model.StatusValid, model.StatusSuspended, model.StatusReplaced}}
	ev := model.AuditEvent{Type: "certificate.revoked", Actor: actor, Institution: institution, Subject: serial.String(),
		Details: map[string]string{"reason": reason.String()}}
	return a.change(ctx, ch, ev, statusError)
}

// Suspend puts a valid certificate on hold (효력정지, RFC 5280 certificateHold).
func (a *Authority) Suspend(ctx context.Context, serial model.Serial, actor, institution string) (model.Certificate, error) {
	hold := model.ReasonCertificateHold
	ch := model.StatusChange{Serial: serial, To: model.StatusSuspended, Reason: &hold, From: []model.CertStatus{model.StatusValid}}
	ev := model.AuditEvent{Type: "certificate.suspended", Actor: actor, Institution: institution, Subject: serial.String()}
	return a.change(ctx, ch, ev, statusError)
}

// Resume lifts a suspension (효력회복). A revoked certificate can never be resumed.
func (a *Authority) Resume(ctx context.Context, serial model.Serial, actor, institution string) (model.Certificate, error) {
	ch := model.StatusChange{Serial: serial, To: model.StatusValid, From: []model.CertStatus{model.StatusSuspended}}
	ev := model.AuditEvent{Type: "certificate.resumed", Actor: actor, Institution: institution, Subject: serial.String()}
	return a.change(ctx, ch, ev, func(c model.Certificate) error {
		if c.Status == model.StatusRevoked {
			return errs.New(errs.CertRevoked, "certificate %s is revoked and cannot be resumed", serial)
		}
		return errs.New(errs.CertNotSuspended, "certificate %s is %s", serial, c.Status)
	})
}

// Confirm records the CMP certConf of a certificate issued with ConfirmBy.
func (a *Authority) Confirm(ctx context.Context, serial model.Serial, actor string) error {
	err := a.st.ConfirmCertificate(ctx, serial, model.AuditEvent{Type: "certificate.confirmed", Actor: actor, Subject: serial.String()})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errs.New(errs.CertificateNotFound, "serial %s", serial)
	case errors.Is(err, store.ErrConflict):
		return errs.New(errs.CertNotConfirmable, "serial %s", serial)
	}
	return err
}

// RevokeUnconfirmed revokes every certificate whose CMP confirmation time has passed
// (RFC 4210 section 5.3.18) and returns how many it revoked.
func (a *Authority) RevokeUnconfirmed(ctx context.Context) (int, error) {
	now := a.cfg.Now()
	n := 0
	for {
		list, err := a.st.Unconfirmed(ctx, now, 100)
		if err != nil || len(list) == 0 {
			return n, err
		}
		progress := false
		for _, c := range list {
			err := a.withdraw(ctx, c, now, "certificate.unconfirmed_revoked", "system")
			if errors.Is(err, store.ErrConflict) {
				continue // confirmed or revoked meanwhile
			}
			if err != nil {
				return n, err
			}
			n++
			progress = true
		}
		if !progress {
			return n, nil // everything left changed under us; the next sweep looks again
		}
	}
}

// Withdraw revokes a certificate whose CMP certConf rejected it (RFC 4210 section
// 5.3.18); a renewal's predecessor is in service again. CERT_NOT_CONFIRMABLE when it was
// not awaiting confirmation.
func (a *Authority) Withdraw(ctx context.Context, serial model.Serial, actor string) error {
	c, err := a.st.Certificate(ctx, serial)
	if errors.Is(err, store.ErrNotFound) {
		return errs.New(errs.CertificateNotFound, "serial %s", serial)
	} else if err != nil {
		return err
	}
	err = a.withdraw(ctx, c, a.cfg.Now(), "certificate.rejected", actor)
	if errors.Is(err, store.ErrConflict) {
		return errs.New(errs.CertNotConfirmable, "serial %s", serial)
	}
	return err
}

func (a *Authority) withdraw(ctx context.Context, c model.Certificate, now time.Time, evType, actor string) error {
	err := a.st.ExpireUnconfirmed(ctx, c.Serial, now, model.AuditEvent{Type: evType, Actor: actor,
		Institution: c.InstitutionCode, Subject: c.Serial.String()})
	if err != nil {
		if errors.Is(err, store.ErrConflict) {
			return err
		}
		return fmt.Errorf("ca: withdraw %s: %w", c.Serial, err)
	}
	for _, s := range []model.Serial{c.Serial, c.Replaces} {
		if len(s) == 0 {
			continue
		}
		if cur, err := a.st.Certificate(ctx, s); err == nil {
			a.changed(cur)
		}
	}
	return nil
}

// RenewalWindow is when a certificate can be renewed: the 30 days before its notAfter
// (KOREAN-PKI.md section 2).
const RenewalWindow = 30 * 24 * time.Hour

// RenewalOpens is the first instant a certificate can be renewed: 00:00:00 KST of the
// day 30 days before it expires.
func RenewalOpens(notAfter time.Time) time.Time {
	return issuance.IssueDay(notAfter.Add(-RenewalWindow))
}

// CheckRenewable applies the renewal rules at now: in service, inside the window, not
// expired. The errors carry the dates the user needs.
func CheckRenewable(c model.Certificate, now time.Time) error {
	if now.After(c.NotAfter) {
		return errs.New(errs.CertExpired, "certificate %s expired", c.Serial).With("date", kstDate(c.NotAfter))
	}
	if c.Status != model.StatusValid {
		return statusError(c)
	}
	if opens := RenewalOpens(c.NotAfter); now.Before(opens) {
		return errs.New(errs.RenewalWindowNotOpen, "renewal of %s opens %s", c.Serial, kstDate(opens)).With("opens", kstDate(opens))
	}
	return nil
}
