package cmphttp

import (
	"context"
	"crypto/x509"
	"errors"
	"math/big"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// requestSigner finds the certificate whose key signed req (kur, rr, and the certConf of a
// kur): one this CA issued, named by hint (oldCertID, RevDetails) or by the first of
// extraCerts (where OpenSSL puts its -cert), whose stored public key verifies the
// signature. The stored certificate is used, never the one the client sent.
func (s *Service) requestSigner(ctx context.Context, req *cmp.Message, hints ...*big.Int) (model.Certificate, *x509.Certificate, error) {
	switch req.ProtectionKind() {
	case cmp.ProtectionSignature:
	case cmp.ProtectionNone:
		return model.Certificate{}, nil, errs.Wrap(errs.CMPProtectionRequired, cmp.ErrNotProtected, "%v must be signed with the current certificate's key", req.Body.Type)
	default:
		return model.Certificate{}, nil, errs.Wrap(errs.CMPProtectionRequired, cmp.ErrWrongProtection, "%v must be signed with the current certificate's key, not MACed", req.Body.Type)
	}
	if len(req.ExtraCerts) > 0 {
		hints = append(hints, req.ExtraCerts[0].SerialNumber)
	}
	var badSig error
	for _, h := range hints {
		if h == nil || h.Sign() <= 0 {
			continue
		}
		rec, err := s.cfg.CA.Certificate(ctx, model.Serial(h.Bytes()))
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return rec, nil, err
		}
		cert, err := x509.ParseCertificate(rec.DER)
		if err != nil {
			return rec, nil, err
		}
		if err := req.VerifySignature(cert.PublicKey); err != nil {
			badSig = err
			continue
		}
		return rec, cert, nil
	}
	if badSig != nil {
		return model.Certificate{}, nil, errs.Wrap(errs.CMPBadMessage, badSig, "")
	}
	return model.Certificate{}, nil, errs.Wrap(errs.CMPSignerUnknown, cmp.ErrBadMessageCheck, "")
}
