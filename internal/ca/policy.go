package ca

import "github.com/certcenter/certcenter/internal/model"

// PolicyOID returns the certificate policy OID (dotted) that the authority writes for a
// kind and usage (KOREAN-PKI.md section 6: universal/restricted × personal/corporate).
// The certificate center records it with each fee.
func (a *Authority) PolicyOID(k model.Kind, u model.Usage) (string, error) {
	p, err := a.cfg.profile()
	if err != nil {
		return "", err
	}
	oid, err := p.PolicyOID(k, u)
	if err != nil {
		return "", err
	}
	return oid.String(), nil
}
