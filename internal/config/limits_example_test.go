package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The [limits] block of examples/certcenter.toml, uncommented, loads as the defaults.
func TestExampleLimitsAreTheDefaults(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "certcenter.toml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "# [limits]")
	if i < 0 {
		t.Fatal("no [limits] example")
	}
	var lines []string
	for _, l := range strings.Split(s[i:], "\n") {
		lines = append(lines, strings.TrimPrefix(l, "# "))
	}
	p := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(p, []byte("demo = true\n"+strings.Join(lines, "\n")), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	want := defaultLimits()
	want.ClientHeader = "X-Forwarded-For"
	if c.Limits != want {
		t.Errorf("example limits = %+v\nwant the defaults %+v", c.Limits, want)
	}
}
