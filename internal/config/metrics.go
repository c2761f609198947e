package config

import "net"

// Metrics says where the Prometheus metrics (/metrics) are served. They tell request
// counts, latencies and the process's state: not for the public. With neither setting
// they are served on the main listener only in demo mode (no configuration file), and
// not at all otherwise.
type Metrics struct {
	// Listen serves /metrics on a listener of its own (e.g. "127.0.0.1:9090", or an
	// address on the monitoring network); the main listener then does not serve it.
	Listen string `toml:"listen"`
	// Token requires "Authorization: Bearer <token>" on /metrics, wherever it is served:
	// a reference, "env:NAME" or "file:/path". With Token and no Listen, /metrics is on
	// the main listener behind the token.
	Token string `toml:"token"`
}

func (m Metrics) validate(add func(path, format string, args ...any)) {
	if m.Listen != "" {
		if _, _, err := net.SplitHostPort(m.Listen); err != nil {
			add("metrics.listen", "%q is not host:port", m.Listen)
		}
	}
	if m.Token != "" && !refRE.MatchString(m.Token) {
		add("metrics.token", "must be a reference env:NAME or file:/path, never the token itself")
	}
}

// MetricsPublic reports whether /metrics is served on the main listener without a
// token: demo mode with no metrics setting.
func (c Config) MetricsPublic() bool {
	return c.Demo && c.Metrics.Listen == "" && c.Metrics.Token == ""
}
