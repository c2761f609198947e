package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
)

// TestEnrollWhileServing: a second process (the enroll command) writes to the embedded
// database while the server holds it open and is issuing.
func TestEnrollWhileServing(t *testing.T) {
	e := newEnv(t, "sqlite")
	cen, closer, err := app.OpenCenter(context.Background(), e.cfg, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 5; i++ {
			en := e.enroll("903", "이영희", "8505052345678")
			if st, m, _ := e.issue(en, csrPEM(t, subscriberKey(t)), ""); st != 201 {
				t.Errorf("server issuance = %d %v", st, m)
			}
		}
		done <- nil
	}()
	for i := 0; i < 20; i++ {
		out, err := cen.Enroll(context.Background(), center.EnrollRequest{Institution: "901", Name: "홍길동",
			IDN: "800101-1234567", Kind: model.Personal, Usage: model.Universal, TellerID: "T-1", Actor: "teller:T-1"})
		if err != nil {
			t.Fatalf("enroll from a second handle while serving: %v", err)
		}
		if len(out.Reference) != 10 || len(out.AuthCode) != 16 {
			t.Fatalf("enrolled %+v", out)
		}
	}
	<-done
	// The server can redeem what the second handle wrote.
	out, err := cen.Enroll(context.Background(), center.EnrollRequest{Institution: "901", Name: "홍길동", IDN: "8001011234567", Actor: "teller:T-1"})
	if err != nil {
		t.Fatal(err)
	}
	if st, m, _ := e.issue(enrolled{out.Reference, out.AuthCode}, csrPEM(t, subscriberKey(t)), ""); st != 201 {
		t.Fatalf("issue with a code from the enroll command = %d %v", st, m)
	}
}

// TestRestartReusesAuthority: a second start on the same data folder keeps the CA.
func TestRestartReusesAuthority(t *testing.T) {
	e := newEnv(t, "sqlite")
	root := e.app.CA.RootDER()
	keyFile := filepath.Join(e.cfg.DataDir, "demo-institutions.json")
	before, _ := os.ReadFile(keyFile)
	e.app.Close()
	var out strings.Builder
	a2, err := app.Open(context.Background(), e.cfg, app.Options{Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	if string(a2.CA.RootDER()) != string(root) {
		t.Error("the root changed on restart")
	}
	if out.Len() != 0 {
		t.Errorf("restart printed a bootstrap: %s", out.String())
	}
	after, _ := os.ReadFile(keyFile)
	if string(before) != string(after) {
		t.Error("demo-institutions.json changed on restart")
	}
	fi, _ := os.Stat(keyFile)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("demo-institutions.json mode %v, want 0600", fi.Mode().Perm())
	}
}

// TestBootstrapCrashRecovery: the states a crash can leave are finished or cleaned on
// the next start.
func TestBootstrapCrashRecovery(t *testing.T) {
	e := newEnv(t, "sqlite")
	dir := e.cfg.DataDir
	e.app.Close()
	// Crash after the commit, before the API keys file was renamed into place.
	final := filepath.Join(dir, "demo-institutions.json")
	pending := filepath.Join(dir, "demo-institutions.pending-0123456789ab.json")
	want, _ := os.ReadFile(final)
	if err := os.Rename(final, pending); err != nil {
		t.Fatal(err)
	}
	// A pending file of another, never-committed attempt (keys that match nothing).
	os.WriteFile(filepath.Join(dir, "demo-institutions.pending-ffffffffffff.json"), []byte(`[{"code":"901","apiKey":"cc_901_other"}]`), 0o600)
	// Keys of an attempt that crashed before its commit, old enough to be abandoned.
	orphan := filepath.Join(dir, "keys-deadbeef0000")
	os.Mkdir(orphan, 0o700)
	os.WriteFile(filepath.Join(orphan, "root.key"), []byte("x"), 0o600)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(orphan, old, old)

	a2, err := app.Open(context.Background(), e.cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	got, err := os.ReadFile(final)
	if err != nil || string(got) != string(want) {
		t.Errorf("demo-institutions.json after recovery = %q, %v", got, err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "demo-institutions.pending-*")); len(m) != 0 {
		t.Errorf("pending files left: %v", m)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("orphan key folder not removed: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "keys-*")); len(m) != 1 {
		t.Errorf("key folders = %v, want exactly the committed one", m)
	}
}
