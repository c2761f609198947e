// Package ratelimit counts events per key in a store that every node shares, and
// refuses a key over its limit with how long to wait: the guesses at a secret
// (authorization codes, reference numbers, copy codes, PINs) and the opening of
// resources that cost the server (copy sessions), per client and per target.
//
// Counts are a sliding window estimated from two fixed windows (the current one and
// the one before, weighted by how much of it still overlaps), so one counter row per
// key and window, at most two rows read per decision. The store is the database the
// deployment already runs (sqlstore, on SQLite and PostgreSQL): limits then hold across
// every node without a new service to run, and a decision that only reads costs one
// indexed read. Callers count what must be limited across nodes (failures, opens); what
// only protects one node (connections, long-polls) stays in that node (Conns).
//
// ratelimit does not know HTTP: it returns errs.RateLimited with a retryAfter value in
// seconds, which httpapi sends as Retry-After with status 429.
package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/store"
)

// Store keeps counters per key and fixed window.
//
// Error contract: RateAdd adds n to the counter of (key, window) (creating it, to be
// removed after expires) and returns the count after adding, and the count of the
// window before (zero when absent). RateCounts returns both counts of each window, in
// order, without changing them (one query for all). DeleteExpiredRates removes counters whose expiry is before the given time.
// Errors are the database's: the limiter lets the request through and logs them.
type Store interface {
	RateAdd(ctx context.Context, key string, window, previous time.Time, n int64, expires time.Time) (cur, prev int64, err error)
	RateCounts(ctx context.Context, ws []store.RateWindow) (cur, prev []int64, err error)
	DeleteExpiredRates(ctx context.Context, before time.Time) (int64, error)
}

// Rule is one limit: at most Limit events per Period for one key. A zero Limit turns
// the rule off.
type Rule struct {
	Name   string // prefix of its keys, e.g. "enroll-guess-client"
	Limit  int
	Period time.Duration
}

// Limiter decides with the counts of a Store.
type Limiter struct {
	store Store
	now   func() time.Time
	log   *slog.Logger
}

// New returns a limiter over st. now is the clock (time.Now in production).
func New(st Store, now func() time.Time, log *slog.Logger) *Limiter {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Limiter{store: st, now: now, log: log}
}

// window returns the start of the fixed window holding now, and of the one before.
func window(r Rule, now time.Time) (cur, prev time.Time) {
	cur = now.Truncate(r.Period)
	return cur, cur.Add(-r.Period)
}

// over reports whether the estimated count over the last Period is above the limit
// (or at it, when atLimit: the next event would exceed it), and how long until it is
// not: the weight of the window before falls as the current one runs.
func over(r Rule, now, start time.Time, cur, prev int64, atLimit bool) (bool, time.Duration) {
	limit := float64(r.Limit)
	if atLimit {
		limit-- // room for one more event
	}
	frac := float64(now.Sub(start)) / float64(r.Period)
	est := float64(prev)*(1-frac) + float64(cur)
	if est <= limit {
		return false, 0
	}
	var at time.Time
	if float64(cur) <= limit && prev > 0 {
		// This window: prev*(1-x) + cur <= limit from x = 1 - (limit-cur)/prev.
		x := 1 - (limit-float64(cur))/float64(prev)
		at = start.Add(time.Duration(x * float64(r.Period)))
	} else {
		// The next window: cur*(1-x) <= limit from x = 1 - limit/cur.
		x := 1 - max(limit, 0)/float64(cur)
		at = start.Add(r.Period).Add(time.Duration(x * float64(r.Period)))
	}
	return true, max(at.Sub(now), time.Second)
}

// key is the stored key of a rule and key: a key that is long or not UTF-8 (a CMP
// senderKID is any bytes) is stored as its digest, so that what a client sends cannot
// bloat the table or trouble the database's text type.
func (l *Limiter) key(r Rule, key string) string {
	if len(key) > 64 || !utf8.ValidString(key) || strings.ContainsFunc(key, unicode.IsControl) {
		h := sha256.Sum256([]byte(key))
		key = "sha256:" + hex.EncodeToString(h[:16])
	}
	return r.Name + ":" + key
}

// Limit is a rule applied to one key.
type Limit struct {
	Rule Rule
	Key  string
}

// Check refuses with RATE_LIMITED when key is already at or over the rule's limit, and
// counts nothing: for events counted only when they fail (Fail).
func (l *Limiter) Check(ctx context.Context, r Rule, key string) error {
	return l.CheckAll(ctx, Limit{r, key})
}

// CheckAll is Check for several limits at once, read in one query; it refuses with the
// longest wait among the limits reached.
func (l *Limiter) CheckAll(ctx context.Context, limits ...Limit) error {
	return l.CheckShared(ctx, limits, Limit{}, Limit{})
}

