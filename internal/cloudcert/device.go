package cloudcert

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// Devices (이용 기기): a browser's non-extractable WebCrypto ECDSA P-256 key. Each use
// signs a fresh, single-use server challenge, so a stolen PIN alone is not enough.

// ParseDeviceKey accepts a DER SubjectPublicKeyInfo of an ECDSA P-256 key.
func ParseDeviceKey(spki []byte) (*ecdsa.PublicKey, error) {
	if len(spki) == 0 || len(spki) > 512 {
		return nil, errs.New(errs.FinCertBadKey, "SPKI of %d bytes", len(spki))
	}
	k, err := x509.ParsePKIXPublicKey(spki)
	if err != nil {
		return nil, errs.New(errs.FinCertBadKey, "SPKI does not parse")
	}
	ek, ok := k.(*ecdsa.PublicKey)
	if !ok || ek.Curve != elliptic.P256() {
		return nil, errs.New(errs.FinCertBadKey, "not an ECDSA P-256 key")
	}
	return ek, nil
}

// ProofMessage is what a device signs (WebCrypto ECDSA with SHA-256 over these bytes):
// a domain label, the purpose ("sign", "manage", "renew", "pin-reset"), the binding (the
// sign request id for "sign", else "") and the challenge nonce.
func ProofMessage(purpose, binding string, nonce []byte) []byte {
	m := []byte("certcenter-fincert-device-v1\x00" + purpose + "\x00" + binding + "\x00")
	return append(m, nonce...)
}

// verifyProof checks sig over ProofMessage: IEEE P1363 r||s (WebCrypto's form, 64
// bytes) or ASN.1 DER.
func verifyProof(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	d := sha256.Sum256(msg)
	if len(sig) == 64 {
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		return ecdsa.Verify(pub, d[:], r, s)
	}
	return ecdsa.VerifyASN1(pub, d[:], sig)
}

