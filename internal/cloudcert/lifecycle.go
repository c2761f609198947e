package cloudcert

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// IssueRequest is the user's side of an issuance: the reference number and code the
// institution handed out after identity verification, the PIN they chose, the phone
// for notices and device codes, and the browser's device key (the first device: the
// reference number and code prove more than an SMS code would).
type IssueRequest struct {
	RefNum           string `json:"refNum"`
	AuthCode         string `json:"authCode"`
	PIN              string `json:"pin"`
	Phone            string `json:"phone"`
	DevicePublicKey  []byte `json:"devicePublicKey"`
	DeviceLabel      string `json:"deviceLabel"`
	ConfirmSupersede bool   `json:"confirmSupersede"`
	// AutoRenew opts in to automatic renewal: on the first signature inside the renewal
	// window, the certificate is renewed (new key, same PIN) and the customer told.
	AutoRenew bool `json:"autoRenew,omitempty"`
}

// CertInfo is the certificate as the SDK's getCertInfo and the issue/renew answers
// show it. Certificate is DER (base64 in JSON).
type CertInfo struct {
	Serial      string    `json:"certSeqNum"`
	Subject     string    `json:"subject"`
	Institution string    `json:"institution"`
	NotBefore   time.Time `json:"notBefore"`
	NotAfter    time.Time `json:"notAfter"`
	Status      string    `json:"status"`
	Certificate []byte    `json:"certificate"`
	PINLocked   bool      `json:"pinLocked"`
	DeviceID    string    `json:"deviceId,omitempty"`
	// Superseded names the certificate this issuance revoked, if any.
	Superseded string `json:"superseded,omitempty"`
}

func info(c model.Certificate, l model.FinCertLine) *CertInfo {
	return &CertInfo{Serial: c.Serial.String(), Subject: c.CommonName, Institution: c.InstitutionCode,
		NotBefore: c.NotBefore, NotAfter: c.NotAfter, Status: string(c.Status), Certificate: c.DER, PINLocked: l.PINLocked}
}

