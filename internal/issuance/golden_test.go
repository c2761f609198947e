package issuance

import (
	"encoding/pem"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden certificates in testdata/golden")

// TestGolden pins the byte layout of the root, the issuing CA and a subscriber
// certificate. Keys, serials and times are fixed and RSA PKCS#1 v1.5 signatures are
// deterministic, so any change in the encoding shows up here. Inspect a change with
// `openssl x509 -text -in testdata/golden/<name>.pem` and `openssl asn1parse`.
func TestGolden(t *testing.T) {
	p := newTestPKI(t)
	leaf, err := p.issuer.Issue(honggildong(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		name string
		der  []byte
	}{{"root", p.root.Raw}, {"issuing", p.ca.Raw}, {"honggildong", leaf}} {
		path := filepath.Join("testdata", "golden", g.name+".pem")
		got := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: g.der})
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from %s (run with -update if the change is intended):\n%s", g.name, path, got)
		}
	}
}
