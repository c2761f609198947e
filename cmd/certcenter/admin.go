package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// cmdConfig: certcenter config check FILE.
func cmdConfig(args []string, stdout io.Writer) error {
	if wantsHelp(args) {
		return helpFor("config check", nil)
	}
	// --offline: the key ceremony's offline machine, which has no secrets key.
	offline := len(args) == 3 && args[0] == "check" && args[1] == "--offline"
	if offline {
		args = []string{"check", args[2]}
	}
	if len(args) != 2 || args[0] != "check" {
		return usageError("usage: certcenter config check [--offline] FILE")
	}
	cfg, err := config.Load(args[1])
	if err != nil {
		return err
	}
	validate := cfg.Validate
	if offline {
		validate = cfg.ValidateOffline
	}
	if err := validate(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %s (database %s, keys %s, listen %s, base URL %s)\n",
		args[1], cfg.Database.Driver, cfg.Keys.Source, cfg.Listen, cfg.BaseURL)
	return nil
}

// cmdAudit: certcenter audit verify.
func cmdAudit(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 1 && wantsHelp(args) {
		return helpFor("audit verify", nil)
	}
	if len(args) == 0 || args[0] != "verify" {
		return usageError("usage: certcenter audit verify [--data DIR | --config FILE]")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, false)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	// Opening would create an empty database, whose empty log verifies: a mistyped
	// folder must not pass for a verified one.
	if app.DatabaseMissing(cfg) {
		return fmt.Errorf("no database to verify at %s", cfg.Database.DSN)
	}
	st, err := sqlstore.Open(ctx, cfg.Database.Driver, cfg.Database.DSN)
	if err != nil {
		return err
	}
	defer st.Close()
	v := audit.NewVerifier()
	if err := st.WalkAudit(ctx, func(e model.AuditEntry) error { return v.Add(e) }); err != nil {
		return err
	}
	heads, err := st.AuditHeads(ctx)
	if err != nil {
		return err
	}
	if err := v.CheckHeads(heads); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %d entries\n", v.Count)
	return nil
}
