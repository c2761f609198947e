package centerweb_test

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certcenter/certcenter/internal/testenv"
	"github.com/certcenter/certcenter/internal/web/webtest"
	"github.com/certcenter/certcenter/npki"
)

// TestExportImportInterop: the files the browser writes (an NPKI folder zip, a PKCS#12
// file) open in certctl and OpenSSL with R intact, and what certctl writes imports
// into another browser.
func TestExportImportInterop(t *testing.T) {
	openssl := testenv.OpenSSL(t)
	srv, _ := start(t)
	certctl := buildCertctl(t)
	a := webtest.New(t, webtest.Desktop)
	a.Go(srv.URL + "/901/?lang=ko")
	issue(t, a, srv, "banking")
	rec := browserCerts(t, a)[0]
	_, r := openKey(t, rec.KeyFile, goodPW)

	// NPKI folder zip from the management page.
	a.Go(srv.URL + "/901/manage")
	a.Click("#cert-table button")
	a.WaitFilled("#view-details", 10*time.Second)
	a.Shot("details")
	a.Click("#verify-cert")
	a.Type("#verify-password", goodPW)
	a.Click("#verify-go")
	a.WaitText("#manage-status", "짝이 맞습니다", 20*time.Second)
	a.Click("#export-zip")
	zipPath := a.Download("*.zip", 30*time.Second)
	root := t.TempDir()
	unzip(t, zipPath, root)
	entries, _, err := npki.List(filepath.Join(root, "NPKI"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("the zip holds %d certificates (%v)", len(entries), err)
	}
	if !strings.Contains(entries[0].Dir, filepath.Join("NPKI", "certcenter", "USER", "cn=홍길동()")) {
		t.Errorf("zip layout %s is not NPKI/<CA>/USER/<subject>", entries[0].Dir)
	}
	out, err := exec.Command(certctl, "list", "--npki-dir", filepath.Join(root, "NPKI")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "홍길동") {
		t.Fatalf("certctl list on the browser's zip: %v\n%s", err, out)
	}

	// PKCS#12 in the Korean form.
	a.Click("#export-pfx")
	a.Type("#pfx-password", goodPW)
	a.Click("#export-pfx-go")
	pfxPath := a.Download("*.pfx", 30*time.Second)
	info, err := exec.Command(openssl, "pkcs12", "-info", "-legacy", "-noout", "-in", pfxPath, "-passin", "pass:"+goodPW).CombinedOutput()
	if err != nil || !strings.Contains(string(info), "pbeWithSHA1And3-KeyTripleDES-CBC") || !strings.Contains(string(info), "Iteration 1024") {
		t.Fatalf("openssl pkcs12 -info on the browser's PFX: %v\n%s", err, info)
	}
	pfxBytes, _ := os.ReadFile(pfxPath)
	p, err := npki.DecodePFX(pfxBytes, []byte(goodPW))
	if err != nil || !bytes.Equal(p.Key.RandomNum, r) {
		t.Fatalf("the PFX lost R or does not open: %v", err)
	}

	// certctl's files (the two files of its NPKI folder) and the PFX into a new browser.
	b := webtest.New(t, webtest.Phone)
	b.Go(srv.URL + "/901/manage?lang=en")
	files := []string{filepath.Join(entries[0].Dir, "signCert.der"), filepath.Join(entries[0].Dir, "signPri.key")}
	b.Do("choose files", chromedp.SetUploadFiles(chromedp.CSS("#import-files"), files))
	b.Click("#import-go")
	b.WaitText("#manage-status", "Imported 1", 30*time.Second)
	b.WaitText("#cert-table", "홍길동", 10*time.Second)
	b.Shot("imported")
	got := browserCerts(t, b)
	if len(got) != 1 || !bytes.Equal(got[0].KeyFile, rec.KeyFile) {
		t.Fatalf("the imported key file differs from certctl's")
	}
	c := webtest.New(t, webtest.Desktop)
	c.Go(srv.URL + "/901/manage")
	c.Do("choose the PFX", chromedp.SetUploadFiles(chromedp.CSS("#import-files"), []string{pfxPath}))
	c.Type("#import-password", goodPW)
	c.Click("#import-go")
	c.WaitText("#manage-status", "1", 30*time.Second)
	got = browserCerts(t, c)
	if len(got) != 1 {
		t.Fatalf("the PFX import left %d certificates", len(got))
	}
	if _, r2 := openKey(t, got[0].KeyFile, goodPW); !bytes.Equal(r2, r) {
		t.Errorf("R did not survive the PKCS#12 round trip")
	}
}

func unzip(t *testing.T, path, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		rc.Close()
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
