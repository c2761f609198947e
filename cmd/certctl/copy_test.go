package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

const copyPassword = "Copy-test-pw1!"

// receiver runs certctl copy receive --json in the background.
type receiver struct {
	events chan map[string]any
	done   chan result
}

func startReceiver(t testing.TB, env map[string]string, args ...string) *receiver {
	t.Helper()
	pr, pw := io.Pipe()
	rc := &receiver{events: make(chan map[string]any, 8), done: make(chan result, 1)}
	var errOut bytes.Buffer
	go func() {
		code := run(append([]string{"copy", "receive", "--json"}, args...), strings.NewReader(""), pw, &errOut,
			func(k string) string { return env[k] }, func() time.Time { return testNow })
		pw.Close()
		rc.done <- result{code: code, stderr: errOut.String()}
	}()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				rc.events <- ev
			}
		}
		close(rc.events)
	}()
	return rc
}

func (rc *receiver) next(t testing.TB, want string) map[string]any {
	t.Helper()
	select {
	case ev, ok := <-rc.events:
		if !ok {
			r := <-rc.done
			t.Fatalf("receiver ended (exit %d) before event %q: %s", r.code, want, r.stderr)
		}
		if ev["event"] != want {
			t.Fatalf("receiver event %v, want %q", ev, want)
		}
		return ev
	case <-time.After(30 * time.Second):
		t.Fatalf("no receiver event %q within 30 s", want)
	}
	return nil
}

func (rc *receiver) wait(t testing.TB) result {
	t.Helper()
	for range rc.events {
	}
	select {
	case r := <-rc.done:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("receiver did not end within 30 s")
	}
	return result{}
}

// copySetup starts a server and puts one certificate in a source NPKI folder.
func copySetup(t testing.TB) (s *testServer, src, dst, dir string) {
	s = newTestServer(t)
	src, dst = t.TempDir(), t.TempDir()
	dir = writeNPKI(t, src, s.issue(t, "김복사", "8001011234567", 0), copyPassword)
	return s, src, dst, dir
}

// A certificate crosses from one NPKI folder to another through the relay, byte for
// byte; the relay sees neither the key file nor the password, and keeps nothing.
func TestCopyBetweenFolders(t *testing.T) {
	s, src, dst, dir := copySetup(t)
	rc := startReceiver(t, nil, "--server", s.URL, "--npki-dir", dst)
	code := rc.next(t, "code")["code"].(string)
	if len(code) != 14 || code[4] != '-' || code[9] != '-' {
		t.Fatalf("code %q, want 1234-5678-9012", code)
	}
	send := make(chan result, 1)
	go func() {
		send <- runCLI(t, nil, "y\n", "copy", "send", "1", "--server", s.URL, "--code", strings.ReplaceAll(code, "-", " "), "--npki-dir", src)
	}()
	number := rc.next(t, "confirmation")["number"].(string)
	got := <-send
	if got.code != exitOK || !strings.Contains(got.stderr, groupSAS(number)) {
		t.Fatalf("copy send = %d, stdout %q stderr %q; want success showing %s", got.code, got.stdout, got.stderr, groupSAS(number))
	}
	ev := rc.next(t, "received")
	if r := rc.wait(t); r.code != exitOK {
		t.Fatalf("copy receive = %d: %s", r.code, r.stderr)
	}
	gotDir := ev["folder"].(string)
	if relPath(t, dst, gotDir) != relPath(t, src, dir) {
		t.Errorf("received into %s, want the same relative folder as %s", gotDir, dir)
	}
	for _, f := range []string{signCertFile, signKeyFile} {
		if a, b := mustRead(t, filepath.Join(dir, f)), mustRead(t, filepath.Join(gotDir, f)); !bytes.Equal(a, b) {
			t.Errorf("%s differs after the copy", f)
		}
	}
	// The copy is usable with the same password.
	if r := runCLI(t, nil, copyPassword+"\n", "vid", "1", "--idn", "800101-1234567", "--password-file", "-", "--npki-dir", dst); r.code != exitOK {
		t.Errorf("vid on the copy = %d %s %s", r.code, r.stdout, r.stderr)
	}

	key := mustRead(t, filepath.Join(dir, signKeyFile))
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.traffic) == 0 {
		t.Fatal("recorded no relay traffic")
	}
	for _, b := range s.traffic {
		for _, needle := range [][]byte{key, []byte(base64.StdEncoding.EncodeToString(key)), key[len(key)-64:], []byte(copyPassword)} {
			if bytes.Contains(b, needle) {
				t.Fatalf("the relay saw the key file or the password: %.200s", b)
			}
		}
	}
	var n int
	if err := s.App.Store.SQL().QueryRow("SELECT count(*) FROM relay_sessions").Scan(&n); err != nil || n != 0 {
		t.Errorf("relay_sessions holds %d rows after the copy (%v), want 0", n, err)
	}
}

// wrongCode changes the last digit of a shown code.
func wrongCode(code string) string {
	b := []byte(code)
	b[len(b)-1] = '0' + (b[len(b)-1]-'0'+1)%10
	return string(b)
}

