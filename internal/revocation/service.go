package revocation

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Authority is what the revocation services need from the CA: its identity and its two
// signing doors. *ca.Authority implements it.
type Authority interface {
	IssuerID() string
	IssuingDER() []byte
	Partitions() int
	SignCRL(ca.CRLTemplate) ([]byte, error)
	SignRootCRL(number int64, thisUpdate, nextUpdate time.Time) ([]byte, error)
	SignOCSP(ca.OCSPTemplate) ([]byte, error)
	OnChange(func(model.Certificate))
}

// Store is what the revocation services need from storage. *sqlstore.DB implements it.
//
// Error contract: Certificate, CRL and OCSPResponse return store.ErrNotFound for what
// does not exist; StoreCRL returns store.ErrConflict when a CRL with the same or a higher
// number is stored (nothing changes). TryLock returns nil and no error when another
// node holds the lock. See internal/store/sqlstore/revocation.go for the rest.
type Store interface {
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)
	ListRevoked(ctx context.Context, issuerID string, partition int, notAfterAfter time.Time, fn func(model.RevokedEntry) error) error
	NextCRLNumber(ctx context.Context, issuerID string, partition int) (int64, error)
	StoreCRL(ctx context.Context, c model.CRL) error
	CRL(ctx context.Context, issuerID string, partition int) (model.CRL, error)
	CRLHeads(ctx context.Context, issuerID string) ([]model.CRL, error)
	OCSPResponse(ctx context.Context, serial model.Serial) (model.OCSPResponse, error)
	StoreOCSPResponses(ctx context.Context, rs []model.OCSPResponse) error
	StaleOCSP(ctx context.Context, after model.Serial, staleBefore, now time.Time, limit int) ([]model.Certificate, error)
	StatusChanges(ctx context.Context, after int64, limit int) ([]model.StatusEvent, error)
	LastStatusChange(ctx context.Context) (int64, error)
	PruneStatusChanges(ctx context.Context, before time.Time) (int64, error)
	TryLock(ctx context.Context, name string) (store.Lock, error)
}

// NoncePolicy says what to do with a request's nonce.
type NoncePolicy string

const (
	// NonceIgnore answers with the pre-signed response, without the nonce (RFC 5019
	// section 2.1; RFC 6960 section 4.4.1 makes the nonce optional for responders).
	NonceIgnore NoncePolicy = "ignore"
	// NonceEcho signs a response with the nonce for every request that carries one.
	NonceEcho NoncePolicy = "echo"
)

// Config tunes the services. Zero values take the defaults noted.
type Config struct {
	// CRLValidity is nextUpdate - thisUpdate of CRLs (default 24h); a partition is
	// re-signed when half of it has passed.
	CRLValidity time.Duration
	// FullCRL also publishes model.FullCRL, every partition in one list.
	FullCRL bool
	// OCSPValidity is nextUpdate - thisUpdate of OCSP responses (default 24h); they
	// are re-signed when half of it has passed.
	OCSPValidity time.Duration
	Nonce        NoncePolicy // default NonceIgnore
	// CacheEntries bounds the in-memory OCSP response cache (default 250000).
	CacheEntries int
	// PostgresDSN, when set, is where the change feed LISTENs for NOTIFYs from the
	// other nodes; empty (SQLite) relies on this process's changes and the feed poll.
	PostgresDSN string
	// PollInterval is how often the status change feed is read (default 500ms), for
	// changes no notification reported.
	PollInterval time.Duration
	// LockRetry is how often a node that does not publish tries to take over
	// (default 1s).
	LockRetry time.Duration
	Now       func() time.Time
	Log       *slog.Logger
}

