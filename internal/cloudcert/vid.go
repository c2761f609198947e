package cloudcert

import (
	"crypto/x509"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/npki"
)

// VIDRequest asks whether a certificate belongs to the holder of an identity number: the
// relying institution holds the number, the sign result gave R (rValue) and the
// certificate (KOREAN-PKI.md section 5). The identity number is used for the check only.
type VIDRequest struct {
	Certificate []byte `json:"certificate"`
	RValue      []byte `json:"rValue"`
	IDN         string `json:"idn"`
}

// CheckVID recomputes the VID from (IDN, R) and compares it with the certificate's.
func CheckVID(v VIDRequest) (bool, error) {
	cert, err := x509.ParseCertificate(v.Certificate)
	if err != nil {
		return false, errs.New(errs.BadRequest, "certificate does not parse")
	}
	id, err := npki.ParseIdentifyDataFromCert(cert)
	if err != nil {
		return false, errs.New(errs.BadRequest, "certificate has no VID")
	}
	ok, err := id.CheckVID(digitsOnly(v.IDN), v.RValue)
	if err != nil {
		return false, errs.New(errs.InvalidIDN, "identity number or R is malformed")
	}
	return ok, nil
}
