package sqlstore

// PostgreSQL: the issuance writes, pipelined.
//
// Through database/sql every statement is a network round trip. StoreCertificate made
// seven (BEGIN, mark the serial used, insert the certificate, redeem the enrollment,
// advance the audit head, insert the audit entry, COMMIT) and took 1.1 to 1.9 ms on a
// 2-core host, where a single-row INSERT+COMMIT (pgbench) takes 0.27 ms and fdatasync
// 0.13 ms: the time went to round trips, not to the database. Here pgx batches send the
// statements in two flushes: everything up to the audit head advance, whose RETURNING
// gives the previous hash that the entry's hash covers, then the entry and COMMIT
// (0.5 to 0.9 ms, BenchmarkStoreCertificate). Results are checked in the order the
// shared path checks them, so that refusals and their errors are the same, and what was
// sent after a refusal is rolled back with it. SQLite, in process, has no round trips
// to save and keeps the shared path.

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/model"
)

// The shared statements with PostgreSQL's placeholders. pgx prepares each once per
// connection and caches it (its default query mode).
var (
	pgUseSerial         = postgresDialect.rebind(useSerialSQL)
	pgInsertCertificate = postgresDialect.rebind(insertCertificateSQL)
	pgRedeemEnrollment  = postgresDialect.rebind(redeemEnrollmentSQL)
	pgFinishCertificate = postgresDialect.rebind(finishCertificateSQL)
	pgAuditAdvance      = postgresDialect.rebind(auditAdvanceSQL)
	pgAuditInsert, _    = postgresDialect.auditWriteSQL()
)

// pgRollbackTimeout bounds the rollback of a transaction left open by a failure. It
// does not use the caller's context, whose end is often why the transaction was left.
const pgRollbackTimeout = 5 * time.Second

