package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestReadSecretFile(t *testing.T) {
	tests := []struct {
		content, want string
	}{
		{"pw\n", "pw"},
		{"pw\r\n", "pw"},
		{"pw", "pw"},
		{"pw\n\n", "pw\n"}, // only one newline is removed
		{" pw ", " pw "},
	}
	for _, tt := range tests {
		c := newCLI(strings.NewReader(tt.content), nil, nil, nil, time.Now)
		if got, err := c.readSecretFile(writeTemp(t, "pw", tt.content)); err != nil || string(got) != tt.want {
			t.Errorf("readSecretFile(%q) = %q, %v, want %q", tt.content, got, err, tt.want)
		}
		if got, err := c.readSecretFile("-"); err != nil || string(got) != tt.want {
			t.Errorf("readSecretFile(-) of %q = %q, %v, want %q", tt.content, got, err, tt.want)
		}
	}
	c := newCLI(strings.NewReader(strings.Repeat("x", 5000)), nil, nil, nil, time.Now)
	if _, err := c.readSecretFile("-"); err == nil {
		t.Errorf("readSecretFile accepted 5000 bytes")
	}
}

// TestPromptOnStderrOnly: the prompt goes to the terminal helper, stdout stays clean.
func TestPromptOnStderrOnly(t *testing.T) {
	root, _ := yessignNPKI(t)
	var prompts []string
	var out, errOut bytes.Buffer
	c := newCLI(strings.NewReader(""), &out, &errOut, func(string) string { return "" }, func() time.Time { return testNow })
	c.askPassword = func(p string) ([]byte, error) { prompts = append(prompts, p); return []byte(yessignPassword), nil }
	if code := c.main([]string{"vid", "1", "--idn", "8001011234567", "--npki-dir", root}); code != exitMismatch {
		t.Fatalf("vid = %d %q", code, errOut.String())
	}
	if len(prompts) != 1 || prompts[0] != "Password for HKD's certificate: " {
		t.Errorf("prompts = %q", prompts)
	}
	if out.String() != "mismatch\n" {
		t.Errorf("stdout = %q", out.String())
	}
}
