package testenv

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Spread runs op n times in all, shared among GOMAXPROCS goroutines, and returns the
// wall time taken: the many-core rounds of the benchmarks that compare issuance with
// the raw signing ceiling. A goroutine stops at its first error; the first error is
// returned.
func Spread(n int, op func() error) (time.Duration, error) {
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		first atomic.Pointer[error]
	)
	t0 := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := op(); err != nil {
					first.CompareAndSwap(nil, &err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if e := first.Load(); e != nil {
		return time.Since(t0), *e
	}
	return time.Since(t0), nil
}
