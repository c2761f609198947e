package main

import (
	"crypto/x509"
	"path/filepath"
	"time"

	"github.com/certcenter/certcenter/internal/revcheck"
)

// Revocation status for verify comes from internal/revcheck: OCSP first (the
// certificate's AIA OCSP URL), the CRL at its distribution point when OCSP does not
// answer, "unknown" when neither does; OCSP answers and caIssuers certificates are
// cached on disk (cacheDir) until their nextUpdate / notAfter.

type revocationResult = revcheck.Result

const (
	revGood    = revcheck.Good
	revRevoked = revcheck.Revoked
	revUnknown = revcheck.Unknown

	maxFetched   = revcheck.MaxFetched
	fetchTimeout = 10 * time.Second
)

// parseCerts reads one or more certificates, PEM or DER.
func parseCerts(b []byte) ([]*x509.Certificate, error) { return revcheck.ParseCerts(b) }

// cacheDir is $CERTCTL_CACHE_DIR, else the user's cache folder + certctl.
func (c *cli) cacheDir() string {
	if v := c.env("CERTCTL_CACHE_DIR"); v != "" {
		return v
	}
	switch {
	case c.goos == "windows" && c.env("LOCALAPPDATA") != "":
		return filepath.Join(c.env("LOCALAPPDATA"), "certctl")
	case c.goos == "darwin" && c.env("HOME") != "":
		return filepath.Join(c.env("HOME"), "Library", "Caches", "certctl")
	case c.env("XDG_CACHE_HOME") != "":
		return filepath.Join(c.env("XDG_CACHE_HOME"), "certctl")
	case c.env("HOME") != "":
		return filepath.Join(c.env("HOME"), ".cache", "certctl")
	}
	return ""
}
