package center

import (
	"context"
	"sync"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// institutionTTL is how long an institution read from the store serves issuances.
// Institutions change rarely (no API changes them after bootstrap yet) and every
// issuance needs one: a stale short name for a minute is the price of a query saved.
const institutionTTL = time.Minute

// institutionCache holds institutions by code for institutionTTL.
type institutionCache struct {
	mu sync.Mutex
	m  map[string]cachedInstitution
}

type cachedInstitution struct {
	inst    model.Institution
	expires time.Time
}

// institution returns the institution with code, from the cache or the store.
func (s *Service) institution(ctx context.Context, code string) (model.Institution, error) {
	c := &s.insts
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[code]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.inst, nil
	}
	inst, err := s.store.Institution(ctx, code)
	if err != nil {
		return inst, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = map[string]cachedInstitution{}
	}
	c.m[code] = cachedInstitution{inst: inst, expires: now.Add(institutionTTL)}
	c.mu.Unlock()
	return inst, nil
}
