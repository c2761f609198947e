package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/config"
)

func metricsStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestMetricsSetting: /metrics is public only in demo mode with no setting; behind the
// bearer token of metrics.token; on its own listener with metrics.listen, and then not
// on the main one (it used to be public everywhere).
func TestMetricsSetting(t *testing.T) {
	t.Setenv("TEST_METRICS_TOKEN", "tok-123")
	t.Setenv("TEST_CA_PASSPHRASE", "a passphrase of some length")
	for _, tc := range []struct {
		name                 string
		adjust               func(*config.Config)
		anon, wrong, withTok int
		separate             bool
	}{
		{"demo default", func(c *config.Config) {}, 200, 200, 200, false},
		{"outside demo, no setting", func(c *config.Config) { c.Demo = false; c.Keys.Passphrase = "env:TEST_CA_PASSPHRASE" }, 404, 404, 404, false},
		{"token", func(c *config.Config) { c.Metrics.Token = "env:TEST_METRICS_TOKEN" }, 401, 401, 200, false},
		{"own listener", func(c *config.Config) { c.Metrics.Listen = "127.0.0.1:0" }, 404, 404, 404, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			cfg.Secrets.Key = writeSecretsKey(t)
			tc.adjust(&cfg)
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			var mln net.Listener
			if tc.separate {
				var err error
				if mln, err = net.Listen("tcp", cfg.Metrics.Listen); err != nil {
					t.Fatal(err)
				}
			}
			a, err := app.Open(context.Background(), cfg, app.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MetricsListener: mln})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- a.Serve(ctx, ln) }()
			defer func() { cancel(); <-done }()
			main := "http://" + ln.Addr().String()
			for _, c := range []struct {
				token string
				want  int
			}{{"", tc.anon}, {"wrong", tc.wrong}, {"tok-123", tc.withTok}} {
				if got := metricsStatus(t, main+"/metrics", c.token); got != c.want {
					t.Errorf("GET /metrics (token %q) = %d, want %d", c.token, got, c.want)
				}
			}
			if got := metricsStatus(t, main+"/healthz", ""); got != 200 {
				t.Errorf("GET /healthz = %d", got)
			}
			if tc.separate {
				var got int
				for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
					if got = metricsStatus(t, "http://"+mln.Addr().String()+"/metrics", ""); got == 200 {
						break
					}
				}
				if got != 200 {
					t.Errorf("GET /metrics on metrics.listen = %d, want 200", got)
				}
			}
		})
	}
}
