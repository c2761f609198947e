package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// Reserver is the batch reservation a backend offers authorities that keep serials and
// sequence numbers at hand.
type Reserver interface {
	ReserveSerial(ctx context.Context, serial model.Serial, issuerID string, at time.Time) error
	ReserveSerials(ctx context.Context, serials []model.Serial, issuerID string, at time.Time) error
	NextSequence(ctx context.Context, institution, day string) (int64, error)
	NextSequenceBlock(ctx context.Context, institution, day string, n int) (int64, error)
}

// RunReserve tests batch reservation.
func RunReserve(t *testing.T, open func(t *testing.T) Reserver) {
	ctx := context.Background()
	t.Run("ReserveSerials", func(t *testing.T) {
		s := open(t)
		batch := []model.Serial{serial("b1"), serial("b2"), serial("b3")}
		wantErr(t, "ReserveSerials(new)", s.ReserveSerials(ctx, batch, "issuing", t0), nil)
		wantErr(t, "ReserveSerial(one of the batch)", s.ReserveSerial(ctx, batch[1], "issuing", t0), store.ErrConflict)
		// A batch with one taken serial reserves none of the others.
		wantErr(t, "ReserveSerials(overlapping)", s.ReserveSerials(ctx, []model.Serial{serial("b4"), batch[0]}, "issuing", t0), store.ErrConflict)
		wantErr(t, "ReserveSerial(b4 after the failed batch)", s.ReserveSerial(ctx, serial("b4"), "issuing", t0), nil)
		wantErr(t, "ReserveSerials(empty)", s.ReserveSerials(ctx, nil, "issuing", t0), nil)
	})
	t.Run("NextSequenceBlock", func(t *testing.T) {
		s := open(t)
		first, err := s.NextSequenceBlock(ctx, "901", "20260325", 16)
		if err != nil || first != 1 {
			t.Fatalf("NextSequenceBlock(first) = %d, %v; want 1", first, err)
		}
		if n, err := s.NextSequence(ctx, "901", "20260325"); err != nil || n != 17 {
			t.Errorf("NextSequence after a block of 16 = %d, %v; want 17", n, err)
		}
		if first, err := s.NextSequenceBlock(ctx, "901", "20260325", 4); err != nil || first != 18 {
			t.Errorf("NextSequenceBlock(second) = %d, %v; want 18", first, err)
		}
		// Concurrent blocks are disjoint.
		var mu sync.Mutex
		seen := map[int64]bool{}
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					f, err := s.NextSequenceBlock(ctx, "902", "20260325", 5)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					for k := f; k < f+5; k++ {
						if seen[k] {
							t.Errorf("sequence %d handed out twice", k)
						}
						seen[k] = true
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != 400 {
			t.Errorf("handed out %d numbers, want 400", len(seen))
		}
	})
}
