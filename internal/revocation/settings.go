package revocation

import "time"

// Validity returns the CRL and OCSP response validities in force (defaults applied):
// a CRL partition is re-signed when half of its validity has passed, a pre-signed OCSP
// response likewise. The operator's console shows freshness against them.
func (s *Service) Validity() (crl, ocsp time.Duration) {
	return s.cfg.CRLValidity, s.cfg.OCSPValidity
}