// Challenge is a fresh nonce for a device to sign.
type Challenge struct {
	Nonce     []byte    `json:"nonce"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// NewChallenge draws a challenge for a connected device. Challenges cost no write: the
// nonce is 16 random bytes, its expiry (Unix microseconds, 8 bytes) and a 16-byte MAC
// under the secrets key bound to the device; the store records a nonce only when it is
// used, once (UseFinCertChallenge), so the signing path commits once per signature.
func (s *Service) NewChallenge(ctx context.Context, deviceID string) (*Challenge, error) {
	if _, err := s.device(ctx, deviceID); err != nil {
		return nil, err
	}
	exp := s.now().Add(ChallengeLifetime).Truncate(time.Microsecond)
	nonce := make([]byte, 16, nonceLen)
	rand.Read(nonce)
	nonce = binary.BigEndian.AppendUint64(nonce, uint64(exp.UnixMicro()))
	nonce = append(nonce, s.nonceTag(deviceID, nonce)...)
	return &Challenge{Nonce: nonce, ExpiresAt: exp}, nil
}

const nonceLen = 16 + 8 + 16

func (s *Service) nonceTag(deviceID string, body []byte) []byte {
	return s.seal.MAC("fincert-challenge", []byte(deviceID), body)[:16]
}

// openNonce checks a challenge's MAC (for this device) and expiry.
func (s *Service) openNonce(deviceID string, nonce []byte) (model.FinCertChallenge, bool) {
	c := model.FinCertChallenge{Nonce: nonce, DeviceID: deviceID}
	if len(nonce) != nonceLen || subtle.ConstantTimeCompare(s.nonceTag(deviceID, nonce[:24]), nonce[24:]) != 1 {
		return c, false
	}
	c.ExpiresAt = time.UnixMicro(int64(binary.BigEndian.Uint64(nonce[16:24]))).UTC()
	return c, s.now().Before(c.ExpiresAt)
}

func (s *Service) device(ctx context.Context, id string) (model.FinCertDevice, error) {
	d, err := s.st.FinCertDevice(ctx, id)
	if err != nil {
		return d, notFound(err, errs.FinCertDeviceUnknown, "device %q", id)
	}
	if d.DisconnectedAt != nil {
		return d, errs.New(errs.FinCertDeviceUnknown, "device %s was disconnected", id)
	}
	return d, nil
}

// DeviceProof is what the browser sends with each use: its device id, the challenge
// nonce it fetched and its signature over ProofMessage.
type DeviceProof struct {
	DeviceID string `json:"deviceId"`
	Nonce    []byte `json:"nonce"`
	Proof    []byte `json:"proof"`
}

// checkDevice verifies a device proof without using its challenge: it returns the
// device, the person's active line and the challenge, which the caller must use in the
// transaction that records the attempt (useDevice, or the PIN's and the signature's
// transactions), so that a proof works once.
func (s *Service) checkDevice(ctx context.Context, p DeviceProof, purpose, binding string) (model.FinCertDevice, model.FinCertLine, model.FinCertChallenge, error) {
	var l model.FinCertLine
	d, err := s.device(ctx, p.DeviceID)
	if err != nil {
		return d, l, model.FinCertChallenge{}, err
	}
	pub, err := ParseDeviceKey(d.SPKI)
	if err != nil {
		return d, l, model.FinCertChallenge{}, err
	}
	ch, ok := s.openNonce(d.ID, p.Nonce)
	if !ok {
		return d, l, ch, errs.New(errs.FinCertChallengeInvalid, "challenge of device %s is not this server's or expired", d.ID)
	}
	if !verifyProof(pub, ProofMessage(purpose, binding, p.Nonce), p.Proof) {
		s.audit(ctx, model.AuditEvent{Type: "fincert.device_proof_failed", Actor: "subscriber", Subject: d.ID})
		return d, l, ch, errs.New(errs.FinCertDeviceProof, "device %s", d.ID)
	}
	l, err = s.st.ActiveFinCertLine(ctx, d.Person)
	if err != nil {
		return d, l, ch, notFound(err, errs.FinCertNotFound, "no active financial certificate for device %s", d.ID)
	}
	return d, l, ch, nil
}

// useDevice is checkDevice for the operations that use the challenge at once (manage,
// renew, PIN reset): a challenge used before is FINCERT_CHALLENGE_INVALID.
func (s *Service) useDevice(ctx context.Context, p DeviceProof, purpose, binding string) (model.FinCertDevice, model.FinCertLine, error) {
	d, l, ch, err := s.checkDevice(ctx, p, purpose, binding)
	if err != nil {
		return d, l, err
	}
	return d, l, s.useChallenge(ctx, ch)
}

func (s *Service) useChallenge(ctx context.Context, ch model.FinCertChallenge) error {
	err := s.st.UseFinCertChallenge(ctx, ch, s.now())
	if errors.Is(err, store.ErrConflict) {
		return errs.New(errs.FinCertChallengeInvalid, "challenge of device %s was used", ch.DeviceID)
	}
	return err
}

// DeviceView is a device as its owner sees it.
type DeviceView struct {
	ID         string     `json:"id"`
	Label      string     `json:"label"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
}

// Devices lists the connected devices of the person whose device proves itself.
func (s *Service) Devices(ctx context.Context, p DeviceProof) ([]DeviceView, error) {
	d, _, err := s.useDevice(ctx, p, "manage", "")
	if err != nil {
		return nil, err
	}
	return s.deviceViews(ctx, d.Person)
}

func (s *Service) deviceViews(ctx context.Context, person []byte) ([]DeviceView, error) {
	ds, err := s.st.FinCertDevices(ctx, person)
	if err != nil {
		return nil, err
	}
	out := []DeviceView{}
	for _, d := range ds {
		if d.DisconnectedAt == nil {
			out = append(out, DeviceView{ID: d.ID, Label: d.Label, CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt})
		}
	}
	return out, nil
}

