package cmphttp

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// enroll answers ir, cr and p10cr: PBM with the reference number and code, POP, then
// one issuance from the enrollment (KOREAN-PKI.md section 7).
func (s *Service) enroll(ctx context.Context, req *cmp.Message, client string) answer {
	ref, secret, err := s.checkPBM(ctx, req, client)
	if err != nil {
		return s.reject(ctx, req, err, nil)
	}
	// From here on the client proved the code: answers are MACed with it.
	pub, certReqID, r, err := s.newKey(req)
	if err != nil {
		return s.reject(ctx, req, err, secret)
	}
	implicit := req.Header.ImplicitConfirm()
	open, err := s.checkTransactionID(ctx, req, implicit)
	if err != nil {
		return s.reject(ctx, req, err, secret)
	}
	switch {
	case open != nil && open.Reference == ref:
		// The same ir again within its transaction: its ip was lost.
		return s.enrollAgain(ctx, req, ref, secret, pub, certReqID, r, open)
	case open != nil && !implicit:
		return s.reject(ctx, req, errs.New(errs.CMPTransactionInUse, ""), secret)
	}
	red, err := s.cfg.Center.Claim(ctx, ref)
	if errors.Is(err, errs.Sentinel(errs.EnrollmentUsed)) {
		return s.enrollAgain(ctx, req, ref, secret, pub, certReqID, r, nil)
	}
	if err != nil {
		return s.reject(ctx, req, err, secret)
	}
	now := s.cfg.Now()
	var confirmBy *time.Time
	if !implicit {
		t := now.Add(s.cfg.ConfirmWait)
		confirmBy, red.ConfirmBy = &t, &t
	}
	issued, err := s.cfg.Center.IssueRedeemed(ctx, red, pub, r)
	if err != nil {
		return s.reject(ctx, req, err, secret)
	}
	rt, _ := cmp.ResponseType(req.Body.Type)
	body, err := cmp.CertRepBody(rt, []*x509.Certificate{s.root}, cmp.Issued(certReqID, issued.Cert))
	if err != nil {
		return s.reject(ctx, req, err, secret)
	}
	a := answer{body: body, secret: secret, implicit: implicit, confirmBy: confirmBy}
	if r == nil {
		a.randomNum = issued.RandomNum
	}
	if !implicit {
		a.tx = &model.CMPTransaction{ID: req.Header.TransactionID, Serial: issued.Record.Serial, CertReqID: certReqID,
			Reference: ref, CreatedAt: now, ExpiresAt: *confirmBy}
	}
	return a
}

// checkPBM finds the code of the reference number in senderKID and checks the MAC. A
// wrong MAC counts as a wrong code (the enrollment locks after 5).
func (s *Service) checkPBM(ctx context.Context, req *cmp.Message, client string) (ref string, secret []byte, err error) {
	switch req.ProtectionKind() {
	case cmp.ProtectionPBM:
	case cmp.ProtectionNone:
		return "", nil, errs.Wrap(errs.CMPProtectionRequired, cmp.ErrNotProtected, "%v needs the reference number and code (PBM)", req.Body.Type)
	default:
		return "", nil, errs.Wrap(errs.CMPProtectionRequired, cmp.ErrWrongProtection, "%v is protected with the reference number and code (PBM), not a signature", req.Body.Type)
	}
	ref = string(req.Header.SenderKID)
	if ref == "" {
		return "", nil, errs.Wrap(errs.CMPProtectionRequired, cmp.ErrNotProtected, "no senderKID: it carries the reference number")
	}
	// Refuse absurd iteration counts before any database work.
	if _, err := req.PBMParameter(); err != nil {
		return "", nil, errs.Wrap(errs.CMPBadMessage, err, "")
	}
	ctx, err = s.cfg.Guesses.Admit(ctx, client, ref)
	if err != nil {
		return "", nil, err
	}
	secret, err = s.cfg.Center.Secret(ctx, ref)
	if errors.Is(err, errs.Sentinel(errs.AuthCodeInvalid)) {
		// Answered as a wrong MAC is, so that references cannot be probed.
		s.cfg.Guesses.Fail(ctx, client, ref)
		return "", nil, fmt.Errorf("%w (%w)", err, cmp.ErrBadMessageCheck)
	}
	if err != nil {
		return "", nil, err
	}
	if err := req.VerifyPBM(secret); err != nil {
		if !errors.Is(err, cmp.ErrBadMessageCheck) {
			return "", nil, errs.Wrap(errs.CMPBadMessage, err, "")
		}
		s.cfg.Guesses.Fail(ctx, client, ref)
		werr := s.cfg.Center.WrongSecret(ctx, ref)
		if werr == nil {
			werr = errs.New(errs.AuthCodeInvalid, "")
		}
		// Both: the code's answer (AUTH_CODE_INVALID) and badMessageCheck.
		return "", nil, fmt.Errorf("%w (%w)", werr, cmp.ErrBadMessageCheck)
	}
	return ref, secret, nil
}

