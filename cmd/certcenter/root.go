package main

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/app"
)

// cmdRoot: the root CA's offline work (keys.root = "offline"): certcenter root crl signs
// the root's CRL where the root key is; certcenter root import-crl stores it online.
func cmdRoot(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError("usage: certcenter root init|sign-ca|crl|import-crl ... (certcenter root --help)")
	}
	switch args[0] {
	case "init":
		return cmdRootInit(args[1:], stdout)
	case "sign-ca":
		return cmdRootSignCA(args[1:], stdout)
	case "crl":
		return cmdRootCRL(ctx, args[1:], stdout)
	case "import-crl":
		return cmdRootImportCRL(ctx, args[1:], stdout)
	}
	if wantsHelp(args) {
		return helpRequested("usage:\n  " + firstLine(synopses["root init"]) + "\n  " + firstLine(synopses["root sign-ca"]) +
			"\n  " + firstLine(synopses["root crl"]) + "\n  " + firstLine(synopses["root import-crl"]) + "\n")
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
	cfg, err := c.loadOffline()
	if err != nil {
		return err
	}
	var rootDER []byte
	if *certFile != "" {
		certs, err := readCerts(*certFile)
		if err != nil {
			return err
		}
		rootDER = certs[0]
	}
	now := time.Now()
	der, err := app.SignRootCRLOffline(ctx, cfg, *key, rootDER, now, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return err
	}
	if err := writePublic(*out, der); err != nil {
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

// cmdRootInit: the offline machine makes the root key and certificate.
func cmdRootInit(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("root init", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, false)
	key := fs.String("key", "", "where to make the root key: a new encrypted file (keys.passphrase), or pkcs11:LABEL")
	certFile := fs.String("cert", "", "the root certificate to write (PEM)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *key == "" || *certFile == "" {
		return usageError("--key and --cert are required")
	}
	cfg, err := c.loadOffline()
	if err != nil {
		return err
	}
	der, err := app.RootInit(cfg, *key, *certFile, time.Now())
	if err != nil {
		return err
	}
	root, _ := x509.ParseCertificate(der)
	fmt.Fprintf(stdout, "root key made: %s\nroot certificate written to %s:\n  %s\n  valid until %s\n  SHA-256 fingerprint %s\n",
		*key, *certFile, root.Subject, root.NotAfter.In(kst).Format("2006-01-02 15:04 MST"), fingerprint(der))
	fmt.Fprintf(stdout, "next: on the server, certcenter ca request --out issuing.csr; bring issuing.csr here for certcenter root sign-ca\n")
	return nil
}

// cmdRootSignCA: the offline machine signs the server's issuing CA request.
func cmdRootSignCA(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("root sign-ca", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, false)
	key := fs.String("key", "", "the root key: its encrypted file, or pkcs11:LABEL")
	certFile := fs.String("cert", "", "the root certificate (PEM or DER)")
	csrFile := fs.String("csr", "", "the request of certcenter ca request (PEM or DER)")
	out := fs.String("out", "", "the file to write: the issuing CA certificate, then the root (PEM)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *key == "" || *certFile == "" || *csrFile == "" || *out == "" {
		return usageError("--key, --cert, --csr and --out are required")
	}
	cfg, err := c.loadOffline()
	if err != nil {
		return err
	}
	roots, err := readCerts(*certFile)
	if err != nil {
		return err
	}
	csr, err := readPEMOrDER(*csrFile, "CERTIFICATE REQUEST")
	if err != nil {
		return err
	}
	der, err := app.SignCA(cfg, *key, roots[0], csr, time.Now())
	if err != nil {
		return err
	}
	chain := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: roots[0]})...)
	if err := writePublic(*out, chain); err != nil {
		return err
	}
	cert, _ := x509.ParseCertificate(der)
	fmt.Fprintf(stdout, "issuing CA certificate written to %s (with the root after it):\n  %s\n  valid until %s, CRL %s\n",
		*out, cert.Subject, cert.NotAfter.In(kst).Format("2006-01-02 15:04 MST"), strings.Join(cert.CRLDistributionPoints, " "))
	fmt.Fprintf(stdout, "next: certcenter root crl for the root's first CRL; then on the server certcenter ca import --cert %s --crl root.crl\n", *out)
	return nil
}

// readCerts reads one or more certificates, PEM (all CERTIFICATE blocks) or DER.
func readCerts(path string) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	rest := b
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type == "CERTIFICATE" {
			out = append(out, blk.Bytes)
		}
	}
	if len(out) == 0 {
		if _, err := x509.ParseCertificate(b); err != nil {
			return nil, fmt.Errorf("%s: no certificate (PEM or DER): %w", path, err)
		}
		out = append(out, b)
	}
	return out, nil
}

// readPEMOrDER reads the first PEM block of type typ, or the file as DER.
func readPEMOrDER(path, typ string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rest := b
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return b, nil
		}
		if blk.Type == typ || (typ == "CERTIFICATE REQUEST" && blk.Type == "NEW CERTIFICATE REQUEST") {
			return blk.Bytes, nil
		}
	}
}

// fingerprint is the SHA-256 of a DER certificate, colon-separated as openssl prints it.
func fingerprint(der []byte) string {
	h := sha256.Sum256(der)
	s := strings.ToUpper(hex.EncodeToString(h[:]))
	var parts []string
	for i := 0; i < len(s); i += 2 {
		parts = append(parts, s[i:i+2])
	}
	return strings.Join(parts, ":")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// writePublic writes a public file (a CRL, a certificate, a request) for carrying to
// the other machine, replacing an older one atomically: the next CRL goes where the
// last one went.
func writePublic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".certcenter-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
