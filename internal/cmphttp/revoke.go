package cmphttp

import (
	"bytes"
	"context"
	"math/big"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
)

// revoke answers an rr (폐기) signed with the key of the certificate it revokes: a
// holder revokes only their own certificate.
func (s *Service) revoke(ctx context.Context, req *cmp.Message) answer {
	if len(req.Body.RevReqs) != 1 {
		return s.reject(ctx, req, errs.New(errs.CMPUnsupported, "%d revocation requests in one rr (send one)", len(req.Body.RevReqs)), nil)
	}
	d := &req.Body.RevReqs[0]
	serial := d.CertDetails.SerialNumber
	if serial == nil {
		return s.reject(ctx, req, errs.Wrap(errs.CMPBadMessage, cmp.ErrBadRequest, "RevDetails without serialNumber"), nil)
	}
	if d.CertDetails.Issuer != nil && !bytes.Equal(d.CertDetails.Issuer, s.issuing.RawSubject) {
		return s.reject(ctx, req, errs.New(errs.CertificateNotFound, "the certificate to revoke names another issuer"), nil)
	}
	rec, cert, err := s.requestSigner(ctx, req, serial)
	if err != nil {
		return s.reject(ctx, req, err, nil)
	}
	if serial.Cmp(new(big.Int).SetBytes(rec.Serial)) != 0 {
		return s.reject(ctx, req, errs.New(errs.CMPNotOwnCertificate, ""), nil)
	}
	reason := model.ReasonUnspecified
	if v, found, err := d.Reason(); err != nil {
		return s.reject(ctx, req, errs.Wrap(errs.RevocationReasonInvalid, err, ""), nil)
	} else if found {
		reason = model.RevocationReason(v)
	}
	if _, err := s.cfg.Center.Revoke(ctx, nil, rec.Serial, reason, nil, "subscriber"); err != nil {
		return s.reject(ctx, req, err, nil)
	}
	return answer{body: cmp.RPBody([]cmp.StatusInfo{{Status: cmp.StatusAccepted}}, []cmp.CertID{cmp.CertIDOf(cert)})}
}
