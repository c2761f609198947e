package center

import (
	"context"
	"errors"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/store"
)

// ConfirmationSecret returns the authorization code of an enrollment that was redeemed,
// so that CMP can check the MAC of the certConf that follows its ip or cp: RFC 4210
// section 5.3.18 has the certConf protected like the request, with the same code. It
// refuses an enrollment that was not used (Secret serves those, with attempt counting).
func (s *Service) ConfirmationSecret(ctx context.Context, ref string) ([]byte, error) {
	e, err := s.store.Enrollment(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errs.New(errs.EnrollmentNotFound, "reference %q", ref)
	} else if err != nil {
		return nil, err
	}
	if e.UsedAt == nil {
		return nil, errs.New(errs.CMPTransactionUnknown, "reference %s was not redeemed", ref)
	}
	return s.seal.Open("authcode", ref, e.AuthCodeCipher)
}