func TestCopyWrongCodeThenReuse(t *testing.T) {
	s, src, dst, _ := copySetup(t)
	rc := startReceiver(t, nil, "--server", s.URL, "--npki-dir", dst)
	code := rc.next(t, "code")["code"].(string)
	r := runCLI(t, nil, "y\n", "copy", "send", "1", "--server", s.URL, "--code", wrongCode(code), "--npki-dir", src)
	// A wrong code matches no session (the relay finds them by the whole code) and
	// locks nothing: the user is told to check the digits and send again.
	if r.code != exitError || !strings.Contains(r.stderr, "wrong code") || !strings.Contains(r.stderr, "send again") {
		t.Fatalf("copy send with a wrong code = %d %q", r.code, r.stderr)
	}
	// In Korean, with no English detail.
	r = runCLI(t, map[string]string{"LANG": "ko_KR.UTF-8"}, "y\n", "copy", "send", "1", "--server", s.URL, "--code", wrongCode(code), "--npki-dir", src)
	if r.code != exitError || !strings.Contains(r.stderr, "다시 보내십시오") || strings.Contains(r.stderr, "wrong code") {
		t.Fatalf("copy send with a wrong code (ko) = %d %q", r.code, r.stderr)
	}
	// The right code still works after one wrong try.
	r = runCLI(t, nil, "y\n", "copy", "send", "1", "--server", s.URL, "--code", code, "--npki-dir", src)
	if r.code != exitOK {
		t.Fatalf("copy send = %d %q", r.code, r.stderr)
	}
	if res := rc.wait(t); res.code != exitOK {
		t.Fatalf("copy receive = %d %s", res.code, res.stderr)
	}
	r = runCLI(t, nil, "y\n", "copy", "send", "1", "--server", s.URL, "--code", code, "--npki-dir", src)
	if r.code != exitError || !strings.Contains(r.stderr, "wrong code") {
		t.Errorf("copy send reusing a code = %d %q, want refused", r.code, r.stderr)
	}
}

// Wrong codes do not stop someone else's copy (issue 17: they used to lock the session
// after 5); the right code still works.
func TestCopyFiveWrongCodes(t *testing.T) {
	s, src, dst, _ := copySetup(t)
	rc := startReceiver(t, nil, "--server", s.URL, "--npki-dir", dst)
	code := rc.next(t, "code")["code"].(string)
	for i := 1; i <= 5; i++ {
		b := []byte(code)
		b[len(b)-1] = '0' + (b[len(b)-1]-'0'+byte(i))%10
		r := runCLI(t, nil, "", "copy", "send", "1", "--server", s.URL, "--code", string(b), "--npki-dir", src)
		if r.code != exitError || !strings.Contains(r.stderr, "wrong code") {
			t.Fatalf("copy send with wrong code %d = %d %q", i, r.code, r.stderr)
		}
	}
	r := runCLI(t, nil, "y\n", "copy", "send", "1", "--server", s.URL, "--code", code, "--npki-dir", src)
	if r.code != exitOK {
		t.Errorf("copy send with the right code after 5 wrong = %d %q", r.code, r.stderr)
	}
	if res := rc.wait(t); res.code != exitOK {
		t.Errorf("copy receive = %d %q", res.code, res.stderr)
	}
}

func TestCopyExpiredCode(t *testing.T) {
	s, src, dst, _ := copySetup(t)
	rc := startReceiver(t, nil, "--server", s.URL, "--npki-dir", dst)
	code := rc.next(t, "code")["code"].(string)
	s.advance(5*time.Minute + time.Second)
	r := runCLI(t, nil, "y\n", "copy", "send", "1", "--server", s.URL, "--code", code, "--npki-dir", src)
	if r.code != exitError || !strings.Contains(r.stderr, "expired") {
		t.Errorf("copy send with an expired code = %d %q", r.code, r.stderr)
	}
	if res := rc.wait(t); res.code != exitError || !strings.Contains(res.stderr, "expired") {
		t.Errorf("copy receive = %d %q, want expired", res.code, res.stderr)
	}
	assertEmpty(t, dst)
}

// A "no" (or a different number) sends nothing, and the receiver learns it at once.
func TestCopyNumbersDiffer(t *testing.T) {
	s, src, dst, _ := copySetup(t)
	rc := startReceiver(t, map[string]string{"LANG": "ko_KR.UTF-8"}, "--server", s.URL, "--npki-dir", dst)
	code := rc.next(t, "code")["code"].(string)
	done := make(chan result, 1)
	go func() {
		done <- runCLI(t, nil, "", "copy", "send", "1", "--server", s.URL, "--code", code, "--confirm", "1234567", "--npki-dir", src)
	}()
	rc.next(t, "confirmation")
	r := <-done
	if r.code != exitError || !strings.Contains(r.stderr, "do not match") {
		t.Errorf("copy send --confirm wrong = %d %q", r.code, r.stderr)
	}
	if res := rc.wait(t); res.code != exitError || !strings.Contains(res.stderr, "취소") {
		t.Errorf("copy receive = %d %q, want cancelled (in Korean)", res.code, res.stderr)
	}
	assertEmpty(t, dst)
}

