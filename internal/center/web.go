package center

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
	"github.com/certcenter/certcenter/internal/store"
)

// What the web certificate center (internal/web/center) asks of the desk beyond the
// institution API: finding the person at the keyboard among the institution's
// customers, listing their certificates, and telling them what was done.

// FindCustomer returns inst's customer with this identity number and name. A wrong
// name and an unknown number give the same WEB_CUSTOMER_UNKNOWN, and a customer without
// an internet-banking subscription WEB_NOT_SUBSCRIBED.
func (d *Desk) FindCustomer(ctx context.Context, inst model.Institution, name, idn string) (*CustomerRecord, error) {
	idn, err := NormalizeIDN(idn)
	if err != nil {
		return nil, err
	}
	c, err := d.st.CustomerByIDNHash(ctx, inst.Code, d.idnHash(inst.Code, idn))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errs.New(errs.WebCustomerUnknown, "")
	}
	if err != nil {
		return nil, err
	}
	rec, err := d.open(c)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(rec.Profile.Name), []byte(name)) != 1 {
		return nil, errs.New(errs.WebCustomerUnknown, "")
	}
	if rec.Profile.NoOnlineBanking {
		return nil, errs.New(errs.WebNotSubscribed, "customer %s", rec.ID)
	}
	return rec, nil
}

// CustomerCertificates lists the certificates of inst's customer (issued here; other
// institutions' certificates are registrations), newest first.
func (d *Desk) CustomerCertificates(ctx context.Context, inst model.Institution, customerID string) ([]model.Certificate, error) {
	if _, err := d.Customer(ctx, inst, customerID); err != nil {
		return nil, err
	}
	return d.st.CustomerCertificates(ctx, customerID, 100)
}

// CertificateOf returns the certificate serial if it is customerID's (issued through one
// of their enrollments at inst), else WEB_NOT_YOURS.
func (d *Desk) CertificateOf(ctx context.Context, inst model.Institution, customerID string, serial model.Serial) (model.Certificate, error) {
	c, err := d.certificate(ctx, serial, &inst)
	if err != nil {
		return c, err
	}
	owner, err := d.st.EnrollmentCustomer(ctx, c.EnrollmentRef)
	if err != nil || owner != customerID {
		return model.Certificate{}, errs.New(errs.WebNotYours, "certificate %s", serial)
	}
	return c, nil
}

// Event names of the result notices (NotifyResult).
const (
	NoticeIssued       = "issued"
	NoticeReissued     = "reissued"
	NoticeRenewed      = "renewed"
	NoticeRevoked      = "revoked"
	NoticeSuspended    = "suspended"
	NoticeResumed      = "resumed"
	NoticeRegistered   = "registered"
	NoticeDeregistered = "deregistered"
)

var noticeWhat = map[string]string{
	NoticeIssued: "발급", NoticeReissued: "재발급", NoticeRenewed: "갱신", NoticeRevoked: "폐기",
	NoticeSuspended: "효력정지", NoticeResumed: "효력회복", NoticeRegistered: "타기관 인증서 등록", NoticeDeregistered: "타기관 인증서 해제",
}

// NotifyResult tells the customer, by SMS and e-mail where they have them, that event
// happened to certificate serial, with the advice Korean banks give ("본인 요청이 아닌 경우
// 신고하세요"). The certificate's customer is found through its enrollment when
// customerID is empty. A failed send is returned but has changed nothing.
func (d *Desk) NotifyResult(ctx context.Context, inst model.Institution, customerID, event string, serial model.Serial) error {
	what, ok := noticeWhat[event]
	if !ok {
		return fmt.Errorf("center: unknown notice %q", event)
	}
	if customerID == "" {
		c, err := d.certificate(ctx, serial, nil)
		if err != nil {
			return err
		}
		if customerID, err = d.st.EnrollmentCustomer(ctx, c.EnrollmentRef); err != nil {
			return fmt.Errorf("center: customer of %s: %w", serial, err)
		}
	}
	rec, err := d.Customer(ctx, inst, customerID)
	if err != nil {
		return err
	}
	at := d.now().In(time.FixedZone("KST", 9*3600)).Format("01/02 15:04")
	body := fmt.Sprintf("[%s] 인증서 %s 완료 (%s, 일련번호 끝 %s). 본인 요청이 아닌 경우 즉시 고객센터로 신고하세요.",
		inst.Name, what, at, serialTail(serial))
	var sendErr []error
	if rec.Profile.Phone != "" {
		sendErr = append(sendErr, d.notifier.Send(ctx, notify.Message{Institution: inst.Code, Channel: notify.SMS, To: rec.Profile.Phone, Body: body}))
	}
	if rec.Profile.Email != "" {
		sendErr = append(sendErr, d.notifier.Send(ctx, notify.Message{Institution: inst.Code, Channel: notify.Email, To: rec.Profile.Email,
			Subject: fmt.Sprintf("[%s] 인증서 %s 안내 / Certificate notice", inst.Name, what), Body: body}))
	}
	d.audit(ctx, model.AuditEvent{Type: "customer.notified", Actor: "system", Institution: inst.Code, Subject: serial.String(),
		Details: map[string]string{"event": event, "customer": customerID}})
	return errors.Join(sendErr...)
}

// serialTail is the last 8 hex digits of a serial: serials drawn in the same second
// share their first bytes (the time prefix), never their last.
func serialTail(s model.Serial) string {
	h := s.String()
	if len(h) > 8 {
		return h[len(h)-8:]
	}
	return h
}

// SuspensionMessage is what a holder signs to suspend their own certificate (효력정지).
func SuspensionMessage(serial model.Serial) []byte {
	return []byte("certcenter suspension v1\nserial=" + serial.String() + "\n")
}

// SuspendSigned suspends a certificate at its holder's request, proven by a signature
// of SuspensionMessage with the certificate's key. Resumption needs identity
// verification instead: a suspended certificate's key may be the reason for it.
func (d *Desk) SuspendSigned(ctx context.Context, serial model.Serial, sig []byte) (model.Certificate, error) {
	c, err := d.certificate(ctx, serial, nil)
	if err != nil {
		return c, err
	}
	if err := holderSigned(c, SuspensionMessage(serial), sig); err != nil {
		d.audit(ctx, model.AuditEvent{Type: "certificate.suspension_refused", Actor: "subscriber", Institution: c.InstitutionCode,
			Subject: serial.String(), Details: map[string]string{"code": string(errs.CodeOf(err))}})
		return c, err
	}
	return d.Suspend(ctx, nil, serial, "subscriber")
}
