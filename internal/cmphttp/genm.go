package cmphttp

import (
	"context"
	"crypto/x509"

	"github.com/certcenter/certcenter/cmp"
)

// genm answers a general message (RFC 4210 section 5.3.19) with the CA certificates
// (id-it-caCerts, RFC 9810 section 5.3.19.19: the issuing CA then the root); an empty
// genm gets every item we have. The answer is public: a genm MACed with a usable
// reference number and code is checked (a wrong MAC counts) and answered with a MAC;
// any other genm, protected or not, gets a signed answer.
func (s *Service) genm(ctx context.Context, req *cmp.Message, client string) answer {
	var secret []byte
	if req.ProtectionKind() == cmp.ProtectionPBM {
		if _, code, err := s.checkPBM(ctx, req, client); err == nil {
			secret = code
		} else if isCMPError(err) {
			return s.reject(ctx, req, err, nil)
		}
	}
	items := cmp.AnswerGenm(req.Body.Info, cmp.CACertsInfo([]*x509.Certificate{s.issuing, s.root}))
	return answer{body: cmp.GenpBody(items...), secret: secret}
}
