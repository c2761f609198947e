package cmpclient

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/certcenter/certcenter/cmp"
)

// EnrollRequest is a first issuance (발급) with the enrollment's one-time credentials.
type EnrollRequest struct {
	Reference string        // 참조번호: the senderKID
	Code      string        // 인가코드: the PBM secret
	Key       crypto.Signer // the new key, generated on the device
	// RandomNum is R drawn on the device (20 bytes), sent in regInfo; nil lets the
	// server draw it.
	RandomNum []byte
	// TrustedRoot, when set, must be the root in caPubs; it also authenticates refusals
	// the server signs before it could check the code.
	TrustedRoot *x509.Certificate
	// ImplicitConfirm asks the server not to wait for a certConf.
	ImplicitConfirm bool
}

// Enroll sends an ir protected with the reference number and code and returns the
// issued certificate, awaiting confirmation. Its Chain ends with the root from caPubs,
// which the MAC authenticates (or TrustedRoot, which it must equal).
func (c *Client) Enroll(ctx context.Context, r EnrollRequest) (*Pending, error) {
	if r.Reference == "" || r.Code == "" || r.Key == nil {
		return nil, errors.New("cmpclient: Enroll needs a reference number, a code and a key")
	}
	var m cmp.CertReqMsg
	if r.RandomNum != nil {
		m.RegInfo = []cmp.AttributeTypeAndValue{cmp.RandomNumAttribute(r.RandomNum)}
	}
	if err := m.SignPOP(r.Key, c.rand); err != nil {
		return nil, err
	}
	body, err := cmp.CertReqBody(cmp.BodyIR, m)
	if err != nil {
		return nil, err
	}
	kid := []byte(r.Reference)
	req, err := cmp.NewRequest(body, cmp.RequestOptions{ReplyOptions: cmp.ReplyOptions{
		SenderKID: kid, Time: c.now(), Rand: c.rand, ImplicitConfirm: r.ImplicitConfirm}})
	if err != nil {
		return nil, err
	}
	secret := []byte(r.Code)
	protect := func(msg *cmp.Message) ([]byte, error) {
		p, err := cmp.NewPBMParameter(c.rand, crypto.SHA256, crypto.SHA256, PBMIterations)
		if err != nil {
			return nil, err
		}
		return msg.ProtectPBM(secret, p)
	}
	check := func(msg *cmp.Message) error {
		switch msg.ProtectionKind() {
		case cmp.ProtectionPBM:
			if err := msg.VerifyPBM(secret); err != nil {
				return badAnswer("MAC with the authorization code: %v", err)
			}
			return nil
		case cmp.ProtectionSignature:
			if r.TrustedRoot == nil {
				return badAnswer("signed answer and no trusted root to check it")
			}
			_, err := c.verifySigned(msg, func(signer *x509.Certificate, inter *x509.CertPool) error {
				roots := x509.NewCertPool()
				roots.AddCert(r.TrustedRoot)
				_, err := signer.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: c.now(),
					KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
				return err
			})
			return err
		}
		return badAnswer("unprotected answer")
	}
	der, err := protect(req)
	if err != nil {
		return nil, err
	}
	rsp, err := c.exchange(ctx, req, der, cmp.BodyIP, check)
	if err != nil {
		return nil, err
	}
	cert, err := certResponse(rsp, m.CertReqID, r.Key.Public())
	if err != nil {
		return nil, err
	}
	chain, err := c.chainToCAPubs(rsp, cert, r.TrustedRoot)
	if err != nil {
		return nil, err
	}
	p := &Pending{Cert: cert, Chain: chain, c: c, rsp: rsp, certReqID: m.CertReqID, protect: protect, check: check,
		senderKID: kid}
	if p.RandomNum, p.ServerDrewR, err = randomNum(rsp, r.RandomNum); err != nil {
		return nil, err
	}
	p.fillConfirm(rsp)
	return p, nil
}

func (p *Pending) fillConfirm(rsp *cmp.Message) {
	p.Implicit = rsp.Header.ImplicitConfirm()
	if t, ok := rsp.Header.ConfirmWaitTime(); ok && !p.Implicit {
		p.ConfirmBy = t
	}
}

// chainToCAPubs verifies cert up to the root in the ip's caPubs (authenticated by the
// MAC), or to pinned when set, through the certificates in extraCerts; it returns the
// chain above cert.
func (c *Client) chainToCAPubs(rsp *cmp.Message, cert, pinned *x509.Certificate) ([]*x509.Certificate, error) {
	caPubs := rsp.Body.CertRep.CAPubs
	root := pinned
	if root == nil {
		if len(caPubs) == 0 {
			return nil, badAnswer("no root in caPubs")
		}
		root = caPubs[len(caPubs)-1]
	} else if len(caPubs) > 0 && !bytes.Equal(caPubs[len(caPubs)-1].Raw, pinned.Raw) {
		return nil, badAnswer("the root in caPubs is not the trusted root")
	}
	if rsp.ProtectionKind() != cmp.ProtectionPBM && pinned == nil {
		return nil, badAnswer("caPubs not authenticated by the MAC")
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	inter := x509.NewCertPool()
	for _, x := range rsp.ExtraCerts {
		inter.AddCert(x)
	}
	for _, x := range caPubs {
		inter.AddCert(x)
	}
	chains, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: c.now(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		return nil, badAnswer("the certificate does not chain to the root: %v", err)
	}
	return chains[0][1:], nil
}

// verifySigned checks a message signed by the CA's CMP identity: the signature with the
// first certificate of extraCerts, whose trust trust decides (given the others as
// intermediates), and keyUsage digitalSignature.
func (c *Client) verifySigned(msg *cmp.Message, trust func(signer *x509.Certificate, inter *x509.CertPool) error) (*x509.Certificate, error) {
	if msg.ProtectionKind() != cmp.ProtectionSignature {
		return nil, badAnswer("the answer is not signed")
	}
	if len(msg.ExtraCerts) == 0 {
		return nil, badAnswer("signed answer without the signer's certificate in extraCerts")
	}
	signer := msg.ExtraCerts[0]
	if err := msg.VerifySignature(signer.PublicKey); err != nil {
		return nil, badAnswer("signature: %v", err)
	}
	if signer.KeyUsage != 0 && signer.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return nil, badAnswer("the signer's certificate is not for digitalSignature")
	}
	inter := x509.NewCertPool()
	for _, x := range msg.ExtraCerts[1:] {
		inter.AddCert(x)
	}
	if err := trust(signer, inter); err != nil {
		return nil, badAnswer("the signer %s is not trusted: %v", signer.Subject, err)
	}
	return signer, nil
}

// verifyByIssuerOf returns a check for answers signed by the CMP identity, trusted when
// an issuing-CA certificate in extraCerts both verifies own (the caller's certificate)
// and certified the signer, which must be valid now.
func (c *Client) verifyByIssuerOf(own *x509.Certificate) func(*cmp.Message) error {
	return func(msg *cmp.Message) error {
		_, err := c.verifySigned(msg, func(signer *x509.Certificate, _ *x509.CertPool) error {
			now := c.now()
			if now.Before(signer.NotBefore) || now.After(signer.NotAfter) {
				return fmt.Errorf("the signer's certificate is not valid at %s", now.UTC().Format("2006-01-02 15:04"))
			}
			for _, ca := range msg.ExtraCerts[1:] {
				if own.CheckSignatureFrom(ca) == nil && signer.CheckSignatureFrom(ca) == nil {
					return nil
				}
			}
			return errors.New("not certified by the CA that issued this certificate")
		})
		return err
	}
}
