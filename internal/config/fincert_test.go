package config

import (
	"strings"
	"testing"
)

func TestFinCertFrameAncestors(t *testing.T) {
	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"https://www.bank.example", true},
		{"http://localhost:8080", true},
		{"https://www.bank.example/", true},
		{"www.bank.example", false},
		{"https://www.bank.example/login", false},
		{"javascript:alert(1)", false},
		{"https://user@www.bank.example", false},
	} {
		var got []string
		FinCert{FrameAncestors: []string{tc.origin}}.validate(func(path, format string, args ...any) { got = append(got, path) })
		if (len(got) == 0) != tc.ok {
			t.Errorf("frame_ancestors %q: problems %v, want ok=%v", tc.origin, got, tc.ok)
		}
		if !tc.ok && (len(got) != 1 || !strings.HasPrefix(got[0], "fincert.frame_ancestors[0]")) {
			t.Errorf("frame_ancestors %q: the problem does not name the key: %v", tc.origin, got)
		}
	}
}
