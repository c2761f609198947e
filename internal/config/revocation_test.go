package config

import (
	"strings"
	"testing"
	"time"
)

func TestRevocation(t *testing.T) {
	d := Default().Revocation
	if d.CRLValidity != 24*time.Hour || d.OCSPValidity != 24*time.Hour || d.OCSPNonce != "ignore" || d.FullCRL || d.OCSPCacheEntries != 250_000 {
		t.Errorf("default revocation = %+v", d)
	}
	c, err := Load(write(t, "[revocation]\ncrl_validity = \"48h\"\nocsp_validity = \"12h\"\nocsp_nonce = \"echo\"\nfull_crl = true\nocsp_cache_entries = 5000\n"))
	if err != nil || c.Revocation != (Revocation{CRLValidity: 48 * time.Hour, OCSPValidity: 12 * time.Hour, OCSPNonce: "echo", FullCRL: true, OCSPCacheEntries: 5000}) {
		t.Fatalf("Load([revocation]) = %+v, %v", c.Revocation, err)
	}
	for _, tc := range []struct {
		path string
		mod  func(*Revocation)
	}{
		{"revocation.crl_validity", func(r *Revocation) { r.CRLValidity = time.Minute }},
		{"revocation.crl_validity", func(r *Revocation) { r.CRLValidity = 30 * 24 * time.Hour }},
		{"revocation.ocsp_validity", func(r *Revocation) { r.OCSPValidity = time.Second }},
		{"revocation.ocsp_nonce", func(r *Revocation) { r.OCSPNonce = "sometimes" }},
		{"revocation.ocsp_cache_entries", func(r *Revocation) { r.OCSPCacheEntries = 0 }},
	} {
		c := Default()
		tc.mod(&c.Revocation)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", c.Revocation, err, tc.path)
		}
	}
}
