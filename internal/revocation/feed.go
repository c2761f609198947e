package revocation

import (
	"context"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// feedLookback is how far behind its newest entry the poll reads the status change
// feed again: PostgreSQL hands out seqs before commit, so a change can become visible
// after a later one. Entries already handled are remembered and skipped.
const feedLookback = 256

// notifyChannel is the channel the database triggers NOTIFY on (migration 00003).
const notifyChannel = "certcenter_status"

// feed follows the status change feed.
type feed struct {
	mu     sync.Mutex
	cursor int64
	seen   map[int64]struct{}
	ready  bool
	poke   chan struct{}
}

// runFeed reads the feed every PollInterval, and at once when poked (the LISTEN
// connection came up and may have missed notifications).
func (s *Service) runFeed(ctx context.Context) {
	for {
		if err := s.pollFeed(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Log.Warn("revocation: read the status change feed", "err", err)
		}
		t := time.NewTimer(s.cfg.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.feed.poke:
		case <-t.C:
		}
		t.Stop()
	}
}

func (s *Service) pollFeed(ctx context.Context) error {
	f := &s.feed
	f.mu.Lock()
	ready := f.ready
	f.mu.Unlock()
	if !ready {
		// Changes before this node started are in no cache of it, and the publishing
		// node republishes every partition when it takes over.
		last, err := s.st.LastStatusChange(ctx)
		if err != nil {
			return err
		}
		f.mu.Lock()
		f.cursor, f.ready = last, true
		f.mu.Unlock()
	}
	for {
		f.mu.Lock()
		from := max(0, f.cursor-feedLookback)
		f.mu.Unlock()
		evs, err := s.st.StatusChanges(ctx, from, 1000)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if s.seenSeq(ev.Seq) {
				continue
			}
			s.changed(ev.Serial, ev.Partition, true)
		}
		f.mu.Lock()
		for seq := range f.seen {
			if seq <= f.cursor-feedLookback {
				delete(f.seen, seq)
			}
		}
		f.mu.Unlock()
		if len(evs) < 1000 {
			return nil
		}
	}
}

// seenSeq records seq as handled and reports whether it already was.
func (s *Service) seenSeq(seq int64) bool {
	f := &s.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.seen[seq]; ok || (f.ready && seq <= f.cursor-feedLookback) {
		return true
	}
	f.seen[seq] = struct{}{}
	f.cursor = max(f.cursor, seq)
	return false
}

// runListen keeps a connection LISTENing for the notifications of the database
// triggers, so that a change made through any node reaches this one at its commit.
func (s *Service) runListen(ctx context.Context) {
	for {
		err := s.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		s.cfg.Log.Warn("revocation: LISTEN connection lost; the feed poll covers the gap", "err", err)
		if !sleep(ctx, time.Second) {
			return
		}
	}
}

func (s *Service) listenOnce(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, s.cfg.PostgresDSN)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var schema string
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	select { // catch up with what happened while not listening
	case s.feed.poke <- struct{}{}:
	default:
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.handleNotify(schema, n.Payload)
	}
}

// handleNotify handles one payload of the triggers (migration 00003):
//
//	s|<schema>|<seq>|<issuer>|<partition>|<serial>   a certificate's status changed
//	c|<schema>|<issuer>|<partition>|<number>          a CRL was published
func (s *Service) handleNotify(schema, payload string) {
	f := strings.Split(payload, "|")
	if len(f) < 2 || f[1] != schema {
		return
	}
	switch {
	case f[0] == "s" && len(f) == 6:
		seq, err1 := strconv.ParseInt(f[2], 10, 64)
		partition, err2 := strconv.Atoi(f[4])
		serial, err3 := hex.DecodeString(f[5])
		if err1 != nil || err2 != nil || err3 != nil || f[3] != s.issuerID {
			return
		}
		if !s.seenSeq(seq) {
			s.changed(serial, partition, true)
		}
	case f[0] == "c" && len(f) == 5 && f[2] == s.issuerID:
		if p, err := strconv.Atoi(f[3]); err == nil {
			s.crls.invalidate(p)
		}
	}
}
