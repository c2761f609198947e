package npki

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		rule string // "" = accepted
	}{
		{"Npki-Test-2026!", ""},
		{"WTuA8Ev0lWXVFSiI!", ""},
		{"abcdef12#$", ""},
		{"abc12#$", RuleTooShort},
		{"", RuleTooShort},
		{"1234567890!@", RuleNoLetter},
		{"abcdefghij!@", RuleNoDigit},
		{"abcdefgh1234", RuleNoSpecial},
		{`abcdef123"!`, RuleForbiddenChar},
		{"abcdef123'!", RuleForbiddenChar},
		{`abcdef123\!`, RuleForbiddenChar},
		{"abcdef123|!", RuleForbiddenChar},
		{"abcdef123“!", RuleForbiddenChar},
		{"abcdef123”!", RuleForbiddenChar},
		{"abcdef123‘!", RuleForbiddenChar},
		{"abcdef123’!", RuleForbiddenChar},
		{"abcdef 123!", RuleInvalidChar},
		{"비밀번호abc123!", RuleInvalidChar},
		{"abcdef123!\x00", RuleInvalidChar},
		{"abcdef123!\xff", RuleInvalidChar},
	} {
		err := CheckPassword([]byte(tc.pw))
		if tc.rule == "" {
			if err != nil {
				t.Errorf("CheckPassword(%q) = %v, want nil", tc.pw, err)
			}
			continue
		}
		var pe *PasswordError
		if !errors.As(err, &pe) || pe.Rule != tc.rule {
			t.Errorf("CheckPassword(%q) = %v, want rule %s", tc.pw, err, tc.rule)
			continue
		}
		if tc.pw != "" && strings.Contains(err.Error(), tc.pw) {
			t.Errorf("error %q contains the password", err)
		}
		if strings.Contains(err.Error(), "rule ") {
			t.Errorf("rule %s has no English text", tc.rule)
		}
	}
}
