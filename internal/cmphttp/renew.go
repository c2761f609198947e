package cmphttp

import (
	"bytes"
	"context"
	"math/big"
	"time"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
)

// renew answers a kur (갱신): signed with the current certificate's key, a new key with
// its POP, the center's renewal window (KOREAN-PKI.md section 2). Like an ir, a kur
// whose kup was lost may come again, resent within its transaction or in a new one:
// the same new key (and R) gets the same certificate (center.Renew), which keeps its
// confirmation deadline, and the certConf that follows confirms it.
func (s *Service) renew(ctx context.Context, req *cmp.Message) answer {
	if len(req.Body.CertReqs) != 1 {
		return s.reject(ctx, req, errs.New(errs.CMPUnsupported, "%d certificate requests in one kur (send one)", len(req.Body.CertReqs)), nil)
	}
	var hint *big.Int
	old, found, err := req.Body.CertReqs[0].OldCertID()
	if err != nil {
		return s.reject(ctx, req, errs.Wrap(errs.CMPBadMessage, err, ""), nil)
	}
	if found {
		hint = old.SerialNumber
	}
	rec, _, err := s.requestSigner(ctx, req, hint)
	if err != nil {
		return s.reject(ctx, req, err, nil)
	}
	if found {
		if name, ok := old.Issuer.Name(); !ok || !bytes.Equal(name, s.issuing.RawSubject) || old.SerialNumber.Cmp(new(big.Int).SetBytes(rec.Serial)) != 0 {
			return s.reject(ctx, req, errs.New(errs.CMPNotOwnCertificate, "oldCertID names another certificate than the signer's"), nil)
		}
	}
	pub, certReqID, r, err := s.newKey(req)
	if err != nil {
		return s.reject(ctx, req, err, nil)
	}
	implicit := req.Header.ImplicitConfirm()
	open, err := s.checkTransactionID(ctx, req, implicit)
	if err != nil {
		return s.reject(ctx, req, err, nil)
	}
	again := open != nil && open.Reference == "" && bytes.Equal(open.Signer, rec.Serial)
	if open != nil && !again && !implicit {
		return s.reject(ctx, req, errs.New(errs.CMPTransactionInUse, ""), nil)
	}
	now := s.cfg.Now()
	var confirmBy *time.Time
	if !implicit {
		t := now.Add(s.cfg.ConfirmWait)
		confirmBy = &t
	}
	issued, err := s.cfg.Center.Renew(ctx, rec.Serial, pub, r, confirmBy, "subscriber")
	if err != nil {
		return s.reject(ctx, req, err, nil)
	}
	body, err := cmp.CertRepBody(cmp.BodyKUP, nil, cmp.Issued(certReqID, issued.Cert))
	if err != nil {
		return s.reject(ctx, req, err, nil)
	}
	a := answer{body: body, implicit: implicit, confirmBy: confirmBy}
	if r == nil {
		a.randomNum = issued.RandomNum
	}
	if issued.Again {
		// Renewed before: the certificate keeps its deadline; if it was confirmed
		// already, a certConf confirms nothing new and is answered.
		cb := issued.Record.ConfirmBy
		if cb == nil {
			if implicit {
				return a
			}
			t := now.Add(s.cfg.ConfirmWait)
			cb = &t
		}
		a.confirmBy, a.implicit = cb, false
		if again {
			a.nonce = open.Nonce
			return a
		}
	}
	if !a.implicit {
		a.tx = &model.CMPTransaction{ID: req.Header.TransactionID, Serial: issued.Record.Serial, CertReqID: certReqID,
			Signer: rec.Serial, CreatedAt: now, ExpiresAt: *a.confirmBy}
	}
	return a
}
