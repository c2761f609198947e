package center

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"github.com/certcenter/certcenter/internal/revcheck"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

var kst = time.FixedZone("KST", 9*3600)

// RegistrationChallenge starts an other-institution registration (타기관 인증서 등록,
// KOREAN-PKI.md section 2) of inst's customer: a 32-byte challenge, valid 5 minutes,
// that the customer signs with the certificate's key.
func (d *Desk) RegistrationChallenge(ctx context.Context, inst model.Institution, customerID string) (VerificationView, error) {
	c, err := d.Customer(ctx, inst, customerID)
	if err != nil {
		return VerificationView{}, err
	}
	ch := newChallenge()
	return d.record(ctx, inst, c, newID("chl_"), "registration", "", Begun{Status: model.VerificationPending, Secret: ch, Challenge: ch, Lifetime: ChallengeLifetime})
}

// RegisterRequest is the customer's answer to a registration challenge.
type RegisterRequest struct {
	ChallengeID string
	Certificate []byte   // DER
	Chain       [][]byte // intermediates, optional
	Signature   []byte   // over the challenge, by the certificate's key
	RandomNum   []byte   // R, for VID(identity number, R)
}

// RegistrationView is a registration as the institution sees it, with the
// certificate's live status: valid, suspended, revoked, replaced or expired for this
// CA's certificates (from the store); valid, revoked, expired or "unchecked" (its CA
// did not answer) for other CAs' (OCSP or CRL, cached until their nextUpdate).
type RegistrationView struct {
	ID           string    `json:"id"`
	CustomerID   string    `json:"customerId"`
	Serial       string    `json:"serial"`
	Issuer       string    `json:"issuer"`
	Subject      string    `json:"subject"`
	NotAfter     time.Time `json:"notAfter"`
	RegisteredAt time.Time `json:"registeredAt"`
	Status       string    `json:"status"`
	Institution  string    `json:"issuedThrough,omitempty"` // institution code, for this CA's certificates
}

