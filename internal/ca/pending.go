package ca

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// Pending certificates: stored with their linted TBSCertificate before the signature
// leaves the authority, completed with their DER right after (see Issue).

// PendingGrace is how long a pending certificate is left to the process that signed it:
// its DER normally follows within milliseconds. Past it, the certificate is taken as
// orphaned by a crash, and any node signs its stored TBSCertificate again.
const PendingGrace = 2 * time.Second

// tbsTagPurpose separates the tags of stored TBSCertificates from other uses of the key.
const tbsTagPurpose = "certcenter ca: pending TBSCertificate v1"

// tbsTag authenticates a pending TBSCertificate with a key the database does not hold,
// so that write access to the database is not a way to have the CA key sign something.
func (a *Authority) tbsTag(serial model.Serial, tbs []byte) []byte {
	return a.cfg.Tag([]byte(tbsTagPurpose), serial, tbs)
}

// Certificate returns a stored certificate (store.ErrNotFound if unknown), with its DER:
// a certificate still pending is completed from this process's memory, waited for while
// another node writes it, or repaired when its signer died (RepairPending).
func (a *Authority) Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error) {
	c, err := a.st.Certificate(ctx, serial)
	if err != nil || !c.Pending() {
		return c, err
	}
	if der, ok := a.fin.lookup(serial); ok {
		return finished(c, der), nil
	}
	// Another process signed it: its DER is on the way, unless that process died.
	wait := PendingGrace - a.cfg.Now().Sub(c.CreatedAt)
	for deadline := time.Now().Add(min(wait, PendingGrace)); time.Now().Before(deadline); {
		t := time.NewTimer(5 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return c, ctx.Err()
		case <-t.C:
		}
		if c, err = a.st.Certificate(ctx, serial); err != nil || !c.Pending() {
			return c, err
		}
	}
	return a.repair(ctx, c)
}

func finished(c model.Certificate, der []byte) model.Certificate {
	c.DER, c.TBS, c.TBSTag = der, nil, nil
	return c
}

// PendingStats is what the authority knows of pending certificates, for monitoring.
type PendingStats struct {
	Held     int    // DERs this process holds until they are written
	Repaired uint64 // certificates completed by RepairPending or a read since start
	Failed   uint64 // attempts to complete a certificate that failed since start
}

// Pending returns the pending-certificate counters.
func (a *Authority) Pending() PendingStats {
	a.fin.mu.Lock()
	held := len(a.fin.held)
	a.fin.mu.Unlock()
	return PendingStats{Held: held, Repaired: a.repaired.Load(), Failed: a.repairFailed.Load()}
}

// RepairPending signs again the stored TBSCertificates of certificates pending for
// longer than olderThan (at least PendingGrace) whose signer is not this process, and
// stores their DER: the recovery of a crash between the commit of an issuance and the
// write of its DER. It runs at start and then now and then on every node; two nodes
// repairing the same certificate store it once. It returns how many it completed, and
// the failures joined: one certificate that cannot be completed (a tag that does not
// match is a sign of tampering) does not keep the others from being completed.
func (a *Authority) RepairPending(ctx context.Context, olderThan time.Duration) (int, error) {
	olderThan = max(olderThan, PendingGrace)
	const page = 100
	n := 0
	var failed []error
	skip := map[string]bool{} // failed or held here: not asked again in this sweep
	before := a.cfg.Now().Add(-olderThan)
	for {
		list, err := a.st.PendingCertificates(ctx, before, page+len(skip))
		if err != nil {
			return n, errors.Join(append(failed, err)...)
		}
		progress := false
		for _, c := range list {
			key := c.Serial.String()
			if skip[key] {
				continue
			}
			if _, ok := a.fin.lookup(c.Serial); ok {
				skip[key] = true // this process holds its DER and is writing it
				continue
			}
			if _, err := a.repair(ctx, c); err != nil {
				skip[key] = true
				failed = append(failed, err)
				continue
			}
			n++
			progress = true
		}
		if len(list) < page+len(skip) || !progress {
			return n, errors.Join(failed...)
		}
	}
}

