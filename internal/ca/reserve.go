package ca

import (
	"context"
	"sync"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// Serials and common-name sequence numbers are reserved in batches, ahead of need: a
// serial is still reserved in the database before anything is signed with it, but one
// transaction reserves many, so an issuance pays for none on its way to the signature. A
// batch left unused by a crash stays reserved forever: never reused, never a certificate.
const (
	serialBatch   = 32
	sequenceBatch = 16
)

// reserver hands out reserved serials and sequence numbers.
type reserver struct {
	st       Store
	issuerID string

	mu      sync.Mutex
	serials []model.Serial
	seqs    map[string]*seqBlock // institution/day → the rest of a block
}

type seqBlock struct{ next, end int64 }

func newReserver(st Store, issuerID string) *reserver {
	return &reserver{st: st, issuerID: issuerID, seqs: map[string]*seqBlock{}}
}

// serial returns a serial reserved for the issuer.
func (r *reserver) serial(ctx context.Context, now time.Time) (model.Serial, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.serials) == 0 {
		batch := make([]model.Serial, serialBatch)
		for i := range batch {
			batch[i] = NewSerial()
		}
		if err := r.st.ReserveSerials(ctx, batch, r.issuerID, now); err != nil {
			return nil, err
		}
		r.serials = batch
	}
	s := r.serials[len(r.serials)-1]
	r.serials = r.serials[:len(r.serials)-1]
	return s, nil
}

// sequence returns the next number of the institution's sequence for day.
func (r *reserver) sequence(ctx context.Context, institution, day string) (int64, error) {
	key := institution + "/" + day
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.seqs[key]
	if b == nil || b.next >= b.end {
		first, err := r.st.NextSequenceBlock(ctx, institution, day, sequenceBatch)
		if err != nil {
			return 0, err
		}
		if len(r.seqs) > 1024 { // old days and institutions: forget their remainders
			r.seqs = map[string]*seqBlock{}
		}
		b = &seqBlock{next: first, end: first + sequenceBatch}
		r.seqs[key] = b
	}
	n := b.next
	b.next++
	return n, nil
}
