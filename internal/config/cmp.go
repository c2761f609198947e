package config

import "time"

// CMP configures CMP over HTTP at /pkix/ (internal/cmphttp).
type CMP struct {
	// ConfirmWait is how long a certificate issued over CMP waits for the client's
	// certConf before it is revoked (RFC 4210 section 5.3.18). The client is told in
	// the answer's confirmWaitTime. Default 5m; 10s to 1h.
	ConfirmWait time.Duration `toml:"confirm_wait"`
}

func defaultCMP() CMP { return CMP{ConfirmWait: 5 * time.Minute} }

func (c CMP) validate(add func(path, format string, args ...any)) {
	if c.ConfirmWait < 10*time.Second || c.ConfirmWait > time.Hour {
		add("cmp.confirm_wait", "%v: must be 10s to 1h (e.g. \"5m\")", c.ConfirmWait)
	}
}