// repair signs a pending certificate's stored TBSCertificate after checking its tag,
// and stores the DER with an audit entry.
func (a *Authority) repair(ctx context.Context, c model.Certificate) (model.Certificate, error) {
	out, err := a.repairOne(ctx, c)
	if err != nil {
		a.repairFailed.Add(1)
	} else {
		a.repaired.Add(1)
	}
	return out, err
}

func (a *Authority) repairOne(ctx context.Context, c model.Certificate) (model.Certificate, error) {
	if c.IssuerID != a.iss.ID() {
		return c, fmt.Errorf("ca: pending certificate %s of issuer %q is not this authority's (%q)", c.Serial, c.IssuerID, a.iss.ID())
	}
	if !hmac.Equal(c.TBSTag, a.tbsTag(c.Serial, c.TBS)) {
		return c, errs.New(errs.Internal, "pending certificate %s: its stored TBSCertificate fails its tag; it is not signed", c.Serial)
	}
	der, cert, err := a.iss.SignStored(c.TBS)
	if errors.Is(err, issuance.ErrLint) {
		// Stored just before its lints failed, by a process that ended before it could
		// withdraw it: it was never signed, and never will be.
		if err2 := a.abandon(ctx, c, c.EnrollmentRef, "lint failed"); err2 != nil {
			return c, fmt.Errorf("ca: repair %s: %w (and withdrawing it failed: %v)", c.Serial, err, err2)
		}
		return c, fmt.Errorf("ca: repair %s: withdrawn: %w", c.Serial, err)
	}
	if err != nil {
		return c, fmt.Errorf("ca: repair %s: %w", c.Serial, err)
	}
	if model.Serial(cert.SerialNumber.Bytes()).String() != c.Serial.String() {
		return c, fmt.Errorf("ca: repair %s: the stored TBSCertificate has serial %x", c.Serial, cert.SerialNumber)
	}
	ev := model.AuditEvent{Type: "certificate.signature_restored", Actor: "system", Institution: c.InstitutionCode,
		Subject: c.Serial.String()}
	notPending, err := a.st.FinishCertificates(ctx, []model.SignedCertificate{{Serial: c.Serial, DER: der}}, &ev)
	if err != nil {
		return c, fmt.Errorf("ca: repair %s: %w", c.Serial, err)
	}
	if len(notPending) > 0 { // finished meanwhile by another writer: what it stored stands
		return a.st.Certificate(ctx, c.Serial)
	}
	return finished(c, der), nil
}

// finishNow stores a DER at once. It returns the DER stored by another writer when the
// certificate was finished meanwhile (a repair), or nil when this one was stored.
func (a *Authority) finishNow(ctx context.Context, s model.SignedCertificate) ([]byte, error) {
	notPending, err := a.st.FinishCertificates(context.WithoutCancel(ctx), []model.SignedCertificate{s}, nil)
	if err != nil {
		return nil, fmt.Errorf("ca: store certificate %s: %w", s.Serial, err)
	}
	if len(notPending) == 0 {
		return nil, nil
	}
	c, err := a.st.Certificate(ctx, s.Serial)
	if err != nil {
		return nil, fmt.Errorf("ca: stored certificate %s: %w", s.Serial, err)
	}
	if c.Pending() {
		return nil, fmt.Errorf("ca: store certificate %s: %w", s.Serial, store.ErrConflict)
	}
	return c.DER, nil
}

// finisher writes the DER of certificates this process signed, in the background and in
// batches, and holds each in memory until it is stored. When issuances come back to
// back, the next one's transaction takes the queue (storeFinishing), so that each
// certificate costs one transaction; the writer stores what no issuance took.
//
// The writer polls rather than being woken: handing work to a sleeping thread costs the
// waker a futex call, which on a virtual machine (an inter-processor interrupt) took the
// issuing goroutine about 40 us, 4% of a signature. So add never wakes anyone while the
// writer runs; the writer looks at the queue every finishPoll and stops after finishLinger
// without work, and only the first add after such a quiet spell starts it again.
type finisher struct {
	st      Store
	mu      sync.Mutex
	held    map[string][]byte // serial (hex) → DER, until stored
	queue   []model.SignedCertificate
	lastAdd time.Time // of the newest DER queued
	running bool
	closing bool
	wg      sync.WaitGroup
	// onError learns of failed writes (they are retried).
	onError func(error)
}