// Issue redeems a financial certificate enrollment: the key is generated and wrapped
// here, the PIN set, the browser registered as the first device. A person has one
// active financial certificate across all institutions: if they have one, the issuance
// is refused with FINCERT_SUPERSEDE_CONFIRM until they confirm, and the old one is then
// revoked (superseded) after the new one is issued.
func (s *Service) Issue(ctx context.Context, r IssueRequest) (*CertInfo, error) {
	red, err := s.center.Redeem(ctx, r.RefNum, r.AuthCode)
	if err != nil {
		return nil, err
	}
	release := func() { s.center.Release(context.WithoutCancel(ctx), red.Enrollment.Reference) }
	e := red.Enrollment
	if e.Usage != model.FinCert || e.Kind != model.Personal {
		release()
		return nil, errs.New(errs.FinCertNotFinCert, "enrollment %s is %s/%s", e.Reference, e.Kind, e.Usage)
	}
	if err := CheckPINPolicy(r.PIN, red.IDN); err != nil {
		release()
		return nil, err
	}
	if _, err := ParseDeviceKey(r.DevicePublicKey); err != nil {
		release()
		return nil, err
	}
	if len(digitsOnly(r.Phone)) < 10 || len(digitsOnly(r.Phone)) > 11 {
		release()
		return nil, errs.New(errs.BadRequest, "phone must be 10 or 11 digits")
	}
	person := s.person(red.IDN)
	old, err := s.st.ActiveFinCertLine(ctx, person)
	hasOld := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		release()
		return nil, err
	}
	// A reissue enrollment names the certificate it replaces: the institution's
	// re-verification is the confirmation; the center revokes it itself.
	reissue := len(e.Replaces) > 0
	if reissue && (!hasOld || !bytes.Equal(old.Serial, e.Replaces)) {
		// A financial certificate reissue replaces the person's financial certificate,
		// never a joint certificate (whose expiry it would inherit) nor an older one.
		release()
		return nil, errs.New(errs.FinCertNotFinCert, "enrollment %s replaces %s, not the person's financial certificate", e.Reference, e.Replaces)
	}
	if hasOld && !reissue && !r.ConfirmSupersede {
		release()
		return nil, errs.New(errs.FinCertSupersedeConfirm, "person has financial certificate %s", old.Serial)
	}
	key, err := newKey()
	if err != nil {
		release()
		return nil, err
	}
	lineID := newID("fcl_")
	wrapped, err := s.wrapKey(lineID, key)
	if err != nil {
		release()
		return nil, err
	}
	pinHash, err := s.pinVerifier(lineID, r.PIN)
	if err != nil {
		release()
		return nil, err
	}
	phoneC, err := s.seal.Seal("fincert-phone", lineID, []byte(digitsOnly(r.Phone)))
	if err != nil {
		release()
		return nil, err
	}
	red.Cloud = true
	issued, err := s.center.IssueRedeemed(ctx, red, key.Public(), nil) // releases on failure
	if err != nil {
		return nil, err
	}
	wrappedR, err := s.keys.Wrap(issued.RandomNum, rAD(lineID))
	if err != nil {
		return nil, err
	}
	now := s.now()
	birth := ""
	if len(red.IDN) >= 6 {
		birth = red.IDN[:6]
	}
	l := model.FinCertLine{ID: lineID, Person: person, Lookup: s.lookup(e.Name, birth, r.Phone), Serial: issued.Record.Serial,
		InstitutionCode: e.InstitutionCode, WrappedKey: wrapped, WrappedR: wrappedR, PhoneCipher: phoneC, PINHash: pinHash,
		Active: true, AutoRenew: r.AutoRenew, CreatedAt: now, UpdatedAt: now}
	deactivate := ""
	if hasOld {
		deactivate = old.ID
	}
	ev := model.AuditEvent{Type: "fincert.issued", Actor: "subscriber", Institution: e.InstitutionCode, Subject: lineID,
		Details: map[string]string{"serial": l.Serial.String(), "enrollment": e.Reference}}
	if hasOld {
		ev.Details["supersedes"] = old.ID
	}
	if err := s.st.CreateFinCertLine(ctx, l, deactivate, ev); err != nil {
		// The certificate exists without a usable key: revoke it rather than leave it valid.
		s.center.Revoke(context.WithoutCancel(ctx), nil, l.Serial, model.ReasonCessationOfOperation, nil, "system")
		return nil, err
	}
	out := info(issued.Record, l)
	if hasOld && !reissue {
		if _, err := s.center.Revoke(ctx, nil, old.Serial, model.ReasonSuperseded, nil, "subscriber"); err != nil && errs.CodeOf(err) != errs.CertRevoked {
			return nil, err
		}
		out.Superseded = old.Serial.String()
	}
	if out.DeviceID, err = s.addDevice(ctx, l, r.DevicePublicKey, r.DeviceLabel, "issuance"); err != nil {
		return out, err
	}
	s.send(ctx, l, "[금융인증서] 금융인증서가 발급되었습니다. 유효기간 3년.")
	return out, nil
}

// CertInfo returns the certificate of the person whose device proves itself.
func (s *Service) CertInfo(ctx context.Context, p DeviceProof) (*CertInfo, error) {
	_, l, err := s.useDevice(ctx, p, "manage", "")
	if err != nil {
		return nil, err
	}
	c, err := s.ca.Certificate(ctx, l.Serial)
	if err != nil {
		return nil, err
	}
	return info(c, l), nil
}

