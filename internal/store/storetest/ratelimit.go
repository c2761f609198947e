package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store"
)

// RateStore is what the rate limiter (internal/ratelimit) needs from storage, spelled
// out so this package does not import its consumer.
type RateStore interface {
	RateAdd(ctx context.Context, key string, window, previous time.Time, n int64, expires time.Time) (cur, prev int64, err error)
	RateCounts(ctx context.Context, ws []store.RateWindow) (cur, prev []int64, err error)
	DeleteExpiredRates(ctx context.Context, before time.Time) (int64, error)
}

// RateOpener returns a new, empty rate store.
type RateOpener func(t *testing.T) RateStore

// RunRate runs the rate-limit part of the suite, each subtest on a fresh store.
func RunRate(t *testing.T, open RateOpener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, RateStore)
	}{
		{"AddAndCount", testRateAddAndCount},
		{"Concurrent", testRateConcurrent},
		{"DeleteExpired", testRateDeleteExpired},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func testRateAddAndCount(t *testing.T, s RateStore) {
	ctx := context.Background()
	w0, w1 := t0.Truncate(time.Minute), t0.Truncate(time.Minute).Add(time.Minute)
	if c, p, err := counts(s, "k", w0, w0.Add(-time.Minute)); err != nil || c != 0 || p != 0 {
		t.Fatalf("RateCounts(absent) = %d, %d, %v; want 0, 0, nil", c, p, err)
	}
	for i := int64(1); i <= 3; i++ {
		c, p, err := s.RateAdd(ctx, "k", w0, w0.Add(-time.Minute), 1, w0.Add(2*time.Minute))
		if err != nil || c != i || p != 0 {
			t.Fatalf("RateAdd #%d = %d, %d, %v; want %d, 0, nil", i, c, p, err, i)
		}
	}
	if c, _, err := s.RateAdd(ctx, "other", w0, w0.Add(-time.Minute), 5, w0.Add(2*time.Minute)); err != nil || c != 5 {
		t.Fatalf("RateAdd(other, 5) = %d, %v; want 5 (keys are separate)", c, err)
	}
	c, p, err := s.RateAdd(ctx, "k", w1, w0, 1, w1.Add(2*time.Minute))
	if err != nil || c != 1 || p != 3 {
		t.Fatalf("RateAdd(next window) = %d, %d, %v; want 1, 3 (the window before)", c, p, err)
	}
	if c, p, err := counts(s, "k", w1, w0); err != nil || c != 1 || p != 3 {
		t.Errorf("RateCounts = %d, %d, %v; want 1, 3", c, p, err)
	}
	// Several keys in one query, in the order asked, absent ones zero.
	cur, prev, err := s.RateCounts(ctx, []store.RateWindow{
		{Key: "absent", Start: w1, Preceding: w0}, {Key: "other", Start: w1, Preceding: w0},
		{Key: "k", Start: w1, Preceding: w0}, {Key: "other", Start: w0, Preceding: w0.Add(-time.Minute)}})
	if err != nil || len(cur) != 4 || cur[0] != 0 || prev[0] != 0 || cur[1] != 0 || prev[1] != 5 || cur[2] != 1 || prev[2] != 3 || cur[3] != 5 || prev[3] != 0 {
		t.Errorf("RateCounts(4 windows) = %v, %v, %v; want [0 0 1 5], [0 5 3 0]", cur, prev, err)
	}
	if cur, prev, err := s.RateCounts(ctx, nil); err != nil || len(cur) != 0 || len(prev) != 0 {
		t.Errorf("RateCounts(none) = %v, %v, %v", cur, prev, err)
	}
}

func counts(s RateStore, key string, w, p time.Time) (cur, prev int64, err error) {
	c, pr, err := s.RateCounts(context.Background(), []store.RateWindow{{Key: key, Start: w, Preceding: p}})
	if err != nil {
		return 0, 0, err
	}
	return c[0], pr[0], nil
}

// Concurrent adds from many goroutines (as from many nodes) lose no count.
func testRateConcurrent(t *testing.T, s RateStore) {
	ctx := context.Background()
	w := t0.Truncate(time.Minute)
	const n = 40
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := s.RateAdd(ctx, "hot", w, w.Add(-time.Minute), 1, w.Add(2*time.Minute)); err != nil {
				errc <- err
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatalf("concurrent RateAdd: %v", err)
	}
	if c, _, err := counts(s, "hot", w, w.Add(-time.Minute)); err != nil || c != n {
		t.Errorf("after %d concurrent adds: %d, %v", n, c, err)
	}
}

func testRateDeleteExpired(t *testing.T, s RateStore) {
	ctx := context.Background()
	w := t0.Truncate(time.Minute)
	for i, exp := range []time.Time{w.Add(time.Minute), w.Add(3 * time.Minute)} {
		if _, _, err := s.RateAdd(ctx, fmt.Sprint("k", i), w, w.Add(-time.Minute), 1, exp); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.DeleteExpiredRates(ctx, w.Add(2*time.Minute)); err != nil || n != 1 {
		t.Fatalf("DeleteExpiredRates = %d, %v; want 1", n, err)
	}
	if c, _, _ := counts(s, "k0", w, w.Add(-time.Minute)); c != 0 {
		t.Errorf("expired counter still counts %d", c)
	}
	if c, _, _ := counts(s, "k1", w, w.Add(-time.Minute)); c != 1 {
		t.Errorf("live counter counts %d, want 1", c)
	}
}
