package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestListOtherRoots: without --npki-dir, ~/Documents/NPKI on macOS (where Korean
// software also keeps certificates, issue 18 item 6) is listed after the default folder.
func TestListOtherRoots(t *testing.T) {
	home := t.TempDir()
	docRoot := filepath.Join(home, "Documents", "NPKI")
	docDir, _ := issue(t, docRoot, testCert{CN: "김철수()0020041202601100000001", Inst: "WOORI", Serial: 78})
	env := map[string]string{"HOME": home}
	var out, errOut strings.Builder
	c := newCLI(strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] }, func() time.Time { return testNow })
	c.goos = "darwin"
	c.removable = nil // the test machine's drives are not the test's
	if code := c.main([]string{"list", "--json"}); code != 0 {
		t.Fatalf("list = %d %s", code, errOut.String())
	}
	var got listJSON
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Certificates) != 1 || got.Certificates[0].Folder != docDir {
		t.Errorf("list with ~/Documents/NPKI = %+v", got.Certificates)
	}
	want := []string{filepath.Join(home, "Library", "Preferences", "NPKI"), docRoot}
	if !slices.Equal(got.NPKIDirs, want) {
		t.Errorf("npki_dirs = %q, want %q", got.NPKIDirs, want)
	}
}
