package app_test

import (
	"bytes"
	"context"
	"github.com/certcenter/certcenter/internal/center"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/config"
)

// TestSecretsNeverInClear: identity numbers and authorization codes appear neither in
// the server's log (at debug level, through refusals and internal paths) nor in the
// database file; answers never echo them.
func TestSecretsNeverInClear(t *testing.T) {
	var logBuf bytes.Buffer
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.Open(context.Background(), cfg, app.Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.API
	srv.Start()
	defer srv.Close()
	defer a.Close()
	e := &env{t: t, app: a, srv: srv, cfg: cfg, client: srv.Client(), clock: newClock(time.Now()), keys: map[string]string{}}
	const idn = "7712312345678"
	en := enrollDirect(t, a, "901")
	out, err := a.Center.Enroll(context.Background(), center.EnrollRequest{Institution: "901", Name: "박민수", IDN: idn, Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var answers strings.Builder
	for _, code := range []string{"WRONGWRONGWRONG2", out.AuthCode} {
		_, m, got := e.issue(enrolled{out.Reference, code}, csrPEM(t, subscriberKey(t)), "")
		answers.WriteString(got.Certificate)
		for k, v := range m {
			answers.WriteString(k + "=" + toString(v) + "\n")
		}
	}
	e.issue(en, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", "")
	a.Close()

	dbBytes, err := os.ReadFile(filepath.Join(cfg.DataDir, "certcenter.db"))
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(filepath.Join(cfg.DataDir, "certcenter.db-wal"))
	for name, hay := range map[string][]byte{"log": logBuf.Bytes(), "database": dbBytes, "WAL": wal, "answers": []byte(answers.String())} {
		for _, secret := range []string{idn, "771231-2345678", out.AuthCode} {
			if bytes.Contains(hay, []byte(secret)) {
				t.Errorf("the %s contains a secret in clear (%q)", name, secret[:4]+"…")
			}
		}
	}
}

func toString(v any) string {
	s, _ := v.(string)
	return s
}
