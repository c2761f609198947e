package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/certcenter/certcenter/internal/app"
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
	log := slog.New(slog.NewTextHandler(stderr, nil))
	defer app.TuneGC()()
	a, err := app.Open(ctx, cfg, app.Options{Out: stdout, Log: log})
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "certcenter: serving %s on %s (data %s, %s)\n", cfg.BaseURL, ln.Addr(), cfg.DataDir, cfg.Database.Driver)
	fmt.Fprintf(stdout, "  API %s/api/v1/  CA certificates %s/pki/root.crt %s/pki/ca.crt  metrics %s/metrics\n",
		cfg.BaseURL, cfg.BaseURL, cfg.BaseURL, cfg.BaseURL)
	if err := a.SeedDemoCustomers(ctx); err != nil {
		return err
	}
	a.DemoBanner(stdout)
	return a.Serve(ctx, ln)
}
