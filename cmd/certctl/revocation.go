package main

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"os"
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

// The status certctl knows without asking: what it did itself (certctl revoke leaves a
// note in the cache folder) and the OCSP answers still usable in the cache
// (internal/revcheck: a "good" or a suspension for 5 minutes, a revocation until its
// nextUpdate). list without --check and auto-renew use it so that a certificate known
// to be revoked or suspended is never shown as valid or "not due".

// revokedNote is what certctl revoke writes: this device revoked the certificate.
type revokedNote struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

func (c *cli) revokedNotePath(cert *x509.Certificate) string {
	dir := c.cacheDir()
	if dir == "" {
		return ""
	}
	h := sha256.Sum256(cert.Raw)
	return filepath.Join(dir, "revoked", hex.EncodeToString(h[:])+".json")
}

// revocationChanged is called after certctl changed cert's status on the server
// (revoked it, renewed it): its cached OCSP answer is dropped, and a revocation is
// noted. A cache that cannot be written is not an error.
func (c *cli) revocationChanged(cert *x509.Certificate, revokedReason string) {
	dir := c.cacheDir()
	if dir == "" {
		return
	}
	(&revcheck.Checker{CacheDir: dir}).Forget(cert)
	if revokedReason == "" {
		return
	}
	b, err := json.Marshal(revokedNote{Reason: revokedReason, At: c.now().UTC()})
	if err != nil {
		return
	}
	p := c.revokedNotePath(cert)
	if os.MkdirAll(filepath.Dir(p), 0o700) == nil {
		replaceFile(p, b, 0o600, true)
	}
}

// knownRevocation is cert's status as far as it is known without the network: nil
// unless it is known to be revoked or suspended.
func (c *cli) knownRevocation(cert *x509.Certificate) *revocationResult {
	if p := c.revokedNotePath(cert); p != "" {
		if b, err := readFileLimit(p, 4096); err == nil {
			var n revokedNote
			if json.Unmarshal(b, &n) == nil {
				return &revocationResult{Status: revRevoked, Source: "certctl", URL: "certctl revoke", RevokedAt: &n.At, Reason: n.Reason}
			}
		}
	}
	dir := c.cacheDir()
	if dir == "" {
		return nil
	}
	if r := c.checkWith(&revcheck.Checker{Now: c.now, CacheDir: dir, Offline: true}, cert); r.Status == revRevoked {
		return r
	}
	return nil
}

// applyRevocation makes a known revocation or suspension the certificate's status: a
// revoked certificate is not "valid", whatever its dates.
func applyRevocation(v *certView) {
	if r := v.Revocation; r != nil && r.Status == revRevoked {
		v.Status = statusRevoked
		if r.Suspended {
			v.Status = statusSuspended
		}
	}
}
