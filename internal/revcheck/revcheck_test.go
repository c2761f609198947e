package revcheck

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/certcenter/certcenter/internal/testenv"
)

// otherCA is a certificate authority that is not certcenter, with its OCSP answered by
// the openssl CLI (an independent responder) and its CRL served over HTTP.
type otherCA struct {
	key      *rsa.PrivateKey
	cert     *x509.Certificate
	dir      string
	ocspURL  string
	crlURL   string
	crl      []byte
	stopOCSP func()
}

func newOtherCA(t *testing.T) *otherCA {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{Country: []string{"KR"}, Organization: []string{"OtherSign"}, CommonName: "OtherSign Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &otherCA{key: key, cert: cert, dir: t.TempDir()}
}

func (o *otherCA) leaf(t *testing.T, serial int64) *x509.Certificate {
	t.Helper()
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: fmt.Sprintf("leaf %d", serial)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(12 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		OCSPServer: []string{o.ocspURL}, CRLDistributionPoints: []string{o.crlURL}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, o.cert, k.Public(), o.key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

// startOCSP runs openssl as the CA's responder.
func (o *otherCA) startOCSP(t *testing.T, port, index string) {
	t.Helper()
	write := func(name string, b []byte) string {
		p := filepath.Join(o.dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caPEM := write("ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: o.cert.Raw}))
	keyPEM := write("ca.key", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(o.key)}))
	o.stopOCSP = testenv.StartOCSP(t, port, index, caPEM, keyPEM, 10).Stop
}

func indexLine(status string, c *x509.Certificate, revoked string) string {
	return testenv.IndexLine(status, c.NotAfter, revoked, fmt.Sprintf("%X", c.SerialNumber), "/CN="+c.Subject.CommonName)
}

func TestCheckAgainstOpenSSLResponder(t *testing.T) {
	o := newOtherCA(t)
	port := testenv.FreePort(t)
	o.ocspURL = "http://127.0.0.1:" + port
	crlSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(o.crl) }))
	defer crlSrv.Close()
	o.crlURL = crlSrv.URL + "/other.crl"
	good, revoked, onCRL := o.leaf(t, 1001), o.leaf(t, 1002), o.leaf(t, 1003)
	revokedAt := time.Now().Add(-30 * time.Minute).UTC()
	o.startOCSP(t, port, indexLine("V", good, "")+indexLine("R", revoked, revokedAt.Format("060102150405Z")+",keyCompromise"))
	crl, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(7), ThisUpdate: time.Now().Add(-time.Minute),
		NextUpdate: time.Now().Add(time.Hour), RevokedCertificateEntries: []x509.RevocationListEntry{
			{SerialNumber: onCRL.SerialNumber, RevocationTime: revokedAt, ReasonCode: 4}}}, o.cert, o.key)
	if err != nil {
		t.Fatal(err)
	}
	o.crl = crl

	c := &Checker{HTTP: &http.Client{Timeout: 5 * time.Second}}
	r := c.Check(good, o.cert)
	if r.Status != Good || r.Source != "ocsp" || r.Cached {
		t.Errorf("good certificate = %+v", r)
	}
	if r := c.Check(good, o.cert); !r.Cached || r.Status != Good {
		t.Errorf("second check = %+v, want the cached OCSP answer", r)
	}
	r = c.Check(revoked, o.cert)
	if r.Status != Revoked || r.Reason != "keyCompromise" || r.RevokedAt == nil || !r.RevokedAt.Equal(revokedAt.Truncate(time.Second)) {
		t.Errorf("revoked certificate = %+v", r)
	}
	// openssl answers "unknown" for a serial not in its index: then the CRL decides.
	r = c.Check(onCRL, o.cert)
	if r.Status != Revoked || r.Source != "crl" || r.Reason != "superseded" || !strings.Contains(r.OCSPError, "does not know") {
		t.Errorf("certificate known only to the CRL = %+v", r)
	}
	// The responder is down: the CRL answers.
	o.stopOCSP()
	r = (&Checker{HTTP: &http.Client{Timeout: 2 * time.Second}}).Check(good, o.cert)
	if r.Status != Good || r.Source != "crl" || r.OCSPError == "" {
		t.Errorf("OCSP down = %+v, want good from the CRL", r)
	}
	// Both down: unknown, with both reasons.
	crlSrv.Close()
	r = (&Checker{HTTP: &http.Client{Timeout: 2 * time.Second}}).Check(good, o.cert)
	if r.Status != Unknown || r.OCSPError == "" || r.CRLError == "" {
		t.Errorf("both down = %+v, want unknown", r)
	}
}

