package app

import (
	"context"
	"time"

	"github.com/certcenter/certcenter/internal/relay"
)

// relaySweepEvery is how often expired copy sessions are deleted: they live 5 minutes,
// so a session outlives its expiry by at most this much.
const relaySweepEvery = 30 * time.Second

// mountRelay mounts the device-to-device copy relay (issue 7): its routes and the job
// that deletes expired sessions.
func (a *App) mountRelay(ctx context.Context) error {
	svc := relay.New(a.Store, a.Now, a.Log)
	a.API.MountRelay(svc)
	a.jobs = append(a.jobs, Job{Name: "relay-sweeper", Run: func(ctx context.Context) { svc.RunSweeper(ctx, relaySweepEvery) }})
	return nil
}
