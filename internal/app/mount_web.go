package app

import (
	"context"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/web"
	"github.com/certcenter/certcenter/internal/web/centerweb"
)

// mountWeb mounts the institutions' web certificate centers (/{code}/, and in demo mode
// the index at / and the demo outbox) on the desk mountCenterAPI made, and the job that
// deletes idle browser sessions.
func (a *App) mountWeb(ctx context.Context) error {
	if a.Cfg.Demo {
		a.Center.AllowDemoValidity()
	}
	secure := a.Cfg.TLS.CertFile != "" || strings.HasPrefix(a.Cfg.BaseURL, "https://")
	sessions := web.NewSessions(a.Store, a.Seal, a.Now, "center", secure)
	h, err := centerweb.New(centerweb.Options{
		Desk: a.Desk, Service: a.Center, Directory: webDirectory{a}, Sessions: sessions, Demo: a.Cfg.Demo, Log: a.Log, Now: a.Now,
		DemoRelyingParty: a.DemoRelyingParty(),
		FinCert:          a.FinCert,
		// The slip of an in-person enrollment, redeemed in the wizard: wrong codes count
		// towards the same limits as POST /api/v1/certificates (same rule names).
		Slip: centerweb.SlipOptions{Codes: a.Center, Customers: a.Store, Guesses: a.guesses("enroll", a.Cfg.Limits.EnrollGuesses), Client: a.clientAddr},
		Fees: center.Fees{PersonalUniversalKRW: center.DefaultFees().PersonalUniversalKRW, CorporateUniversalKRW: a.Cfg.Center.CorporateUniversalFee},
	})
	if err != nil {
		return err
	}
	h.Mount(a.API.Pages(), a.API.NotFound)
	a.jobs = append(a.jobs, Job{Name: "web-sessions", Run: func(ctx context.Context) {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if _, err := sessions.Sweep(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("web sessions sweep", "err", err)
			}
		}
	}})
	return nil
}
