package main

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"

	"github.com/certcenter/certcenter/internal/testenv"
)

// signEnv is a server, a certificate in an NPKI folder, its trusted root on disk, the
// content to sign and a private cache folder.
type signEnv struct {
	s                *testServer
	npki, dir        string
	root, chain      string // root.pem; issuing CA + root PEM (for openssl)
	content, workdir string
	cert             issued
	env              map[string]string
}

func newSignEnv(t testing.TB) *signEnv {
	t.Helper()
	s := newTestServer(t)
	e := &signEnv{s: s, npki: t.TempDir(), workdir: t.TempDir()}
	e.cert = s.issue(t, "이서명", "8001011234567", 1)
	e.dir = writeNPKI(t, e.npki, e.cert, copyPassword)
	pemOf := func(ders ...[]byte) []byte {
		var b []byte
		for _, d := range ders {
			b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d})...)
		}
		return b
	}
	e.root = e.write("root.pem", pemOf(e.cert.chain[1]))
	e.chain = e.write("chain.pem", pemOf(e.cert.chain...))
	e.content = e.write("contract.txt", []byte("계약서: 2026년 5월 1일, 금 1,000,000원\n"))
	e.env = map[string]string{"CERTCTL_NPKI_DIR": e.npki, "CERTCTL_CACHE_DIR": filepath.Join(e.workdir, "cache")}
	return e
}

func (e *signEnv) write(name string, b []byte) string {
	p := filepath.Join(e.workdir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		panic(err)
	}
	return p
}

// run runs certctl at the real time (signatures carry the real signing time).
func (e *signEnv) run(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errOut strings.Builder
	code := run(args, strings.NewReader(stdin), &out, &errOut, func(k string) string { return e.env[k] }, time.Now)
	return result{code, out.String(), errOut.String()}
}

func (e *signEnv) sign(t testing.TB, out string, extra ...string) string {
	t.Helper()
	p := filepath.Join(e.workdir, out)
	r := e.run(t, copyPassword+"\n", append([]string{"sign", "1", "--in", e.content, "--out", p, "--password-file", "-"}, extra...)...)
	if r.code != exitOK {
		t.Fatalf("certctl sign = %d %s %s", r.code, r.stdout, r.stderr)
	}
	return p
}

func (e *signEnv) verifyJSON(t testing.TB, wantCode int, args ...string) verifyReport {
	t.Helper()
	r := e.run(t, "", append([]string{"verify", "--json", "--trust", e.root}, args...)...)
	var rep verifyReport
	if r.code != wantCode || json.Unmarshal([]byte(r.stdout), &rep) != nil {
		t.Fatalf("certctl verify %v = %d, want %d\n%s%s", args, r.code, wantCode, r.stdout, r.stderr)
	}
	return rep
}

