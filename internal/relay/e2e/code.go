package e2e

import (
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
)

const (
	// CodeDigits is the length of a copy code.
	CodeDigits = 12
	// LocatorDigits was how many leading digits of the code addressed the session;
	// the relay service now finds sessions by a digest of the whole code (relay.Locator).
	LocatorDigits = 4
)

// ErrCodeFormat: the text is not a 12-digit code.
var ErrCodeFormat = errors.New("relay: a copy code is 12 digits, in groups of 4 that may be separated by - or a space")

var codeMax = big.NewInt(1_000_000_000_000)

// NewCode draws a code uniformly from the 10^12 values.
func NewCode() (string, error) {
	n, err := rand.Int(rand.Reader, codeMax)
	if err != nil {
		return "", err
	}
	s := n.String()
	return strings.Repeat("0", CodeDigits-len(s)) + s, nil
}

// ParseCode accepts "123456789012", "1234-5678-9012" or "1234 5678 9012" (one separator
// at most between groups, none elsewhere) and returns the 12 digits.
func ParseCode(s string) (string, error) {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case (c == '-' || c == ' ') && b.Len() > 0 && b.Len()%4 == 0 && b.Len() < CodeDigits && s[i-1] >= '0' && s[i-1] <= '9':
		default:
			return "", ErrCodeFormat
		}
	}
	if b.Len() != CodeDigits {
		return "", ErrCodeFormat
	}
	return b.String(), nil
}

// FormatCode shows a code as 1234-5678-9012.
func FormatCode(code string) string {
	if len(code) != CodeDigits {
		return code
	}
	return code[:4] + "-" + code[4:8] + "-" + code[8:]
}
