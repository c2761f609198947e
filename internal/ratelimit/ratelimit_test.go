package ratelimit_test

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/ratelimit"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/testenv"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// newLimiters returns two limiters (two nodes) on one SQLite database.
func newLimiters(t *testing.T) (*ratelimit.Limiter, *ratelimit.Limiter, *clock) {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), "sqlite", filepath.Join(t.TempDir(), "rl.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &clock{t: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)}
	return ratelimit.New(db, clk.Now, nil), ratelimit.New(db, clk.Now, nil), clk
}

func TestTakeAcrossNodes(t *testing.T) {
	a, b, clk := newLimiters(t)
	ctx := context.Background()
	r := ratelimit.Rule{Name: "open", Limit: 4, Period: time.Minute}
	for i := 0; i < 4; i++ {
		l := a
		if i%2 == 1 {
			l = b
		}
		if err := l.Take(ctx, r, "client"); err != nil {
			t.Fatalf("Take #%d = %v", i+1, err)
		}
	}
	err := b.Take(ctx, r, "client")
	if errs.CodeOf(err) != errs.RateLimited {
		t.Fatalf("5th Take on the other node = %v, want RATE_LIMITED", err)
	}
	if s := ratelimit.RetryAfter(err); s < 1 || s > 120 {
		t.Errorf("RetryAfter = %d s, want 1 to 120", s)
	}
	if err := a.Take(ctx, r, "another client"); err != nil {
		t.Errorf("another client = %v", err)
	}
	// The window slides: two periods later everything is forgotten.
	clk.Add(2 * time.Minute)
	if err := a.Take(ctx, r, "client"); err != nil {
		t.Errorf("two periods later = %v", err)
	}
	if off := (ratelimit.Rule{Name: "off", Period: time.Minute}); a.Take(ctx, off, "x") != nil {
		t.Error("a rule with Limit 0 refused")
	}
}

func TestGuessesBackOffWithoutLocking(t *testing.T) {
	l, _, clk := newLimiters(t)
	ctx := context.Background()
	g := &ratelimit.Guesses{Limiter: l,
		Client:       ratelimit.Rule{Name: "c", Limit: 20, Period: 10 * time.Minute},
		TargetClient: ratelimit.Rule{Name: "tc", Limit: 5, Period: 15 * time.Minute},
		Target:       ratelimit.Rule{Name: "t", Limit: 8, Period: time.Hour}}
	for i := 0; i < 5; i++ {
		if err := g.Check(ctx, "mallory", "ref1"); err != nil {
			t.Fatalf("guess %d = %v", i+1, err)
		}
		g.Fail(ctx, "mallory", "ref1")
	}
	if err := g.Check(ctx, "mallory", "ref1"); errs.CodeOf(err) != errs.RateLimited {
		t.Fatalf("6th guess by one client = %v, want RATE_LIMITED", err)
	}
	// The owner, elsewhere, is not stopped by one stranger's 5 wrong codes.
	if err := g.Check(ctx, "owner", "ref1"); err != nil {
		t.Errorf("the owner after a stranger's 5 guesses = %v", err)
	}
	// Strangers reach the per-reference limit: those who missed there wait, for a while
	// only; the owner, who missed nothing, is not locked out by them.
	for i := 0; i < 3; i++ {
		g.Fail(ctx, "eve", "ref1")
	}
	for _, who := range []string{"eve", "mallory"} {
		if err := g.Check(ctx, who, "ref1"); errs.CodeOf(err) != errs.RateLimited {
			t.Fatalf("%s after 8 guesses at one reference = %v, want RATE_LIMITED", who, err)
		}
	}
	if err := g.Check(ctx, "owner", "ref1"); err != nil {
		t.Fatalf("the owner after 8 strangers' guesses at the reference = %v, want no refusal", err)
	}
	clk.Add(2 * time.Hour)
	if err := g.Check(ctx, "eve", "ref1"); err != nil {
		t.Errorf("two hours later = %v", err)
	}
	// Scanning many references from one client.
	for i := 0; i < 20; i++ {
		g.Fail(ctx, "scanner", "")
	}
	if err := g.Check(ctx, "scanner", "ref-new"); errs.CodeOf(err) != errs.RateLimited {
		t.Errorf("after 20 misses = %v, want RATE_LIMITED", err)
	}
}