func (c *Config) defaults() {
	if c.CRLValidity <= 0 {
		c.CRLValidity = 24 * time.Hour
	}
	if c.OCSPValidity <= 0 {
		c.OCSPValidity = 24 * time.Hour
	}
	if c.Nonce == "" {
		c.Nonce = NonceIgnore
	}
	if c.CacheEntries <= 0 {
		c.CacheEntries = 250_000
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 500 * time.Millisecond
	}
	if c.LockRetry <= 0 {
		c.LockRetry = time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// unknownTTL is how long an "unknown" answer is kept in memory: a serial unknown now
// may be issued a moment later (this node learns of its own issuances at once).
const unknownTTL = time.Minute

// unknownValidity is the nextUpdate of "unknown" answers, short for the same reason.
const unknownValidity = 10 * time.Minute

// Service publishes CRLs and answers OCSP for one issuing CA. It is safe for
// concurrent use; Run drives its background work.
type Service struct {
	cfg      Config
	auth     Authority
	st       Store
	issuerID string
	issuer   *x509.Certificate
	ids      map[crypto.Hash][2][]byte // issuerNameHash, issuerKeyHash per hash

	cache  *cache
	gen    atomic.Uint64 // bumped by every invalidation
	flight flight
	sign   chan struct{} // bounds concurrent live signatures
	queue  chan refreshJob

	crls   crlCache
	root   rootCRL
	pubMu  sync.Map // partition -> *sync.Mutex: one publication of a partition at a time
	leader atomic.Bool
	pub    publisher
	feed   feed
}

// New builds the service and subscribes it to the authority's changes in this process.
func New(cfg Config, auth Authority, st Store) (*Service, error) {
	cfg.defaults()
	if cfg.Nonce != NonceIgnore && cfg.Nonce != NonceEcho {
		return nil, fmt.Errorf("revocation: nonce policy %q is not ignore or echo", cfg.Nonce)
	}
	issuer, err := x509.ParseCertificate(auth.IssuingDER())
	if err != nil {
		return nil, fmt.Errorf("revocation: issuing CA certificate: %w", err)
	}
	s := &Service{
		cfg: cfg, auth: auth, st: st, issuerID: auth.IssuerID(), issuer: issuer,
		ids:   map[crypto.Hash][2][]byte{},
		cache: newCache(cfg.CacheEntries),
		sign:  make(chan struct{}, max(2, runtime.GOMAXPROCS(0))),
		queue: make(chan refreshJob, 4096),
	}
	keyBits, err := subjectPublicKeyBits(issuer.RawSubjectPublicKeyInfo)
	if err != nil {
		return nil, err
	}
	for _, h := range hashes {
		n, k := h.hash.New(), h.hash.New()
		n.Write(issuer.RawSubject)
		k.Write(keyBits)
		s.ids[h.hash] = [2][]byte{n.Sum(nil), k.Sum(nil)}
	}
	s.pub.kick = make(chan struct{}, 1)
	s.pub.dirty = map[int]bool{}
	s.feed.seen = map[int64]struct{}{}
	s.feed.poke = make(chan struct{}, 1)
	auth.OnChange(s.onChange)
	return s, nil
}

// subjectPublicKeyBits returns the subjectPublicKey BIT STRING's bytes, which the
// issuerKeyHash covers (RFC 6960 section 4.1.1).
func subjectPublicKeyBits(spki []byte) ([]byte, error) {
	in := cryptobyte.String(spki)
	var seq, alg cryptobyte.String
	var bits cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1(&alg, cbasn1.SEQUENCE) || !seq.ReadASN1(&bits, cbasn1.BIT_STRING) || len(bits) < 1 {
		return nil, errors.New("revocation: malformed issuer SubjectPublicKeyInfo")
	}
	return bits[1:], nil
}

// Leader reports whether this node currently publishes CRLs and pre-signs responses.
func (s *Service) Leader() bool { return s.leader.Load() }

func (s *Service) now() time.Time { return s.cfg.Now() }

// Run drives the background work until ctx is done: the change feed (poll and, on
// PostgreSQL, LISTEN), the refresh workers, and the election of the node that
// publishes CRLs and pre-signs OCSP responses.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	start := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	start(s.runFeed)
	if s.cfg.PostgresDSN != "" {
		start(s.runListen)
	}
	for range max(2, runtime.GOMAXPROCS(0)) {
		start(s.runRefresh)
	}
	start(s.runElection)
	wg.Wait()
}

// onChange is called by the authority after every change it makes in this process.
func (s *Service) onChange(c model.Certificate) {
	issued := c.Status == model.StatusValid && !c.StatusAt.After(c.CreatedAt)
	s.changed(c.Serial, c.Partition, !issued)
	if !issued {
		// Replace the shared pre-signed response at once, for every node.
		s.enqueue(refreshJob{hash: crypto.SHA1, serial: c.Serial})
	}
}

// changed reacts to a certificate's change, wherever it was learnt: its cached OCSP
// answers go, and the publishing node re-signs its partition.
func (s *Service) changed(serial model.Serial, partition int, statusChanged bool) {
	s.invalidate(serial)
	if statusChanged && s.leader.Load() {
		s.pub.markDirty(partition)
	}
}

func (s *Service) invalidate(serial model.Serial) {
	s.gen.Add(1)
	for _, h := range hashes {
		s.cache.del(cacheKey(h.hash, serial))
	}
	s.gen.Add(1)
}

// sleep waits d or until ctx is done, reporting whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
