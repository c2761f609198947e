// Command certcenter runs the certificate authority and the institutions' certificate
// centers (serve), and the operator's commands: enroll (a counter enrollment), config
// check, audit verify.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/errs"
)

const usage = `certcenter: the Korean joint-certificate authority and certificate centers

usage:
  certcenter serve  [--data DIR] [--listen ADDR] [--config FILE]
  certcenter enroll --institution CODE --name NAME --idn NUMBER [--kind personal|corporate]
                    [--usage banking|universal] [--teller ID] [--json] [--data DIR | --config FILE]
  certcenter staff add (--institution CODE | --ca) --role ROLE --name NAME [--data DIR | --config FILE]
  certcenter config check FILE
  certcenter audit verify [--data DIR | --config FILE]

With no --config, certcenter runs on an embedded SQLite database in DIR
(default ./certcenter-data) and creates a demo CA and institutions on first start.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit, for tests.
func run(args []string, stdout, stderr io.Writer) int {
	lang := errs.ParseLang(firstNonEmpty(os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG")))
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "enroll":
		err = cmdEnroll(ctx, args[1:], stdout)
	case "staff":
		err = cmdStaff(ctx, args[1:], stdout)
	case "config":
		err = cmdConfig(args[1:], stdout)
	case "audit":
		err = cmdAudit(ctx, args[1:], stdout)
	default:
		err = usageError(fmt.Sprintf("unknown command %q", args[0]))
	}
	if err == nil {
		return 0
	}
	return report(stderr, err, lang)
}

type usageError string

func (u usageError) Error() string { return string(u) }

// report prints an error age-style: "certcenter: error: ..." then a hint.
func report(w io.Writer, err error, lang errs.Lang) int {
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(w, "certcenter: error: %s\ncertcenter: hint: certcenter --help lists the commands and flags\n", ue)
		return 2
	}
	var e *errs.Error
	if errors.As(err, &e) {
		t := errs.Localize(err, lang)
		fmt.Fprintf(w, "certcenter: error: %s (%s)\n", t.Message, e.Code)
		if e.Detail != "" {
			fmt.Fprintf(w, "certcenter: detail: %s\n", e.Detail)
		}
		if t.Hint != "" {
			fmt.Fprintf(w, "certcenter: hint: %s\n", t.Hint)
		}
		return 1
	}
	fmt.Fprintf(w, "certcenter: error: %v\n", err)
	return 1
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// commonFlags are the flags that select a deployment.
type commonFlags struct {
	data, listen, config string
}

func (c *commonFlags) register(fs *flag.FlagSet, withListen bool) {
	fs.StringVar(&c.data, "data", "", "data folder (default ./certcenter-data)")
	fs.StringVar(&c.config, "config", "", "configuration file (TOML)")
	if withListen {
		fs.StringVar(&c.listen, "listen", "", "listen address (default 127.0.0.1:8080)")
	}
}

// load builds the validated configuration from --config and the overriding flags.
func (c *commonFlags) load() (config.Config, error) {
	cfg := config.Default()
	if c.config != "" {
		var err error
		if cfg, err = config.Load(c.config); err != nil {
			return cfg, err
		}
	}
	if c.data != "" {
		cfg.DataDir = c.data
	}
	if c.listen != "" {
		cfg.Listen = c.listen
		if c.config == "" {
			cfg.BaseURL = ""
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument " + strings.Join(fs.Args(), " "))
	}
	return nil
}
