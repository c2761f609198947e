package npki

import (
	"strings"
	"unicode/utf8"
)

// Password policy for new key-file passwords (KOREAN-PKI.md section 2, from the CAs'
// guidance): at least 10 characters mixing letters, digits and special characters, and
// none of “ ” ‘ ’ " ' \ |.
//
// This project also requires printable ASCII (rule): Korean certificate software takes
// passwords from an English keyboard layout, and tools disagree on how to encode other
// characters (UTF-8 for PBES2 and SEED, UTF-16 for PKCS#12), so a password with Hangul
// or spaces could open a file in one program and not in another.

// Password rule codes, stable for the CLI and UI to localise.
const (
	RuleTooShort      = "too-short"
	RuleNoLetter      = "no-letter"
	RuleNoDigit       = "no-digit"
	RuleNoSpecial     = "no-special"
	RuleForbiddenChar = "forbidden-char"
	RuleInvalidChar   = "invalid-char"
)

// MinPasswordLength is the minimum length of a new key-file password, in characters.
const MinPasswordLength = 10

// forbiddenPasswordChars are refused by Korean CA software (KOREAN-PKI.md section 2).
const forbiddenPasswordChars = "“”‘’\"'\\|"

// PasswordError says which rule a new password breaks. It never holds the password.
type PasswordError struct {
	Rule string // one of the Rule* constants
}

func (e *PasswordError) Error() string {
	var why string
	switch e.Rule {
	case RuleTooShort:
		why = "it must be at least 10 characters long"
	case RuleNoLetter:
		why = "it must contain a letter (A-Z or a-z)"
	case RuleNoDigit:
		why = "it must contain a digit (0-9)"
	case RuleNoSpecial:
		why = "it must contain a special character such as ! @ # $ %"
	case RuleForbiddenChar:
		why = `it must not contain any of “ ” ‘ ’ " ' \ |`
	case RuleInvalidChar:
		why = "it may contain only letters, digits and special characters of an English keyboard (no spaces, no Hangul)"
	default:
		why = "rule " + e.Rule
	}
	return "npki: password not accepted: " + why
}

// CheckPassword checks a new key-file password against the policy. It returns nil or
// a *PasswordError naming the first rule broken, in the order forbidden-char,
// invalid-char, too-short, no-letter, no-digit, no-special.
func CheckPassword(pw []byte) error {
	var letter, digit, special bool
	for _, r := range string(pw) {
		if strings.ContainsRune(forbiddenPasswordChars, r) {
			return &PasswordError{Rule: RuleForbiddenChar}
		}
	}
	if !utf8.Valid(pw) {
		return &PasswordError{Rule: RuleInvalidChar}
	}
	for _, c := range pw {
		switch {
		case c < 0x21 || c > 0x7e:
			return &PasswordError{Rule: RuleInvalidChar}
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			letter = true
		case '0' <= c && c <= '9':
			digit = true
		default:
			special = true
		}
	}
	switch {
	case utf8.RuneCount(pw) < MinPasswordLength:
		return &PasswordError{Rule: RuleTooShort}
	case !letter:
		return &PasswordError{Rule: RuleNoLetter}
	case !digit:
		return &PasswordError{Rule: RuleNoDigit}
	case !special:
		return &PasswordError{Rule: RuleNoSpecial}
	}
	return nil
}