func TestCRLFromAnotherIssuerIsRefused(t *testing.T) {
	o, impostor := newOtherCA(t), newOtherCA(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(o.crl) }))
	defer srv.Close()
	o.ocspURL, o.crlURL = "http://127.0.0.1:1/none", srv.URL
	leaf := o.leaf(t, 5)
	// An empty CRL signed by someone else must not make the certificate "good".
	crl, _ := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: time.Now(),
		NextUpdate: time.Now().Add(time.Hour)}, impostor.cert, impostor.key)
	o.crl = crl
	if r := (&Checker{HTTP: &http.Client{Timeout: 2 * time.Second}}).Check(leaf, o.cert); r.Status != Unknown || !strings.Contains(r.CRLError, "signature") {
		t.Errorf("CRL signed by another CA = %+v, want unknown", r)
	}
}

// A cached "good" is used for GoodCacheMax at most, whatever the answer's nextUpdate (a
// day here), so a revocation or a suspension shows within minutes; a revocation stays
// cached; Forget drops an answer (issue 18 item 7).
func TestCachedGoodIsShortLived(t *testing.T) {
	o := newOtherCA(t)
	now := time.Now()
	var status, hits int
	reason := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		b, err := ocsp.CreateResponse(o.cert, o.cert, ocsp.Response{Status: status, SerialNumber: big.NewInt(7),
			ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(24 * time.Hour), RevokedAt: now.Add(-time.Minute),
			RevocationReason: reason}, o.key)
		if err != nil {
			t.Error(err)
		}
		w.Write(b)
	}))
	defer srv.Close()
	o.ocspURL, o.crlURL = srv.URL, "http://127.0.0.1:1/none.crl"
	leaf := o.leaf(t, 7)
	at := now
	for _, dir := range []string{"", t.TempDir()} {
		c := &Checker{HTTP: &http.Client{Timeout: 5 * time.Second}, CacheDir: dir, Now: func() time.Time { return at }}
		at, hits, status, reason = now, 0, ocsp.Good, 0
		check := func(step string, wantStatus string, wantCached, wantSuspended bool) {
			t.Helper()
			r := c.Check(leaf, o.cert)
			if r.Status != wantStatus || r.Cached != wantCached || r.Suspended != wantSuspended {
				t.Errorf("dir %q, %s: %+v, want %s cached %v suspended %v", dir, step, r, wantStatus, wantCached, wantSuspended)
			}
		}
		check("first", Good, false, false)
		at = now.Add(GoodCacheMax - time.Second)
		check("within the bound", Good, true, false)
		status, reason = ocsp.Revoked, ocsp.CertificateHold // suspended meanwhile
		at = now.Add(GoodCacheMax)
		check("past the bound", Revoked, false, true)
		at = now.Add(GoodCacheMax + 2*time.Minute)
		check("suspension, cached", Revoked, true, true)
		at = now.Add(2*GoodCacheMax + time.Second)
		reason = ocsp.KeyCompromise
		check("suspension past the bound", Revoked, false, false)
		at = now.Add(3 * time.Hour)
		check("revocation, cached", Revoked, true, false)
		c.Forget(leaf)
		check("forgotten", Revoked, false, false)
		off := &Checker{HTTP: c.HTTP, CacheDir: dir, Now: c.Now, Offline: true, mem: c.mem}
		before := hits
		if r := off.Check(leaf, o.cert); r.Status != Revoked || !r.Cached || hits != before {
			t.Errorf("dir %q, offline: %+v (hits %d → %d), want the cached revocation and no request", dir, r, before, hits)
		}
		off.Forget(leaf)
		if r := off.Check(leaf, o.cert); r.Status != Unknown || hits != before {
			t.Errorf("dir %q, offline, nothing cached: %+v, want unknown and no request", dir, r)
		}
	}
}
