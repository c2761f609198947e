package cmphttp

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"math/big"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// confirm answers a certConf (RFC 4210 section 5.3.18) with pkiconf: it must belong to
// a stored transaction, answer our nonce, be protected like the request, and hash to
// the issued certificate. An acceptance confirms it; a rejection revokes it.
func (s *Service) confirm(ctx context.Context, req *cmp.Message) answer {
	tx, err := s.cfg.Store.CMPTransaction(ctx, req.Header.TransactionID)
	if errors.Is(err, store.ErrNotFound) {
		err = errs.New(errs.CMPTransactionUnknown, "")
	}
	if err != nil {
		return s.reject(ctx, req, err, nil)
	}
	var secret []byte
	if tx.Reference != "" {
		if req.ProtectionKind() != cmp.ProtectionPBM {
			return s.reject(ctx, req, errs.Wrap(errs.CMPProtectionRequired, cmp.ErrWrongProtection, "certConf is protected like its ir/cr/p10cr"), nil)
		}
		code, err := s.cfg.Center.ConfirmationSecret(ctx, tx.Reference)
		if err != nil {
			return s.reject(ctx, req, err, nil)
		}
		if err := req.VerifyPBM(code); err != nil {
			return s.reject(ctx, req, errs.Wrap(errs.CMPBadMessage, err, ""), nil)
		}
		secret = code
	} else {
		// The key that signed the kur, or the new one.
		if _, _, err := s.requestSigner(ctx, req, new(big.Int).SetBytes(tx.Signer), new(big.Int).SetBytes(tx.Serial)); err != nil {
			return s.reject(ctx, req, err, nil)
		}
	}
	if !bytes.Equal(req.Header.RecipNonce, tx.Nonce) {
		return s.reject(ctx, req, errs.Wrap(errs.CMPBadMessage, cmp.ErrBadRecipientNonce, ""), secret)
	}
	if s.cfg.Now().After(tx.ExpiresAt) {
		return s.reject(ctx, req, errs.New(errs.CMPTransactionUnknown, "the confirmation time passed"), secret)
	}
	rec, err := s.cfg.CA.Certificate(ctx, tx.Serial)
	if err != nil {
		return s.reject(ctx, req, err, secret)
	}
	cert, err := x509.ParseCertificate(rec.DER)
	if err != nil {
		return s.reject(ctx, req, err, secret)
	}
	// An empty certConf rejects every certificate of the transaction (RFC 4210 5.3.18).
	rejected := len(req.Body.CertConf) == 0
	if !rejected {
		if len(req.Body.CertConf) != 1 {
			return s.reject(ctx, req, errs.New(errs.CMPUnsupported, "%d CertStatus for one certificate", len(req.Body.CertConf)), secret)
		}
		cs := req.Body.CertConf[0]
		if cs.CertReqID != tx.CertReqID {
			return s.reject(ctx, req, errs.Wrap(errs.CMPBadMessage, cmp.ErrCertHashMismatch, "certReqId %d, want %d", cs.CertReqID, tx.CertReqID), secret)
		}
		if err := cmp.CheckCertHash(cs, cert); err != nil {
			return s.reject(ctx, req, errs.Wrap(errs.CMPBadMessage, err, ""), secret)
		}
		rejected = cs.StatusInfo != nil && cs.StatusInfo.Status == cmp.StatusRejection
	}
	if rejected {
		// The client refused the certificate: it must not stay valid, and a renewal that
		// did not happen leaves the old certificate in service.
		if err := s.cfg.CA.Withdraw(ctx, tx.Serial, "subscriber"); err != nil && !errors.Is(err, errs.Sentinel(errs.CertNotConfirmable)) {
			return s.reject(ctx, req, err, secret)
		}
		return answer{body: cmp.PKIConfBody(), secret: secret}
	}
	if err := s.cfg.CA.Confirm(ctx, tx.Serial, "subscriber"); err != nil {
		if !errors.Is(err, errs.Sentinel(errs.CertNotConfirmable)) {
			return s.reject(ctx, req, err, secret)
		}
		// A retransmitted certConf (the pkiconf was lost) confirms nothing new.
		cur, err2 := s.cfg.CA.Certificate(ctx, tx.Serial)
		switch {
		case err2 != nil:
			return s.reject(ctx, req, err2, secret)
		case cur.Status == model.StatusRevoked:
			return s.reject(ctx, req, errs.New(errs.CertRevoked, "revoked before its confirmation"), secret)
		case cur.ConfirmBy != nil:
			return s.reject(ctx, req, err, secret)
		}
	}
	return answer{body: cmp.PKIConfBody(), secret: secret}
}