func TestCopyServerDown(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	s := newTestServer(t)
	writeNPKI(t, src, s.issue(t, "김다운", "8001011234567", 0), copyPassword)
	const down = "http://127.0.0.1:1"
	r := runCLI(t, nil, "", "copy", "receive", "--server", down, "--npki-dir", dst)
	if r.code != exitError || !strings.Contains(r.stderr, "cannot reach the server") || !strings.Contains(r.stderr, "nothing was written") {
		t.Errorf("copy receive, server down = %d %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "", "copy", "send", "1", "--server", down, "--code", "1234-5678-9012", "--npki-dir", src)
	if r.code != exitError || !strings.Contains(r.stderr, "cannot reach the server") {
		t.Errorf("copy send, server down = %d %q", r.code, r.stderr)
	}
	assertEmpty(t, dst)
	for _, args := range [][]string{
		{"copy"}, {"copy", "fetch"}, {"copy", "receive"}, {"copy", "send", "1", "--server", down},
		{"copy", "send", "1", "--server", down, "--code", "12-34"}, {"copy", "receive", "--server", "ftp://x"},
	} {
		if r := runCLI(t, nil, "", args...); r.code != exitError {
			t.Errorf("certctl %v = %d, want an error", args, r.code)
		}
	}
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 0 {
		t.Errorf("%s holds %d entries (%v), want none", dir, len(entries), err)
	}
}

func TestOnlineMessages(t *testing.T) {
	for id := range mergedIDs() {
		if m := messages[id]; m.en == "" || m.ko == "" {
			t.Errorf("message %q lacks a language", id)
		}
	}
}

func mergedIDs() map[msgID]text {
	m := map[msgID]text{}
	for _, t := range []map[msgID]text{onlineMessages, signMessages} {
		for k, v := range t {
			m[k] = v
		}
	}
	return m
}

// copyOnce runs one copy from src to the receiver's folder and returns both results.
func copyOnce(t *testing.T, s *testServer, src, dst string, recvArgs ...string) (send, recv result) {
	t.Helper()
	rc := startReceiver(t, nil, append([]string{"--server", s.URL, "--npki-dir", dst}, recvArgs...)...)
	code := rc.next(t, "code")["code"].(string)
	done := make(chan result, 1)
	go func() {
		done <- runCLI(t, nil, "y\n", "copy", "send", "1", "--server", s.URL, "--code", code, "--npki-dir", src)
	}()
	rc.next(t, "confirmation")
	send = <-done
	return send, rc.wait(t)
}

// The sender learns what the receiving device did with the files: stored (and where),
// or refused because the folder is already there, which is an error on both sides, not
// "sent" (issue 18 item 9). With a relay older than the outcome, the sender still says
// sent, and that it could not be confirmed.
func TestCopyOutcome(t *testing.T) {
	s, src, dst, dir := copySetup(t)
	send, recv := copyOnce(t, s, src, dst)
	if send.code != exitOK || recv.code != exitOK || !strings.Contains(send.stdout, "the receiving device stored it in "+filepath.ToSlash(relPath(t, src, dir))) {
		t.Fatalf("first copy: send %d %q %q, receive %d %q", send.code, send.stdout, send.stderr, recv.code, recv.stderr)
	}
	send, recv = copyOnce(t, s, src, dst)
	if recv.code != exitError || !strings.Contains(recv.stderr, "already exists") {
		t.Errorf("second copy, receiver = %d %q", recv.code, recv.stderr)
	}
	if send.code != exitError || strings.Contains(send.stdout, "sent") || !strings.Contains(send.stderr, "refused the files") ||
		!strings.Contains(send.stderr, "copy receive --force") {
		t.Errorf("second copy, sender = %d stdout %q stderr %q; want the refusal", send.code, send.stdout, send.stderr)
	}
	// With --force on the receiving device it is replaced, and the sender says so.
	if send, recv = copyOnce(t, s, src, dst, "--force"); send.code != exitOK || recv.code != exitOK || !strings.Contains(send.stdout, "stored it") {
		t.Errorf("copy with --force: send %d %q %q, receive %d %q", send.code, send.stdout, send.stderr, recv.code, recv.stderr)
	}
	s.mu.Lock()
	s.noOutcome = true
	s.mu.Unlock()
	send, recv = copyOnce(t, s, src, t.TempDir())
	if send.code != exitOK || recv.code != exitOK || !strings.Contains(send.stdout, "sent ") || !strings.Contains(send.stderr, "did not say whether it stored") {
		t.Errorf("copy through a relay without the outcome: send %d %q %q, receive %d %q", send.code, send.stdout, send.stderr, recv.code, recv.stderr)
	}
	var n int
	if err := s.App.Store.SQL().QueryRow("SELECT count(*) FROM relay_sessions").Scan(&n); err != nil || n != 0 {
		t.Errorf("relay_sessions holds %d rows after the copies (%v), want 0", n, err)
	}
}
