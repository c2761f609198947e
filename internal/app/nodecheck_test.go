package app_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/testenv"
)

func writeSecretsKey(t *testing.T) string {
	t.Helper()
	k := make([]byte, 32)
	rand.Read(k)
	p := filepath.Join(t.TempDir(), "secrets.key")
	if err := os.WriteFile(p, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return "file:" + p
}

// TestNodeChecks: a node joining a database must hold the same secrets key, base URL
// and CA keys as the node that created it; otherwise it refuses to start, naming what
// differs (it used to join and answer 500 on the other nodes' enrollments).
func TestNodeChecks(t *testing.T) {
	drivers(t, func(t *testing.T, driver string) {
		ctx := context.Background()
		first := config.Default()
		first.DataDir = t.TempDir()
		first.Database.Driver = driver
		if driver == "postgres" {
			first.Database.DSN = testenv.PostgresDSN(t)
		} else {
			first.Database.DSN = filepath.Join(t.TempDir(), "shared.db")
		}
		first.Secrets.Key = writeSecretsKey(t)
		first.BaseURL = "http://ca.example.test:8080"
		if err := first.Validate(); err != nil {
			t.Fatal(err)
		}
		quiet := app.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		open := func(cfg config.Config) error {
			a, err := app.Open(ctx, cfg, quiet)
			if err == nil {
				a.Close()
			}
			return err
		}
		if err := open(first); err != nil {
			t.Fatalf("first node: %v", err)
		}
		if err := open(first); err != nil {
			t.Fatalf("the same node again: %v", err)
		}
		otherSecrets := first
		otherSecrets.Secrets.Key = writeSecretsKey(t)
		otherURL := first
		otherURL.BaseURL = "http://other.example.test:8080"
		otherKeys := first // its own data folder: its own CA keys and passphrase
		otherKeys.DataDir = t.TempDir()
		demoNode := first // demo mode, no secrets key: it makes its own
		demoNode.Secrets.Key = ""
		demoNode.DataDir = t.TempDir()
		for _, tc := range []struct {
			name    string
			cfg     config.Config
			want    []string
			notWant string
		}{
			{"secrets key", otherSecrets, []string{"secrets key: check value"}, "base_url"},
			{"base url", otherURL, []string{"base_url: http://other.example.test:8080 here, http://ca.example.test:8080 in the database"}, "secrets"},
			{"CA keys", otherKeys, []string{"root CA key", "issuing CA key", "ocsp CA key", "cannot be opened here"}, "secrets key:"},
			{"demo node", demoNode, []string{"secrets key: check value", "issuing CA key"}, "base_url"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := open(tc.cfg)
				if errs.CodeOf(err) != errs.NodeMismatch {
					t.Fatalf("Open = %v, want NODE_MISMATCH", err)
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("Open = %v, want it to name %q", err, w)
					}
				}
				if strings.Contains(err.Error(), tc.notWant) {
					t.Errorf("Open = %v, names %q, which does not differ", err, tc.notWant)
				}
				if msg := errs.Localize(err, errs.English).Message; !strings.Contains(msg, "differs") {
					t.Errorf("message %q", msg)
				}
			})
		}
		// The operator's commands seal with the secrets key too.
		if _, _, err := app.OpenCenter(ctx, otherSecrets, time.Now); errs.CodeOf(err) != errs.NodeMismatch {
			t.Errorf("OpenCenter with another secrets key = %v, want NODE_MISMATCH", err)
		}
		cen, closer, err := app.OpenCenter(ctx, first, time.Now)
		if err != nil || cen == nil {
			t.Fatalf("OpenCenter = %v", err)
		}
		closer.Close()
	})
}
