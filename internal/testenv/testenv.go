// Package testenv finds the outside programs tests use (openssl, PostgreSQL, SoftHSM2)
// and decides what happens when one is missing: the test skips with the reason, unless
// CERTCENTER_REQUIRE_ALL=1 (set by .ci/run), where a missing program fails the test.
// It is imported only by tests.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver for PostgresDSN's checks
)

// RequireAll reports whether missing programs must fail tests.
func RequireAll() bool { return os.Getenv("CERTCENTER_REQUIRE_ALL") == "1" }

// Missing skips t, or fails it under CERTCENTER_REQUIRE_ALL=1.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if RequireAll() {
		t.Fatalf("required by CERTCENTER_REQUIRE_ALL=1 but missing: %s", msg)
	}
	t.Skipf("skipping: %s (set CERTCENTER_REQUIRE_ALL=1 to make this a failure)", msg)
}

// OpenSSL returns the path of the openssl CLI.
func OpenSSL(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("openssl")
	if err != nil {
		Missing(t, "openssl CLI not found in PATH")
	}
	return p
}

// RunOpenSSL runs openssl with args and returns its combined output; a non-zero exit
// fails the test with the output.
func RunOpenSSL(t testing.TB, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(OpenSSL(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// PostgresDSN returns a DSN for a fresh, empty schema on the test PostgreSQL server
// (CERTCENTER_TEST_PG_DSN, default the local server's database "test"), dropped when
// the test ends. Each call gets its own schema, so runs and tests never collide.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("CERTCENTER_TEST_PG_DSN")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		Missing(t, "PostgreSQL DSN %q: %v", base, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		Missing(t, "PostgreSQL not reachable at %s: %v", base, err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// SoftHSM describes a freshly initialized SoftHSM2 token for one test.
type SoftHSM struct {
	Module     string // path of libsofthsm2.so
	TokenLabel string
	PIN        string
	ConfigFile string // SOFTHSM2_CONF, already set in the environment for this test
}

// NewSoftHSM initializes a new token in a temporary directory and points SOFTHSM2_CONF at
// it for the duration of the test. Tests using it must not run in parallel with each other.
func NewSoftHSM(t testing.TB) SoftHSM {
	t.Helper()
	module := ""
	for _, p := range []string{"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so"} {
		if _, err := os.Stat(p); err == nil {
			module = p
			break
		}
	}
	util, err := exec.LookPath("softhsm2-util")
	if module == "" || err != nil {
		Missing(t, "SoftHSM2 not installed (apt-get install softhsm2)")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	h := SoftHSM{Module: module, TokenLabel: "certcenter-test", PIN: "1234", ConfigFile: conf}
	out, err := exec.Command(util, "--init-token", "--free", "--label", h.TokenLabel, "--so-pin", "5678", "--pin", h.PIN).CombinedOutput()
	if err != nil {
		t.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	return h
}