// CheckShared is CheckAll for a client's own limits, plus a limit that all clients
// share (a target's, counted over every address): the shared one refuses only a client
// with a record under record (a miss counted there in its current or previous window).
// A client with a clean record is stopped by its own limits alone, so that strangers
// failing from many addresses cannot lock the owner out of their own target (the
// chaos harness's flood did, with 200 addresses, both for a reference number and for
// every copy code); each of those addresses still gets few tries, for its first miss
// gives it a record. Everything is read in one query.
func (l *Limiter) CheckShared(ctx context.Context, own []Limit, shared, record Limit) error {
	_, err := l.checkShared(ctx, own, shared, record)
	return err
}

// checkShared is CheckShared; past says the shared limit was reached and the client let
// through for its clean record.
func (l *Limiter) checkShared(ctx context.Context, own []Limit, shared, record Limit) (past bool, err error) {
	now := l.now()
	all := append(append([]Limit(nil), own...), shared, record)
	ws := make([]store.RateWindow, 0, len(all))
	on := make([]Limit, 0, len(all))
	for _, lim := range all {
		if lim.Rule.Limit <= 0 {
			continue
		}
		start, prev := window(lim.Rule, now)
		ws = append(ws, store.RateWindow{Key: l.key(lim.Rule, lim.Key), Start: start, Preceding: prev})
		on = append(on, lim)
	}
	if len(ws) == 0 {
		return false, nil
	}
	c, p, err := l.store.RateCounts(ctx, ws)
	if err != nil {
		l.log.Warn("ratelimit: read counts (letting the request through)", "err", err)
		return false, nil
	}
	hasShared := shared.Rule.Limit > 0
	clean := false // no record rule: nothing tells a clean client apart
	if record.Rule.Limit > 0 {
		i := len(on) - 1
		clean = c[i]+p[i] == 0
		on = on[:i]
	}
	var worst error
	var longest time.Duration
	for i, lim := range on {
		o, wait := over(lim.Rule, now, ws[i].Start, c[i], p[i], true)
		if hasShared && i == len(on)-1 && clean {
			past = o // the shared limit; this client has missed nothing
			continue
		}
		if o && wait > longest {
			worst, longest = refused(lim.Rule, wait), wait
		}
	}
	return past && worst == nil, worst
}

// Take counts one event and refuses with RATE_LIMITED when it goes over the limit:
// for events limited whether they succeed or not (opening a session).
func (l *Limiter) Take(ctx context.Context, r Rule, key string) error {
	if r.Limit <= 0 {
		return nil
	}
	now := l.now()
	start, prev := window(r, now)
	c, p, err := l.store.RateAdd(ctx, l.key(r, key), start, prev, 1, start.Add(2*r.Period))
	if err != nil {
		l.log.Warn("ratelimit: count (letting the request through)", "rule", r.Name, "err", err)
		return nil
	}
	if o, wait := over(r, now, start, c, p, false); o {
		return refused(r, wait)
	}
	return nil
}

// Fail counts one failed event (a wrong code) against key.
func (l *Limiter) Fail(ctx context.Context, r Rule, key string) {
	if r.Limit <= 0 {
		return
	}
	start, prev := window(r, l.now())
	if _, _, err := l.store.RateAdd(context.WithoutCancel(ctx), l.key(r, key), start, prev, 1, start.Add(2*r.Period)); err != nil {
		l.log.Warn("ratelimit: count a failure", "rule", r.Name, "err", err)
	}
}

// Sweep deletes the counters of windows that no decision reads any more.
func (l *Limiter) Sweep(ctx context.Context) (int64, error) {
	return l.store.DeleteExpiredRates(ctx, l.now())
}

// RunSweeper sweeps every interval until ctx is done (a background job).
func (l *Limiter) RunSweeper(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := l.Sweep(ctx); err != nil && ctx.Err() == nil {
				l.log.Warn("ratelimit: sweep expired counters", "err", err)
			}
		}
	}
}

func refused(r Rule, wait time.Duration) error {
	secs := int64((wait + time.Second - 1) / time.Second)
	return errs.New(errs.RateLimited, "%s: more than %d in %v", r.Name, r.Limit, r.Period).
		With("wait", strconv.FormatInt(secs, 10))
}

// RetryAfter returns the seconds a RATE_LIMITED error asks to wait, or 0.
func RetryAfter(err error) int {
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.RateLimited {
		return 0
	}
	n, _ := strconv.Atoi(e.Params["wait"])
	return n
}

// Key joins the parts of a key (client address, reference number) unambiguously.
func Key(parts ...string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += "|"
		}
		s += fmt.Sprintf("%d:%s", len(p), p)
	}
	return s
}
