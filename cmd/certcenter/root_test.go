package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRootOffline: with keys.root = "offline" a node starts without the root key and
// serves the root CRL signed where the key is (root crl) and imported (root import-crl).
func TestRootOffline(t *testing.T) {
	dir := bootstrapped(t)
	keys, _ := filepath.Glob(filepath.Join(dir, "keys-*", "root.key"))
	if len(keys) != 1 {
		t.Fatalf("root keys: %v", keys)
	}
	crlFile := filepath.Join(t.TempDir(), "root.crl")
	if code, out, errs := runCmd(t, "root", "crl", "--data", dir, "--key", keys[0], "--days", "30", "--out", crlFile); code != 0 || !strings.Contains(out, "root CRL written") {
		t.Fatalf("root crl = %d %q %q", code, out, errs)
	}
	// The key goes offline.
	offline := filepath.Join(t.TempDir(), "root.key")
	if err := os.Rename(keys[0], offline); err != nil {
		t.Fatal(err)
	}
	// Without the setting, a node without the root key does not start.
	if code, _, errs := runCmd(t, "serve", "--data", dir, "--listen", "127.0.0.1:0", "--base-url", "http://127.0.0.1:8080"); code != 1 || !strings.Contains(errs, "NODE_MISMATCH") || !strings.Contains(errs, "root CA key") {
		t.Errorf("serve without the root key = %d %q, want NODE_MISMATCH naming the root key", code, errs)
	}
	cfgPath := filepath.Join(t.TempDir(), "certcenter.toml")
	os.WriteFile(cfgPath, []byte("demo = true\nbase_url = \"http://127.0.0.1:8080\"\ndata_dir = \""+dir+"\"\n[keys]\nroot = \"offline\"\n"), 0o600)
	out, _ := startServe(t, "--config", cfgPath, "--listen", "127.0.0.1:0")
	addr := regexp.MustCompile(` on (127\.0\.0\.1:\d+) `).FindStringSubmatch(out.String())
	if addr == nil {
		t.Fatalf("no address in %q", out)
	}
	get := func() (int, []byte) {
		resp, err := http.Get("http://" + addr[1] + "/crl/root/p0.crl")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if st, _ := get(); st == 200 {
		t.Errorf("root CRL before any import: 200, want a refusal (no key to sign one)")
	}
	// A CRL that is not the root's is refused.
	bad := filepath.Join(t.TempDir(), "bad.crl")
	der, _ := os.ReadFile(crlFile)
	tampered := bytes.Clone(der)
	tampered[len(tampered)-5] ^= 1
	os.WriteFile(bad, tampered, 0o600)
	if code, _, errs := runCmd(t, "root", "import-crl", bad, "--config", cfgPath); code != 1 || !strings.Contains(errs, "not signed by this root") {
		t.Errorf("import of a tampered CRL = %d %q", code, errs)
	}
	if code, out, errs := runCmd(t, "root", "import-crl", crlFile, "--config", cfgPath); code != 0 || !strings.HasPrefix(out, "ok: root CRL number") {
		t.Fatalf("root import-crl = %d %q %q", code, out, errs)
	}
	if st, body := get(); st != 200 || !bytes.Equal(body, der) {
		t.Errorf("root CRL after the import = %d (%d bytes), want the imported CRL", st, len(body))
	}
	// The same one again is not newer.
	if code, _, errs := runCmd(t, "root", "import-crl", crlFile, "--config", cfgPath); code != 1 || !strings.Contains(errs, "newer") {
		t.Errorf("importing the same CRL again = %d %q", code, errs)
	}
	if code, out, _ := runCmd(t, "root", "crl", "--help"); code != 0 || !strings.Contains(out, "-key") {
		t.Errorf("root crl --help = %d %q", code, out)
	}
}
