package app

import (
	"context"
	"sync"
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
	for _, m := range []func(context.Context) error{a.mountCenterAPI, a.mountCMP, a.mountRevocation, a.mountRelay} {
		if err := m(ctx); err != nil {
			return err
		}
	}
	return nil
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
