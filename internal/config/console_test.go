package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestConsoleApprovals: the default asks for every approval, a file may list fewer
// (or none), and an unknown or repeated action is refused naming its key.
func TestConsoleApprovals(t *testing.T) {
	if got := Default().Console.Approvals; !slices.Equal(got, ApprovalActions) {
		t.Fatalf("default approvals %v, want %v", got, ApprovalActions)
	}
	for _, tc := range []struct {
		toml    string
		want    []string
		problem string
	}{
		{"", ApprovalActions, ""},
		{"[console]\napprovals = []\n", []string{}, ""},
		{"[console]\napprovals = [\"unlock\"]\n", []string{"unlock"}, ""},
		{"[console]\napprovals = [\"unlock\", \"delete_everything\"]\n", nil, "console.approvals[1]"},
		{"[console]\napprovals = [\"unlock\", \"unlock\"]\n", nil, "console.approvals[1]"},
		{"[console]\napproval = [\"unlock\"]\n", nil, "unknown key console.approval"},
	} {
		p := filepath.Join(t.TempDir(), "certcenter.toml")
		body := "demo = true\n" + tc.toml
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(p)
		if err == nil {
			err = c.Validate()
		}
		if tc.problem != "" {
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("Load(%q) = %v, want a problem naming %s", tc.toml, err, tc.problem)
			}
			continue
		}
		if err != nil {
			t.Errorf("Load(%q) = %v", tc.toml, err)
			continue
		}
		if !slices.Equal(c.Console.Approvals, tc.want) {
			t.Errorf("Load(%q) approvals %v, want %v", tc.toml, c.Console.Approvals, tc.want)
		}
	}
}

// TestConsoleExample: the [console] block of examples/certcenter.toml, uncommented,
// loads as the default.
func TestConsoleExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "certcenter.toml"))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), "# [console]\n")
	if i < 0 {
		t.Fatal("no [console] block in examples/certcenter.toml")
	}
	var block []string
	for _, l := range strings.Split(string(b)[i:], "\n") {
		if !strings.HasPrefix(l, "# ") {
			break
		}
		block = append(block, strings.TrimPrefix(l, "# "))
	}
	p := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(p, []byte("demo = true\n"+strings.Join(block, "\n")+"\n"), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Console.Approvals, Default().Console.Approvals) {
		t.Fatalf("example approvals %v, default %v", c.Console.Approvals, Default().Console.Approvals)
	}
}
