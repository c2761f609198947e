// Package archtest checks the project's structural rules with `go list`: one door to
// the private key (ARCHITECTURE.md, STYLE.md "Structure") and pure codecs.
package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/certcenter/certcenter/"

type pkg struct {
	ImportPath string
	Imports    []string
}

func list(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", mod+"...")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(out)
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// TestOneDoorToTheKey: only internal/ca imports internal/issuance, and only issuance
// imports internal/signer (non-test imports).
func TestOneDoorToTheKey(t *testing.T) {
	allowed := map[string]string{
		mod + "internal/issuance": mod + "internal/ca",
		mod + "internal/signer":   mod + "internal/issuance",
	}
	seen := 0
	for _, p := range list(t) {
		for _, imp := range p.Imports {
			if want, ok := allowed[imp]; ok {
				seen++
				if p.ImportPath != want {
					t.Errorf("%s imports %s; only %s may", p.ImportPath, imp, want)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no package imports issuance or signer: the check checked nothing")
	}
}

// TestCodecsArePure: npki and cmp import no database, HTTP or internal package.
func TestCodecsArePure(t *testing.T) {
	for _, p := range list(t) {
		if !strings.HasPrefix(p.ImportPath, mod+"npki") && !strings.HasPrefix(p.ImportPath, mod+"cmp") {
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, mod+"internal/") || imp == "net/http" || imp == "database/sql" {
				t.Errorf("%s imports %s: codecs are pure (bytes in, structs out)", p.ImportPath, imp)
			}
		}
	}
}

// TestKEKIsNotTheCAKey: the financial certificate's key-encryption key (internal/kek) is
// a second door, to the cloud keys, deliberately separate from the CA key's: kek imports
// neither signer nor issuance (so it can never hand out or use the CA key), only the
// wiring (internal/app) imports kek (internal/cloudcert sees its own narrow interface),
// and only signer and kek talk to a PKCS#11 token.
func TestKEKIsNotTheCAKey(t *testing.T) {
	const c11 = "github.com/ThalesGroup/crypto11"
	seen := false
	for _, p := range list(t) {
		for _, imp := range p.Imports {
			switch {
			case p.ImportPath == mod+"internal/kek" && (imp == mod+"internal/signer" || imp == mod+"internal/issuance"):
				t.Errorf("kek imports %s: the KEK must not reach the CA key", imp)
			case imp == mod+"internal/kek":
				seen = true
				if p.ImportPath != mod+"internal/app" {
					t.Errorf("%s imports internal/kek; only internal/app (the wiring) may", p.ImportPath)
				}
			case imp == c11 && p.ImportPath != mod+"internal/signer" && p.ImportPath != mod+"internal/kek":
				t.Errorf("%s imports crypto11; only signer (the CA key) and kek (the cloud KEK) open tokens", p.ImportPath)
			}
		}
	}
	if !seen {
		t.Log("no package imports internal/kek yet")
	}
}
