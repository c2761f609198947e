package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/config"

	_ "modernc.org/sqlite"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, []byte("listen = \"127.0.0.1:9999\"\ndemo = true\n[database]\ndriver = \"sqlite\"\n"), 0o600)
	if code, out, errs := runCmd(t, "config", "check", good); code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Errorf("config check good = %d %q %q", code, out, errs)
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[database]\ndriver = \"sqlite\"\ndsnn = \"x\"\n"), 0o600)
	if code, _, errs := runCmd(t, "config", "check", bad); code != 1 || !strings.Contains(errs, "database.dsnn") {
		t.Errorf("config check bad = %d %q", code, errs)
	}
	if code, _, errs := runCmd(t, "config"); code != 2 || !strings.Contains(errs, "hint:") {
		t.Errorf("config without check = %d %q", code, errs)
	}
	if code, _, _ := runCmd(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command = %d, want 2", code)
	}
}

func bootstrapped(t *testing.T) string {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	return cfg.DataDir
}

func TestEnrollCommand(t *testing.T) {
	dir := bootstrapped(t)
	code, out, errs := runCmd(t, "enroll", "--data", dir, "--institution", "901", "--name", "홍길동", "--idn", "8001011234567", "--json")
	if code != 0 {
		t.Fatalf("enroll = %d %s", code, errs)
	}
	var got struct{ Reference, AuthCode, ExpiresAt string }
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Reference) != 10 || len(got.AuthCode) != 16 || got.ExpiresAt == "" {
		t.Fatalf("enroll --json = %q (%v)", out, err)
	}
	t.Setenv("LANG", "ko_KR.UTF-8")
	code, _, errs = runCmd(t, "enroll", "--data", dir, "--institution", "901", "--name", "홍길동", "--idn", "12")
	if code != 1 || !strings.Contains(errs, "INVALID_IDN") || !strings.Contains(errs, "식별번호") || strings.Contains(errs, "8001011234567") {
		t.Errorf("enroll with a bad idn = %d %q", code, errs)
	}
	// Before any serve, or with a mistyped folder: refused, and nothing is created.
	fresh := t.TempDir()
	missing := filepath.Join(fresh, "typo")
	for _, d := range []string{fresh, missing} {
		if code, _, errs := runCmd(t, "enroll", "--data", d, "--institution", "901", "--name", "a", "--idn", "8001011234567"); code != 1 || !strings.Contains(errs, "certcenter serve") {
			t.Errorf("enroll before any serve = %d %q", code, errs)
		}
	}
	if left, _ := os.ReadDir(fresh); len(left) != 0 {
		t.Errorf("a refused enroll left %d entries behind (%s...)", len(left), left[0].Name())
	}
	if code, _, _ := runCmd(t, "enroll", "--data", dir); code != 2 {
		t.Errorf("enroll without flags = %d, want 2", code)
	}
}

func TestAuditVerify(t *testing.T) {
	dir := bootstrapped(t)
	for i := 0; i < 3; i++ {
		if code, _, errs := runCmd(t, "enroll", "--data", dir, "--institution", "902", "--name", "김철수", "--idn", "9001011234567"); code != 0 {
			t.Fatal(errs)
		}
	}
	empty := t.TempDir()
	if code, out, errs := runCmd(t, "audit", "verify", "--data", empty); code != 1 || out != "" || !strings.Contains(errs, "no database") {
		t.Errorf("audit verify of an empty folder = %d %q %q, want a refusal", code, out, errs)
	}
	if left, _ := os.ReadDir(empty); len(left) != 0 {
		t.Errorf("audit verify of an empty folder created %s", left[0].Name())
	}
	code, out, errs := runCmd(t, "audit", "verify", "--data", dir)
	if code != 0 || out != "ok: 4 entries\n" {
		t.Fatalf("audit verify = %d %q %q", code, out, errs)
	}
	// Edit one row behind the log's back: verify names it and fails.
	db, err := sql.Open("sqlite", filepath.Join(dir, "certcenter.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit_log SET actor = 'someone-else' WHERE type = 'enrollment.created' AND subject = (SELECT min(subject) FROM audit_log WHERE type = 'enrollment.created')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, _, errs = runCmd(t, "audit", "verify", "--data", dir)
	if code != 1 || !strings.Contains(errs, "edited") {
		t.Errorf("audit verify after an edit = %d %q", code, errs)
	}
}
