package center

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"github.com/certcenter/certcenter/internal/revcheck"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/npki"
)

// Proof is a checked certificate presented by its holder.
type Proof struct {
	Cert   *x509.Certificate
	Serial model.Serial
	Own    bool             // issued by this deployment's issuing CA
	Status model.CertStatus // from the store when Own; "" otherwise (not fetched)
}

// CheckCertificateProof checks a certificate presented as proof of identity
// (KOREAN-PKI.md sections 2 and 5): it chains to a trusted root and is within its
// validity at now; when this CA issued it, the store says it is valid (not revoked,
// suspended or replaced); its key signed message (SHA-256, RSA PKCS#1 v1.5, the form of
// Korean certificates); and VID(idn, r) equals the VID in its subjectAltName.
func (d *Desk) CheckCertificateProof(ctx context.Context, certDER []byte, chain [][]byte, message, sig []byte, idn string, r []byte) (*Proof, error) {
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, errs.New(errs.CertUntrusted, "the certificate does not parse")
	}
	now := d.now()
	if now.After(cert.NotAfter) {
		return nil, errs.New(errs.CertExpired, "certificate %x expired", cert.SerialNumber.Bytes()).With("date", cert.NotAfter.In(kst).Format("2006-01-02"))
	}
	if d.trust.Roots == nil {
		return nil, errs.New(errs.CertUntrusted, "no trusted roots configured")
	}
	inter := x509.NewCertPool()
	if d.trust.Intermediates != nil {
		inter = d.trust.Intermediates.Clone()
	}
	for _, c := range chain {
		if ic, err := x509.ParseCertificate(c); err == nil {
			inter.AddCert(ic)
		}
	}
	chains, err := cert.Verify(x509.VerifyOptions{Roots: d.trust.Roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		return nil, errs.Wrap(errs.CertUntrusted, err, "the certificate does not chain to a trusted root")
	}
	p := &Proof{Cert: cert, Serial: model.Serial(cert.SerialNumber.Bytes())}
	if own := d.trust.Own; own != nil && bytes.Equal(cert.RawIssuer, own.RawSubject) && cert.CheckSignatureFrom(own) == nil {
		p.Own = true
		c, err := d.certificate(ctx, p.Serial, nil)
		if err != nil {
			if errs.CodeOf(err) == errs.CertificateNotFound {
				return nil, errs.New(errs.CertUntrusted, "certificate %s is not in this CA's records", p.Serial)
			}
			return nil, err
		}
		if c.Status != model.StatusValid {
			return nil, statusErr(c)
		}
		p.Status = c.Status
	} else if err := d.otherCAStatus(cert, chains[0][1]); err != nil {
		return nil, err
	}
	if err := cert.CheckSignature(x509.SHA256WithRSA, message, sig); err != nil {
		return nil, errs.New(errs.HolderSignatureInvalid, "signature by certificate %s", p.Serial)
	}
	id, err := npki.ParseIdentifyDataFromCert(cert)
	if err != nil {
		return nil, errs.New(errs.VIDMismatch, "certificate %s carries no VID", p.Serial)
	}
	if ok, err := id.CheckVID(idn, r); err != nil || !ok {
		return nil, errs.New(errs.VIDMismatch, "certificate %s", p.Serial)
	}
	return p, nil
}

// otherCAStatus asks another CA whether its certificate is revoked: a revoked one is
// refused, and so is one whose status nobody could tell (a bank does not bind a
// certificate it cannot check).
func (d *Desk) otherCAStatus(cert, issuer *x509.Certificate) error {
	serial := model.Serial(cert.SerialNumber.Bytes())
	if d.status == nil {
		return errs.New(errs.RevocationUnknown, "certificate %s: no revocation checker configured", serial)
	}
	switch r := d.status.Check(cert, issuer); r.Status {
	case revcheck.Good:
		return nil
	case revcheck.Revoked:
		return errs.New(errs.CertRevoked, "certificate %s is revoked (%s, %s)", serial, r.Reason, r.Source)
	default:
		return errs.New(errs.RevocationUnknown, "certificate %s: OCSP: %s; CRL: %s", serial, r.OCSPError, r.CRLError)
	}
}

// statusErr explains why a certificate that is not valid cannot serve as proof.
func statusErr(c model.Certificate) error {
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

// holderSigned checks that the stored certificate serial's key signed message.
func holderSigned(c model.Certificate, message, sig []byte) error {
	cert, err := x509.ParseCertificate(c.DER)
	if err != nil {
		return fmt.Errorf("center: stored certificate %s: %w", c.Serial, err)
	}
	if err := cert.CheckSignature(x509.SHA256WithRSA, message, sig); err != nil {
		return errs.New(errs.HolderSignatureInvalid, "signature by certificate %s", c.Serial)
	}
	return nil
}

// RenewSigned renews a certificate over REST (갱신): the holder proves possession of the
// current key by signing the DER of the new CSR (SHA-256, RSA PKCS#1 v1.5), and the new
// key must differ from the current one. inst, when not nil, is the institution relaying
// the request; it must own the certificate. The window rules are Renew's.
func (d *Desk) RenewSigned(ctx context.Context, inst *model.Institution, serial model.Serial, csrDER []byte, pub crypto.PublicKey, sig, r []byte) (*ca.Issued, error) {
	old, err := d.certificate(ctx, serial, inst)
	if err != nil {
		return nil, err
	}
	actor, instCode := "subscriber", old.InstitutionCode
	if inst != nil {
		actor = actorOf(*inst)
	}
	refuse := func(err error) error {
		if code := errs.CodeOf(err); code != errs.Internal {
			d.audit(ctx, model.AuditEvent{Type: "certificate.renewal_refused", Actor: actor, Institution: instCode,
				Subject: serial.String(), Details: map[string]string{"code": string(code)}})
		}
		return err
	}
	if err := holderSigned(old, csrDER, sig); err != nil {
		return nil, refuse(err)
	}
	if cur, err := x509.ParseCertificate(old.DER); err == nil {
		if k, ok := cur.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); ok && k.Equal(pub) {
			return nil, refuse(errs.New(errs.BadRequest, "a renewal needs a new key pair; the CSR holds the current key"))
		}
	}
	issued, err := d.Renew(ctx, serial, pub, r, nil, actor)
	if err != nil {
		return nil, refuse(err)
	}
	return issued, nil
}

// RevocationMessage is what a holder signs to revoke their own certificate: the serial
// and the reason, in a fixed text form that no other request of this API shares.
func RevocationMessage(serial model.Serial, reason model.RevocationReason) []byte {
	return []byte("certcenter revocation v1\nserial=" + serial.String() + "\nreason=" + reason.String() + "\n")
}

// RevokeSigned revokes a certificate at its holder's request, proven by a signature of
// RevocationMessage with the certificate's key.
func (d *Desk) RevokeSigned(ctx context.Context, serial model.Serial, reason model.RevocationReason, invalidity *time.Time, sig []byte) (model.Certificate, error) {
	c, err := d.certificate(ctx, serial, nil)
	if err != nil {
		return c, err
	}
	if err := holderSigned(c, RevocationMessage(serial, reason), sig); err != nil {
		d.audit(ctx, model.AuditEvent{Type: "certificate.revocation_refused", Actor: "subscriber", Institution: c.InstitutionCode,
			Subject: serial.String(), Details: map[string]string{"code": string(errs.CodeOf(err))}})
		return c, err
	}
	return d.Revoke(ctx, nil, serial, reason, invalidity, "subscriber")
}
