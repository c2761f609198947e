package config

import (
	"fmt"
	"net/url"
)

// FinCert configures the financial certificate's web face.
type FinCert struct {
	// FrameAncestors are the relying institutions' site origins allowed to embed
	// certcenter's financial-certificate iframe (its Content-Security-Policy
	// frame-ancestors), e.g. ["https://www.bank.example"]. Empty: only certcenter's own
	// pages (and, in demo mode, the demo relying party) may.
	FrameAncestors []string `toml:"frame_ancestors"`
}

func (f FinCert) validate(add func(path, format string, args ...any)) {
	for i, o := range f.FrameAncestors {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") ||
			u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			add(fmt.Sprintf("fincert.frame_ancestors[%d]", i), "%q is not an origin (scheme://host[:port])", o)
		}
	}
}
