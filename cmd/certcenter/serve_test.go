package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that a running server and the test may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A port already taken stops serve before it creates anything: no folder, no CA.
func TestServePortTakenCreatesNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	data := filepath.Join(t.TempDir(), "certcenter-data")
	code, out, errs := runCmd(t, "serve", "--data", data, "--listen", ln.Addr().String())
	if code != 1 || !strings.Contains(errs, "LISTEN_FAILED") || !strings.Contains(errs, ln.Addr().String()) || !strings.Contains(errs, "hint:") {
		t.Errorf("serve on a taken port = %d %q %q, want LISTEN_FAILED", code, out, errs)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("serve on a taken port left %s behind (%v)", data, err)
	}
}

// startServe runs serve until the test ends and returns its output once it serves.
func startServe(t *testing.T, args ...string) (stdout, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- cmdServe(ctx, args, stdout, stderr) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(stdout.String(), "certcenter: serving") {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve ended: %v\n%s\n%s", err, stdout, stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start\n%s\n%s", stdout, stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return stdout, stderr
}

// A new CA is announced with the data folder's full path; a second start says nothing.
func TestServeAnnouncesNewAuthority(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	out, errb := startServe(t, "--data", "rel-data", "--listen", "127.0.0.1:0")
	abs := filepath.Join(dir, "rel-data")
	if s := out.String(); !strings.Contains(s, "NEW CERTIFICATE AUTHORITY") || !strings.Contains(s, "새 인증기관") ||
		!strings.Contains(s, abs+" (database sqlite)") || !strings.Contains(s, "(data "+abs+", sqlite)") {
		t.Errorf("first serve output:\n%s", s)
	}
	if !strings.Contains(errb.String(), "created a new certificate authority") {
		t.Errorf("first serve log:\n%s", errb)
	}
}

func TestServeSecondStartIsQuiet(t *testing.T) {
	dir := bootstrapped(t)
	out, _ := startServe(t, "--data", dir, "--listen", "127.0.0.1:0", "--base-url", "http://127.0.0.1:8080")
	if s := out.String(); strings.Contains(s, "NEW CERTIFICATE AUTHORITY") {
		t.Errorf("a second start announced a new CA:\n%s", s)
	}
}

// Every command's --help prints its usage on stdout and exits 0.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"help"}, {"serve", "--help"}, {"serve", "-h"}, {"enroll", "--help"},
		{"config", "--help"}, {"config", "check", "--help"}, {"audit", "--help"}, {"audit", "verify", "--help"},
		{"root", "--help"}, {"root", "crl", "--help"}, {"root", "import-crl", "--help"},
	} {
		code, out, errs := runCmd(t, args...)
		if code != 0 || !strings.Contains(out, "usage:") || errs != "" {
			t.Errorf("certcenter %s = %d %q %q, want usage and 0", strings.Join(args, " "), code, out, errs)
		}
	}
	if _, out, _ := runCmd(t, "serve", "--help"); !strings.Contains(out, "-listen") || !strings.Contains(out, "-base-url") {
		t.Errorf("serve --help does not list its flags:\n%s", out)
	}
}

// The enrollment banner shows Korean time with its zone, whatever the host's zone.
func TestEnrollBannerKST(t *testing.T) {
	dir := bootstrapped(t)
	t.Setenv("TZ", "UTC")
	code, out, errs := runCmd(t, "enroll", "--data", dir, "--institution", "902", "--name", "김철수", "--idn", "9001011234567")
	if code != 0 {
		t.Fatalf("enroll = %d %s", code, errs)
	}
	if !regexp.MustCompile(`유효기간\):\s+\d{4}-\d\d-\d\d \d\d:\d\d KST \(\+09:00\)\n`).MatchString(out) {
		t.Errorf("enroll banner:\n%s", out)
	}
}

// A start whose base URL differs from the database's is refused with the two URLs
// and the flag that fixes it.
func TestServeOtherBaseURLRefused(t *testing.T) {
	dir := bootstrapped(t)
	code, _, errs := runCmd(t, "serve", "--data", dir, "--listen", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errs, "NODE_MISMATCH") || !strings.Contains(errs, "http://127.0.0.1:8080 in the database") || !strings.Contains(errs, "--base-url") {
		t.Errorf("serve with another base URL = %d %q", code, errs)
	}
}

// The example configuration passes config check and serve starts with it, secrets
// created as its comments say.
func TestExampleConfig(t *testing.T) {
	ex, err := os.ReadFile(filepath.Join("..", "..", "examples", "certcenter.toml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "certcenter.toml")
	os.WriteFile(cfgPath, ex, 0o600)
	if code, out, errs := runCmd(t, "config", "check", cfgPath); code != 0 || !strings.Contains(out, "ok: ") {
		t.Fatalf("config check examples/certcenter.toml = %d %q %q", code, out, errs)
	}
	os.Mkdir(filepath.Join(dir, "secrets"), 0o700)
	for _, f := range []string{"secrets.key", "ca-passphrase"} {
		os.WriteFile(filepath.Join(dir, "secrets", f), []byte(strings.Repeat("ab", 32)+"\n"), 0o600)
	}
	out, _ := startServe(t, "--config", cfgPath, "--listen", "127.0.0.1:0")
	if s := out.String(); !strings.Contains(s, filepath.Join(dir, "data")) || !strings.Contains(s, "serving http://127.0.0.1:8080") || !strings.Contains(s, "metrics not served") {
		t.Errorf("serve --config examples/certcenter.toml:\n%s", s)
	}
}
