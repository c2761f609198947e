package sqlstore

import (
	"context"
	"database/sql"
)

// stmts are the write statements, prepared once at Open on the write pool. SQLite
// (modernc) would otherwise compile every statement on every call; inside a transaction
// tx.StmtContext reuses the statement already prepared on the transaction's connection.
// They are prepared before any transaction starts: on SQLite the write pool has a single
// connection, and preparing on the pool during a transaction would wait for itself.
type stmts struct {
	reserveSerial     *sql.Stmt
	nextSequence      *sql.Stmt
	useSerial         *sql.Stmt
	insertCertificate *sql.Stmt
	finishCertificate *sql.Stmt
	redeemEnrollment  *sql.Stmt
	insertEnrollment  *sql.Stmt
	claimEnrollment   *sql.Stmt
	releaseEnrollment *sql.Stmt
	failedAttempt     *sql.Stmt
	auditAdvance      *sql.Stmt
	auditInsert       *sql.Stmt
	auditSetHead      *sql.Stmt // nil on PostgreSQL, where auditInsert moves the head too

	// Group commit's savepoints (SQLite only: batch.go).
	savepoint, releaseSavepoint, rollbackToSavepoint *sql.Stmt

	// Reads of the issuance path, prepared on the read pool (each of its connections
	// compiles a statement once, on first use).
	enrollment, certificate *sql.Stmt

	all []*sql.Stmt
}

func (s *stmts) prepare(ctx context.Context, db, r *sql.DB, d dialect) error {
	auditInsert, auditSetHead := d.auditWriteSQL()
	sp := [3]string{}
	if d.name == "sqlite" {
		sp = [3]string{"SAVEPOINT batch_op", "RELEASE SAVEPOINT batch_op", "ROLLBACK TO SAVEPOINT batch_op"}
	}
	list := []stmt{
		{&s.reserveSerial, reserveSerialSQL},
		{&s.nextSequence, nextSequenceSQL},
		{&s.useSerial, useSerialSQL},
		{&s.insertCertificate, insertCertificateSQL},
		{&s.finishCertificate, finishCertificateSQL},
		{&s.redeemEnrollment, redeemEnrollmentSQL},
		{&s.insertEnrollment, insertEnrollmentSQL},
		{&s.claimEnrollment, claimEnrollmentSQL},
		{&s.releaseEnrollment, releaseEnrollmentSQL},
		{&s.failedAttempt, failedAttemptSQL},
		{&s.auditAdvance, auditAdvanceSQL},
		{&s.auditInsert, auditInsert},
		{&s.auditSetHead, auditSetHead},
		{&s.savepoint, sp[0]},
		{&s.releaseSavepoint, sp[1]},
		{&s.rollbackToSavepoint, sp[2]},
	}
	reads := []stmt{
		{&s.enrollment, enrollmentSQL},
		{&s.certificate, certificateSQL},
	}
	if err := s.prepareOn(ctx, db, d, list); err != nil {
		return err
	}
	return s.prepareOn(ctx, r, d, reads)
}

// stmt is a statement to prepare into dst.
type stmt struct {
	dst **sql.Stmt
	q   string
}

func (s *stmts) prepareOn(ctx context.Context, db *sql.DB, d dialect, list []stmt) error {
	for _, p := range list {
		if p.q == "" {
			continue
		}
		st, err := db.PrepareContext(ctx, d.rebind(p.q))
		if err != nil {
			return wrapf(err, "prepare %q", firstLine(p.q))
		}
		*p.dst = st
		s.all = append(s.all, st)
	}
	return nil
}

func (s *stmts) close() {
	for _, st := range s.all {
		st.Close()
	}
	s.all = nil
}

func firstLine(q string) string {
	for i := 0; i < len(q); i++ {
		if q[i] == '\n' {
			return q[:i]
		}
	}
	return q
}

// readRow runs a read of the hot paths (the financial certificate's signatures) as a
// statement prepared once on the read pool: compiling the SQL is, on SQLite, a good part
// of such a read's cost. Statements are kept by their text until Close.
func (db *DB) readRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st, ok := db.reads.Load(q); ok {
		return st.(*sql.Stmt).QueryRowContext(ctx, args...)
	}
	st, err := db.r.PrepareContext(ctx, db.d.rebind(q))
	if err != nil { // the query reports the error
		return db.r.QueryRowContext(ctx, db.d.rebind(q), args...)
	}
	if prev, loaded := db.reads.LoadOrStore(q, st); loaded {
		st.Close()
		st = prev.(*sql.Stmt)
	}
	return st.QueryRowContext(ctx, args...)
}

func (db *DB) closeReads() {
	db.reads.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		db.reads.Delete(k)
		return true
	})
}
