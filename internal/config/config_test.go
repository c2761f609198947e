package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "certcenter.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultValidates(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	if c.BaseURL != "http://127.0.0.1:8080" || c.Database.DSN != filepath.Join("certcenter-data", "certcenter.db") {
		t.Errorf("derived values: base_url %q, dsn %q", c.BaseURL, c.Database.DSN)
	}
}

func TestLoadPostgres(t *testing.T) {
	p := write(t, `
listen = "0.0.0.0:9000"
base_url = "https://ca.example.kr/"
data_dir = "data"
demo = false
[database]
driver = "postgres"
dsn = "postgres://certcenter@db/certcenter"
[ca]
organization = "yessign"
policy_arc = "1.2.410.999.1"
[keys]
source = "pkcs11"
[keys.pkcs11]
module = "/usr/lib/softhsm/libsofthsm2.so"
token_label = "ca"
pin = "env:HSM_PIN"
[secrets]
key = "file:/etc/certcenter/secrets.key"
`)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if c.BaseURL != "https://ca.example.kr" || c.DataDir != filepath.Join(filepath.Dir(p), "data") || c.CA.CRLPartitions != 16 {
		t.Errorf("got %+v", c)
	}
}

func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"unknown top key", "lisen = \"x:1\"\n", "unknown key lisen"},
		{"unknown nested key", "[database]\ndrvier = \"sqlite\"\n", "unknown key database.drvier"},
		{"bad driver", "[database]\ndriver = \"mysql\"\n", "database.driver"},
		{"postgres without dsn", "[database]\ndriver = \"postgres\"\n", "database.dsn"},
		{"literal passphrase", "[keys]\npassphrase = \"hunter2\"\n", "keys.passphrase"},
		{"pkcs11 without module", "[keys]\nsource = \"pkcs11\"\n[keys.pkcs11]\npin = \"env:PIN\"\ntoken_label=\"t\"\n", "keys.pkcs11.module"},
		{"bad arc", "[ca]\npolicy_arc = \"1.2.x\"\n", "ca.policy_arc"},
		{"bad listen", "listen = \"8080\"\n", "listen"},
		{"production without secrets key", "demo = false\n", "secrets.key"},
		{"production without a passphrase for file keys", "demo = false\n[secrets]\nkey = \"env:K\"\n", "keys.passphrase"},
		{"syntax", "listen = \n", "line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(write(t, tc.body))
			if err == nil {
				err = c.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load+Validate = %v, want an error naming %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the secret: %v", err)
			}
		})
	}
}

// A configuration file is not in demo mode unless it says so; no file is.
func TestDemoOnlyWhenAsked(t *testing.T) {
	if !Default().Demo {
		t.Errorf("Default().Demo = false, want true (no configuration)")
	}
	for body, want := range map[string]bool{"[database]\ndriver = \"sqlite\"\n": false, "demo = true\n": true} {
		c, err := Load(write(t, body))
		if err != nil || c.Demo != want {
			t.Errorf("Load(%q).Demo = %v, %v; want %v", body, c.Demo, err, want)
		}
	}
	c, err := Load(write(t, "[database]\ndriver = \"postgres\"\ndsn = \"postgres://db/x\"\n"))
	if err == nil {
		err = c.Validate()
	}
	if err == nil || !strings.Contains(err.Error(), "secrets.key") {
		t.Errorf("a postgres file without secrets.key = %v, want a refusal naming secrets.key", err)
	}
}

// Paths in a file, secret references' included, are relative to the file's folder.
func TestLoadRelativePaths(t *testing.T) {
	p := write(t, "data_dir = \"data\"\n[secrets]\nkey = \"file:secrets/secrets.key\"\n[keys]\npassphrase = \"file:/etc/abs\"\n[metrics]\ntoken = \"env:X\"\n")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(p)
	if c.DataDir != filepath.Join(dir, "data") || c.Secrets.Key != "file:"+filepath.Join(dir, "secrets", "secrets.key") ||
		c.Keys.Passphrase != "file:/etc/abs" || c.Metrics.Token != "env:X" {
		t.Errorf("Load = data %q, secrets %q, passphrase %q, token %q", c.DataDir, c.Secrets.Key, c.Keys.Passphrase, c.Metrics.Token)
	}
}

// The offline machine of the key ceremony has no secrets key: ValidateOffline does not
// ask for one, and still refuses everything else Validate refuses.
func TestValidateOffline(t *testing.T) {
	c, err := Load(write(t, "base_url = \"https://ca.example.kr\"\n[keys]\npassphrase = \"file:root-passphrase\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "secrets.key") {
		t.Errorf("Validate without secrets.key = %v, want a refusal naming it", err)
	}
	if err := c.ValidateOffline(); err != nil {
		t.Errorf("ValidateOffline without secrets.key = %v, want nil", err)
	}
	c.CA.PolicyArc = "not.an.oid"
	c.Keys.Passphrase = ""
	err = c.ValidateOffline()
	if err == nil || !strings.Contains(err.Error(), "ca.policy_arc") || !strings.Contains(err.Error(), "keys.passphrase") || strings.Contains(err.Error(), "secrets.key") {
		t.Errorf("ValidateOffline with a bad policy arc and no passphrase = %v, want both named and nothing about secrets.key", err)
	}
}
