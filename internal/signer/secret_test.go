package signer_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/signer"
)

func TestResolveSecret(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("CERTCENTER_TEST_SECRET", "s3cret pass")
	t.Setenv("CERTCENTER_TEST_EMPTY", "")

	tests := []struct {
		ref  string
		want string
	}{
		{"env:CERTCENTER_TEST_SECRET", "s3cret pass"},
		{"file:" + write("plain", "from file"), "from file"},
		{"file:" + write("newline", "from file\n"), "from file"},
		{"file:" + write("crlf", "from file\r\n"), "from file"},
		// Only one newline is trimmed: anything else is part of the secret.
		{"file:" + write("two", "x\n\n"), "x\n"},
		{"file:" + write("spaces", " x "), " x "},
	}
	for _, tt := range tests {
		got, err := signer.ResolveSecret(tt.ref)
		if err != nil || string(got) != tt.want {
			t.Errorf("ResolveSecret(%q) = %q, %v, want %q", tt.ref, got, err, tt.want)
		}
	}
}

func TestResolveSecretErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	t.Setenv("CERTCENTER_TEST_EMPTY", "")

	tests := []struct {
		ref     string
		mention string // the message must name this
		secret  string // and must not contain this
	}{
		{"env:CERTCENTER_TEST_UNSET", "CERTCENTER_TEST_UNSET", ""},
		{"env:CERTCENTER_TEST_EMPTY", "CERTCENTER_TEST_EMPTY", ""},
		{"env:", "env:NAME", ""},
		{"file:" + filepath.Join(dir, "missing"), filepath.Join(dir, "missing"), ""},
		{"file:" + empty, empty, ""},
		{"file:", "file:/path", ""},
		{"", "env:NAME", ""},
		// An inline secret is refused without echoing it.
		{"hunter2", "env:NAME or file:/path", "hunter2"},
		{"literal:hunter2", "env:NAME or file:/path", "hunter2"},
		{"pass:hunter2", "env:NAME or file:/path", "hunter2"},
	}
	for _, tt := range tests {
		_, err := signer.ResolveSecret(tt.ref)
		if !errors.Is(err, signer.ErrSecretRef) {
			t.Errorf("ResolveSecret(%q) = %v, want ErrSecretRef", tt.ref, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("ResolveSecret(%q) = %q, want it to mention %q", tt.ref, err, tt.mention)
		}
		if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
			t.Errorf("ResolveSecret(%q) = %q, leaks the value", tt.ref, err)
		}
	}
}
