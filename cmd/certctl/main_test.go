package main

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/npki"
)

// The tests run the CLI in-process with run(), at a fixed instant.

// testNow is 2026-05-01 09:00 KST.
var testNow = time.Date(2026, 5, 1, 9, 0, 0, 0, kst)

// yessignPassword protects testdata/yessign-test (its README).
const yessignPassword = "WTuA8Ev0lWXVFSiI!"

type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs certctl with args, the environment env (nothing else: no HOME, no LANG
// unless given) and stdin.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut,
		func(k string) string { return env[k] }, func() time.Time { return testNow })
	return result{code, out.String(), errOut.String()}
}

// runWith is runCLI with a fake terminal answering prompts in order.
func runWith(t *testing.T, env map[string]string, answers []string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	c := newCLI(strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] }, func() time.Time { return testNow })
	c.askPassword = func(prompt string) ([]byte, error) {
		if len(answers) == 0 {
			t.Fatalf("unexpected prompt %q", prompt)
		}
		a := answers[0]
		answers = answers[1:]
		return []byte(a), nil
	}
	code := c.main(args)
	return result{code, out.String(), errOut.String()}
}

// writeFile writes a file in t's temporary folder and returns its path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// yessignNPKI makes an NPKI folder holding the yessign test certificate and key as
// Korean software lays it out, and returns the root and the certificate folder.
func yessignNPKI(t *testing.T) (root, dir string) {
	t.Helper()
	root = filepath.Join(t.TempDir(), "NPKI")
	cert, err := x509.ParseCertificate(mustRead(t, "testdata/yessign-test/signCert.der"))
	if err != nil {
		t.Fatal(err)
	}
	dir, err = npki.CertDir(root, cert)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{signCertFile, signKeyFile} {
		if err := os.WriteFile(filepath.Join(dir, f), mustRead(t, "testdata/yessign-test/"+f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return root, dir
}

// testPassword passes the Korean password policy.
const testPassword = "Test-pass-1234"

var (
	leafKeyOnce sync.Once
	leafKey     *rsa.PrivateKey
	caKey       *rsa.PrivateKey
)

// testKeys returns an RSA-2048 key for test leaves and one for the test CA, made once.
func testKeys(t *testing.T) (leaf, ca *rsa.PrivateKey) {
	t.Helper()
	leafKeyOnce.Do(func() {
		var err error
		if leafKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if caKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return leafKey, caKey
}

// testCert describes a certificate a test issues itself.
type testCert struct {
	CN        string // e.g. "홍길동()0020041200806232804005"
	Inst      string // second OU
	Serial    int64
	NotBefore time.Time
	NotAfter  time.Time
	Policy    asn1.ObjectIdentifier // default 1.2.410.200005.1.1.1
	IDN       string                // "" for no VID
	R         []byte                // default a fixed 20 bytes
	NoR       bool                  // write the key file without R
}

var testR = []byte{0x78, 0x58, 0xb4, 0x32, 0x83, 0x90, 0x80, 0x51, 0x29, 0xf0, 0x1c, 0x97, 0xfe, 0x6c, 0xa4, 0xa5, 0x20, 0xcb, 0xd4, 0x79}

// issue makes a Korean-profile certificate from a throwaway test CA and writes it with
// its key file (R inside, under testPassword) into root/yessign/USER/<folder>.
func issue(t *testing.T, root string, tc testCert) (dir string, cert *x509.Certificate) {
	t.Helper()
	leaf, ca := testKeys(t)
	if tc.R == nil {
		tc.R = testR
	}
	if tc.Policy == nil {
		tc.Policy = asn1.ObjectIdentifier{1, 2, 410, 200005, 1, 1, 1}
	}
	if tc.NotBefore.IsZero() {
		tc.NotBefore = time.Date(2026, 1, 10, 0, 0, 0, 0, kst)
		tc.NotAfter = time.Date(2027, 1, 10, 23, 59, 59, 0, kst)
	}
	// Each OU its own RDN, as Korean subjects are (KOREAN-PKI.md section 6).
	rdn := func(oid asn1.ObjectIdentifier, v string) pkix.RelativeDistinguishedNameSET {
		return pkix.RelativeDistinguishedNameSET{{Type: oid, Value: v}}
	}
	subject, err := asn1.Marshal(pkix.RDNSequence{
		rdn(asn1.ObjectIdentifier{2, 5, 4, 6}, "kr"),
		rdn(oidO, "yessign"),
		rdn(oidOU, "personal4IB"),
		rdn(oidOU, tc.Inst),
		rdn(asn1.ObjectIdentifier{2, 5, 4, 3}, tc.CN),
	})
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Country: []string{"kr"}, Organization: []string{"yessign"}, CommonName: "certctl test CA"},
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, kst),
		NotAfter:              time.Date(2040, 1, 1, 0, 0, 0, 0, kst),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &ca.PublicKey, ca)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	skid := sha1.Sum(x509.MarshalPKCS1PublicKey(&leaf.PublicKey))
	tmpl := &x509.Certificate{
		SerialNumber:       big.NewInt(tc.Serial),
		RawSubject:         subject,
		NotBefore:          tc.NotBefore,
		NotAfter:           tc.NotAfter,
		KeyUsage:           x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		Policies:           []x509.OID{policyOID(t, tc.Policy)},
		SubjectKeyId:       skid[:],
		SignatureAlgorithm: x509.SHA256WithRSA,
	}
	if tc.IDN != "" {
		vid, err := npki.VID(crypto.SHA256, tc.IDN, tc.R)
		if err != nil {
			t.Fatal(err)
		}
		san, err := npki.MarshalSAN(npki.IdentifyData{RealName: displayName(tc.CN), HashAlg: crypto.SHA256, VID: vid})
		if err != nil {
			t.Fatal(err)
		}
		tmpl.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 17}, Value: san}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &leaf.PublicKey, ca)
	if err != nil {
		t.Fatal(err)
	}
	cert, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pk := &npki.PrivateKey{Key: leaf, RandomNum: tc.R}
	if tc.NoR {
		pk.RandomNum = nil
	}
	key, err := npki.EncryptKeyFile(pk, []byte(testPassword),
		&npki.EncryptOptions{Scheme: npki.SEEDCBCWithSHA1})
	if err != nil {
		t.Fatal(err)
	}
	dir, err = npki.CertDir(root, cert)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for f, b := range map[string][]byte{signCertFile: der, signKeyFile: key} {
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, cert
}

func TestUsageAndUnknownCommand(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{[]string{"help"}, exitOK, "usage:", ""},
		{[]string{"--help"}, exitOK, "usage:", ""},
		{nil, exitError, "", "usage:"},
		{[]string{"frobnicate"}, exitError, "", `certctl: error: unknown command "frobnicate"`},
		{[]string{"list", "--bogus"}, exitError, "", "certctl: error: list: provided but not defined: -bogus"},
		{[]string{"show"}, exitError, "", "certctl: error: show: missing SELECTOR"},
		{[]string{"list", "extra"}, exitError, "", "unexpected arguments: extra"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, map[string]string{"CERTCTL_NPKI_DIR": t.TempDir()}, "", tt.args...)
			if r.code != tt.wantCode || !strings.Contains(r.stdout, tt.wantOut) || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, r.code, r.stdout, r.stderr, tt.wantCode, tt.wantOut, tt.wantErr)
			}
		})
	}
}

func TestParseFlagsInterspersed(t *testing.T) {
	fs := newFlags("x")
	j := fs.Bool("json", false, "")
	d := fs.String("npki-dir", "", "")
	pos, err := parseFlags(fs, []string{"a", "--json", "b", "--npki-dir", "D", "--", "--c"})
	if err != nil || !*j || *d != "D" || strings.Join(pos, " ") != "a b --c" {
		t.Errorf("parseFlags = %q, %v (json %v, dir %q)", pos, err, *j, *d)
	}
}

func policyOID(t *testing.T, oid asn1.ObjectIdentifier) x509.OID {
	t.Helper()
	ints := make([]uint64, len(oid))
	for i, n := range oid {
		ints[i] = uint64(n)
	}
	o, err := x509.OIDFromInts(ints)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
