// Package config reads certcenter's one configuration file (TOML), strictly: an unknown
// key is an error that names its path. Defaults live in Default() alone, and Validate()
// names the key path of every problem. Secrets never appear in the file itself: they are
// references, "env:NAME" or "file:/path", resolved where they are used.
//
// config does not open databases, keys or sockets; it only describes them.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// Config is the whole configuration.
type Config struct {
	// Listen is the HTTP listen address.
	Listen string `toml:"listen"`
	// BaseURL is the public URL of this server, written into certificates (CRL
	// distribution points, AIA). Default: http://<listen>.
	BaseURL string `toml:"base_url"`
	// DataDir holds the embedded database, generated demo keys and secrets.
	DataDir  string   `toml:"data_dir"`
	Database Database `toml:"database"`
	TLS      TLS      `toml:"tls"`
	CA       CA       `toml:"ca"`
	Keys     Keys     `toml:"keys"`
	Secrets  Secrets  `toml:"secrets"`
	CMP      CMP      `toml:"cmp"`
	// Revocation tunes CRLs and the OCSP responder (revocation.go).
	Revocation Revocation `toml:"revocation"`
	// Center configures the certificate center's desk (config_center.go).
	Center Center `toml:"center"`
	// Limits caps what one client may cost the server (limits.go).
	Limits Limits `toml:"limits"`
	// Metrics says where /metrics is served (metrics.go).
	Metrics Metrics `toml:"metrics"`
	// FinCert configures the financial certificate's iframe (fincert.go).
	FinCert FinCert `toml:"fincert"`
	// Console configures the staff console's approvals (console.go).
	Console Console `toml:"console"`
	// Demo enables the demo institutions, the development endpoints and the generated
	// secrets key and CA passphrase. On with no configuration file (Default); in a file,
	// off unless set.
	Demo bool `toml:"demo"`
}

// Database selects the store.
type Database struct {
	Driver string `toml:"driver"` // "sqlite" (embedded) or "postgres"
	DSN    string `toml:"dsn"`    // sqlite: a file path (default DataDir/certcenter.db); postgres: a pgx DSN
}

// TLS serves HTTPS when both files are set.
type TLS struct {
	CertFile string `toml:"cert_file"`
	KeyFile  string `toml:"key_file"`
}

// CA names the authority and its certificate profile.
type CA struct {
	Organization  string `toml:"organization"`   // O= of the issuing CA and of subscriber certificates, e.g. "yessign"
	RootName      string `toml:"root_name"`      // CN of the root (the KISA role)
	IssuingName   string `toml:"issuing_name"`   // CN of the issuing CA
	PolicyArc     string `toml:"policy_arc"`     // OID arc of the certificate policies, e.g. 1.2.410.200005.1.1
	CPSURI        string `toml:"cps_uri"`        // CPS URI written in certificatePolicies
	CRLPartitions int    `toml:"crl_partitions"` // number of CRL partitions
}

// Keys selects where the CA keys are.
type Keys struct {
	Source string `toml:"source"` // "file" or "pkcs11"
	// Passphrase of the encrypted key files: "env:NAME" or "file:/path". Required
	// outside demo mode; in demo mode, default file:DataDir/ca-passphrase, generated on
	// first start.
	Passphrase string `toml:"passphrase"`
	PKCS11     PKCS11 `toml:"pkcs11"`
	// Root is "offline" when the root key is kept off the servers: no node opens it,
	// and the root's CRL is signed offline (certcenter root crl) and imported
	// (certcenter root import-crl). Default "": the root key is beside the others.
	Root string `toml:"root"`
}

// PKCS11 locates the keys in an HSM.
type PKCS11 struct {
	Module     string `toml:"module"`
	TokenLabel string `toml:"token_label"`
	PIN        string `toml:"pin"` // "env:NAME" or "file:/path"
}

// Secrets holds the key that seals identity numbers and authorization codes at rest.
type Secrets struct {
	// Key: "env:NAME" or "file:/path" of 32 bytes in hex. Default (demo):
	// file:DataDir/secrets.key, generated on first start.
	Key string `toml:"key"`
}

// Default returns the zero-config defaults: embedded SQLite in ./certcenter-data,
// listening on 127.0.0.1:8080, keys in files, demo institutions on.
func Default() Config {
	return Config{
		Listen:   "127.0.0.1:8080",
		DataDir:  "certcenter-data",
		Database: Database{Driver: "sqlite"},
		CA: CA{
			Organization:  "certcenter",
			RootName:      "certcenter Demo RootCA",
			IssuingName:   "certcenterCA Class 1",
			PolicyArc:     "1.2.410.200005.1.1",
			CRLPartitions: 16,
		},
		Keys:       Keys{Source: "file"},
		CMP:        defaultCMP(),
		Revocation: defaultRevocation(),
		Center:     defaultCenter(),
		Limits:     defaultLimits(),
		Console:    defaultConsole(),
		Demo:       true,
	}
}

// Load reads a TOML file over the defaults. Unknown keys are errors naming their path.
// Demo mode is off in a file unless it says demo = true: a node configured for
// PostgreSQL must not make its own secrets key and demo institutions because the file
// forgot the line (issue 17).
func Load(path string) (Config, error) {
	c := Default()
	c.Demo = false
	md, err := toml.DecodeFile(path, &c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return c, fmt.Errorf("config: %s: %s", path, perr.ErrorWithPosition())
		}
		return c, fmt.Errorf("config: %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return c, fmt.Errorf("config: %s: unknown key %s (check the spelling; see certcenter config check)", path, strings.Join(keys, ", "))
	}
	// Relative paths in a file are relative to the file's folder: the data folder, the
	// TLS files and the files of secret references ("file:secrets/x" beside the file).
	base := filepath.Dir(path)
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	c.DataDir = rel(c.DataDir)
	c.TLS.CertFile, c.TLS.KeyFile = rel(c.TLS.CertFile), rel(c.TLS.KeyFile)
	for _, ref := range []*string{&c.Secrets.Key, &c.Keys.Passphrase, &c.Keys.PKCS11.PIN, &c.Metrics.Token,
		&c.Center.SMTP.Password, &c.Center.SMSWebhook.Token} {
		if f, ok := strings.CutPrefix(*ref, "file:"); ok && f != "" {
			*ref = "file:" + rel(f)
		}
	}
	for i := range c.Center.TrustedRoots {
		c.Center.TrustedRoots[i] = rel(c.Center.TrustedRoots[i])
	}
	return c, nil
}

