package revocation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// lockName is the singleton lock of the node that publishes CRLs and pre-signs OCSP
// responses.
const lockName = "revocation-publisher"

// crlCheck is how long a node serves a CRL from memory before it looks in the database
// again, in case a notification of a newer one was missed.
const crlCheck = 5 * time.Second

// crlCache holds the CRLs this node serves.
type crlCache struct {
	mu sync.Mutex
	m  map[int]*servedCRL
}

type servedCRL struct {
	crl     model.CRL
	checked time.Time
}

func (c *crlCache) get(p int) *servedCRL {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[p]
}

// put keeps crl unless a newer one is already held.
func (c *crlCache) put(crl model.CRL, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int]*servedCRL{}
	}
	if cur := c.m[crl.Partition]; cur != nil && cur.crl.Number > crl.Number {
		cur.checked = now
		return
	}
	c.m[crl.Partition] = &servedCRL{crl: crl, checked: now}
}

func (c *crlCache) invalidate(p int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur := c.m[p]; cur != nil {
		cur.checked = time.Time{}
	}
}

// publisher is the state of the publishing node.
type publisher struct {
	mu    sync.Mutex
	dirty map[int]bool
	heads map[int]model.CRL
	kick  chan struct{}
}

func (p *publisher) markDirty(partition int) {
	p.mu.Lock()
	p.dirty[partition] = true
	p.dirty[model.FullCRL] = true
	p.mu.Unlock()
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// partitions lists what this node publishes: every configured partition, the full CRL
// when enabled, and any partition a CRL was ever stored for (certificates keep their
// partition when the configured count shrinks).
func (s *Service) partitions(heads map[int]model.CRL) []int {
	var ps []int
	if s.cfg.FullCRL {
		ps = append(ps, model.FullCRL)
	}
	n := s.auth.Partitions()
	for p := 0; p < n; p++ {
		ps = append(ps, p)
	}
	for p := range heads {
		if p >= n {
			ps = append(ps, p)
		}
	}
	return ps
}

// Publish signs and stores a new CRL of partition (model.FullCRL: every partition) and
// returns it. Expired certificates stay on the CRL for one CRL validity after their
// notAfter, so that each appears on one regularly scheduled CRL issued after it
// expired, and then leave it (RFC 5280 section 3.3); OCSP keeps answering for them.
func (s *Service) Publish(ctx context.Context, partition int) (model.CRL, error) {
	mu, _ := s.pubMu.LoadOrStore(partition, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	now := s.now().UTC().Truncate(time.Second)
	var entries []ca.CRLEntry
	err := s.st.ListRevoked(ctx, s.issuerID, partition, now.Add(-s.cfg.CRLValidity), func(e model.RevokedEntry) error {
		entries = append(entries, ca.CRLEntry{Serial: e.Serial, RevokedAt: e.RevokedAt, Reason: e.Reason, InvalidityDate: e.InvalidityDate})
		return nil
	})
	if err != nil {
		return model.CRL{}, err
	}
	sort.Slice(entries, func(i, j int) bool { return bytes.Compare(entries[i].Serial, entries[j].Serial) < 0 })
	num, err := s.st.NextCRLNumber(ctx, s.issuerID, partition)
	if err != nil {
		return model.CRL{}, err
	}
	t := ca.CRLTemplate{Number: num, ThisUpdate: now, NextUpdate: now.Add(s.cfg.CRLValidity), Partition: partition, Entries: entries}
	der, err := s.auth.SignCRL(t)
	if err != nil {
		return model.CRL{}, err
	}
	crl := model.CRL{IssuerID: s.issuerID, Partition: partition, Number: num, ThisUpdate: t.ThisUpdate, NextUpdate: t.NextUpdate, DER: der}
	if err := s.st.StoreCRL(ctx, crl); err != nil && !errors.Is(err, store.ErrConflict) {
		return model.CRL{}, err
	} else if err != nil {
		// Another node stored a newer one meanwhile: serve that.
		if cur, err2 := s.st.CRL(ctx, s.issuerID, partition); err2 == nil {
			crl = cur
		}
	}
	s.crls.put(crl, s.now())
	s.pub.mu.Lock()
	if s.pub.heads != nil {
		head := crl
		head.DER = nil
		s.pub.heads[partition] = head
	}
	s.pub.mu.Unlock()
	return crl, nil
}

// CRL returns the CRL to serve for partition: from memory, from the database when the
// memory copy may be old, or signed now when none is current (a node that does not
// publish, or a server without its background jobs, still answers).
// store.ErrNotFound for a partition that does not exist.
func (s *Service) CRL(ctx context.Context, partition int) (model.CRL, error) {
	now := s.now()
	if c := s.crls.get(partition); c != nil && now.Sub(c.checked) < crlCheck && now.Before(c.crl.NextUpdate) {
		return c.crl, nil
	}
	if partition == model.FullCRL && !s.cfg.FullCRL {
		return model.CRL{}, fmt.Errorf("revocation: full CRL not enabled: %w", store.ErrNotFound)
	}
	crl, err := s.st.CRL(ctx, s.issuerID, partition)
	switch {
	case err == nil && now.Before(crl.NextUpdate):
		s.crls.put(crl, now)
		return crl, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return model.CRL{}, err
	case err != nil && partition >= s.auth.Partitions():
		return model.CRL{}, err
	}
	return s.Publish(ctx, partition)
}

// runElection takes the publishing lock when it is free and runs the publishing work
// while it holds it; the lock moves to another node when this one dies or loses its
// database connection.
func (s *Service) runElection(ctx context.Context) {
	for {
		lock, err := s.st.TryLock(ctx, lockName)
		if err != nil && ctx.Err() == nil {
			s.cfg.Log.Warn("revocation: publisher lock", "err", err)
		}
		if lock != nil {
			s.cfg.Log.Info("revocation: this node publishes CRLs and pre-signs OCSP responses")
			s.lead(ctx, lock)
			if err := lock.Release(); err != nil && ctx.Err() == nil {
				s.cfg.Log.Warn("revocation: release publisher lock", "err", err)
			}
		}
		if !sleep(ctx, s.cfg.LockRetry) {
			return
		}
	}
}

// lead publishes while the lock holds: every partition at once (a previous publisher
// may have died with changes unpublished), then changed partitions as changes arrive,
// every partition again when half its validity has passed, and pre-signed OCSP
// responses every minute.
func (s *Service) lead(ctx context.Context, lock store.Lock) {
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	heads := map[int]model.CRL{}
	if list, err := s.st.CRLHeads(lctx, s.issuerID); err == nil {
		for _, h := range list {
			heads[h.Partition] = h
		}
	}
	s.pub.mu.Lock()
	s.pub.heads = heads
	for _, p := range s.partitions(heads) {
		s.pub.dirty[p] = true
	}
	s.pub.mu.Unlock()
	s.leader.Store(true)
	defer s.leader.Store(false)

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.runPublish(lctx) }()
	go func() { defer wg.Done(); s.runPresign(lctx) }()
	defer wg.Wait()
	for sleep(lctx, 2*time.Second) {
		if err := lock.Check(lctx); err != nil {
			if ctx.Err() == nil {
				s.cfg.Log.Warn("revocation: lost the publisher lock", "err", err)
			}
			return
		}
	}
}

func (s *Service) runPublish(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		s.publishDue(ctx)
		s.refreshRootCRL(ctx)
		select {
		case <-ctx.Done():
			return
		case <-s.pub.kick:
			sleep(ctx, 20*time.Millisecond) // let a burst of changes land in one CRL
		case <-tick.C:
		}
	}
}

