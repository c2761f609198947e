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
