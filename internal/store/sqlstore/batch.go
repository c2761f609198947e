package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// Group commit (SQLite). Under load, write operations of many callers share one
// transaction:
// each runs inside its own SAVEPOINT, so one that fails (a conflict, a constraint) is
// rolled back alone and reports its own error while the others commit together. The
// commit, the costly part of a small write transaction (on PostgreSQL an fsync, on
// SQLite the WAL append), is paid once per batch instead of once per caller, and on
// SQLite the single writer connection is held for fewer, fuller transactions, which
// matters when the goroutine holding it competes for the CPU with RSA signatures.
//
// A caller that finds nothing being written runs its operation in its own transaction
// right away, so a lone caller pays nothing extra; what queues meanwhile is committed
// in batches by a goroutine until the queue is empty. The operations must use only the
// transaction they are given (on SQLite the writer pool has one connection) and must
// be safe to run once: an operation is run exactly once, and its caller gets its own
// error or the commit's.

// maxBatch bounds one group commit.
const maxBatch = 64

type batchOp struct {
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

type batcher struct {
	mu      sync.Mutex
	queue   []batchOp
	running bool // a committer goroutine is draining the queue
}

// writeOne runs one prepared statement that writes, as its own transaction, and returns
// the number of rows it changed. On SQLite it joins the group commit (write); on
// PostgreSQL a lone statement is atomic by itself, and sending it without BEGIN and
// COMMIT saves two of its three round trips.
func (db *DB) writeOne(ctx context.Context, st *sql.Stmt, args ...any) (int64, error) {
	if db.d.name == "sqlite" {
		var n int64
		err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			var err error
			n, err = execTx(ctx, tx, st, args...)
			return err
		})
		return n, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// write runs fn in a transaction: its own when nothing else is being written, else in
// the next group commit. It returns fn's error or the commit's.
func (db *DB) write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if db.d.name != "sqlite" {
		// PostgreSQL commits concurrent transactions on many connections and groups
		// their WAL flushes itself; one committer would only serialize the round trips.
		return db.inTx(ctx, func(tx *sql.Tx) error { return fn(ctx, tx) })
	}
	b := &db.batch
	b.mu.Lock()
	if !b.running {
		// Nobody is committing: this caller commits, and drains whatever queues meanwhile.
		b.running = true
		b.mu.Unlock()
		err := db.inTx(ctx, func(tx *sql.Tx) error { return fn(ctx, tx) })
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.running = false
			b.mu.Unlock()
			return err
		}
		b.mu.Unlock()
		go db.drain() // others queued meanwhile: commit them together, without keeping this caller
		return err
	}
	op := batchOp{fn: fn, done: make(chan error, 1)}
	b.queue = append(b.queue, op)
	b.mu.Unlock()
	return <-op.done
}

// drain commits the queued operations in batches until the queue is empty, then lets
// the next caller commit on its own again.
func (db *DB) drain() {
	b := &db.batch
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		n := min(len(b.queue), maxBatch)
		batch := append([]batchOp(nil), b.queue[:n]...)
		b.queue = b.queue[n:]
		b.mu.Unlock()
		db.commitBatch(batch)
	}
}

// commitBatch runs the operations in one transaction, each in a savepoint. Queued
// callers' contexts are not used: once queued, an operation runs to its end so that its
// caller learns what happened.
func (db *DB) commitBatch(batch []batchOp) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	results := make([]error, len(batch))
	failAll := func(err error) {
		for _, op := range batch {
			op.done <- err
		}
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		failAll(wrapf(err, "begin"))
		return
	}
	for i, op := range batch {
		if _, err := tx.StmtContext(ctx, db.st.savepoint).ExecContext(ctx); err != nil {
			tx.Rollback()
			failAll(wrapf(err, "savepoint"))
			return
		}
		if err := op.fn(ctx, tx); err != nil {
			results[i] = err
			if _, rerr := tx.StmtContext(ctx, db.st.rollbackToSavepoint).ExecContext(ctx); rerr != nil {
				tx.Rollback()
				failAll(fmt.Errorf("sqlstore: roll back a failed operation: %w (after: %w)", rerr, err))
				return
			}
		}
		if _, err := tx.StmtContext(ctx, db.st.releaseSavepoint).ExecContext(ctx); err != nil {
			tx.Rollback()
			failAll(wrapf(err, "release savepoint"))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		failAll(wrapf(err, "commit"))
		return
	}
	for i, op := range batch {
		op.done <- results[i]
	}
}
