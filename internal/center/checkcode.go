package center

import (
	"context"

	"github.com/certcenter/certcenter/internal/model"
)

// CheckCode checks an enrollment's reference number and code without claiming it, for
// the web center's slip entry: a customer who enrolled at the branch types the slip's
// two values before making a key in the browser, and learns at once whether they are
// right. The issuance that follows (IssueWithCode) checks them again and claims the
// enrollment. Errors are Redeem's: AUTH_CODE_INVALID for an unknown reference and a
// wrong code alike (a wrong code counts towards the enrollment's lock), then
// ENROLLMENT_USED, ENROLLMENT_LOCKED, ENROLLMENT_EXPIRED for a caller who gave the code.
func (s *Service) CheckCode(ctx context.Context, ref, code string) (model.Enrollment, error) {
	e, err := s.checkCode(ctx, ref, code)
	if err != nil {
		return model.Enrollment{}, err
	}
	if err := s.state(e); err != nil {
		return model.Enrollment{}, err
	}
	return e, nil
}
