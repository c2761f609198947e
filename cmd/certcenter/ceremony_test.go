package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/testenv"
)

// TestCeremonyEndToEnd: the key ceremony with the commands, as the README shows it.
// The root is made in one folder (the offline machine, no secrets key), the issuing
// CA's key and request in another (the server); the server, started, issues a
// certificate that openssl verifies against the offline root file, CRLs included; no
// file on the server holds the root key or its passphrase.
func TestCeremonyEndToEnd(t *testing.T) {
	testenv.OpenSSL(t)
	offline, server := t.TempDir(), t.TempDir()
	secret := func(dir, name string) string {
		p := filepath.Join(dir, name)
		b := make([]byte, 32)
		rand.Read(b)
		os.WriteFile(p, []byte(hex.EncodeToString(b)+"\n"), 0o600)
		return p
	}
	names := "[ca]\norganization = \"certcenter\"\nroot_name = \"certcenter Test RootCA\"\nissuing_name = \"certcenterCA Class 1\"\npolicy_arc = \"1.2.410.200005.1.1\"\n"
	rootPass := secret(offline, "root-passphrase")
	rootCfg := filepath.Join(offline, "root.toml")
	os.WriteFile(rootCfg, []byte("base_url = \"http://127.0.0.1:8080\"\ndata_dir = \".\"\n"+names+"[keys]\nsource = \"file\"\npassphrase = \"file:root-passphrase\"\n"), 0o600)
	os.Mkdir(filepath.Join(server, "secrets"), 0o700)
	secret(filepath.Join(server, "secrets"), "secrets.key")
	secret(filepath.Join(server, "secrets"), "ca-passphrase")
	// demo = true only for its three institutions, to issue a certificate at the end;
	// the secrets are the configuration's, none is generated.
	srvCfg := filepath.Join(server, "certcenter.toml")
	os.WriteFile(srvCfg, []byte("demo = true\nbase_url = \"http://127.0.0.1:8080\"\ndata_dir = \"data\"\n"+names+
		"[keys]\nsource = \"file\"\npassphrase = \"file:secrets/ca-passphrase\"\nroot = \"offline\"\n[secrets]\nkey = \"file:secrets/secrets.key\"\n"), 0o600)
	in := func(dir string, args ...string) (int, string, string) {
		t.Helper()
		t.Chdir(dir)
		return runCmd(t, args...)
	}
	must := func(dir string, args ...string) string {
		t.Helper()
		code, out, errs := in(dir, args...)
		if code != 0 {
			t.Fatalf("certcenter %s = %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}

	out := must(offline, "root", "init", "--config", "root.toml", "--key", "root.key", "--cert", "root.pem")
	fp := regexp.MustCompile(`SHA-256 fingerprint ([0-9A-F:]{95})`).FindStringSubmatch(out)
	if fp == nil {
		t.Fatalf("root init prints no fingerprint:\n%s", out)
	}
	// The server makes no CA of its own.
	if code, _, errs := in(server, "serve", "--config", "certcenter.toml", "--listen", "127.0.0.1:0"); code != 1 ||
		!strings.Contains(errs, "CA_NOT_INSTALLED") || !strings.Contains(errs, "certcenter ca request") || !strings.Contains(errs, "certcenter ca import") {
		t.Errorf("serve before the ceremony = %d %q, want CA_NOT_INSTALLED naming the commands", code, errs)
	}
	must(server, "ca", "request", "--config", "certcenter.toml", "--out", filepath.Join(offline, "issuing.csr"))
	must(offline, "root", "sign-ca", "--config", "root.toml", "--key", "root.key", "--cert", "root.pem", "--csr", "issuing.csr", "--out", "issuing.pem")
	must(offline, "root", "crl", "--config", "root.toml", "--key", "root.key", "--cert", "root.pem", "--out", "root.crl")
	for _, f := range []string{"issuing.pem", "root.crl"} {
		b, _ := os.ReadFile(filepath.Join(offline, f))
		os.WriteFile(filepath.Join(server, f), b, 0o644)
	}
	// A certificate without its root, and no --root-cert: a usage error.
	pemBytes, _ := os.ReadFile(filepath.Join(server, "issuing.pem"))
	first, _ := pem.Decode(pemBytes)
	os.WriteFile(filepath.Join(server, "alone.pem"), pem.EncodeToMemory(first), 0o644)
	if code, _, errs := in(server, "ca", "import", "--config", "certcenter.toml", "--cert", "alone.pem"); code != 2 || !strings.Contains(errs, "--root-cert") {
		t.Errorf("ca import of a lone certificate = %d %q, want a usage error naming --root-cert", code, errs)
	}
	out = must(server, "ca", "import", "--config", "certcenter.toml", "--cert", "issuing.pem", "--crl", "root.crl")
	if !strings.Contains(out, fp[1]) || !strings.Contains(out, "(key offline)") {
		t.Errorf("ca import does not show the root's fingerprint %s or its key offline:\n%s", fp[1], out)
	}
	t.Setenv("LANG", "ko_KR.UTF-8")
	if code, _, errs := in(server, "ca", "import", "--config", "certcenter.toml", "--cert", "issuing.pem"); code != 1 ||
		!strings.Contains(errs, "CA_ALREADY_INSTALLED") || !strings.Contains(errs, "이미 인증기관이 있습니다") || !strings.Contains(errs, "hint:") {
		t.Errorf("a second ca import = %d %q, want CA_ALREADY_INSTALLED in Korean with a hint", code, errs)
	}
	t.Setenv("LANG", "C")

	// The server, started, issues under the offline root.
	t.Chdir(server)
	sout, _ := startServe(t, "--config", "certcenter.toml", "--listen", "127.0.0.1:0")
	addr := regexp.MustCompile(` on (127\.0\.0\.1:\d+) `).FindStringSubmatch(sout.String())
	if addr == nil {
		t.Fatalf("no address in %q", sout)
	}
	var en struct{ Reference, AuthCode string }
	if err := json.Unmarshal([]byte(must(server, "enroll", "--config", "certcenter.toml", "--institution", "901", "--name", "홍길동", "--idn", "8001011234567", "--json")), &en); err != nil {
		t.Fatal(err)
	}
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	csr, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, key)
	body, _ := json.Marshal(map[string]string{"reference": en.Reference, "authCode": en.AuthCode,
		"csr": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr}))})
	resp, err := http.Post("http://"+addr[1]+"/api/v1/certificates", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var issued struct {
		Certificate string
		Chain       []string
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || json.Unmarshal(raw, &issued) != nil || len(issued.Chain) != 2 {
		t.Fatalf("issue after the ceremony = %d %s", resp.StatusCode, raw)
	}
	get := func(url string) []byte {
		t.Helper()
		r, err := http.Get(strings.Replace(url, "http://127.0.0.1:8080", "http://"+addr[1], 1))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		if r.StatusCode != 200 {
			t.Fatalf("GET %s = %d %s", url, r.StatusCode, b)
		}
		return b
	}
	work := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(work, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	leaf := write("leaf.pem", []byte(issued.Certificate))
	ca := write("ca.pem", []byte(issued.Chain[0]))
	blk, _ := pem.Decode([]byte(issued.Certificate))
	leafCert, _ := x509.ParseCertificate(blk.Bytes)
	issuingCRL := write("issuing.crl", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: get(leafCert.CRLDistributionPoints[0])}))
	served := get("http://127.0.0.1:8080/crl/root/p0.crl")
	offCRL, _ := os.ReadFile(filepath.Join(offline, "root.crl"))
	if !bytes.Equal(served, offCRL) {
		t.Error("the server's root CRL is not the one signed offline")
	}
	rootCRL := write("root.crl", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: offCRL}))
	v := string(testenv.RunOpenSSL(t, "verify", "-crl_check_all", "-CAfile", filepath.Join(offline, "root.pem"),
		"-untrusted", ca, "-CRLfile", rootCRL, "-CRLfile", issuingCRL, leaf))
	if !strings.Contains(v, "leaf.pem: OK") {
		t.Errorf("openssl verify against the offline root: %s", v)
	}

	// Nothing on the server is the root key or its passphrase.
	rootKey, _ := os.ReadFile(filepath.Join(offline, "root.key"))
	pass, _ := os.ReadFile(rootPass)
	filepath.WalkDir(server, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		if d.Name() == "root.key" || bytes.Contains(b, rootKey[40:120]) || bytes.Contains(b, bytes.TrimSpace(pass)) {
			t.Errorf("the server holds the root key or its passphrase: %s", p)
		}
		return nil
	})
}

