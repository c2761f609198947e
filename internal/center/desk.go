package center

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"github.com/certcenter/certcenter/internal/revcheck"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
	"github.com/certcenter/certcenter/internal/store"
)

// Desk is the institution-facing side of the certificate center (KOREAN-PKI.md sections
// 1, 2 and 5): customers, identity verification (본인확인) through pluggable Verifiers,
// enrollments created from a verification, reissue, holder-signed renewal and
// revocation, other-institution registration, fees and expiry reminders. It builds on
// Service (enrollment, issuance and the lifecycle) and adds its own store.
//
// Every change is audited in the transaction that makes it, with no personal data:
// events name customers, verifications and certificates by id and serial only.
type Desk struct {
	*Service
	st        DeskStore
	notifier  notify.Notifier
	verifiers map[string]Verifier
	trust     Trust
	fees      Fees
	policyOID func(model.Kind, model.Usage) (string, error)
	status    StatusChecker
}

// Trust says which certificates the desk accepts as proof (certificate verification,
// other-institution registration): chains to Roots, with Intermediates to help, and
// Own, the issuing CA of this deployment, whose certificates' status comes from the
// store. Certificates of other CAs on the trust list are checked for chain and validity,
// and their revocation status is asked of their CA (OCSP, then CRL) through Status.
type Trust struct {
	Roots         *x509.CertPool
	Intermediates *x509.CertPool
	Own           *x509.Certificate
}

// DeskOptions configure a Desk.
type DeskOptions struct {
	Notifier  notify.Notifier
	Trust     Trust
	Fees      Fees
	PolicyOID func(model.Kind, model.Usage) (string, error)
	// Verifiers replace or add verification methods; the four standard ones (sms,
	// account, in-person, certificate) are always there unless replaced by Method.
	Verifiers []Verifier
	// Status asks other CAs (OCSP, then CRL) about their certificates presented as
	// proof or registered here; nil means they cannot be checked and are refused.
	Status StatusChecker
}

// StatusChecker tells whether another CA's certificate is revoked (revcheck.Checker).
type StatusChecker interface {
	Check(cert, issuer *x509.Certificate) revcheck.Result
}

// NewDesk returns the desk over a center and its store.
func NewDesk(s *Service, st DeskStore, o DeskOptions) *Desk {
	d := &Desk{Service: s, st: st, notifier: o.Notifier, trust: o.Trust, fees: o.Fees, policyOID: o.PolicyOID, status: o.Status}
	if d.notifier == nil {
		d.notifier = notify.Router{}
	}
	if d.policyOID == nil {
		d.policyOID = func(model.Kind, model.Usage) (string, error) { return "", nil }
	}
	d.verifiers = map[string]Verifier{}
	for _, v := range []Verifier{smsVerifier{d}, accountVerifier{d}, inPersonVerifier{}, certificateVerifier{d}} {
		d.verifiers[v.Method()] = v
	}
	for _, v := range o.Verifiers {
		d.verifiers[v.Method()] = v
	}
	return d
}

// newID draws a 128-bit identifier with a type prefix ("cus_", "ver_", "reg_").
func newID(prefix string) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + hex.EncodeToString(b)
}

func actorOf(inst model.Institution) string { return "institution:" + inst.Code }

// notFound maps store.ErrNotFound to a coded error.
func notFound(err error, code errs.Code, format string, args ...any) error {
	if errors.Is(err, store.ErrNotFound) {
		return errs.New(code, format, args...)
	}
	return err
}

// audit appends an event on its own (failed attempts, which change nothing else).
func (d *Desk) audit(ctx context.Context, ev model.AuditEvent) {
	if err := d.st.AppendAudit(ctx, ev); err != nil {
		// The refusal still stands; the operator sees the store error in the logs of
		// the caller when it surfaces elsewhere.
		_ = err
	}
}