// Problem is one validation failure, naming the key path.
type Problem struct{ Path, Message string }

func (p Problem) String() string { return p.Path + ": " + p.Message }

// ValidationError lists every problem found.
type ValidationError []Problem

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, p := range v {
		parts[i] = p.String()
	}
	return "config: " + strings.Join(parts, "; ")
}

var (
	oidRE = regexp.MustCompile(`^[0-2](\.(0|[1-9][0-9]*))+$`)
	refRE = regexp.MustCompile(`^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$`)
)

// Validate checks the configuration and fills derived values (BaseURL, the SQLite path).
func (c *Config) Validate() error {
	var ps ValidationError
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{path, fmt.Sprintf(format, args...)})
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add("listen", "%q is not host:port", c.Listen)
	}
	if c.BaseURL == "" {
		scheme := "http"
		if c.TLS.CertFile != "" {
			scheme = "https"
		}
		c.BaseURL = scheme + "://" + c.Listen
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("base_url", "%q is not an http(s) URL", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.DataDir == "" {
		add("data_dir", "must not be empty")
	}
	switch c.Database.Driver {
	case "sqlite":
		if c.Database.DSN == "" {
			c.Database.DSN = filepath.Join(c.DataDir, "certcenter.db")
		}
	case "postgres":
		if c.Database.DSN == "" {
			add("database.dsn", "required for postgres (e.g. postgres://user@host/db)")
		}
	default:
		add("database.driver", "%q: must be \"sqlite\" or \"postgres\"", c.Database.Driver)
	}
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		add("tls", "cert_file and key_file go together")
	}
	for path, f := range map[string]string{"tls.cert_file": c.TLS.CertFile, "tls.key_file": c.TLS.KeyFile} {
		if f != "" {
			if _, err := os.Stat(f); err != nil {
				add(path, "%v", err)
			}
		}
	}
	if strings.TrimSpace(c.CA.Organization) == "" {
		add("ca.organization", "must not be empty")
	}
	if strings.TrimSpace(c.CA.RootName) == "" {
		add("ca.root_name", "must not be empty")
	}
	if strings.TrimSpace(c.CA.IssuingName) == "" {
		add("ca.issuing_name", "must not be empty")
	}
	if !oidRE.MatchString(c.CA.PolicyArc) {
		add("ca.policy_arc", "%q is not a dotted OID", c.CA.PolicyArc)
	}
	if c.CA.CRLPartitions < 1 || c.CA.CRLPartitions > 4096 {
		add("ca.crl_partitions", "%d: must be 1 to 4096", c.CA.CRLPartitions)
	}
	switch c.Keys.Source {
	case "file":
		if c.Keys.Passphrase != "" && !refRE.MatchString(c.Keys.Passphrase) {
			add("keys.passphrase", "must be a reference env:NAME or file:/path, never the passphrase itself")
		}
	case "pkcs11":
		if c.Keys.PKCS11.Module == "" {
			add("keys.pkcs11.module", "required for source \"pkcs11\" (e.g. /usr/lib/softhsm/libsofthsm2.so)")
		}
		if c.Keys.PKCS11.TokenLabel == "" {
			add("keys.pkcs11.token_label", "required for source \"pkcs11\"")
		}
		if !refRE.MatchString(c.Keys.PKCS11.PIN) {
			add("keys.pkcs11.pin", "must be a reference env:NAME or file:/path, never the PIN itself")
		}
	default:
		add("keys.source", "%q: must be \"file\" or \"pkcs11\"", c.Keys.Source)
	}
	if c.Keys.Root != "" && c.Keys.Root != "offline" {
		add("keys.root", "%q: must be \"offline\" or absent", c.Keys.Root)
	}
	if c.Secrets.Key != "" && !refRE.MatchString(c.Secrets.Key) {
		add("secrets.key", "must be a reference env:NAME or file:/path, never the key itself")
	}
	if !c.Demo && c.Keys.Source == "file" && c.Keys.Passphrase == "" {
		add("keys.passphrase", "required outside demo mode for file keys (by env:NAME or file:/path): a generated one would sit beside the keys")
	}
	if !c.Demo && c.Secrets.Key == "" {
		add("secrets.key", "required outside demo mode (32 bytes in hex, by env:NAME or file:/path)")
	}
	c.CMP.validate(add)
	c.Revocation.validate(add)
	c.Center.validate(add)
	c.Limits.validate(add)
	c.Metrics.validate(add)
	c.FinCert.validate(add)
	c.Console.validate(add)
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// ValidateOffline is Validate for the offline machine of the key ceremony (certcenter
// root init, sign-ca, crl): it needs the names, the profile, base_url and the root
// key's source, but never the secrets key, which stays with the servers, so a missing
// secrets.key is not a problem there.
func (c *Config) ValidateOffline() error {
	err := c.Validate()
	var ve ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var kept ValidationError
	for _, p := range ve {
		if p.Path != "secrets.key" || c.Secrets.Key != "" {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return kept
}
