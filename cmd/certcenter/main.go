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
  certcenter serve  [--data DIR] [--listen ADDR] [--base-url URL] [--config FILE]
  certcenter enroll --institution CODE --name NAME --idn NUMBER [--kind personal|corporate]
                    [--usage banking|universal] [--teller ID] [--json] [--data DIR | --config FILE]
  certcenter staff add (--institution CODE | --ca) --role ROLE --name NAME [--data DIR | --config FILE]
  certcenter config check [--offline] FILE
  certcenter audit verify [--data DIR | --config FILE]
  certcenter root init --key FILE|pkcs11:LABEL --cert FILE [--config FILE]
  certcenter root sign-ca --key FILE|pkcs11:LABEL --cert ROOT --csr FILE --out FILE [--config FILE]
  certcenter root crl --key FILE|pkcs11:LABEL --out FILE [--cert ROOT] [--days N] [--data DIR | --config FILE]
  certcenter root import-crl FILE [--data DIR | --config FILE]
  certcenter ca request --out FILE [--data DIR | --config FILE]
  certcenter ca import --cert FILE [--root-cert FILE] [--crl FILE] [--data DIR | --config FILE]

With no --config, certcenter runs on an embedded SQLite database in DIR
(default ./certcenter-data) and creates a demo CA and institutions on first start.
certcenter COMMAND --help describes one command.
`

// synopses are the usage lines of the commands, for COMMAND --help.
var synopses = map[string]string{
	"serve":           "certcenter serve [--data DIR] [--listen ADDR] [--base-url URL] [--config FILE]",
	"enroll":          "certcenter enroll --institution CODE --name NAME --idn NUMBER [flags]",
	"config check":    "certcenter config check [--offline] FILE\n\nValidates a configuration file: unknown keys, missing values, secret references. --offline: the key ceremony's offline machine (root init, sign-ca, crl), which has no secrets key.",
	"root crl":        "certcenter root crl --key FILE|pkcs11:LABEL --out FILE [--cert ROOT] [--days N] [--data DIR | --config FILE]\n\nSigns the root's CRL with the root key, on the machine that keeps it (keys.root = \"offline\").",
	"root import-crl": "certcenter root import-crl FILE [--data DIR | --config FILE]\n\nStores a root CRL signed offline, after checking its signature and dates.",
	"root init":       "certcenter root init --key FILE|pkcs11:LABEL --cert FILE [--config FILE]\n\nMakes the root key and the self-signed root certificate on the offline machine (the key ceremony's first step; README: the root key offline).",
	"root sign-ca":    "certcenter root sign-ca --key FILE|pkcs11:LABEL --cert ROOT --csr FILE --out FILE [--config FILE]\n\nSigns the issuing CA request of certcenter ca request with the root, on the offline machine; writes the issuing CA certificate and the root (PEM).",
	"ca request":      "certcenter ca request --out FILE [--data DIR | --config FILE]\n\nMakes the issuing CA key in the configured key source and writes its PKCS#10 request (keys.root = \"offline\"). Run again, it writes the same request again.",
	"ca import":       "certcenter ca import --cert FILE [--root-cert FILE] [--crl FILE] [--data DIR | --config FILE]\n\nChecks the issuing CA certificate signed offline (its key, its root, its profile, its dates) and installs it, with the root's CRL when given.",
	"audit verify":    "certcenter audit verify [--data DIR | --config FILE]\n\nChecks the audit log's hash chain and prints \"ok: N entries\" or the first broken entry.",
}

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
	case "root":
		err = cmdRoot(ctx, args[1:], stdout)
	case "ca":
		err = cmdCA(ctx, args[1:], stdout)
	default:
		err = usageError(fmt.Sprintf("unknown command %q", args[0]))
	}
	var help helpRequested
	if errors.As(err, &help) {
		fmt.Fprint(stdout, string(help))
		return 0
	}
	if err == nil {
		return 0
	}
	return report(stderr, err, lang)
}

type usageError string

// helpRequested carries a command's usage text: COMMAND --help prints it and exits 0.
type helpRequested string

func (h helpRequested) Error() string { return "help requested" }

// helpFor is the usage of the named command and of its flags, if it has any.
func helpFor(name string, fs *flag.FlagSet) helpRequested {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: %s\n", synopses[name])
	if fs != nil {
		b.WriteString("\nflags:\n")
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return helpRequested(b.String())
}

// wantsHelp reports whether args ask for help (-h, -help, --help).
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

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
	data, listen, baseURL, config string
}

func (c *commonFlags) register(fs *flag.FlagSet, withListen bool) {
	fs.StringVar(&c.data, "data", "", "data folder (default ./certcenter-data)")
	fs.StringVar(&c.config, "config", "", "configuration file (TOML)")
	if withListen {
		fs.StringVar(&c.listen, "listen", "", "listen address (default 127.0.0.1:8080)")
		fs.StringVar(&c.baseURL, "base-url", "", "public URL written into certificates (default http://LISTEN)")
	}
}

// load builds the validated configuration from --config and the overriding flags.
func (c *commonFlags) load() (config.Config, error) { return c.loadWith((*config.Config).Validate) }

// loadOffline is load for the offline machine, which has no secrets key
// (config.ValidateOffline).
func (c *commonFlags) loadOffline() (config.Config, error) {
	return c.loadWith((*config.Config).ValidateOffline)
}

func (c *commonFlags) loadWith(validate func(*config.Config) error) (config.Config, error) {
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
	if c.baseURL != "" {
		cfg.BaseURL = c.baseURL
	}
	if err := validate(&cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpFor(fs.Name(), fs)
		}
		return usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument " + strings.Join(fs.Args(), " "))
	}
	return nil
}
