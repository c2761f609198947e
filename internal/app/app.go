// Package app wires certcenter together from a configuration: the store, the secrets
// sealer, the authority (with its keys), the certificate center and the HTTP API. It owns
// start-up (including the first-start bootstrap) and graceful shutdown, and nothing else:
// every rule lives in the packages it wires.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/httpapi"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
	"github.com/certcenter/certcenter/internal/ratelimit"
	"github.com/certcenter/certcenter/internal/revocation"
	"github.com/certcenter/certcenter/internal/sealer"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// App is a running certcenter.
type App struct {
	Cfg    config.Config
	Store  *sqlstore.DB
	CA     *ca.Authority
	Center *center.Service
	API    *httpapi.Server
	Log    *slog.Logger
	Now    func() time.Time
	// Seal seals personal data at rest.
	Seal *sealer.Sealer
	// Revocation publishes CRLs and answers OCSP (mount_revocation.go).
	Revocation *revocation.Service
	// Desk is the certificate center's institution side (mount_center_api.go).
	Desk *center.Desk
	// FinCert is the financial certificate service (mount_fincert.go).
	FinCert *cloudcert.Service
	// notifier sends e-mail and SMS (built by mountCenterAPI).
	notifier notify.Notifier
	// Limiter counts the per-client limits in the database (mount_limits.go).
	Limiter *ratelimit.Limiter

	jobs []Job
	// closers are released by Close before the authority and the store (keys the
	// mounted parts opened, such as the CMP identity).
	closers []io.Closer
	// metricsToken guards /metrics when metrics.token is set; metricsLn is the metrics
	// listener bound before Open (Options.MetricsListener), if any (metrics.go).
	metricsToken []byte
	metricsLn    net.Listener
}

// Options adjust Open for tests and tools.
type Options struct {
	Now func() time.Time // clock; default time.Now
	Out io.Writer        // where the bootstrap tells what it created; default io.Discard
	Log *slog.Logger     // default: text to stderr
	// MetricsListener is the listener of metrics.listen, bound by the caller before
	// Open (serve binds every listener before it creates anything); nil: Serve binds it.
	MetricsListener net.Listener
}

func (o *Options) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
}

// ResolveSecret reads a secret reference: "env:NAME" or "file:/path" (trailing newline
// trimmed). The error names the reference, never the value.
func ResolveSecret(ref string) ([]byte, error) {
	switch {
	case strings.HasPrefix(ref, "env:"):
		v, ok := os.LookupEnv(ref[4:])
		if !ok || v == "" {
			return nil, fmt.Errorf("secret %s: environment variable not set", ref)
		}
		return []byte(v), nil
	case strings.HasPrefix(ref, "file:"):
		b, err := os.ReadFile(ref[5:])
		if err != nil {
			return nil, fmt.Errorf("secret %s: %w", ref, err)
		}
		return []byte(strings.TrimRight(string(b), "\r\n")), nil
	}
	return nil, fmt.Errorf("secret reference %q must start with env: or file:", ref)
}

// openBase opens what every command needs: data folder, sealer, store.
func openBase(ctx context.Context, cfg config.Config) (*sqlstore.DB, *sealer.Sealer, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("data folder: %w", err)
	}
	var key []byte
	var err error
	if cfg.Secrets.Key == "" {
		key, err = sealer.LoadOrCreateKeyFile(filepath.Join(cfg.DataDir, "secrets.key"))
	} else {
		var raw []byte
		if raw, err = ResolveSecret(cfg.Secrets.Key); err == nil {
			key, err = sealer.ParseKey(raw)
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("secrets key: %w", err)
	}
	seal, err := sealer.New(key)
	if err != nil {
		return nil, nil, err
	}
	if cfg.Database.Driver == "sqlite" {
		// The database holds sealed personal data: keep it private to the server's user.
		if f, err := os.OpenFile(cfg.Database.DSN, os.O_CREATE|os.O_RDONLY, 0o600); err == nil {
			f.Close()
		}
	}
	st, err := sqlstore.Open(ctx, cfg.Database.Driver, cfg.Database.DSN)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s store: %w", cfg.Database.Driver, err)
	}
	return st, seal, nil
}

// caConfig maps the configuration onto the authority's. The authority's tags of stored
// TBSCertificates are MACs under the secrets key, which the database does not hold.
func caConfig(cfg config.Config, now func() time.Time, seal *sealer.Sealer, log *slog.Logger) ca.Config {
	return ca.Config{
		Organization: cfg.CA.Organization, RootName: cfg.CA.RootName, IssuingName: cfg.CA.IssuingName,
		PolicyArc: cfg.CA.PolicyArc, CPSURI: cfg.CA.CPSURI, BaseURL: cfg.BaseURL,
		Partitions: cfg.CA.CRLPartitions, Now: now,
		Tag:         func(data ...[]byte) []byte { return seal.MAC("ca", data...) },
		OnError:     func(err error) { log.Warn("certificate authority", "err", err) },
		RootOffline: cfg.Keys.Root == "offline",
	}
}

func keySource(cfg config.Config) (ca.KeySource, error) {
	ks := ca.KeySource{Kind: cfg.Keys.Source, Dir: cfg.DataDir}
	switch cfg.Keys.Source {
	case "file":
		ref := cfg.Keys.Passphrase
		if ref == "" {
			// Demo: a generated passphrase beside the keys, 0600.
			p := filepath.Join(cfg.DataDir, "ca-passphrase")
			if _, err := sealer.LoadOrCreateKeyFile(p); err != nil {
				return ks, fmt.Errorf("CA passphrase: %w", err)
			}
			ref = "file:" + p
		}
		ks.Passphrase = ref
	case "pkcs11":
		ks.PKCS11Module = cfg.Keys.PKCS11.Module
		ks.PKCS11Token = cfg.Keys.PKCS11.TokenLabel
		ks.PKCS11PIN = cfg.Keys.PKCS11.PIN
	}
	return ks, nil
}

