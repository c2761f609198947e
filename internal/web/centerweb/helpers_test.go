package centerweb_test

import (
	"crypto/x509"
	"encoding/base64"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/webtest"
	"github.com/certcenter/certcenter/npki"
)

// browserCert is one record of the browser's IndexedDB store, as bytes.
type browserCert struct {
	ID      string
	Cert    []byte
	KeyFile []byte
}

// browserCerts reads the browser's certificate store.
func browserCerts(t *testing.T, b *webtest.Browser) []browserCert {
	t.Helper()
	type rec struct{ ID, Cert, KeyFile string }
	list := webtest.Eval[[]rec](b, `new Promise((resolve) => {
  const q = indexedDB.open('certcenter', 1);
  q.onupgradeneeded = () => q.result.createObjectStore('certs', { keyPath: 'id' });
  q.onsuccess = () => {
    const g = q.result.transaction('certs').objectStore('certs').getAll();
    const b64 = (u) => btoa(String.fromCharCode(...u));
    g.onsuccess = () => resolve(g.result.map((r) => ({ ID: r.id, Cert: b64(r.cert), KeyFile: b64(r.keyFile) })));
  };
})`)
	var out []browserCert
	for _, r := range list {
		c, _ := base64.StdEncoding.DecodeString(r.Cert)
		k, _ := base64.StdEncoding.DecodeString(r.KeyFile)
		out = append(out, browserCert{ID: r.ID, Cert: c, KeyFile: k})
	}
	return out
}

// openKey decrypts a browser key file as certctl would and returns the key's PKCS#8
// DER and R.
func openKey(t *testing.T, keyFile []byte, password string) (pkcs8, r []byte) {
	t.Helper()
	k, err := npki.DecryptKeyFile(keyFile, []byte(password))
	if err != nil {
		t.Fatalf("the browser's signPri.key does not open with npki: %v", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.Key)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.RandomNum) != 20 {
		t.Errorf("R has %d bytes, want 20", len(k.RandomNum))
	}
	return der, k.RandomNum
}

// stored returns the server's record of a certificate.
func stored(t *testing.T, srv *apptest.Server, serialHex string) model.Certificate {
	t.Helper()
	s, err := model.ParseSerial(serialHex)
	if err != nil {
		t.Fatal(err)
	}
	c, err := srv.App.CA.Certificate(t.Context(), s)
	if err != nil {
		t.Fatalf("the server has no certificate %s: %v", serialHex, err)
	}
	return c
}

// waitStatus waits for the status line id to say something, and returns it.
func waitStatus(t *testing.T, b *webtest.Browser, id string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if s := b.Text("#" + id); s != "" && s != "…" {
			return s
		}
		time.Sleep(150 * time.Millisecond)
	}
	b.Shot("timeout-" + id)
	t.Fatalf("#%s stayed empty", id)
	return ""
}
