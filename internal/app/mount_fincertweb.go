package app

import (
	"context"
	"net/url"

	"github.com/certcenter/certcenter/internal/web/fincertweb"
)

// mountFinCertWeb mounts the financial certificate's SDK and iframe, and in demo mode
// the demo relying party (/demo/rp/), which signs in as institution 902 and is meant to
// be opened on another origin than certcenter's: the base URL with "localhost" for
// "127.0.0.1" (or the reverse), so that the SDK works across origins as for an outside
// site. The iframe may be framed by that origin only (and by certcenter's own pages).
func (a *App) mountFinCertWeb(ctx context.Context) error {
	ancestors := append([]string(nil), a.Cfg.FinCert.FrameAncestors...)
	if a.Cfg.Demo {
		if o := otherLoopbackOrigin(a.Cfg.BaseURL); o != "" {
			ancestors = append(ancestors, o)
		}
	}
	h, err := fincertweb.New(fincertweb.Options{
		Service: a.FinCert, Institution: a.Store.Institution, FrameAncestors: ancestors,
		CenterOrigin: a.Cfg.BaseURL, Demo: a.Cfg.Demo, DemoOrg: "902", Log: a.Log,
	})
	if err != nil {
		return err
	}
	h.Mount(a.API.Pages())
	return nil
}

// otherLoopbackOrigin is the same server under the other loopback name: the demo's
// second origin.
func otherLoopbackOrigin(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	switch u.Hostname() {
	case "127.0.0.1":
		u.Host = "localhost:" + u.Port()
	case "localhost":
		u.Host = "127.0.0.1:" + u.Port()
	default:
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// DemoRelyingParty is the URL of the demo relying party, on the other loopback origin.
func (a *App) DemoRelyingParty() string {
	if o := otherLoopbackOrigin(a.Cfg.BaseURL); o != "" && a.Cfg.Demo {
		return o + "/demo/rp/"
	}
	return ""
}