// publishDue publishes the partitions that changed and those past half their validity.
func (s *Service) publishDue(ctx context.Context) {
	now := s.now()
	s.pub.mu.Lock()
	var due []int
	for _, p := range s.partitions(s.pub.heads) {
		h, ok := s.pub.heads[p]
		if s.pub.dirty[p] || !ok || !now.Before(h.ThisUpdate.Add(s.cfg.CRLValidity/2)) {
			due = append(due, p)
			delete(s.pub.dirty, p)
		}
	}
	s.pub.mu.Unlock()
	for _, p := range due {
		if _, err := s.Publish(ctx, p); err != nil {
			if ctx.Err() != nil {
				return
			}
			s.cfg.Log.Warn("revocation: publish CRL", "partition", p, "err", err)
			s.pub.mu.Lock()
			s.pub.dirty[p] = true
			s.pub.mu.Unlock()
		}
	}
}

func (s *Service) runPresign(ctx context.Context) {
	lastPrune := time.Time{}
	for {
		if n, err := s.PresignAll(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Log.Warn("revocation: pre-sign OCSP responses", "signed", n, "err", err)
		}
		if now := s.now(); now.Sub(lastPrune) > time.Hour {
			if _, err := s.st.PruneStatusChanges(ctx, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
				s.cfg.Log.Warn("revocation: prune the status change feed", "err", err)
			}
			lastPrune = now
		}
		if !sleep(ctx, time.Minute) {
			return
		}
	}
}