// The ceremony's commands answer --help and refuse missing flags as usage errors.
func TestCeremonyCommandsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"root", "init", "--help"}, {"root", "sign-ca", "--help"}, {"ca", "--help"}, {"ca", "request", "--help"}, {"ca", "import", "--help"},
	} {
		if code, out, errs := runCmd(t, args...); code != 0 || !strings.Contains(out, "usage:") || errs != "" {
			t.Errorf("certcenter %s = %d %q %q, want usage and 0", strings.Join(args, " "), code, out, errs)
		}
	}
	for _, args := range [][]string{
		{"root", "init", "--key", "k"}, {"root", "sign-ca", "--key", "k", "--cert", "c"}, {"ca", "request"}, {"ca", "import"}, {"ca", "frobnicate"},
	} {
		if code, _, errs := runCmd(t, args...); code != 2 || !strings.Contains(errs, "hint:") {
			t.Errorf("certcenter %s = %d %q, want a usage error", strings.Join(args, " "), code, errs)
		}
	}
	if _, out, _ := runCmd(t, "--help"); !strings.Contains(out, "certcenter ca import") || !strings.Contains(out, "certcenter root sign-ca") {
		t.Errorf("certcenter --help does not list the ceremony's commands:\n%s", out)
	}
}

// The offline machine's example configuration works as its comments say, with no
// secrets key, and its names and base_url are the server example's.
func TestExampleRootConfig(t *testing.T) {
	ex, err := os.ReadFile(filepath.Join("..", "..", "examples", "root.toml"))
	if err != nil {
		t.Fatal(err)
	}
	server, err := os.ReadFile(filepath.Join("..", "..", "examples", "certcenter.toml"))
	if err != nil {
		t.Fatal(err)
	}
	setting := regexp.MustCompile(`(?m)^(base_url|organization|root_name|issuing_name|policy_arc) = "[^"]*"`)
	if got, want := setting.FindAllString(string(ex), -1), setting.FindAllString(string(server), -1); strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) != 5 {
		t.Errorf("examples/root.toml says %q, examples/certcenter.toml %q: they must agree", got, want)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "root.toml"), ex, 0o600)
	if code, out, errs := runCmd(t, "config", "check", "--offline", filepath.Join(dir, "root.toml")); code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Errorf("config check --offline examples/root.toml = %d %q %q", code, out, errs)
	}
	if code, _, errs := runCmd(t, "config", "check", filepath.Join(dir, "root.toml")); code != 1 || !strings.Contains(errs, "secrets.key") {
		t.Errorf("config check examples/root.toml (a server's check) = %d %q, want a refusal naming secrets.key", code, errs)
	}
	os.Mkdir(filepath.Join(dir, "offline"), 0o700)
	os.WriteFile(filepath.Join(dir, "offline", "root-passphrase"), []byte(strings.Repeat("cd", 32)+"\n"), 0o600)
	t.Chdir(dir)
	if code, out, errs := runCmd(t, "root", "init", "--config", "root.toml", "--key", "offline/root.key", "--cert", "offline/root.pem"); code != 0 || !strings.Contains(out, "certcenter Example RootCA") {
		t.Fatalf("root init with examples/root.toml = %d %q %q", code, out, errs)
	}
}