// unlock checks device, then PIN, then the certificate, and returns the line, its
// usable certificate and the attempt's challenge, which the caller uses in the
// transaction that records its success. A wrong PIN uses the challenge and counts
// toward the lock (MaxWrongPINs) in one transaction; a challenge used before counts
// nothing and is FINCERT_CHALLENGE_INVALID, as it is on success, so that a replayed
// proof tells nothing about the PIN.
func (s *Service) unlock(ctx context.Context, p DeviceProof, pin, purpose, binding string) (model.FinCertDevice, model.FinCertLine, model.Certificate, model.FinCertChallenge, error) {
	var c model.Certificate
	d, l, ch, err := s.checkDevice(ctx, p, purpose, binding)
	if err != nil {
		return d, l, c, ch, err
	}
	if l.PINLocked {
		return d, l, c, ch, errs.New(errs.FinCertPINLocked, "line %s", l.ID)
	}
	if err := s.matchPIN(l.ID, pin, l.PINHash); errors.Is(err, errPINMismatch) {
		fails, locked, err := s.st.RecordFinCertPINFailure(ctx, l.ID, &ch, s.now(), MaxWrongPINs, model.AuditEvent{Type: "fincert.pin_wrong",
			Actor: "subscriber", Institution: l.InstitutionCode, Subject: l.ID, Details: map[string]string{"device": d.ID}})
		if errors.Is(err, store.ErrConflict) {
			return d, l, c, ch, errs.New(errs.FinCertChallengeInvalid, "challenge of device %s was used", d.ID)
		}
		if err != nil {
			return d, l, c, ch, err
		}
		if locked {
			s.send(ctx, l, "[금융인증서] PIN 5회 오류로 금융인증서가 잠겼습니다. 거래 기관에서 본인확인 후 PIN을 재설정하세요.")
			return d, l, c, ch, errs.New(errs.FinCertPINLocked, "line %s locked after %d wrong PINs", l.ID, fails)
		}
		return d, l, c, ch, errs.New(errs.FinCertPINWrong, "%d of %d", fails, MaxWrongPINs).With("remaining", itoa(MaxWrongPINs-fails))
	} else if err != nil {
		return d, l, c, ch, err
	}
	c, err = s.usableCert(ctx, l)
	return d, l, c, ch, err
}

// Renew renews the person's financial certificate inside the window (from 30 days
// before expiry; earlier is FINCERT_RENEWAL_WINDOW): a new key, the same PIN, the new
// certificate running three years from the old expiry.
func (s *Service) Renew(ctx context.Context, p DeviceProof, pin string) (*CertInfo, error) {
	_, l, c, ch, err := s.unlock(ctx, p, pin, "renew", "")
	if err != nil {
		return nil, err
	}
	if err := s.useChallenge(ctx, ch); err != nil {
		return nil, err
	}
	if l.PINFails > 0 {
		if err := s.st.ClearFinCertPINFailures(ctx, l.ID); err != nil {
			return nil, err
		}
	}
	if opens := ca.RenewalOpens(c.NotAfter); s.now().Before(opens) {
		d := opens.In(kst).Format("2006-01-02")
		return nil, errs.New(errs.FinCertRenewalWindow, "renewal of %s opens %s", c.Serial, d).With("opens", d)
	}
	return s.renewLine(ctx, l, c, "fincert.renewed", "[금융인증서] 금융인증서가 갱신되었습니다.")
}

// renewLine gives line l a new key and certificate after c (the renewal proper; the
// caller checked the window and the person).
func (s *Service) renewLine(ctx context.Context, l model.FinCertLine, c model.Certificate, event, notice string) (*CertInfo, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	wrapped, err := s.wrapKey(l.ID, key)
	if err != nil {
		return nil, err
	}
	issued, err := s.center.Renew(ctx, c.Serial, key.Public(), nil, nil, "subscriber")
	if err != nil {
		return nil, err
	}
	wrappedR, err := s.keys.Wrap(issued.RandomNum, rAD(l.ID))
	if err != nil {
		return nil, err
	}
	if err := s.st.RenewFinCertLine(ctx, l.ID, issued.Record.Serial, wrapped, wrappedR, s.now(), model.AuditEvent{
		Type: event, Actor: "subscriber", Institution: l.InstitutionCode, Subject: l.ID,
		Details: map[string]string{"serial": issued.Record.Serial.String(), "replaces": c.Serial.String()}}); err != nil {
		return nil, err
	}
	l.Serial = issued.Record.Serial
	s.cache.drop(l.ID)
	s.send(ctx, l, notice)
	return info(issued.Record, l), nil
}

// autoRenew renews a line that opted in, on a signature inside the renewal window
// (KOREAN-PKI.md section 9: the financial certificate renews itself). The signature the
// user asked for was made with the current certificate; a failure here leaves the line
// as it was and is tried again at the next signature.
func (s *Service) autoRenew(ctx context.Context, l model.FinCertLine, c model.Certificate) {
	now := s.now()
	if !l.AutoRenew || now.Before(ca.RenewalOpens(c.NotAfter)) || !now.Before(c.NotAfter) {
		return
	}
	if _, err := s.renewLine(context.WithoutCancel(ctx), l, c, "fincert.auto_renewed",
		"[금융인증서] 금융인증서가 자동으로 갱신되었습니다 (새 키, 비밀번호는 그대로). 본인이 쓰지 않았다면 고객센터로 신고하세요."); err != nil {
		s.log("automatic renewal", l.ID, err)
	}
}