// Disconnect disconnects one of the person's devices (possibly the proving one).
func (s *Service) Disconnect(ctx context.Context, p DeviceProof, target string) error {
	d, l, err := s.useDevice(ctx, p, "manage", target)
	if err != nil {
		return err
	}
	t, err := s.st.FinCertDevice(ctx, target)
	if err != nil || subtle.ConstantTimeCompare(t.Person, d.Person) != 1 {
		return errs.New(errs.FinCertDeviceUnknown, "device %q is not this person's", target)
	}
	return s.st.DisconnectFinCertDevice(ctx, target, s.now(), model.AuditEvent{Type: "fincert.device_disconnected",
		Actor: "subscriber", Institution: l.InstitutionCode, Subject: target, Details: map[string]string{"line": l.ID, "by": d.ID}})
}

// DisconnectByInstitution disconnects a device from the institution's desk (a customer
// who lost the device calls the bank): the line must have been issued there.
func (s *Service) DisconnectByInstitution(ctx context.Context, inst model.Institution, target string) error {
	t, err := s.st.FinCertDevice(ctx, target)
	if err != nil {
		return notFound(err, errs.FinCertDeviceUnknown, "device %q", target)
	}
	l, err := s.st.ActiveFinCertLine(ctx, t.Person)
	if err != nil {
		return notFound(err, errs.FinCertNotFound, "no active line for device %s", target)
	}
	if l.InstitutionCode != inst.Code {
		return errs.New(errs.Forbidden, "device %s belongs to a certificate of institution %s", target, l.InstitutionCode)
	}
	return s.st.DisconnectFinCertDevice(ctx, target, s.now(), model.AuditEvent{Type: "fincert.device_disconnected",
		Actor: "institution:" + inst.Code, Institution: inst.Code, Subject: target, Details: map[string]string{"line": l.ID}})
}

// addDevice registers a device for the line's person and sends the SMS notice.
func (s *Service) addDevice(ctx context.Context, l model.FinCertLine, spki []byte, label, how string) (string, error) {
	if _, err := ParseDeviceKey(spki); err != nil {
		return "", err
	}
	if len(label) > 64 {
		label = label[:64]
	}
	d := model.FinCertDevice{ID: newID("fcd_"), Person: l.Person, SPKI: spki, Label: label, CreatedAt: s.now()}
	err := s.st.AddFinCertDevice(ctx, d, MaxDevices, model.AuditEvent{Type: "fincert.device_registered", Actor: "subscriber",
		Institution: l.InstitutionCode, Subject: d.ID, Details: map[string]string{"line": l.ID, "via": how}})
	if errors.Is(err, store.ErrConflict) {
		return "", errs.New(errs.FinCertDeviceLimit, "%d devices", MaxDevices).With("max", strconv.Itoa(MaxDevices))
	}
	if err != nil {
		return "", err
	}
	s.send(ctx, l, fmt.Sprintf("[금융인증서] 새 기기(%s)가 등록되었습니다. 본인이 아니면 거래 기관에 연락해 기기를 해제하세요.", label))
	return d.ID, nil
}

// DeviceRegistration starts registering a browser: the person finds the line with name,
// birth date (YYMMDD) and phone, and receives an SMS code at the phone on file. The
// answer does not say whether a line was found (no enumeration): a registration id is
// returned either way and only the SMS differs.
type DeviceRegistration struct {
	Name      string `json:"name"`
	BirthDate string `json:"birthDate"` // YYMMDD
	Phone     string `json:"phone"`
	PublicKey []byte `json:"publicKey"` // SPKI, ECDSA P-256
	Label     string `json:"label"`
}

