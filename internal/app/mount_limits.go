package app

import (
	"context"
	"net/http"
	"time"

	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/httpapi"
	"github.com/certcenter/certcenter/internal/ratelimit"
)

// rateSweepEvery is how often counters no decision reads any more are deleted.
const rateSweepEvery = time.Minute

// mountLimits sets the per-client limits of the API (issue 17), counted in the
// database so that they hold across nodes, and the job that deletes old counters. It
// runs before the parts that use them (CMP).
func (a *App) mountLimits(ctx context.Context) error {
	l := a.Cfg.Limits
	a.Limiter = ratelimit.New(a.Store, a.Now, a.Log)
	a.API.SetLimits(httpapi.Limits{
		ClientHeader: l.ClientHeader,
		Enroll:       a.guesses("enroll", l.EnrollGuesses),
		Relay:        a.guesses("relay", l.RelayGuesses),
		Limiter:      a.Limiter,
		RelayOpen:    rule("relay-open", l.RelayOpens),
		LongPolls:    ratelimit.NewSlots(l.LongPolls, l.LongPollsPerClient),
	})
	a.jobs = append(a.jobs, Job{Name: "rate-limit-sweeper", Run: func(ctx context.Context) { a.Limiter.RunSweeper(ctx, rateSweepEvery) }})
	return nil
}

// clientAddr names the client of a request for its limits.
func (a *App) clientAddr(r *http.Request) string {
	return httpapi.ClientAddr(r, a.Cfg.Limits.ClientHeader)
}

func (a *App) guesses(name string, g config.Guesses) *ratelimit.Guesses {
	return &ratelimit.Guesses{Limiter: a.Limiter,
		Client:       rule(name+"-guess-client", g.PerClient),
		TargetClient: rule(name+"-guess-target-client", g.PerTargetClient),
		Target:       rule(name+"-guess-target", g.PerTarget)}
}

func rule(name string, r config.Rate) ratelimit.Rule {
	return ratelimit.Rule{Name: name, Limit: r.Limit, Period: r.Period}
}