// PINReset is what an institution hands its customer after verifying identity again:
// an id and a code, used once within ResetLifetime with a new PIN.
type PINReset struct {
	ID        string    `json:"resetId"`
	Code      string    `json:"resetCode"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// StartPINReset: an institution verified its customer's identity again (a completed
// verification of center.Desk); the customer's active financial certificate, wherever
// it was issued, may get a new PIN, which also unlocks it.
func (s *Service) StartPINReset(ctx context.Context, inst model.Institution, verificationID string) (*PINReset, error) {
	if s.identity == nil {
		return nil, errs.New(errs.Forbidden, "PIN resets are not configured")
	}
	idn, err := s.identity(ctx, inst, verificationID)
	if err != nil {
		return nil, err
	}
	l, err := s.st.ActiveFinCertLine(ctx, s.person(idn))
	if err != nil {
		return nil, notFound(err, errs.FinCertNotFound, "customer of verification %s has no financial certificate", verificationID)
	}
	now := s.now()
	code := base64.RawURLEncoding.EncodeToString(randBytes(12))
	p := model.FinCertPending{ID: newID("fcp_"), Kind: "pin-reset", LineID: l.ID, ExpiresAt: now.Add(ResetLifetime), CreatedAt: now}
	p.Secret = s.seal.MAC("fincert-code", []byte(p.ID), []byte(code))
	if len(idn) >= 6 {
		// A keyed hash of the birth date, so that the new PIN can be checked against it
		// (CheckPINPolicy) without keeping the date.
		p.Label = hex.EncodeToString(s.seal.MAC("fincert-birth", []byte(p.ID), []byte(idn[:6])))
	}
	if err := s.st.CreateFinCertPending(ctx, p, model.AuditEvent{Type: "fincert.pin_reset_started", Actor: "institution:" + inst.Code,
		Institution: inst.Code, Subject: l.ID, Details: map[string]string{"verificationId": verificationID, "reset": p.ID}}); err != nil {
		return nil, err
	}
	return &PINReset{ID: p.ID, Code: code, ExpiresAt: p.ExpiresAt}, nil
}

// CompletePINReset sets the new PIN with the reset code, from a registered device of
// the person (a new browser registers first).
func (s *Service) CompletePINReset(ctx context.Context, resetID, code, pin string, p DeviceProof) error {
	d, l, err := s.useDevice(ctx, p, "pin-reset", resetID)
	if err != nil {
		return err
	}
	pend, err := s.st.FinCertPending(ctx, resetID)
	if err != nil || pend.LineID != l.ID {
		return errs.New(errs.FinCertCodeExpired, "reset %s is not for this device's certificate", resetID)
	}
	if err := CheckPINPolicy(pin, ""); err != nil {
		return err
	}
	// The birth-date forms of CheckPINPolicy, read backwards: which YYMMDD would make
	// this PIN the birth date?
	for _, yymmdd := range []string{pin, pin[4:6] + pin[0:4], pin[4:6] + pin[2:4] + pin[0:2]} {
		if pend.Label != "" && hex.EncodeToString(s.seal.MAC("fincert-birth", []byte(pend.ID), []byte(yymmdd))) == pend.Label {
			return errs.New(errs.FinCertPINWeak, "the PIN is the birth date")
		}
	}
	if _, err := s.usePending(ctx, resetID, "pin-reset", code); err != nil {
		return err
	}
	h, err := s.pinVerifier(l.ID, pin)
	if err != nil {
		return err
	}
	if err := s.st.SetFinCertPIN(ctx, l.ID, h, s.now(), model.AuditEvent{Type: "fincert.pin_reset", Actor: "subscriber",
		Institution: l.InstitutionCode, Subject: l.ID, Details: map[string]string{"device": d.ID, "reset": resetID}}); err != nil {
		return err
	}
	s.send(ctx, l, "[금융인증서] 금융인증서 PIN이 재설정되었습니다.")
	return nil
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := randRead(b); err != nil {
		panic(err)
	}
	return b
}
