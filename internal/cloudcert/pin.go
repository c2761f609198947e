package cloudcert

import (
	"crypto/subtle"
	"errors"

	"golang.org/x/crypto/argon2"

	"github.com/certcenter/certcenter/internal/errs"
)

// MaxWrongPINs locks a certificate line (KOREAN-PKI.md section 9, rule): after 5 wrong
// PINs only a new identity verification at an institution and a new PIN unlock it.
const MaxWrongPINs = 5

// The PIN verifier's argon2id cost. The pepper (an HMAC key inside the key source) is
// what stops offline guessing from a dump: without it the 10^6 PINs cannot be tried at
// all. argon2id on top costs a thief who also stole the pepper (file key source) ~10^6
// times this per line, and keeps a PIN check well under a millisecond of CPU, so that
// it does not dominate a signature (the benchmark in bench_test.go measures both).
const (
	pinArgonTime   = 1
	pinArgonMemory = 64 // KiB
	pinArgonLanes  = 1
)

// CheckPINPolicy refuses PINs that are not 6 digits or are obvious: one digit repeated,
// runs up or down (123456, 654321, 890123 wrapping), two- or three-digit patterns
// repeated (121212, 123123), and the birth date from the identity number in the forms
// people use (YYMMDD, MMDDYY, DDMMYY). idn may be empty (then no birth-date check).
func CheckPINPolicy(pin, idn string) error {
	if len(pin) != 6 {
		return errs.New(errs.FinCertPINWeak, "the PIN must be 6 digits")
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return errs.New(errs.FinCertPINWeak, "the PIN must be 6 digits")
		}
	}
	up, down := true, true
	for i := 1; i < 6; i++ {
		d := (int(pin[i]) - int(pin[i-1]) + 10) % 10
		up = up && d == 1
		down = down && d == 9
	}
	if up || down {
		return errs.New(errs.FinCertPINWeak, "the PIN is a run of digits")
	}
	for _, period := range []int{1, 2, 3} {
		repeats := true
		for i := period; i < 6; i++ {
			repeats = repeats && pin[i] == pin[i-period]
		}
		if repeats {
			return errs.New(errs.FinCertPINWeak, "the PIN repeats a pattern")
		}
	}
	if len(idn) >= 6 {
		yy, mm, dd := idn[0:2], idn[2:4], idn[4:6]
		for _, b := range []string{yy + mm + dd, mm + dd + yy, dd + mm + yy} {
			if pin == b {
				return errs.New(errs.FinCertPINWeak, "the PIN is the birth date")
			}
		}
	}
	return nil
}

// pinVerifier computes argon2id(HMAC(pepper, "fincert-pin" || lineID || PIN), lineID).
// The HMAC runs inside the key source (the HSM with PKCS#11), so the stored verifier is
// useless without it; binding the line id keeps two lines' verifiers of one PIN apart.
func (s *Service) pinVerifier(lineID, pin string) ([]byte, error) {
	peppered, err := s.keys.Pepper([]byte("fincert-pin\x00" + lineID + "\x00" + pin))
	if err != nil {
		return nil, err
	}
	return PINHash(peppered, lineID), nil
}

// PINHash is the argon2id step of the verifier, exported for the dump test and the
// benchmark: it is what anyone holding only the database would have to invert.
func PINHash(peppered []byte, lineID string) []byte {
	return argon2.IDKey(peppered, []byte("fincert-pin-salt\x00"+lineID), pinArgonTime, pinArgonMemory, pinArgonLanes, 32)
}

var errPINMismatch = errors.New("cloudcert: PIN mismatch")

// matchPIN compares a PIN with a line's stored verifier in constant time.
func (s *Service) matchPIN(lineID, pin string, stored []byte) error {
	got, err := s.pinVerifier(lineID, pin)
	if err != nil {
		return err
	}
	if len(stored) == 0 || subtle.ConstantTimeCompare(got, stored) != 1 {
		return errPINMismatch
	}
	return nil
}
