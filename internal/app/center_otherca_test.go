package app_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/testenv"
	"github.com/certcenter/certcenter/npki"
)

// outsideCA is another CA on the center's trust list (as banks trust KICA or SignKorea
// certificates besides their own CA's), whose OCSP is answered by the openssl CLI.
type outsideCA struct {
	t        *testing.T
	key      *rsa.PrivateKey
	cert     *x509.Certificate
	caPEM    string
	keyPEM   string
	port     string
	stop     func()
	ocspNMin int
}

func newOutsideCA(t *testing.T) *outsideCA {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{Country: []string{"KR"}, Organization: []string{"OtherSign"}, CommonName: "OtherSign Class 2"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(48 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	cert, _ := x509.ParseCertificate(der)
	dir := t.TempDir()
	o := &outsideCA{t: t, key: key, cert: cert, port: testenv.FreePort(t), caPEM: filepath.Join(dir, "ca.pem"), keyPEM: filepath.Join(dir, "ca.key"), ocspNMin: 1}
	os.WriteFile(o.caPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(o.keyPEM, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	return o
}

// leaf issues a Korean-style certificate for the subscriber key with the VID of idn and R.
func (o *outsideCA) leaf(serial int64, idn string, r []byte) issuedJSON {
	vid, _ := npki.VID(crypto.SHA256, idn, r)
	san, _ := npki.MarshalSAN(npki.IdentifyData{RealName: "홍길동", HashAlg: crypto.SHA256, VID: vid})
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: fmt.Sprintf("홍길동()00881042026112600%05d", serial)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment, OCSPServer: []string{"http://127.0.0.1:" + o.port},
		ExtraExtensions: []pkix.Extension{{Id: []int{2, 5, 29, 17}, Value: san}}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, o.cert, subscriberKey(o.t).Public(), o.key)
	if err != nil {
		o.t.Fatal(err)
	}
	return issuedJSON{Certificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		Chain: []string{string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: o.cert.Raw}))}, Serial: fmt.Sprintf("%x", serial)}
}

// serve (re)starts the responder with the statuses given: serial → "" (good) or a reason.
func (o *outsideCA) serve(statuses map[int64]string) {
	if o.stop != nil {
		o.stop()
	}
	index := ""
	for serial, reason := range statuses {
		if reason == "" {
			index += testenv.IndexLine("V", time.Now().Add(24*time.Hour), "", fmt.Sprintf("%X", serial), fmt.Sprintf("/CN=leaf%d", serial))
		} else {
			index += testenv.IndexLine("R", time.Now().Add(24*time.Hour), time.Now().Add(-time.Minute).UTC().Format("060102150405Z")+","+reason, fmt.Sprintf("%X", serial), fmt.Sprintf("/CN=leaf%d", serial))
		}
	}
	o.stop = testenv.StartOCSP(o.t, o.port, index, o.caPEM, o.keyPEM, o.ocspNMin).Stop
}

// TestRegisterOutsideCACertificate: a certificate of another CA on the trust list is
// registered after its CA's OCSP says good; one it says revoked is refused; when nobody
// answers the registration is refused as unknown; one revoked later shows as revoked.
func TestRegisterOutsideCACertificate(t *testing.T) {
	o := newOutsideCA(t)
	e := newEnvWith(t, "sqlite", func(c *config.Config) { c.Center.TrustedRoots = []string{o.caPEM} })
	r, _ := hex.DecodeString("0102030405060708090a0b0c0d0e0f1011121314")
	good, revoked, later := o.leaf(11, idnHong, r), o.leaf(12, idnHong, r), o.leaf(13, idnHong, r)
	o.serve(map[int64]string{11: "", 12: "keyCompromise", 13: ""})
	at902 := e.customer("902", "홍길동", idnHong)
	rHex := hex.EncodeToString(r)

	st, m, reg := e.register("902", at902.ID, good, nil, rHex)
	if st != http.StatusCreated || reg["status"] != "valid" {
		t.Fatalf("register an outside CA's good certificate = %d %v %v", st, m, reg)
	}
	st, m, _ = e.register("902", at902.ID, revoked, nil, rHex)
	wantProblem(t, "register a certificate its CA says is revoked", st, m, http.StatusConflict, "CERT_REVOKED")

	o.stop()
	st, m, _ = e.register("902", at902.ID, later, nil, rHex)
	wantProblem(t, "register while the outside CA's OCSP is down", st, m, http.StatusServiceUnavailable, "REVOCATION_UNKNOWN")

	// The first one is revoked by its CA afterwards: once the cached answer's
	// nextUpdate (1 minute) has passed, the list shows it.
	o.serve(map[int64]string{11: "keyCompromise", 13: ""})
	defer e.at(e.clock.Now().Add(70 * time.Second))()
	var out struct{ Registrations []map[string]any }
	if st, m := e.do("GET", "/api/v1/registrations?customer="+at902.ID, e.keys["902"], nil, &out); st != 200 || len(out.Registrations) != 1 {
		t.Fatalf("list = %d %v", st, m)
	}
	if got := out.Registrations[0]["status"]; got != "revoked" {
		t.Errorf("outside certificate revoked later shows as %v", got)
	}
}
