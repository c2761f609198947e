package main

import (
	"context"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/sealer"
)

// cmdRoot: the root CA's offline work (keys.root = "offline"): certcenter root crl signs
// the root's CRL where the root key is; certcenter root import-crl stores it online.
func cmdRoot(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError("usage: certcenter root crl ... | certcenter root import-crl ... (certcenter root crl --help)")
	}
	switch args[0] {
	case "crl":
		return cmdRootCRL(ctx, args[1:], stdout)
	case "import-crl":
		return cmdRootImportCRL(ctx, args[1:], stdout)
	}
	if wantsHelp(args) {
		return helpRequested("usage:\n  " + synopses["root crl"] + "\n  " + synopses["root import-crl"] + "\n")
	}
	return usageError(fmt.Sprintf("unknown root command %q", args[0]))
}

func cmdRootCRL(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("root crl", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, false)
	key := fs.String("key", "", "the root key: its encrypted file, or pkcs11:LABEL")
	certFile := fs.String("cert", "", "the root certificate (PEM or DER); default: from the database")
	days := fs.Int("days", 90, "days the CRL is valid (1 to 365)")
	out := fs.String("out", "", "the CRL file to write (DER)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *key == "" || *out == "" {
		return usageError("--key and --out are required")
	}
	if *days < 1 || *days > 365 {
		return usageError("--days must be 1 to 365")
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	var rootDER []byte
	if *certFile != "" {
		b, err := os.ReadFile(*certFile)
		if err != nil {
			return err
		}
		if blk, _ := pem.Decode(b); blk != nil {
			b = blk.Bytes
		}
		rootDER = b
	}
	now := time.Now()
	der, err := app.SignRootCRLOffline(ctx, cfg, *key, rootDER, now, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return err
	}
	if err := sealer.WriteFileAtomic(*out, der, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "root CRL written to %s: valid until %s (number %d); import it with certcenter root import-crl %s\n",
		*out, now.Add(time.Duration(*days)*24*time.Hour).In(kst).Format("2006-01-02 15:04 MST"), now.Unix(), *out)
	return nil
}

func cmdRootImportCRL(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("root import-crl", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, false)
	// The file comes first or last: flag stops at the first argument that is not one.
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return parse(fs, args)
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 || file == "" {
		return usageError("usage: " + synopses["root import-crl"])
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	der, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if blk, _ := pem.Decode(der); blk != nil {
		der = blk.Bytes
	}
	crl, err := app.ImportRootCRL(ctx, cfg, der, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: root CRL number %d imported, valid until %s\n", crl.Number, crl.NextUpdate.In(kst).Format("2006-01-02 15:04 MST"))
	return nil
}