// newKey checks the one request of an ir, cr, kur or p10cr: its proof of possession,
// and returns the key to certify, the certReqId to answer and R when the client sent it.
func (s *Service) newKey(req *cmp.Message) (pub crypto.PublicKey, certReqID int64, r []byte, err error) {
	if req.Body.Type == cmp.BodyP10CR {
		if err := cmp.VerifyP10CR(req.Body.P10CR); err != nil {
			return nil, 0, nil, errs.Wrap(errs.CMPBadMessage, err, "")
		}
		if !center.StrongSignature(req.Body.P10CR.SignatureAlgorithm) {
			return nil, 0, nil, errs.Wrap(errs.CSRWeakSignature, cmp.ErrBadPOP, "p10cr signed with %v", req.Body.P10CR.SignatureAlgorithm)
		}
		pub, certReqID = req.Body.P10CR.PublicKey, cmp.CertReqIDNone
	} else {
		if len(req.Body.CertReqs) != 1 {
			return nil, 0, nil, errs.New(errs.CMPUnsupported, "%d certificate requests in one message (send one)", len(req.Body.CertReqs))
		}
		m := &req.Body.CertReqs[0]
		if err := cmp.VerifyPOP(m, false); err != nil {
			return nil, 0, nil, errs.Wrap(errs.CMPBadMessage, err, "")
		}
		if err := strongPOP(m); err != nil {
			return nil, 0, nil, err
		}
		if pub, err = m.Template.ParsePublicKey(); err != nil {
			return nil, 0, nil, errs.Wrap(errs.CMPBadMessage, err, "")
		}
		certReqID = m.CertReqID
		var found bool
		if r, found, err = m.RandomNum(); err != nil {
			return nil, 0, nil, errs.Wrap(errs.RandomNumInvalid, err, "regInfo")
		} else if found {
			return pub, certReqID, r, nil
		}
	}
	r, _, err = req.Header.RandomNum()
	if err != nil {
		return nil, 0, nil, errs.Wrap(errs.RandomNumInvalid, err, "generalInfo")
	}
	return pub, certReqID, r, nil
}

// checkTransactionID returns the stored transaction awaiting its certConf that holds
// the request's transactionID, if any: the caller refuses it (RFC 4210
// transactionIdInUse) unless it is this request's own, sent again. The store's unique
// key settles races.
func (s *Service) checkTransactionID(ctx context.Context, req *cmp.Message, implicit bool) (*model.CMPTransaction, error) {
	if len(req.Header.TransactionID) == 0 {
		if implicit {
			return nil, nil
		}
		return nil, errs.Wrap(errs.CMPBadMessage, cmp.ErrBadRequest, "no transactionID")
	}
	tx, err := s.cfg.Store.CMPTransaction(ctx, req.Header.TransactionID)
	switch {
	case err == nil:
		return &tx, nil
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	}
	return nil, err
}

// enrollAgain answers an ir/cr/p10cr whose enrollment was already used: the same key
// (and R) gets the same certificate in a new ip (RFC 4210 section 5.3.18: a client that
// lost the ip never sent its certConf and may ask again), anything else
// ENROLLMENT_USED. A certificate still awaiting its certConf keeps its deadline; the
// new answer is confirmed as the first would have been, under open's transaction (and
// its senderNonce) when the client resent the ir within it, or under the new one.
func (s *Service) enrollAgain(ctx context.Context, req *cmp.Message, ref string, secret []byte, pub crypto.PublicKey, certReqID int64, r []byte, open *model.CMPTransaction) answer {
	issued, err := s.cfg.Center.Redeliver(ctx, ref, pub, r)
	if err != nil {
		return s.reject(ctx, req, err, secret)
	}
	rt, _ := cmp.ResponseType(req.Body.Type)
	body, err := cmp.CertRepBody(rt, []*x509.Certificate{s.root}, cmp.Issued(certReqID, issued.Cert))
	if err != nil {
		return s.reject(ctx, req, err, secret)
	}
	a := answer{body: body, secret: secret}
	if r == nil {
		a.randomNum = issued.RandomNum
	}
	now := s.cfg.Now()
	confirmBy := issued.Record.ConfirmBy
	if confirmBy == nil {
		if req.Header.ImplicitConfirm() {
			a.implicit = true // nothing left to confirm
			return a
		}
		t := now.Add(s.cfg.ConfirmWait) // a certConf confirms nothing new; it is answered
		confirmBy = &t
	}
	a.confirmBy = confirmBy
	if open != nil {
		a.nonce = open.Nonce
		return a
	}
	if len(req.Header.TransactionID) == 0 {
		return s.reject(ctx, req, errs.Wrap(errs.CMPBadMessage, cmp.ErrBadRequest, "no transactionID"), secret)
	}
	a.tx = &model.CMPTransaction{ID: req.Header.TransactionID, Serial: issued.Record.Serial, CertReqID: certReqID,
		Reference: ref, CreatedAt: now, ExpiresAt: *confirmBy}
	return a
}

// strongPOP refuses a signature POP made with a hash weaker than SHA-256 (SHA-1 or
// SHA-224), as ParseCSR refuses such a CSR over REST.
func strongPOP(m *cmp.CertReqMsg) error {
	if m.POP == nil || m.POP.Kind != cmp.POPSignature || m.POP.Signature == nil {
		return nil
	}
	h, ok := cmp.SignatureHash(m.POP.Signature.Algorithm)
	if ok && (h == 0 || h == crypto.SHA256 || h == crypto.SHA384 || h == crypto.SHA512) {
		return nil
	}
	return errs.Wrap(errs.CSRWeakSignature, cmp.ErrBadPOP, "POP signed with %v", m.POP.Signature.Algorithm.Algorithm)
}