// Register checks the certificate (chain, validity, status, signature over the
// challenge, VID against the customer's identity number) and binds it to the customer,
// consuming the challenge in the same transaction. A refusal binds nothing and is
// audited.
func (d *Desk) Register(ctx context.Context, inst model.Institution, req RegisterRequest) (RegistrationView, error) {
	v, err := d.verification(ctx, inst, req.ChallengeID)
	if errs.CodeOf(err) == errs.VerificationNotFound {
		return RegistrationView{}, errs.New(errs.ChallengeInvalid, "challenge %q", req.ChallengeID)
	} else if err != nil {
		return RegistrationView{}, err
	}
	now := d.now()
	if v.Method != "registration" || v.Status != model.VerificationPending || !now.Before(v.ExpiresAt) {
		return RegistrationView{}, errs.New(errs.ChallengeInvalid, "challenge %s is %s", v.ID, v.Status)
	}
	c, err := d.Customer(ctx, inst, v.CustomerID)
	if err != nil {
		return RegistrationView{}, err
	}
	proof, err := d.CheckCertificateProof(ctx, req.Certificate, req.Chain, v.Secret, req.Signature, c.IDN, req.RandomNum)
	if err != nil {
		if code := errs.CodeOf(err); code != errs.Internal {
			d.audit(ctx, model.AuditEvent{Type: "registration.refused", Actor: actorOf(inst), Institution: inst.Code, Subject: v.ID,
				Details: map[string]string{"customer": c.ID, "code": string(code)}})
		}
		return RegistrationView{}, err
	}
	r := model.Registration{ID: newID("reg_"), InstitutionCode: inst.Code, CustomerID: c.ID, Serial: proof.Serial,
		Issuer: model.IssuerString(proof.Cert), Subject: model.SubjectString(proof.Cert), CertDER: proof.Cert.Raw,
		NotAfter: proof.Cert.NotAfter, CreatedAt: now}
	ev := model.AuditEvent{Type: "registration.created", Actor: actorOf(inst), Institution: inst.Code, Subject: r.ID,
		Details: map[string]string{"customer": c.ID, "serial": r.Serial.String(), "challenge": v.ID, "ownCA": boolStr(proof.Own)}}
	err = d.st.CreateRegistration(ctx, r, v.ID, now, ev)
	if errors.Is(err, store.ErrConflict) {
		if cur, err2 := d.st.Verification(ctx, v.ID); err2 == nil && cur.Status != model.VerificationPending {
			return RegistrationView{}, errs.New(errs.ChallengeInvalid, "challenge %s is %s", v.ID, cur.Status)
		}
		return RegistrationView{}, errs.New(errs.RegistrationExists, "certificate %s", r.Serial)
	} else if err != nil {
		return RegistrationView{}, err
	}
	return d.registrationView(ctx, r), nil
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Registrations lists inst's customer's registered certificates with their live status.
func (d *Desk) Registrations(ctx context.Context, inst model.Institution, customerID string) ([]RegistrationView, error) {
	if _, err := d.Customer(ctx, inst, customerID); err != nil {
		return nil, err
	}
	list, err := d.st.Registrations(ctx, customerID)
	if err != nil {
		return nil, err
	}
	out := make([]RegistrationView, 0, len(list))
	for _, r := range list {
		out = append(out, d.registrationView(ctx, r))
	}
	return out, nil
}

// Deregister removes a registration (해제).
func (d *Desk) Deregister(ctx context.Context, inst model.Institution, id string) error {
	r, err := d.st.Registration(ctx, id)
	if err != nil {
		return notFound(err, errs.RegistrationNotFound, "registration %q", id)
	}
	if r.InstitutionCode != inst.Code {
		return errs.New(errs.Forbidden, "registration %s belongs to another institution", id)
	}
	err = d.st.DeleteRegistration(ctx, id, model.AuditEvent{Type: "registration.deleted", Actor: actorOf(inst), Institution: inst.Code,
		Subject: id, Details: map[string]string{"customer": r.CustomerID, "serial": r.Serial.String()}})
	return notFound(err, errs.RegistrationNotFound, "registration %q", id)
}

// issuerOf finds the issuer of another CA's registered certificate on the trust list
// (the chain presented at registration is not kept): the certificate is verified again
// and the first chain's second element is its issuer.
func (d *Desk) issuerOf(cert *x509.Certificate) *x509.Certificate {
	if d.trust.Roots == nil {
		return nil
	}
	chains, err := cert.Verify(x509.VerifyOptions{Roots: d.trust.Roots, Intermediates: d.trust.Intermediates,
		CurrentTime: d.now(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil || len(chains[0]) < 2 {
		return nil
	}
	return chains[0][1]
}

func (d *Desk) registrationView(ctx context.Context, r model.Registration) RegistrationView {
	v := RegistrationView{ID: r.ID, CustomerID: r.CustomerID, Serial: r.Serial.String(), Issuer: r.Issuer, Subject: r.Subject,
		NotAfter: r.NotAfter, RegisteredAt: r.CreatedAt, Status: "unchecked"}
	cert, err := x509.ParseCertificate(r.CertDER)
	if own := d.trust.Own; err == nil && own != nil && bytes.Equal(cert.RawIssuer, own.RawSubject) {
		if c, err := d.store.Certificate(ctx, r.Serial); err == nil {
			v.Status, v.Institution = string(c.Status), c.InstitutionCode
		}
	} else if err == nil && d.status != nil && !d.now().After(r.NotAfter) {
		if issuer := d.issuerOf(cert); issuer != nil {
			switch d.status.Check(cert, issuer).Status {
			case revcheck.Good:
				v.Status = string(model.StatusValid)
			case revcheck.Revoked:
				v.Status = string(model.StatusRevoked)
			}
		}
	}
	if d.now().After(r.NotAfter) && (v.Status == "valid" || v.Status == "unchecked") {
		v.Status = "expired"
	}
	return v
}
