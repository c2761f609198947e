package ca

import (
	"crypto"
	"crypto/x509"
	"fmt"

	"github.com/certcenter/certcenter/internal/model"
)

// KeyMismatch is one authority whose key this node cannot use: it cannot open the key
// its stored reference names, or the key it opens is not the certificate's.
type KeyMismatch struct {
	Role   model.AuthorityRole
	KeyRef string
	Err    error // why it cannot be opened; nil when it opened another key
}

func (m KeyMismatch) String() string {
	if m.Err != nil {
		return fmt.Sprintf("%s CA key %s cannot be opened here (%v)", m.Role, m.KeyRef, m.Err)
	}
	return fmt.Sprintf("%s CA key %s is not the key of the stored %s certificate", m.Role, m.KeyRef, m.Role)
}

// CheckKeys opens the key of every stored authority with ks and compares it with the
// authority's certificate, so that a node started with other keys (another data
// folder, another HSM token) is refused at start instead of failing on each request.
// Roles in skip are not checked (a root kept offline). A root made on the offline
// machine (OfflineKeyRef) can be opened nowhere: unless skipped it is reported, with
// the setting that skips it. It returns the mismatches.
func CheckKeys(ks KeySource, auths []model.Authority, skip ...model.AuthorityRole) []KeyMismatch {
	var out []KeyMismatch
next:
	for _, a := range auths {
		for _, r := range skip {
			if a.Role == r {
				continue next
			}
		}
		c, err := x509.ParseCertificate(a.CertDER)
		if err != nil {
			out = append(out, KeyMismatch{Role: a.Role, KeyRef: a.KeyRef, Err: fmt.Errorf("stored certificate: %w", err)})
			continue
		}
		if a.KeyRef == OfflineKeyRef {
			out = append(out, KeyMismatch{Role: a.Role, KeyRef: a.KeyRef, Err: errRootKeyOffline})
			continue
		}
		s, closer, err := ks.Open(a.KeyRef)
		if err != nil {
			out = append(out, KeyMismatch{Role: a.Role, KeyRef: a.KeyRef, Err: err})
			continue
		}
		pub, ok := s.Public().(interface{ Equal(crypto.PublicKey) bool })
		if !ok || !pub.Equal(c.PublicKey) {
			out = append(out, KeyMismatch{Role: a.Role, KeyRef: a.KeyRef})
		}
		if closer != nil {
			closer.Close()
		}
	}
	return out
}
