package centerweb_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/web/webtest"
	"github.com/certcenter/certcenter/npki"
)

// buildCertctl builds cmd/certctl for the test.
func buildCertctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "certctl")
	out, err := exec.Command("go", "build", "-o", bin, "../../../cmd/certctl").CombinedOutput()
	if err != nil {
		t.Fatalf("build certctl: %v\n%s", err, out)
	}
	return bin
}

// TestCopyJourney copies a certificate browser → certctl, certctl → browser, and
// browser → browser through the relay, each side showing the same confirmation number;
// a second copy to a device that has the certificate is reported back as refused.
func TestCopyJourney(t *testing.T) {
	srv, rc := start(t)
	certctl := buildCertctl(t)
	npkiDir := t.TempDir()
	env := append(os.Environ(), "CERTCTL_NPKI_DIR="+npkiDir, "CERTCTL_CACHE_DIR="+t.TempDir(), "LANG=en_US.UTF-8")

	a := webtest.New(t, webtest.Desktop)
	a.Go(srv.URL + "/901/?lang=en")
	serial := issue(t, a, srv, "banking")
	issued := browserCerts(t, a)[0]

	// Browser → certctl.
	recv := exec.Command(certctl, "copy", "receive", "--server", srv.URL, "--json")
	recv.Env = env
	stdout, _ := recv.StdoutPipe()
	var recvErr bytes.Buffer
	recv.Stderr = &recvErr
	if err := recv.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	var code string
	for lines.Scan() {
		var ev map[string]any
		if json.Unmarshal(lines.Bytes(), &ev) == nil && ev["event"] == "code" {
			code = ev["code"].(string)
			break
		}
	}
	if code == "" {
		t.Fatalf("certctl copy receive showed no code: %s", recvErr.String())
	}
	a.Go(srv.URL + "/901/copy")
	pick(t, a, serial)
	a.Type("#send-code", code)
	a.Click("#send-btn")
	number := a.WaitFilled("#send-confirm", 30*time.Second)
	var confirmation string
	for lines.Scan() {
		var ev map[string]any
		if json.Unmarshal(lines.Bytes(), &ev) == nil && ev["event"] == "confirmation" {
			confirmation = ev["number"].(string)
			break
		}
	}
	if confirmation == "" || confirmation != number {
		t.Fatalf("confirmation numbers differ: browser %q, certctl %q", number, confirmation)
	}
	a.Shot("send-confirm")
	a.Click("#send-confirm-yes")
	a.WaitText("#send-status", "saved", 30*time.Second)
	a.Shot("sent-to-certctl")
	io.Copy(io.Discard, stdout)
	if err := recv.Wait(); err != nil {
		t.Fatalf("certctl copy receive: %v\n%s", err, recvErr.String())
	}
	entries, _, err := npki.List(npkiDir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("certctl's NPKI folder has %d certificates (%v)", len(entries), err)
	}
	got, _ := os.ReadFile(filepath.Join(entries[0].Dir, "signPri.key"))
	if !bytes.Equal(got, issued.KeyFile) {
		t.Errorf("certctl stored a different signPri.key than the browser's")
	}
	openKey(t, got, goodPW)

	// certctl → a fresh browser.
	b := webtest.New(t, webtest.Phone)
	b.Go(srv.URL + "/901/copy?lang=ko")
	b.Click("#receive-btn")
	shown := b.WaitText("#receive-code", "-", 30*time.Second)
	b.Shot("receive-code")
	send := exec.Command(certctl, "copy", "send", "1", "--server", srv.URL, "--code", shown, "--json")
	send.Env = env
	stdin, _ := send.StdinPipe()
	var sendOut, sendErr bytes.Buffer
	send.Stdout, send.Stderr = &sendOut, &sendErr
	if err := send.Start(); err != nil {
		t.Fatal(err)
	}
	number = b.WaitFilled("#receive-confirm", 30*time.Second)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(strings.ReplaceAll(sendErr.String(), " ", ""), strings.TrimSpace(number)) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	io.WriteString(stdin, "y\n")
	if err := send.Wait(); err != nil {
		t.Fatalf("certctl copy send: %v\n%s\n%s", err, sendOut.String(), sendErr.String())
	}
	b.WaitText("#receive-status", "저장했습니다", 30*time.Second)
	b.Shot("received-from-certctl")
	if got := browserCerts(t, b); len(got) != 1 || !bytes.Equal(got[0].KeyFile, issued.KeyFile) || !bytes.Equal(got[0].Cert, issued.Cert) {
		t.Fatalf("the second browser holds %d certificates, not the one sent", len(got))
	}

	// Browser → browser, to one that already has it: the sender learns it was refused.
	b.Go(srv.URL + "/901/copy")
	b.Click("#receive-btn")
	shown = b.WaitText("#receive-code", "-", 30*time.Second)
	a.Go(srv.URL + "/901/copy")
	pick(t, a, serial)
	a.Type("#send-code", shown)
	a.Click("#send-btn")
	if x, y := a.WaitFilled("#send-confirm", 30*time.Second), b.WaitFilled("#receive-confirm", 30*time.Second); x != y {
		t.Fatalf("browser confirmation numbers differ: %q and %q", x, y)
	}
	a.Click("#send-confirm-yes")
	a.WaitText("#send-status", "already has", 30*time.Second)
	a.Shot("refused-exists")

	key, _ := openKey(t, issued.KeyFile, goodPW)
	rc.none(t, "private key", key)
	rc.none(t, "key-file password", []byte(goodPW))
	rc.none(t, "encrypted key file", issued.KeyFile) // only ciphertext crosses the relay
}