const (
	// maxFinishBatch bounds one transaction of DER writes.
	maxFinishBatch = 256
	// finishPoll is how often the writer looks at the queue; finishLinger how long it
	// keeps looking without work before it stops. It leaves the queue to the next
	// issuance's transaction until finishGrace has passed since the last DER came: two
	// writers would only contend for SQLite's one writer and for the other core.
	finishPoll   = time.Millisecond
	finishLinger = 100 * time.Millisecond
	finishGrace  = 3 * time.Millisecond
)

func newFinisher(st Store) *finisher {
	return &finisher{st: st, held: map[string][]byte{}}
}

func (f *finisher) lookup(serial model.Serial) ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	der, ok := f.held[serial.String()]
	return der, ok
}

// add queues a DER for writing, and starts the writer if it has stopped.
func (f *finisher) add(s model.SignedCertificate) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.held[s.Serial.String()] = s.DER
	f.queue = append(f.queue, s)
	f.lastAdd = time.Now()
	if !f.running {
		f.running = true
		f.wg.Add(1)
		go f.drain()
	}
}

// take removes up to maxFinishBatch DERs from the queue for a caller that writes them
// (the writer, or an issuance's transaction); they stay held until stored.
func (f *finisher) take() []model.SignedCertificate {
	f.mu.Lock()
	defer f.mu.Unlock()
	batch := append([]model.SignedCertificate(nil), f.queue[:min(len(f.queue), maxFinishBatch)]...)
	f.queue = f.queue[len(batch):]
	return batch
}

// stored forgets taken DERs that were written.
func (f *finisher) stored(batch []model.SignedCertificate) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range batch {
		delete(f.held, s.Serial.String())
	}
}

// giveBack puts taken DERs that were not written back at the head of the queue, and
// starts the writer if it has stopped (the caller is not an issuing goroutine).
func (f *finisher) giveBack(batch []model.SignedCertificate) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(batch, f.queue...)
	if !f.running && !f.closing {
		f.running = true
		f.wg.Add(1)
		go f.drain()
	}
}

func (f *finisher) drain() {
	defer f.wg.Done()
	backoff := 10 * time.Millisecond
	var idle time.Duration
	for {
		f.mu.Lock()
		if len(f.queue) == 0 {
			if f.closing || idle >= finishLinger {
				f.running = false
				f.mu.Unlock()
				return
			}
			f.mu.Unlock()
			time.Sleep(finishPoll)
			idle += finishPoll
			continue
		}
		if !f.closing && time.Since(f.lastAdd) < finishGrace {
			f.mu.Unlock()
			time.Sleep(finishPoll)
			continue
		}
		f.mu.Unlock()
		idle = 0
		batch := f.take()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := f.st.FinishCertificates(ctx, batch, nil)
		cancel()
		if err == nil {
			f.stored(batch)
			backoff = 10 * time.Millisecond
			continue
		}
		if f.onError != nil {
			f.onError(err)
		}
		f.mu.Lock()
		if f.closing {
			// Shutting down: what is left stays pending; RepairPending completes it.
			f.queue, f.running = nil, false
			f.mu.Unlock()
			return
		}
		f.queue = append(batch, f.queue...)
		f.mu.Unlock()
		time.Sleep(backoff)
		backoff = min(2*backoff, 5*time.Second)
	}
}

// close waits until the queued DERs are written (or one write fails).
func (f *finisher) close() error {
	f.mu.Lock()
	f.closing = true
	f.mu.Unlock()
	f.wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.held) > 0 {
		return fmt.Errorf("ca: %d certificates left pending at close (RepairPending completes them)", len(f.held))
	}
	return nil
}