// pgStoreCertificate is StoreCertificateFinishing on PostgreSQL: the DERs of finish go
// in the first flush, after the certificate's own statements.
func (db *DB) pgStoreCertificate(ctx context.Context, c model.Certificate, redeemRef string, ev model.AuditEvent, finish []model.SignedCertificate) (notPending []model.Serial, err error) {
	now := db.clock()
	serial := c.Serial.String()
	row, ok := certificateRow(c, serial, now)
	a, auditErr := db.draftAudit(ev)
	err = db.withPgConn(ctx, func(conn *pgx.Conn) error {
		b := &pgx.Batch{}
		b.Queue("BEGIN")
		b.Queue(pgUseSerial, serial, c.IssuerID)
		if ok { // a malformed c goes no further than the serial check, reported first
			b.Queue(pgInsertCertificate, row[:]...)
			if redeemRef != "" {
				b.Queue(pgRedeemEnrollment, micros(now), serial, redeemRef)
			}
			pgQueueFinish(b, finish)
			if auditErr == nil {
				b.Queue(pgAuditAdvance, a.chain, audit.Genesis) // locks the chain head until COMMIT
			}
		}
		var (
			seq  int64
			prev []byte
		)
		err := pgSend(ctx, conn, b, func(br pgx.BatchResults) error {
			if _, err := br.Exec(); err != nil {
				return wrapf(err, "begin")
			}
			ct, err := br.Exec()
			if err != nil {
				return wrapf(err, "store certificate %s: serial", serial)
			}
			if ct.RowsAffected() == 0 {
				return errSerialNotReserved(serial, c.IssuerID)
			}
			if !ok {
				return errDERorTBS(serial)
			}
			if _, err := br.Exec(); err != nil {
				return db.conflictOr(err, "store certificate %s", serial)
			}
			if redeemRef != "" {
				ct, err := br.Exec()
				if err != nil {
					return wrapf(err, "store certificate %s: redeem enrollment %s", serial, redeemRef)
				}
				if ct.RowsAffected() == 0 {
					return errNotRedeemable(serial, redeemRef)
				}
			}
			if notPending, err = pgReadFinish(br, finish); err != nil {
				return err
			}
			if auditErr != nil {
				return auditErr
			}
			if err := br.QueryRow().Scan(&seq, &prev); err != nil {
				return a.advanceErr(err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return pgAppendAndCommit(ctx, conn, a, seq, prev)
	})
	if err != nil {
		return nil, err
	}
	return notPending, nil
}

// pgFinishCertificates is FinishCertificates on PostgreSQL: without an event, one round
// trip (a single UPDATE commits on its own; several go between BEGIN and COMMIT); with
// one, two, the audit head being advanced on the chance that a certificate is finished
// and rolled back when none is.
func (db *DB) pgFinishCertificates(ctx context.Context, done []model.SignedCertificate, ev *model.AuditEvent) ([]model.Serial, error) {
	var (
		a        auditDraft
		auditErr error
	)
	if ev != nil {
		a, auditErr = db.draftAudit(*ev)
	}
	var notPending []model.Serial
	err := db.withPgConn(ctx, func(conn *pgx.Conn) error {
		inTx := len(done) > 1 || ev != nil
		advance := ev != nil && auditErr == nil
		b := &pgx.Batch{}
		if inTx {
			b.Queue("BEGIN")
		}
		pgQueueFinish(b, done)
		switch {
		case advance:
			b.Queue(pgAuditAdvance, a.chain, audit.Genesis)
		case inTx && ev == nil:
			b.Queue("COMMIT")
		}
		var (
			seq  int64
			prev []byte
		)
		err := pgSend(ctx, conn, b, func(br pgx.BatchResults) error {
			if inTx {
				if _, err := br.Exec(); err != nil {
					return wrapf(err, "begin")
				}
			}
			var err error
			if notPending, err = pgReadFinish(br, done); err != nil {
				return err
			}
			switch {
			case advance:
				if err := br.QueryRow().Scan(&seq, &prev); err != nil {
					return a.advanceErr(err)
				}
			case inTx && ev == nil:
				return pgCommitted(br.Exec())
			}
			return nil
		})
		switch {
		case err != nil || ev == nil:
			return err
		case len(notPending) == len(done):
			return pgRollback(ctx, conn) // nothing finished: no audit entry either
		case auditErr != nil:
			return auditErr
		}
		return pgAppendAndCommit(ctx, conn, a, seq, prev)
	})
	if err != nil {
		return nil, err
	}
	return notPending, nil
}

// pgQueueFinish queues the UPDATE that writes each DER of done, for pgReadFinish.
func pgQueueFinish(b *pgx.Batch, done []model.SignedCertificate) {
	for _, d := range done {
		b.Queue(pgFinishCertificate, d.DER, d.Serial.String())
	}
}

// pgReadFinish reads the results of pgQueueFinish's statements and returns the serials
// of the certificates that were not pending.
func pgReadFinish(br pgx.BatchResults, done []model.SignedCertificate) (notPending []model.Serial, err error) {
	for _, d := range done {
		ct, err := br.Exec()
		if err != nil {
			return nil, wrapf(err, "finish certificate %s", d.Serial)
		}
		if ct.RowsAffected() == 0 {
			notPending = append(notPending, d.Serial)
		}
	}
	return notPending, nil
}

// pgAppendAndCommit is the second flush: the audit entry at seq after prev (its chain
// head advanced and locked by the first), then COMMIT.
func pgAppendAndCommit(ctx context.Context, conn *pgx.Conn, a auditDraft, seq int64, prev []byte) error {
	row, _ := a.row(seq, prev) // pgAuditInsert moves the head's hash too
	b := &pgx.Batch{}
	b.Queue(pgAuditInsert, row[:]...)
	b.Queue("COMMIT")
	return pgSend(ctx, conn, b, func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return a.insertErr(err, seq)
		}
		return pgCommitted(br.Exec())
	})
}

// pgSend sends b in one flush and lets read take its results in order; read may stop
// early, the rest are then discarded. read's error comes first, then the batch's.
func pgSend(ctx context.Context, conn *pgx.Conn, b *pgx.Batch, read func(pgx.BatchResults) error) error {
	br := conn.SendBatch(ctx, b)
	err := read(br)
	if cerr := br.Close(); err == nil && cerr != nil {
		err = wrapf(cerr, "pipeline")
	}
	return err
}

// pgCommitted checks the result of a COMMIT. A COMMIT in a failed transaction succeeds
// with the tag ROLLBACK; a pipeline never sends one there, but say so if it happens.
func pgCommitted(ct pgconn.CommandTag, err error) error {
	if err != nil {
		return wrapf(err, "commit")
	}
	if ct.String() != "COMMIT" {
		return fmt.Errorf("sqlstore: commit: the server answered %q: rolled back", ct.String())
	}
	return nil
}

// pgRollback ends conn's transaction, if any.
func pgRollback(ctx context.Context, conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pgRollbackTimeout)
	defer cancel()
	if err := conn.PgConn().Exec(ctx, "ROLLBACK").Close(); err != nil {
		return wrapf(err, "rollback")
	}
	return nil
}

// withPgConn runs fn on the native pgx connection under one connection of the pool.
// fn's statements manage their own transaction; one it leaves open (it failed or
// refused, or its context ended between flushes) is rolled back here, and a connection
// that is not idle afterwards is discarded: returning driver.ErrBadConn from Raw makes
// database/sql close it rather than hand it to the next caller in a transaction.
func (db *DB) withPgConn(ctx context.Context, fn func(*pgx.Conn) error) error {
	sc, err := db.w.Conn(ctx)
	if err != nil {
		return wrapf(err, "begin")
	}
	defer sc.Close()
	var (
		ran  bool
		ferr error
	)
	err = sc.Raw(func(dc any) error {
		ran = true
		sd, ok := dc.(*stdlib.Conn)
		if !ok {
			ferr = fmt.Errorf("sqlstore: postgres: driver connection is a %T, not pgx's", dc)
			return nil
		}
		conn := sd.Conn()
		ferr = fn(conn)
		pc := conn.PgConn()
		if !pc.IsClosed() && pc.TxStatus() != 'I' {
			pgRollback(ctx, conn) // its failure shows below
		}
		if pc.IsClosed() || pc.TxStatus() != 'I' {
			return driver.ErrBadConn
		}
		return nil
	})
	if !ran {
		return wrapf(err, "begin")
	}
	return ferr
}
