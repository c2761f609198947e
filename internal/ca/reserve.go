package ca

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// Serials and common-name sequence numbers are reserved in batches, ahead of need: a
// serial is still reserved in the database before anything is signed with it, but one
// transaction reserves many, and the next batch is reserved in the background while
// half of the current one is left, so an issuance pays for none on its way to the
// signature. A batch left unused by a crash stays reserved forever: never reused, never
// a certificate; sequence numbers only get a gap.
const (
	serialBatch   = 64
	sequenceBatch = 32
)

// reserver hands out reserved serials and sequence numbers.
type reserver struct {
	st       Store
	issuerID string
	now      func() time.Time
	onError  func(error)

	mu        sync.Mutex
	serials   []model.Serial
	refilling bool                 // a background reservation of serials is running
	seqs      map[string]*seqQueue // institution/day → reserved numbers
	wg        sync.WaitGroup
	closed    bool
}

// seqQueue is the reserved numbers of one institution and day: blocks in order.
type seqQueue struct {
	blocks    []seqBlock
	refilling bool
	used      bool // taken from since the last top-up: worth refilling
}

type seqBlock struct{ next, end int64 }

func (q *seqQueue) left() int64 {
	var n int64
	for _, b := range q.blocks {
		n += b.end - b.next
	}
	return n
}

func newReserver(st Store, issuerID string, now func() time.Time, onError func(error)) *reserver {
	return &reserver{st: st, issuerID: issuerID, now: now, onError: onError, seqs: map[string]*seqQueue{}}
}

func newSerialBatch() []model.Serial {
	batch := make([]model.Serial, serialBatch)
	for i := range batch {
		batch[i] = NewSerial()
	}
	return batch
}

// serial returns a serial reserved for the issuer.
func (r *reserver) serial(ctx context.Context, now time.Time) (model.Serial, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.serials) == 0 {
		// Nothing left (the first call, or faster use than the background refill).
		batch := newSerialBatch()
		if err := r.st.ReserveSerials(ctx, batch, r.issuerID, now); err != nil {
			return nil, err
		}
		r.serials = append(r.serials, batch...)
	}
	s := r.serials[len(r.serials)-1]
	r.serials = r.serials[:len(r.serials)-1]
	return s, nil
}

// topUp starts the background reservations that are due. The authority calls it once
// an issuance's own transaction is committed (a first issuance stored beside its
// signature) or the issuance is done, never when it takes a number: a refill started
// then would hold SQLite's single writer just when that issuance's transaction needs
// it. (A refill of 64 random serials writes about as many B-tree pages: 1.2 ms here.)
func (r *reserver) topUp() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if len(r.serials) <= serialBatch/2 && !r.refilling {
		r.refilling = true
		r.wg.Add(1)
		go r.refillSerials()
	}
	for key, q := range r.seqs {
		if q.left() <= sequenceBatch/2 && !q.refilling && q.used {
			q.refilling = true
			institution, day, _ := strings.Cut(key, "/")
			r.wg.Add(1)
			go r.refillSequence(q, institution, day)
		}
	}
}

func (r *reserver) refillSerials() {
	defer r.wg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	batch := newSerialBatch()
	err := r.st.ReserveSerials(ctx, batch, r.issuerID, r.now())
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refilling = false
	if err != nil {
		r.report(err) // the next serial call reserves in line
		return
	}
	r.serials = append(batch, r.serials...)
}

// sequence returns the next number of the institution's sequence for day.
func (r *reserver) sequence(ctx context.Context, institution, day string) (int64, error) {
	key := institution + "/" + day
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.seqs[key]
	if q == nil {
		if len(r.seqs) > 1024 { // old days and institutions: forget their remainders
			r.seqs = map[string]*seqQueue{}
		}
		q = &seqQueue{}
		r.seqs[key] = q
	}
	if len(q.blocks) == 0 {
		first, err := r.st.NextSequenceBlock(ctx, institution, day, sequenceBatch)
		if err != nil {
			return 0, err
		}
		q.blocks = append(q.blocks, seqBlock{next: first, end: first + sequenceBatch})
	}
	b := &q.blocks[0]
	n := b.next
	if b.next++; b.next >= b.end {
		q.blocks = q.blocks[1:]
	}
	q.used = true
	return n, nil
}

func (r *reserver) refillSequence(q *seqQueue, institution, day string) {
	defer r.wg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first, err := r.st.NextSequenceBlock(ctx, institution, day, sequenceBatch)
	r.mu.Lock()
	defer r.mu.Unlock()
	q.refilling, q.used = false, false
	if err != nil {
		r.report(err)
		return
	}
	// Numbers need only be unique within the day, not handed out in order.
	q.blocks = append(q.blocks, seqBlock{next: first, end: first + sequenceBatch})
}

func (r *reserver) report(err error) {
	if r.onError != nil {
		r.onError(err)
	}
}

// close waits for background reservations.
func (r *reserver) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.wg.Wait()
}
