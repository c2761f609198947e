package e2e

import "testing"

func TestParseCode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"123456789012", "123456789012"},
		{"1234-5678-9012", "123456789012"},
		{"1234 5678 9012", "123456789012"},
		{" 1234-5678 9012 ", "123456789012"},
		{"12345678-9012", "123456789012"},
		{"1234--5678-9012", ""},
		{"123-45678-9012", ""},
		{"12345678901", ""},
		{"1234567890123", ""},
		{"1234-5678-901a", ""},
		{"-123456789012", ""},
		{"123456789012-", ""},
		{"１２３４５６７８９０１２", ""},
	} {
		got, err := ParseCode(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("ParseCode(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if p, err := ParseCode(FormatCode(c)); err != nil || p != c {
			t.Fatalf("ParseCode(FormatCode(%q)) = %q, %v", c, p, err)
		}
		seen[c] = true
	}
	if len(seen) < 100 {
		t.Errorf("100 codes drew only %d distinct values", len(seen))
	}
}
