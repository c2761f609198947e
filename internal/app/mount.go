package app

import (
	"context"
	"sync"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/prometheus/client_golang/prometheus"
)

// Job is a background task of a running server (CRL publication, reminders, the CMP
// confirmation sweeper). It runs until ctx is done; it must return promptly then.
type Job struct {
	Name string
	Run  func(ctx context.Context)
}

// mount adds the parts that hang off the core (each in its own mount_*.go file): their
// HTTP routes on a.API and their background jobs on a.jobs.
func (a *App) mount(ctx context.Context) error {
	for _, m := range []func(context.Context) error{a.mountLimits, a.mountCenterAPI, a.mountCMP, a.mountRevocation, a.mountRelay, a.mountCPS, a.mountFinCert, a.mountWeb, a.mountConsole, a.mountFinCertWeb} {
		if err := m(ctx); err != nil {
			return err
		}
	}
	a.jobs = append(a.jobs, Job{Name: "pending-certificates", Run: a.repairPending})
	pending := func(f func(ca.PendingStats) float64) func() float64 {
		return func() float64 { return f(a.CA.Pending()) }
	}
	a.API.Registry().MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "certcenter_ca_ders_unwritten",
			Help: "Certificates answered whose DER this node has not yet written (normally 0 or a few)."},
			pending(func(p ca.PendingStats) float64 { return float64(p.Held) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "certcenter_ca_pending_repaired_total",
			Help: "Pending certificates this node completed by signing their stored TBSCertificate again."},
			pending(func(p ca.PendingStats) float64 { return float64(p.Repaired) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "certcenter_ca_pending_repair_failures_total",
			Help: "Failed attempts to complete a pending certificate (key unavailable, or a stored TBSCertificate that fails its tag)."},
			pending(func(p ca.PendingStats) float64 { return float64(p.Failed) })),
	)
	return nil
}

// pendingSweep is how often a node looks for certificates that another node left
// pending when it died (Open already completed this node's own).
const pendingSweep = 30 * time.Second

// repairPending completes, now and then, the certificates whose signer died between
// the commit of their issuance and the write of their DER (ca.Authority.RepairPending).
func (a *App) repairPending(ctx context.Context) {
	t := time.NewTicker(pendingSweep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := a.CA.RepairPending(ctx, ca.PendingGrace); err != nil && ctx.Err() == nil {
			a.Log.Warn("complete pending certificates", "err", err)
		} else if n > 0 {
			a.Log.Warn("completed certificates left pending by a crash", "count", n)
		}
	}
}

// StartJobs runs the background jobs until ctx is done and returns a function that
// waits for them to stop. Serve calls it; tests that serve through httptest call it.
func (a *App) StartJobs(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	for _, j := range a.jobs {
		wg.Add(1)
		go func(j Job) {
			defer wg.Done()
			j.Run(ctx)
		}(j)
	}
	return wg.Wait
}
