package app

import (
	"context"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/cmphttp"
)

// mountCMP mounts CMP over HTTP (RFC 6712) at /pkix/ (issue 5) and the job that revokes
// certificates whose certConf did not come in time. The CMP identity's key (the
// responder role key, see ca.CMPIdentity) stays open for the life of the process.
func (a *App) mountCMP(ctx context.Context) error {
	ks, err := keySource(a.Cfg)
	if err != nil {
		return err
	}
	auths, err := a.Store.Authorities(ctx)
	if err != nil {
		return err
	}
	id, err := ca.OpenCMPIdentity(ks, auths)
	if err != nil {
		return err
	}
	svc, err := cmphttp.New(cmphttp.Config{
		Center: a.Center, CA: a.CA, Identity: id, Store: a.Store,
		ConfirmWait: a.Cfg.CMP.ConfirmWait, Now: a.Now, Log: a.Log,
		Guesses: a.guesses("enroll", a.Cfg.Limits.EnrollGuesses), ClientAddr: a.clientAddr,
	})
	if err != nil {
		id.Close()
		return err
	}
	a.closers = append(a.closers, id)
	a.API.Handle("POST /pkix/", svc.ServeHTTP)
	a.API.Handle("POST /pkix", svc.ServeHTTP)
	a.jobs = append(a.jobs, Job{Name: "cmp-confirmations", Run: func(ctx context.Context) {
		svc.RunSweeper(ctx, 5*time.Second)
	}})
	return nil
}
