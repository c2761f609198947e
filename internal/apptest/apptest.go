// Package apptest starts a real certcenter for the tests of other packages (certctl,
// the CMP client): app.Open on a fresh data folder (SQLite, or a fresh PostgreSQL
// schema), behind an httptest server, with a clock the test moves. It is imported only
// by tests; the servers it starts are the production code, with nothing replaced.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/testenv"
)

// Clock is a clock a test sets and advances; it starts at the real time.
type Clock struct{ t atomic.Int64 }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.Unix(0, c.t.Load()) }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.t.Store(t.UnixNano()) }

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) { c.t.Add(int64(d)) }

// Options adjust the server.
type Options struct {
	// Driver is "sqlite" (default) or "postgres" (testenv.PostgresDSN).
	Driver string
	// Adjust changes the configuration before the server opens.
	Adjust func(*config.Config)
	// Wrap puts a handler in front of the server's API, to watch or tamper with what
	// crosses (a proxy between a device and the server).
	Wrap func(api http.Handler) http.Handler
	// Jobs runs the background jobs (CRL publication, CMP sweeper, ...) while the test runs.
	Jobs bool
}

// Server is a running certcenter.
type Server struct {
	App    *app.App
	URL    string
	Config config.Config
	Clock  *Clock
	HTTP   *httptest.Server
}

// Start opens a certcenter and serves it until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	if o.Driver == "postgres" {
		cfg.Database.Driver = "postgres"
		cfg.Database.DSN = testenv.PostgresDSN(t)
	}
	if o.Adjust != nil {
		o.Adjust(&cfg)
	}
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	clock := &Clock{}
	clock.Set(time.Now())
	a, err := app.Open(context.Background(), cfg, app.Options{Now: clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	var h http.Handler = a.API
	if o.Wrap != nil {
		h = o.Wrap(a.API)
	}
	srv.Config.Handler = h
	srv.Start()
	stop := func() {}
	if o.Jobs {
		ctx, cancel := context.WithCancel(context.Background())
		wait := a.StartJobs(ctx)
		stop = func() { cancel(); wait() }
	}
	t.Cleanup(func() { stop(); srv.Close(); a.Close() })
	return &Server{App: a, URL: cfg.BaseURL, Config: cfg, Clock: clock, HTTP: srv}
}
