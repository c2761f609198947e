package revocation

import (
	"context"
	"crypto"
	"sync"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// entry is one signed OCSP response ready to serve.
type entry struct {
	der                    []byte
	thisUpdate, nextUpdate time.Time
	// refreshAt: past it the entry is still served, and a refresh is queued.
	// serveUntil: past it the entry is not served any more.
	refreshAt, serveUntil time.Time
}

const cacheShards = 64

// cache is the in-memory response cache, keyed by hash algorithm and serial. It is
// bounded: a full shard drops an arbitrary entry (Go's map order) for each new one,
// which is enough when the working set mostly fits.
type cache struct {
	shards [cacheShards]struct {
		mu sync.RWMutex
		m  map[string]*entry
	}
	perShard int
}

func newCache(entries int) *cache {
	c := &cache{perShard: max(1, entries/cacheShards)}
	for i := range c.shards {
		c.shards[i].m = map[string]*entry{}
	}
	return c
}

// cacheKey is one byte naming the hash, then the serial.
func cacheKey(h crypto.Hash, serial model.Serial) string {
	b := make([]byte, 1+len(serial))
	b[0] = byte(h)
	copy(b[1:], serial)
	return string(b)
}

func (c *cache) shard(key string) int { return int(key[len(key)-1]) % cacheShards }

func (c *cache) get(key string) *entry {
	s := &c.shards[c.shard(key)]
	s.mu.RLock()
	e := s.m[key]
	s.mu.RUnlock()
	return e
}

func (c *cache) put(key string, e *entry) {
	s := &c.shards[c.shard(key)]
	s.mu.Lock()
	if _, ok := s.m[key]; !ok && len(s.m) >= c.perShard {
		for k := range s.m {
			delete(s.m, k)
			break
		}
	}
	s.m[key] = e
	s.mu.Unlock()
}

// replace stores e only where an entry for key exists (a refresh must not fill the
// cache with responses nobody asked this node for).
func (c *cache) replace(key string, e *entry) {
	s := &c.shards[c.shard(key)]
	s.mu.Lock()
	if _, ok := s.m[key]; ok {
		s.m[key] = e
	}
	s.mu.Unlock()
}

func (c *cache) del(key string) {
	s := &c.shards[c.shard(key)]
	s.mu.Lock()
	delete(s.m, key)
	s.mu.Unlock()
}

func (c *cache) len() int {
	n := 0
	for i := range c.shards {
		c.shards[i].mu.RLock()
		n += len(c.shards[i].m)
		c.shards[i].mu.RUnlock()
	}
	return n
}

// flight makes concurrent loads of one key share one load (and one signature).
type flight struct {
	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	done chan struct{}
	e    *entry
	err  error
}

func (f *flight) do(ctx context.Context, key string, fn func() (*entry, error)) (*entry, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*call{}
	}
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.e, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c := &call{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()
	c.e, c.err = fn()
	f.mu.Lock()
	delete(f.calls, key)
	f.mu.Unlock()
	close(c.done)
	return c.e, c.err
}
