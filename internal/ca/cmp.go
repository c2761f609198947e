package ca

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"

	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
)

// CMPIdentity is the key and certificate that sign the authority's CMP messages (RFC 4210
// section 5.1.3.3): the answers to kur and rr, and errors to requests whose MAC could not
// be checked.
//
// It is the delegated responder's role key (model.RoleOCSP): a key of the authority,
// certified by the issuing CA with keyUsage digitalSignature. The CA key cannot serve:
// OpenSSL refuses a CMP signer whose certificate lacks digitalSignature, and the issuing
// CA's has only keyCertSign and cRLSign (which is right for a CA key). Sharing the role
// key avoids a new key and certificate in every bootstrap and key ceremony; clients
// verify it through the chain to the root (openssl cmp -trusted root.pem). A dedicated
// CMP role (an id-kp-cmcCA certificate) is the upgrade path if the roles must part.
// The key is used only through issuance.CMPSigner, which signs nothing but a CMP
// ProtectedPart.
type CMPIdentity struct {
	signer  *issuance.CMPSigner
	closer  io.Closer
	issuing *x509.Certificate
	root    *x509.Certificate
}

// OpenCMPIdentity opens the CMP identity from the stored authorities.
func OpenCMPIdentity(ks KeySource, auths []model.Authority) (*CMPIdentity, error) {
	id := &CMPIdentity{}
	var role *model.Authority
	var roleCert *x509.Certificate
	for i, au := range auths {
		c, err := x509.ParseCertificate(au.CertDER)
		if err != nil {
			return nil, fmt.Errorf("ca: stored %s certificate: %w", au.Role, err)
		}
		switch au.Role {
		case model.RoleRoot:
			id.root = c
		case model.RoleIssuing:
			id.issuing = c
		case model.RoleOCSP:
			role, roleCert = &auths[i], c
		}
	}
	if role == nil || id.issuing == nil || id.root == nil {
		return nil, errors.New("ca: CMP needs the stored root, issuing CA and responder (role) certificates")
	}
	key, closer, err := ks.Open(role.KeyRef)
	if err != nil {
		return nil, fmt.Errorf("ca: open the CMP (responder role) key (%s): %w", role.KeyRef, err)
	}
	if id.signer, err = issuance.NewCMPSigner(roleCert, key); err != nil {
		if closer != nil {
			closer.Close()
		}
		return nil, err
	}
	id.closer = closer
	return id, nil
}

// Certificate is the certificate whose key signs CMP messages.
func (id *CMPIdentity) Certificate() *x509.Certificate { return id.signer.Certificate() }

// Chain is what a CMP client needs to verify the signature up to the root: the signer's
// certificate, the issuing CA, the root (extraCerts, RFC 4210 section 5.1).
func (id *CMPIdentity) Chain() []*x509.Certificate {
	return []*x509.Certificate{id.signer.Certificate(), id.issuing, id.root}
}

// Root is the root CA certificate (caPubs).
func (id *CMPIdentity) Root() *x509.Certificate { return id.root }

// Algorithm is the DER AlgorithmIdentifier of Sign's signatures, to write into the
// header's protectionAlg before encoding the ProtectedPart.
func (id *CMPIdentity) Algorithm() []byte { return id.signer.Algorithm() }

// Sign signs a CMP ProtectedPart; anything else is refused (issuance.ErrNotProtectedPart).
func (id *CMPIdentity) Sign(protectedPart []byte) ([]byte, error) {
	return id.signer.SignCMP(protectedPart)
}

// Close releases the key.
func (id *CMPIdentity) Close() error {
	if id.closer == nil {
		return nil
	}
	return id.closer.Close()
}
