package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/certcenter/certcenter/internal/app"
)

// cmdCA: the server's side of the key ceremony (keys.root = "offline"): certcenter ca
// request makes the issuing CA's key and its request; certcenter ca import installs
// the certificate the offline root made for it.
func cmdCA(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError("usage: certcenter ca request ... | certcenter ca import ... (certcenter ca --help)")
	}
	switch args[0] {
	case "request":
		return cmdCARequest(ctx, args[1:], stdout)
	case "import":
		return cmdCAImport(ctx, args[1:], stdout)
	}
	if wantsHelp(args) {
		return helpRequested("usage:\n  " + firstLine(synopses["ca request"]) + "\n  " + firstLine(synopses["ca import"]) + "\n")
	}
	return usageError(fmt.Sprintf("unknown ca command %q", args[0]))
}

func cmdCARequest(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ca request", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, false)
	out := fs.String("out", "", "the request to write (PEM PKCS#10), for certcenter root sign-ca")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("--out is required")
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	der, again, err := app.RequestCA(ctx, cfg, time.Now())
	if err != nil {
		return err
	}
	if err := writePublic(*out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})); err != nil {
		return err
	}
	csr, _ := x509.ParseCertificateRequest(der)
	what := "new issuing CA key made"
	if again {
		what = "the pending request written again (same key)"
	}
	fmt.Fprintf(stdout, "%s; request written to %s:\n  %s\n", what, *out, csr.Subject)
	fmt.Fprintf(stdout, "next: on the offline machine, certcenter root sign-ca --csr %s --out issuing.pem; then here certcenter ca import --cert issuing.pem\n", *out)
	return nil
}

func cmdCAImport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ca import", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, false)
	certFile := fs.String("cert", "", "the issuing CA certificate root sign-ca wrote (PEM; the root after it is used when --root-cert is not given)")
	rootFile := fs.String("root-cert", "", "the root certificate root init wrote (PEM or DER)")
	crlFile := fs.String("crl", "", "the root's first CRL, from certcenter root crl (optional)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *certFile == "" {
		return usageError("--cert is required")
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	certs, err := readCerts(*certFile)
	if err != nil {
		return err
	}
	var rootDER []byte
	switch {
	case *rootFile != "":
		roots, err := readCerts(*rootFile)
		if err != nil {
			return err
		}
		rootDER = roots[0]
	case len(certs) > 1:
		rootDER = certs[len(certs)-1]
	default:
		return usageError(*certFile + " holds one certificate: give the root with --root-cert")
	}
	var crl []byte
	if *crlFile != "" {
		if crl, err = readPEMOrDER(*crlFile, "X509 CRL"); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	if _, err := app.ImportCA(ctx, cfg, certs[0], rootDER, crl, app.Options{Out: stdout, Log: log}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  root SHA-256 fingerprint %s (compare it with the one root init printed)\nnext: certcenter serve\n", fingerprint(rootDER))
	return nil
}
