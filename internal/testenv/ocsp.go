package testenv

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// OCSPResponder is `openssl ocsp` answering for a CA from an index file: an OCSP
// responder that is not ours, for tests of relying-party code.
type OCSPResponder struct {
	URL  string
	Stop func()
}

// IndexLine is one line of an openssl CA index: status "V" (valid) or "R" (revoked,
// with revoked = "YYMMDDHHMMSSZ[,reason]"), expiry, serial in hex, subject.
func IndexLine(status string, notAfter time.Time, revoked string, serialHex, subject string) string {
	return fmt.Sprintf("%s\t%s\t%s\t%s\tunknown\t%s\n", status, notAfter.UTC().Format("060102150405Z"), revoked, strings.ToUpper(serialHex), subject)
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// StartOCSP runs `openssl ocsp -index` on port (FreePort) for the CA (PEM files caPEM and keyPEM, the CA
// signing its own responses) with nextUpdate nmin minutes ahead, until the test ends
// or Stop is called. It waits for the responder's "waiting for OCSP client" line
// rather than probing the port: it serves one connection at a time, and a probe that
// connects and says nothing holds it up.
func StartOCSP(t testing.TB, port, index, caPEM, keyPEM string, nmin int) *OCSPResponder {
	t.Helper()
	bin := OpenSSL(t)
	idx := filepath.Join(t.TempDir(), "index.txt")
	if err := os.WriteFile(idx, []byte(index), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "ocsp", "-index", idx, "-port", port, "-rsigner", caPEM, "-rkey", keyPEM, "-CA", caPEM,
		"-nmin", fmt.Sprint(nmin), "-ignore_err")
	out, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &OCSPResponder{URL: "http://127.0.0.1:" + port}
	stopped := false
	r.Stop = func() {
		if !stopped {
			stopped = true
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	t.Cleanup(r.Stop)
	ready := make(chan struct{})
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
			if !signalled && strings.Contains(sc.Text(), "waiting for OCSP client") {
				close(ready)
				signalled = true
			}
		}
		close(lines)
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		r.Stop()
		var said []string
		for l := range lines {
			said = append(said, l)
		}
		t.Fatalf("openssl ocsp on port %s did not start: %s", port, strings.Join(said, " | "))
	}
	return r
}