// TestSharedLimitSparesCleanClients: strangers guessing from many addresses (each under
// its own limits) reach a limit all clients share, a reference number's or the relay's
// over all copy codes. That limit stops each of them after its first miss; a client
// that missed nothing, the owner typing the right code, is never refused for it (the
// chaos harness's flood from 200 addresses locked every copy and the leaked references
// before). With no rule to tell a clean client by, the shared limit stops everyone.
func TestSharedLimitSparesCleanClients(t *testing.T) {
	l, other, _ := newLimiters(t)
	ctx := context.Background()
	// The enrollment's rules: per client, per reference and client, per reference.
	enroll := &ratelimit.Guesses{Limiter: l,
		Client:       ratelimit.Rule{Name: "c", Limit: 30, Period: 10 * time.Minute},
		TargetClient: ratelimit.Rule{Name: "tc", Limit: 5, Period: 15 * time.Minute},
		Target:       ratelimit.Rule{Name: "t", Limit: 20, Period: time.Hour}}
	// The relay's: per client and over all clients ("*"), no per-target-and-client rule.
	relay := &ratelimit.Guesses{Limiter: other,
		Client: ratelimit.Rule{Name: "rc", Limit: 10, Period: 5 * time.Minute},
		Target: ratelimit.Rule{Name: "rt", Limit: 600, Period: time.Minute}}
	for _, tc := range []struct {
		name   string
		g      *ratelimit.Guesses
		target string
		misses int
	}{{"reference", enroll, "ref1", 20}, {"copy codes", relay, "*", 600}} {
		for i := 0; i < tc.misses; i++ {
			addr := "10.0." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250)
			if err := tc.g.Check(ctx, addr, tc.target); err != nil {
				t.Fatalf("%s: miss %d from a new address = %v", tc.name, i+1, err)
			}
			tc.g.Fail(ctx, addr, tc.target)
		}
		if err := tc.g.Check(ctx, "10.0.0.1", tc.target); errs.CodeOf(err) != errs.RateLimited {
			t.Errorf("%s: a stranger who missed, past the shared limit = %v, want RATE_LIMITED", tc.name, err)
		}
		if err := tc.g.Check(ctx, "198.51.100.7", tc.target); err != nil {
			t.Errorf("%s: a client that missed nothing, past the shared limit = %v, want no refusal", tc.name, err)
		}
		// Let past the shared limit only for its clean record: the context says so.
		if c, err := tc.g.Admit(ctx, "198.51.100.7", tc.target); err != nil || !ratelimit.PastShared(c) {
			t.Errorf("%s: Admit past the shared limit = %v, PastShared %v, want true", tc.name, err, ratelimit.PastShared(c))
		}
	}
	if c, err := enroll.Admit(ctx, "198.51.100.7", "ref-quiet"); err != nil || ratelimit.PastShared(c) {
		t.Errorf("Admit under the shared limit = %v, PastShared %v, want false", err, ratelimit.PastShared(c))
	}
	// A stranger who missed at another reference has no record at this one, but its
	// own limit over all references still counts.
	if err := enroll.Check(ctx, "10.0.0.1", "ref2"); err != nil {
		t.Errorf("a stranger at a reference it never tried = %v", err)
	}
	// No record rule: the shared limit refuses everyone.
	noRecord := &ratelimit.Guesses{Limiter: l, Target: ratelimit.Rule{Name: "t2", Limit: 2, Period: time.Hour}}
	noRecord.Fail(ctx, "a", "ref3")
	noRecord.Fail(ctx, "b", "ref3")
	if err := noRecord.Check(ctx, "clean", "ref3"); errs.CodeOf(err) != errs.RateLimited {
		t.Errorf("without a record rule, past the shared limit = %v, want RATE_LIMITED", err)
	}
}

func TestConnsCaps(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lim := ratelimit.LimitConns(ln, 10, 2)
	defer lim.Close()
	accepted := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := lim.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	var clients []net.Conn
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	// Two are accepted; the third (same address) is closed by the server.
	for i := 0; i < 2; i++ {
		select {
		case <-accepted:
		case <-time.After(2 * time.Second):
			t.Fatal("a connection within the cap was not accepted")
		}
	}
	clients[2].SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := clients[2].Read(make([]byte, 1)); err == nil || isTimeout(err) {
		t.Errorf("the connection over the per-client cap: read = %v, want closed", err)
	}
	if n := lim.Open(); n != 2 {
		t.Errorf("Open() = %d, want 2", n)
	}
	for _, c := range clients {
		c.Close()
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

func TestSlots(t *testing.T) {
	s := ratelimit.NewSlots(3, 2)
	r1, ok1 := s.Acquire("a")
	_, ok2 := s.Acquire("a")
	if _, ok := s.Acquire("a"); !ok1 || !ok2 || ok {
		t.Fatal("per-client cap of 2 not applied")
	}
	if _, ok := s.Acquire("b"); !ok {
		t.Fatal("another client refused")
	}
	if _, ok := s.Acquire("c"); ok {
		t.Fatal("cap of 3 not applied")
	}
	r1()
	r1() // twice is harmless
	if _, ok := s.Acquire("c"); !ok {
		t.Error("a released slot is not free again")
	}
}

// Hostile keys (a CMP senderKID is any bytes) are counted like any other, also on
// PostgreSQL, whose text type refuses bytes that are not UTF-8.
func TestHostileKeys(t *testing.T) {
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) { testHostileKeys(t, driver) })
	}
}

func testHostileKeys(t *testing.T, driver string) {
	dsn := filepath.Join(t.TempDir(), "rl.db")
	if driver == "postgres" {
		dsn = testenv.PostgresDSN(t)
	}
	db, err := sqlstore.Open(context.Background(), driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := ratelimit.New(db, nil, nil)
	ctx := context.Background()
	r := ratelimit.Rule{Name: "k", Limit: 1, Period: time.Minute}
	for _, key := range []string{"\xff\xfe\x00binary", strings.Repeat("x", 100_000)} {
		if err := l.Take(ctx, r, key); err != nil {
			t.Fatalf("first Take(%.10q) = %v", key, err)
		}
		if err := l.Take(ctx, r, key); errs.CodeOf(err) != errs.RateLimited {
			t.Errorf("second Take(%.10q) = %v, want RATE_LIMITED", key, err)
		}
	}
}
