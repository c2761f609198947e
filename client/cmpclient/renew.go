package cmpclient

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"

	"github.com/certcenter/certcenter/cmp"
)

// RenewRequest is a renewal (갱신): a key update request signed with the current key.
type RenewRequest struct {
	Cert   *x509.Certificate // the current certificate
	Key    crypto.Signer     // its key
	NewKey crypto.Signer     // the new key, generated on the device
	// RandomNum is the new certificate's R drawn on the device; nil lets the server draw.
	RandomNum       []byte
	ImplicitConfirm bool
}

// Renew sends a kur naming the current certificate (oldCertID), signed with its key,
// and returns the new certificate awaiting confirmation. The certConf is signed with
// the current key too. Answers must be signed by the CA's CMP identity, certified by
// the CA that issued the current certificate.
func (c *Client) Renew(ctx context.Context, r RenewRequest) (*Pending, error) {
	if r.Cert == nil || r.Key == nil || r.NewKey == nil {
		return nil, errors.New("cmpclient: Renew needs the certificate, its key and a new key")
	}
	m := cmp.CertReqMsg{Controls: []cmp.AttributeTypeAndValue{cmp.OldCertIDControl(cmp.CertIDOf(r.Cert))}}
	if r.RandomNum != nil {
		m.RegInfo = []cmp.AttributeTypeAndValue{cmp.RandomNumAttribute(r.RandomNum)}
	}
	if err := m.SignPOP(r.NewKey, c.rand); err != nil {
		return nil, err
	}
	body, err := cmp.CertReqBody(cmp.BodyKUR, m)
	if err != nil {
		return nil, err
	}
	sender := cmp.DirectoryName(r.Cert.RawSubject)
	req, err := cmp.NewRequest(body, cmp.RequestOptions{Recipient: cmp.DirectoryName(r.Cert.RawIssuer),
		ReplyOptions: cmp.ReplyOptions{Sender: sender, Time: c.now(), Rand: c.rand, ImplicitConfirm: r.ImplicitConfirm}})
	if err != nil {
		return nil, err
	}
	protect := func(msg *cmp.Message) ([]byte, error) { return msg.ProtectSignature(r.Key, r.Cert, c.rand) }
	check := c.verifyByIssuerOf(r.Cert)
	der, err := protect(req)
	if err != nil {
		return nil, err
	}
	rsp, err := c.exchange(ctx, req, der, cmp.BodyKUP, check)
	if err != nil {
		return nil, err
	}
	cert, err := certResponse(rsp, m.CertReqID, r.NewKey.Public())
	if err != nil {
		return nil, err
	}
	// The new certificate comes from the CA that issued the current one.
	var chain []*x509.Certificate
	for _, ca := range rsp.ExtraCerts[1:] {
		if cert.CheckSignatureFrom(ca) == nil && r.Cert.CheckSignatureFrom(ca) == nil {
			chain = append(chain, ca)
			break
		}
	}
	if chain == nil {
		return nil, badAnswer("the new certificate is not from the CA of the current one")
	}
	p := &Pending{Cert: cert, Chain: chain, c: c, rsp: rsp, certReqID: m.CertReqID, protect: protect, check: check,
		sender: sender}
	if p.RandomNum, p.ServerDrewR, err = randomNum(rsp, r.RandomNum); err != nil {
		return nil, err
	}
	p.fillConfirm(rsp)
	return p, nil
}

// Revoke sends an rr for cert with a CRLReason (RFC 5280 section 5.3.1), signed with
// the certificate's own key, and checks the rp.
func (c *Client) Revoke(ctx context.Context, cert *x509.Certificate, key crypto.Signer, reason int) error {
	if cert == nil || key == nil {
		return errors.New("cmpclient: Revoke needs the certificate and its key")
	}
	req, err := cmp.NewRequest(cmp.RRBody(cmp.RevocationRequest(cert, reason)), cmp.RequestOptions{
		Recipient:    cmp.DirectoryName(cert.RawIssuer),
		ReplyOptions: cmp.ReplyOptions{Sender: cmp.DirectoryName(cert.RawSubject), Time: c.now(), Rand: c.rand}})
	if err != nil {
		return err
	}
	der, err := req.ProtectSignature(key, cert, c.rand)
	if err != nil {
		return err
	}
	rsp, err := c.exchange(ctx, req, der, cmp.BodyRP, c.verifyByIssuerOf(cert))
	if err != nil {
		return err
	}
	rep := rsp.Body.RevRep
	if rep == nil || len(rep.Status) != 1 {
		return badAnswer("rp without exactly one status")
	}
	if st := rep.Status[0]; st.Status != cmp.StatusAccepted && st.Status != cmp.StatusGrantedWithMods {
		rej := newRejection(st)
		rej.Authenticated = true
		return rej
	}
	return nil
}
