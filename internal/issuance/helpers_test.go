package issuance

import (
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/npki"
)

// countingSigner counts the calls to the real key.
type countingSigner struct {
	crypto.Signer
	n atomic.Int64
}

func (c *countingSigner) Sign(r io.Reader, digest []byte, o crypto.SignerOpts) ([]byte, error) {
	c.n.Add(1)
	return c.Signer.Sign(r, digest, o)
}

// testNow is the fixed clock of the tests: 25 March 2026, 10:30 KST.
var testNow = time.Date(2026, 3, 25, 10, 30, 0, 0, kst)

// The synthetic subject of KOREAN-PKI.md section 5.
const (
	testIDN = "8001011234567"
	testR   = "7858b4328390805129f01c97fe6ca4a520cbd479"
	testVID = "2772f4f45aa885f2528953bbd00b77e71144b378cad1fa0d2fdf2d43ed03847d"
)

var sharedLinter = sync.OnceValues(NewLinter)

func testLinter(t testing.TB) *Linter {
	t.Helper()
	l, err := sharedLinter()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func loadKey(t testing.TB, name string) crypto.Signer {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: no PEM", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return k.(crypto.Signer)
}

func testSerial(b byte) model.Serial {
	s := make(model.Serial, 20)
	for i := range s {
		s[i] = b + byte(i)
	}
	s[0] = 0x40 | b&0x3f
	return s
}

func testProfile() Profile {
	return Profile{
		Organization: "certcenter",
		CPSURI:       "http://localhost:8080/cps",
		BaseURL:      "http://localhost:8080",
	}
}

// testPKI is a root, an issuing CA and their issuers, built through this package.
type testPKI struct {
	rootKey, caKey *countingSigner
	root, ca       *x509.Certificate
	rootIssuer     *Issuer
	issuer         *Issuer
}

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	l := testLinter(t)
	p := &testPKI{
		rootKey: &countingSigner{Signer: loadKey(t, "root-rsa2048.key")},
		caKey:   &countingSigner{Signer: loadKey(t, "ca-rsa2048.key")},
	}
	nb, na := ValidityFrom(testNow.AddDate(0, -1, 0), 20)
	rootDER, err := SelfSignRoot(p.rootKey, CARequest{
		Serial:    testSerial(1),
		Subject:   CAName("KR", "KISA", "Korea Certification Authority Central", "certcenter Demo RootCA"),
		NotBefore: nb, NotAfter: na,
	}, l)
	if err != nil {
		t.Fatalf("SelfSignRoot: %v", err)
	}
	if p.root, err = x509.ParseCertificate(rootDER); err != nil {
		t.Fatal(err)
	}
	p.rootIssuer, err = New(Config{ID: "root", Cert: p.root, Signer: p.rootKey, Profile: testProfile(),
		CertURL: "http://localhost:8080/pki/root.crt", Linter: l})
	if err != nil {
		t.Fatalf("New(root): %v", err)
	}
	nb, na = ValidityFrom(testNow.AddDate(0, -1, 0), 10)
	caDER, err := p.rootIssuer.IssueIntermediate(CARequest{
		Serial:    testSerial(2),
		Subject:   CAName("kr", "certcenter", "AccreditedCA", "certcenterCA Demo Class 1"),
		PublicKey: p.caKey.Public(),
		NotBefore: nb, NotAfter: na,
	})
	if err != nil {
		t.Fatalf("IssueIntermediate: %v", err)
	}
	if p.ca, err = x509.ParseCertificate(caDER); err != nil {
		t.Fatal(err)
	}
	p.issuer, err = New(Config{ID: "issuing", Cert: p.ca, Signer: p.caKey, Profile: testProfile(), Linter: l})
	if err != nil {
		t.Fatalf("New(issuing): %v", err)
	}
	p.rootKey.n.Store(0)
	p.caKey.n.Store(0)
	return p
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// honggildong is the synthetic subscriber 홍길동 at institution 020 (WOORI), personal
// banking, VID from IDN 8001011234567 and R of KOREAN-PKI.md section 5.
func honggildong(t testing.TB) Request {
	t.Helper()
	vid, err := npki.VID(crypto.SHA256, testIDN, mustHex(testR))
	if err != nil {
		t.Fatal(err)
	}
	nb, na := ValidityFrom(testNow, 1)
	return Request{
		Serial:          testSerial(0x21),
		PublicKey:       loadKey(t, "subscriber-rsa2048.key").Public(),
		Kind:            model.Personal,
		Usage:           model.Banking,
		Name:            "홍길동",
		InstitutionCode: "020",
		InstitutionOU:   "WOORI",
		Sequence:        2804005,
		VID:             vid,
		NotBefore:       nb,
		NotAfter:        na,
		Partition:       7,
	}
}
