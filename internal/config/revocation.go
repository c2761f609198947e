package config

import "time"

// Revocation tunes the CRLs and the OCSP responder (internal/revocation).
type Revocation struct {
	// CRLValidity is nextUpdate - thisUpdate of every CRL. Each partition is re-signed
	// when half of it has passed, change or not. Default 24h; 1h to 7 days.
	CRLValidity time.Duration `toml:"crl_validity"`
	// FullCRL also publishes one CRL of every partition at /crl/<issuer>/full.crl, for
	// small deployments. Default off.
	FullCRL bool `toml:"full_crl"`
	// OCSPValidity is nextUpdate - thisUpdate of OCSP responses; they are re-signed when
	// half of it has passed. Default 24h; 10m to 7 days (RFC 5019 section 6 and the
	// CA/B Forum's ten-day ceiling).
	OCSPValidity time.Duration `toml:"ocsp_validity"`
	// OCSPNonce: "ignore" serves the pre-signed response to requests with a nonce (no
	// signature per request, RFC 5019 section 2.1); "echo" signs such requests live with
	// the nonce (RFC 8954). Default "ignore".
	OCSPNonce string `toml:"ocsp_nonce"`
	// OCSPCacheEntries bounds the in-memory response cache of each node. Default 250000.
	OCSPCacheEntries int `toml:"ocsp_cache_entries"`
}

func defaultRevocation() Revocation {
	return Revocation{CRLValidity: 24 * time.Hour, OCSPValidity: 24 * time.Hour, OCSPNonce: "ignore", OCSPCacheEntries: 250_000}
}

func (r Revocation) validate(add func(path, format string, args ...any)) {
	if r.CRLValidity < time.Hour || r.CRLValidity > 7*24*time.Hour {
		add("revocation.crl_validity", "%v: must be 1h to 168h (e.g. \"24h\")", r.CRLValidity)
	}
	if r.OCSPValidity < 10*time.Minute || r.OCSPValidity > 7*24*time.Hour {
		add("revocation.ocsp_validity", "%v: must be 10m to 168h (e.g. \"24h\")", r.OCSPValidity)
	}
	if r.OCSPNonce != "ignore" && r.OCSPNonce != "echo" {
		add("revocation.ocsp_nonce", "%q: must be \"ignore\" or \"echo\"", r.OCSPNonce)
	}
	if r.OCSPCacheEntries < 1000 || r.OCSPCacheEntries > 50_000_000 {
		add("revocation.ocsp_cache_entries", "%d: must be 1000 to 50000000", r.OCSPCacheEntries)
	}
}
