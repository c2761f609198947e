package cmphttp

import (
	"context"
	"time"
)

// Sweep revokes the certificates whose confirmation time passed without a certConf
// (RFC 4210 section 5.3.18) and deletes expired transactions. It returns how many
// certificates it revoked.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n, err := s.cfg.CA.RevokeUnconfirmed(ctx)
	if err != nil {
		return n, err
	}
	_, err = s.cfg.Store.DeleteExpiredCMPTransactions(ctx, s.cfg.Now())
	return n, err
}

// RunSweeper calls Sweep every interval until ctx is done (a background job).
func (s *Service) RunSweeper(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := s.Sweep(ctx)
			if err != nil && ctx.Err() == nil {
				s.cfg.Log.Error("cmp: sweep unconfirmed certificates", "error", err)
			} else if n > 0 {
				s.cfg.Log.Info("cmp: revoked unconfirmed certificates", "count", n)
			}
		}
	}
}