// Pending is a started registration or reset.
type Pending struct {
	ID        string    `json:"id"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// StartDeviceRegistration sends the SMS code of a new device registration.
func (s *Service) StartDeviceRegistration(ctx context.Context, r DeviceRegistration) (*Pending, error) {
	if _, err := ParseDeviceKey(r.PublicKey); err != nil {
		return nil, err
	}
	now := s.now()
	p := model.FinCertPending{ID: newID("fcr_"), Kind: "device", SPKI: r.PublicKey, Label: r.Label,
		ExpiresAt: now.Add(CodeLifetime), CreatedAt: now}
	code := sixDigits()
	l, err := s.st.ActiveFinCertLineByLookup(ctx, s.lookup(r.Name, r.BirthDate, r.Phone))
	switch {
	case errors.Is(err, store.ErrNotFound):
		p.Secret = s.seal.MAC("fincert-code", []byte(p.ID), []byte("no line")) // never matches a 6-digit code
	case err != nil:
		return nil, err
	default:
		p.LineID = l.ID
		p.Secret = s.seal.MAC("fincert-code", []byte(p.ID), []byte(code))
		// At most MaxRegistrationsPerHour SMS codes per certificate: beyond, the step is
		// stored (the answer looks the same) but no SMS goes out and no code can match.
		n, err := s.st.CountFinCertPending(ctx, l.ID, "device", now.Add(-time.Hour))
		if err != nil {
			return nil, err
		}
		if n >= MaxRegistrationsPerHour {
			p.Secret = s.seal.MAC("fincert-code", []byte(p.ID), []byte("throttled"))
			s.audit(ctx, model.AuditEvent{Type: "fincert.device_registration_throttled", Actor: "subscriber", Subject: l.ID})
			l = model.FinCertLine{} // send nothing
		}
	}
	if err := s.st.CreateFinCertPending(ctx, p, model.AuditEvent{Type: "fincert.device_registration_started",
		Actor: "subscriber", Subject: p.ID, Details: map[string]string{"line": p.LineID}}); err != nil {
		return nil, err
	}
	if l.ID != "" {
		s.send(ctx, l, fmt.Sprintf("[금융인증서] 기기 등록 인증번호 [%s] (3분 이내 입력). 타인에게 알려주지 마세요.", code))
	}
	return &Pending{ID: p.ID, ExpiresAt: p.ExpiresAt}, nil
}

func sixDigits() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// usePending checks a code against a pending step of the kind and consumes it.
func (s *Service) usePending(ctx context.Context, id, kind, code string) (model.FinCertPending, error) {
	p, err := s.st.FinCertPending(ctx, id)
	if err != nil || p.Kind != kind {
		return p, errs.New(errs.FinCertCodeExpired, "no %s step %q", kind, id)
	}
	if p.UsedAt != nil || !s.now().Before(p.ExpiresAt) || p.Tries >= MaxWrongCodes {
		return p, errs.New(errs.FinCertCodeExpired, "%s step %s is used, expired or locked", kind, id)
	}
	if subtle.ConstantTimeCompare(s.seal.MAC("fincert-code", []byte(p.ID), []byte(code)), p.Secret) != 1 {
		tries, err := s.st.FinCertPendingFailure(ctx, id)
		if err != nil {
			return p, err
		}
		return p, errs.New(errs.FinCertCodeInvalid, "wrong code for %s (%d of %d)", id, tries, MaxWrongCodes)
	}
	if err := s.st.UseFinCertPending(ctx, id, s.now()); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return p, errs.New(errs.FinCertCodeExpired, "%s step %s was used", kind, id)
		}
		return p, err
	}
	return p, nil
}

// ConfirmDeviceRegistration checks the SMS code and registers the device.
func (s *Service) ConfirmDeviceRegistration(ctx context.Context, id, code string) (string, error) {
	p, err := s.usePending(ctx, id, "device", code)
	if err != nil {
		return "", err
	}
	l, err := s.st.FinCertLine(ctx, p.LineID)
	if err != nil || !l.Active {
		return "", errs.New(errs.FinCertNotFound, "line of registration %s is gone", id)
	}
	return s.addDevice(ctx, l, p.SPKI, p.Label, "sms")
}
