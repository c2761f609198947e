package app

import (
	"context"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/center"

	"github.com/certcenter/certcenter/internal/web"
	"github.com/certcenter/certcenter/internal/web/console"
)

// mountConsole mounts the staff console (/console/) on the desk mountCenterAPI made.
// Its sessions are of kind "console" (the web center's sweeper deletes idle ones of
// every kind). The node heartbeat, which the operator's operations page reads, starts
// here too.
func (a *App) mountConsole(ctx context.Context) error {
	secure := a.Cfg.TLS.CertFile != "" || strings.HasPrefix(a.Cfg.BaseURL, "https://")
	crlValidity, ocspValidity := a.Revocation.Validity()
	h, err := console.New(console.Options{
		Store: a.Store, Desk: a.Desk, Service: a.Center, Directory: a.Store,
		Ops: console.OpsOptions{Store: a.Store, Partitions: a.CA.Partitions(), CRLValidity: crlValidity, OCSPValidity: ocspValidity,
			NodeBeat: nodeBeat},
		Sessions: web.NewSessions(a.Store, a.Seal, a.Now, "console", secure), Seal: a.Seal,
		Demo: a.Cfg.Demo, BaseURL: strings.TrimSuffix(a.Cfg.BaseURL, "/"), Log: a.Log, Now: a.Now,
		Supervision: a.supervision(),
		SignIn:      a.guesses("console", a.Cfg.Limits.EnrollGuesses), Client: a.clientAddr,
	})
	if err != nil {
		return err
	}
	h.Mount(a.API.Pages())
	a.jobs = append(a.jobs, a.nodeHeartbeat())
	// The teller's search keys of customers stored before migration 00015 (or by an
	// older node during a rolling upgrade), in bounded batches while serving.
	a.jobs = append(a.jobs, Job{Name: "customer-search-keys", Run: func(ctx context.Context) {
		a.Desk.RunSearchBackfill(ctx, center.SearchBackfill{Log: func(keyed int, took time.Duration, err error) {
			if err != nil {
				a.Log.Warn("customer search keys", "keyed", keyed, "took", took, "err", err)
				return
			}
			a.Log.Info("customer search keys", "keyed", keyed, "took", took)
		}})
	}})
	return nil
}

// supervision is the console's approvals, counter and reports wiring.
func (a *App) supervision() console.Supervision {
	s := console.Supervision{Store: a.Store, Desk: a.Desk, Approvals: a.Cfg.Console.Approvals}
	if a.FinCert != nil {
		s.FinCert = a.FinCert
	}
	return s
}