// Open starts everything but the listener: bootstrapping on first start, except with
// the root key offline (keys.root = "offline"), where the authority comes from the key
// ceremony (ceremony.go) and a first start without it is CA_NOT_INSTALLED.
func Open(ctx context.Context, cfg config.Config, opts Options) (*App, error) {
	opts.defaults()
	st, seal, err := openBase(ctx, cfg)
	if err != nil {
		return nil, err
	}
	ks, err := keySource(cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	ccfg := caConfig(cfg, opts.Now, seal, opts.Log)
	checks := nodeChecks(cfg, seal)
	auths, err := bootstrap(ctx, cfg, st, ccfg, ks, checks, opts)
	if err != nil {
		st.Close()
		return nil, err
	}
	// Before anything is served: the same secrets key, base URL and CA keys as the
	// node that created the database, or no start (nodecheck.go).
	var skip []model.AuthorityRole
	if ccfg.RootOffline {
		skip = append(skip, model.RoleRoot) // not on this machine
	}
	if err := checkNode(ctx, st, checks, &ks, auths, skip...); err != nil {
		st.Close()
		return nil, err
	}
	authority, err := ca.Open(st, ccfg, ks, auths)
	if err != nil {
		st.Close()
		return nil, err
	}
	// Certificates a crash left without their DER are signed again before serving. One
	// that cannot be (its key unavailable, its stored TBSCertificate tampered with) is
	// reported and left pending; it does not keep the server from starting.
	if n, err := authority.RepairPending(ctx, 0); err != nil {
		opts.Log.Error("complete pending certificates", "completed", n, "err", err)
	} else if n > 0 {
		opts.Log.Warn("completed certificates left pending by a crash", "count", n)
	}
	cen := center.New(st, seal, authority, opts.Now)
	ready := func(ctx context.Context) error { return st.SQL().PingContext(ctx) }
	api := httpapi.New(cen, authority, ready, opts.Log)
	a := &App{Cfg: cfg, Store: st, CA: authority, Center: cen, API: api, Log: opts.Log, Now: opts.Now, Seal: seal}
	a.metricsLn = opts.MetricsListener
	if cfg.Metrics.Token != "" {
		if a.metricsToken, err = ResolveSecret(cfg.Metrics.Token); err != nil {
			a.Close()
			return nil, fmt.Errorf("metrics.token: %w", err)
		}
	}
	if err := a.mount(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// DatabaseMissing reports whether cfg names an SQLite database file that does not
// exist: opening it would create an empty one. Commands that only read or add to an
// existing database refuse then, and create nothing.
func DatabaseMissing(cfg config.Config) bool {
	if cfg.Database.Driver != "sqlite" {
		return false
	}
	_, err := os.Stat(cfg.Database.DSN)
	return errors.Is(err, fs.ErrNotExist)
}

var errNotBootstrapped = errors.New("this data folder has no certificate authority yet: start `certcenter serve` once first")

// OpenCenter opens what the operator commands need (enroll): the store and the
// center, without the CA keys. The CA must have been bootstrapped by serve.
func OpenCenter(ctx context.Context, cfg config.Config, now func() time.Time) (*center.Service, io.Closer, error) {
	// A mistyped --data must not leave a new folder, key and database behind.
	if DatabaseMissing(cfg) {
		return nil, nil, errNotBootstrapped
	}
	st, seal, err := openBase(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	ok, err := st.Bootstrapped(ctx)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	if !ok {
		st.Close()
		return nil, nil, errNotBootstrapped
	}
	// Sealing with another secrets key would store what no node can open again.
	if err := checkNode(ctx, st, map[string]string{checkSecrets: secretsCheckValue(seal)}, nil, nil); err != nil {
		st.Close()
		return nil, nil, err
	}
	return center.New(st, seal, nil, now), st, nil
}

// Close releases the store and the keys.
func (a *App) Close() error {
	var errsList []error
	for _, c := range a.closers {
		errsList = append(errsList, c.Close())
	}
	a.closers = nil
	return errors.Join(append(errsList, a.CA.Close(), a.Store.Close())...)
}

// Serve listens until ctx is done, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       a.Cfg.Limits.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	if a.Cfg.Metrics.Listen != "" {
		mln := a.metricsLn
		if mln == nil {
			var err error
			if mln, err = net.Listen("tcp", a.Cfg.Metrics.Listen); err != nil {
				return fmt.Errorf("metrics.listen: %w", err)
			}
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.metricsHandler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
			ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
		go msrv.Serve(mln)
		defer msrv.Close()
	}
	// Idle keep-alive connections must not exhaust the file descriptors (issue 17).
	ln = ratelimit.LimitConns(ln, a.Cfg.Limits.MaxConns, a.Cfg.Limits.MaxConnsPerClient)
	jobCtx, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	waitJobs := a.StartJobs(jobCtx)
	defer waitJobs()
	errc := make(chan error, 1)
	go func() {
		if a.Cfg.TLS.CertFile != "" {
			errc <- srv.ServeTLS(ln, a.Cfg.TLS.CertFile, a.Cfg.TLS.KeyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