func TestSignVerify(t *testing.T) {
	e := newSignEnv(t)
	p7s := e.sign(t, "attached.p7s", "--include-r")
	rep := e.verifyJSON(t, exitOK, "--in", p7s, "--idn", "800101-1234567")
	if !rep.Signature.OK || !rep.Chain.OK || len(rep.Chain.Fetched) != 1 || !rep.Validity.OK ||
		rep.Revocation.Status != revGood || rep.Revocation.Source != "ocsp" || rep.Revocation.Cached ||
		rep.Identity == nil || !rep.Identity.OK || rep.Identity.RFrom != "signature" || !rep.IncludesR {
		t.Errorf("verify report = %+v", rep)
	}
	if !strings.HasPrefix(rep.Signer.Name, "이서명") || rep.Signer.Institution == "" {
		t.Errorf("signer = %+v", rep.Signer)
	}
	// sha256WithRSAEncryption with NULL parameters (RFC 4055 section 5; issue 18 item 5).
	p7, err := pkcs7.Parse(mustRead(t, p7s))
	if err != nil {
		t.Fatal(err)
	}
	if a := p7.Signers[0].DigestEncryptionAlgorithm; !a.Algorithm.Equal(pkcs7.OIDEncryptionAlgorithmRSASHA256) ||
		!bytes.Equal(a.Parameters.FullBytes, []byte{5, 0}) {
		t.Errorf("SignerInfo signatureAlgorithm = %v, parameters %x; want sha256WithRSAEncryption, NULL", a.Algorithm, a.Parameters.FullBytes)
	}
	// Again: the OCSP answer and the intermediate come from the cache.
	hits := e.s.ocspHits
	rep = e.verifyJSON(t, exitOK, "--in", p7s)
	if !rep.Revocation.Cached || e.s.ocspHits != hits {
		t.Errorf("second verify: cached %v, OCSP requests %d -> %d", rep.Revocation.Cached, hits, e.s.ocspHits)
	}
	// R given by the relying party; a wrong identity number fails with exit 1.
	rep = e.verifyJSON(t, exitMismatch, "--in", p7s, "--idn", "8001011234568", "--r", hex.EncodeToString(e.cert.r))
	if rep.Valid || rep.Identity.OK || rep.Identity.RFrom != "flag" {
		t.Errorf("verify with the wrong identity number = %+v", rep.Identity)
	}
	// Words a person reads, in Korean too.
	e.env["LANG"] = "ko_KR.UTF-8"
	r := e.run(t, "", "verify", "--in", p7s, "--trust", e.root, "--idn", "8001011234567")
	if r.code != exitOK || !strings.Contains(r.stdout, "모든 확인을 통과") || !strings.Contains(r.stdout, "VID 와 맞습니다") {
		t.Errorf("verify (ko) = %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestSignDetached(t *testing.T) {
	e := newSignEnv(t)
	p7s := e.sign(t, "detached.p7s", "--detached")
	if r := e.run(t, "", "verify", "--in", p7s, "--trust", e.root); r.code != exitError || !strings.Contains(r.stderr, "--content") {
		t.Errorf("verify of a detached signature without --content = %d %s", r.code, r.stderr)
	}
	rep := e.verifyJSON(t, exitOK, "--in", p7s, "--content", e.content)
	if !rep.Detached || rep.IncludesR {
		t.Errorf("report = %+v", rep)
	}
	changed := e.write("changed.txt", []byte("계약서: 2026년 5월 1일, 금 9,000,000원\n"))
	rep = e.verifyJSON(t, exitMismatch, "--in", p7s, "--content", changed)
	if rep.Signature.OK {
		t.Errorf("a changed content verified")
	}
	// No identity check without R.
	rep = e.verifyJSON(t, exitMismatch, "--in", p7s, "--content", e.content, "--idn", "8001011234567")
	if rep.Identity == nil || rep.Identity.OK {
		t.Errorf("identity without R = %+v", rep.Identity)
	}
}

func TestSignRefusals(t *testing.T) {
	e := newSignEnv(t)
	out := filepath.Join(e.workdir, "x.p7s")
	r := e.run(t, "wrong-password1!\n", "sign", "1", "--in", e.content, "--out", out, "--password-file", "-")
	if r.code != exitError || !strings.Contains(r.stderr, "wrong password") {
		t.Errorf("sign with a wrong password = %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("sign with a wrong password wrote %s", out)
	}
	p := e.sign(t, "y.p7s")
	if r := e.run(t, copyPassword+"\n", "sign", "1", "--in", e.content, "--out", p, "--password-file", "-"); r.code != exitError {
		t.Errorf("sign over an existing file without --force = %d", r.code)
	}
	for _, args := range [][]string{{"sign", "1"}, {"verify"}, {"verify", "--in", e.content, "--trust", e.root},
		{"verify", "--in", p}, {"verify", "--in", p, "--trust", e.root, "--r", "zz", "--idn", "8001011234567"}} {
		if r := e.run(t, "", args...); r.code != exitError {
			t.Errorf("certctl %v = %d, want 2: %s", args, r.code, r.stderr)
		}
	}
}

// OCSP down: the CRL answers. Both down: revocation unknown, exit 1. Revoked: exit 1.
func TestVerifyRevocation(t *testing.T) {
	e := newSignEnv(t)
	p7s := e.sign(t, "s.p7s")
	e.s.ocspDown = true
	rep := e.verifyJSON(t, exitOK, "--in", p7s, "--no-cache")
	if rep.Revocation.Source != "crl" || rep.Revocation.OCSPError == "" {
		t.Errorf("OCSP down: revocation = %+v, want the CRL's answer", rep.Revocation)
	}
	r := e.run(t, "", "verify", "--in", p7s, "--trust", e.root, "--no-cache")
	if !strings.Contains(r.stdout, "OCSP unavailable") || !strings.Contains(r.stdout, "CRL") {
		t.Errorf("OCSP down, text = %s", r.stdout)
	}
	e.s.crlDown = true
	rep = e.verifyJSON(t, exitMismatch, "--in", p7s, "--no-cache")
	if rep.Revocation.Status != revUnknown || rep.Valid {
		t.Errorf("both down: revocation = %+v", rep.Revocation)
	}
	e.s.ocspDown, e.s.crlDown = false, false
	cert, _ := x509.ParseCertificate(e.cert.der)
	e.s.mu.Lock()
	e.s.revoked = map[string]time.Time{strings.ToLower(cert.SerialNumber.Text(16)): time.Now().Add(-time.Minute)}
	e.s.mu.Unlock()
	for _, down := range []bool{false, true} {
		e.s.ocspDown = down
		rep = e.verifyJSON(t, exitMismatch, "--in", p7s, "--no-cache")
		if rep.Revocation.Status != revRevoked || rep.Revocation.Reason != "keyCompromise" {
			t.Errorf("revoked (OCSP down %v): %+v", down, rep.Revocation)
		}
	}
}

// certctl's signatures verify with OpenSSL, and OpenSSL's with certctl.
func TestSignOpenSSLInterop(t *testing.T) {
	testenv.OpenSSL(t)
	e := newSignEnv(t)
	for _, detached := range []bool{false, true} {
		args := []string{}
		if detached {
			args = append(args, "--detached")
		}
		p7s := e.sign(t, "interop.p7s", append(args, "--force", "--include-r")...)
		cmd := []string{"cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-CAfile", e.chain,
			"-purpose", "any", "-out", filepath.Join(e.workdir, "out.txt")}
		if detached {
			cmd = append(cmd, "-content", e.content)
		}
		testenv.RunOpenSSL(t, cmd...)
		if got := mustRead(t, filepath.Join(e.workdir, "out.txt")); string(got) != string(mustRead(t, e.content)) {
			t.Errorf("openssl cms -verify output differs from the content")
		}
	}

	keyDER, err := x509.MarshalPKCS8PrivateKey(e.cert.key)
	if err != nil {
		t.Fatal(err)
	}
	key := e.write("key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	cert := e.write("cert.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.cert.der}))
	for _, detached := range []bool{false, true} {
		out := filepath.Join(e.workdir, "openssl.p7s")
		cmd := []string{"cms", "-sign", "-binary", "-md", "sha256", "-in", e.content, "-signer", cert, "-inkey", key,
			"-outform", "DER", "-out", out}
		verifyArgs := []string{"--in", out}
		if !detached {
			cmd = append(cmd, "-nodetach")
		} else {
			verifyArgs = append(verifyArgs, "--content", e.content)
		}
		testenv.RunOpenSSL(t, cmd...)
		rep := e.verifyJSON(t, exitOK, verifyArgs...)
		if !rep.Signature.OK || !rep.Chain.OK || rep.Detached != detached || rep.SigningTime == nil {
			t.Errorf("certctl verify of openssl cms -sign (detached %v) = %+v", detached, rep)
		}
		// Without signed attributes, as Korean toolkits write it and OpenSSL accepts:
		// verified, validity checked at the time of verification, and said so (issue 18
		// item 5: it was refused for having no signing time).
		testenv.RunOpenSSL(t, append(cmd, "-noattr")...)
		vcmd := []string{"cms", "-verify", "-binary", "-inform", "DER", "-in", out, "-CAfile", e.chain, "-purpose", "any", "-out", os.DevNull}
		if detached {
			vcmd = append(vcmd, "-content", e.content)
		}
		testenv.RunOpenSSL(t, vcmd...)
		rep = e.verifyJSON(t, exitOK, verifyArgs...)
		if !rep.Valid || !rep.Signature.OK || !rep.Chain.OK || !rep.Validity.OK || !rep.Validity.AtVerification || rep.SigningTime != nil {
			t.Errorf("certctl verify of openssl cms -sign -noattr (detached %v) = %+v", detached, rep)
		}
		r := e.run(t, "", append([]string{"verify", "--trust", e.root}, verifyArgs...)...)
		if r.code != exitOK || !strings.Contains(r.stdout, "no signing time: checked at the time of verification") {
			t.Errorf("certctl verify (text) of openssl cms -sign -noattr = %d %s%s", r.code, r.stdout, r.stderr)
		}
		// Changed content still fails without signed attributes.
		if detached {
			changed := e.write("changed.txt", []byte("changed\n"))
			if rep := e.verifyJSON(t, exitMismatch, "--in", out, "--content", changed); rep.Signature.OK {
				t.Errorf("-noattr signature over changed content verified")
			}
		}
	}
}
