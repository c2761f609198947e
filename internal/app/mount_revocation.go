package app

import (
	"context"

	"github.com/certcenter/certcenter/internal/revocation"
)

// mountRevocation mounts CRLs and the OCSP responder (issue 6): GET /crl/{issuer}/{file},
// POST /ocsp and GET /ocsp/{request}, and the job that follows status changes, elects
// the node that publishes CRLs and pre-signs OCSP responses, and refreshes them.
func (a *App) mountRevocation(ctx context.Context) error {
	cfg := revocation.Config{
		CRLValidity:  a.Cfg.Revocation.CRLValidity,
		FullCRL:      a.Cfg.Revocation.FullCRL,
		OCSPValidity: a.Cfg.Revocation.OCSPValidity,
		Nonce:        revocation.NoncePolicy(a.Cfg.Revocation.OCSPNonce),
		CacheEntries: a.Cfg.Revocation.OCSPCacheEntries,
		Now:          a.Now,
		Log:          a.Log,
	}
	if a.Cfg.Database.Driver == "postgres" {
		cfg.PostgresDSN = a.Cfg.Database.DSN
	}
	svc, err := revocation.New(cfg, a.CA, a.Store)
	if err != nil {
		return err
	}
	a.Revocation = svc
	a.API.Handle("POST /ocsp", svc.ServeOCSP)
	a.API.Handle("GET /ocsp", svc.ServeOCSP)
	a.API.Handle("GET /ocsp/{request...}", svc.ServeOCSP)
	a.API.Handle("GET /crl/{issuer}/{file}", svc.ServeCRL)
	a.jobs = append(a.jobs, Job{Name: "revocation", Run: svc.Run})
	return nil
}
