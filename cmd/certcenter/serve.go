package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/errs"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, true)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	// The listener comes first: a port already taken must stop the server before it
	// opens, or creates, anything (it used to create a new CA in ./certcenter-data and
	// only then fail to bind, issue 18).
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return errs.Wrap(errs.ListenFailed, err, "listen on %s", cfg.Listen).With("addr", cfg.Listen)
	}
	defer ln.Close()
	var mln net.Listener
	if cfg.Metrics.Listen != "" {
		if mln, err = net.Listen("tcp", cfg.Metrics.Listen); err != nil {
			return errs.Wrap(errs.ListenFailed, err, "metrics.listen %s", cfg.Metrics.Listen).With("addr", cfg.Metrics.Listen)
		}
		defer mln.Close()
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	defer app.TuneGC()()
	a, err := app.Open(ctx, cfg, app.Options{Out: stdout, Log: log, MetricsListener: mln})
	if err != nil {
		return err
	}
	defer a.Close()
	// Everything that can fail comes before "serving", which says the server is up.
	if err := a.SeedDemoCustomers(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "certcenter: serving %s on %s (data %s, %s)\n", cfg.BaseURL, ln.Addr(), app.AbsPath(cfg.DataDir), cfg.Database.Driver)
	metrics := "not served (see [metrics])"
	switch {
	case mln != nil:
		metrics = "http://" + mln.Addr().String() + "/metrics"
	case cfg.MetricsPublic():
		metrics = cfg.BaseURL + "/metrics"
	case cfg.Metrics.Token != "":
		metrics = cfg.BaseURL + "/metrics (bearer token)"
	}
	fmt.Fprintf(stdout, "  API %s/api/v1/  CA certificates %s/pki/root.crt %s/pki/ca.crt  metrics %s\n",
		cfg.BaseURL, cfg.BaseURL, cfg.BaseURL, metrics)
	a.DemoBanner(stdout)
	return a.Serve(ctx, ln)
}
