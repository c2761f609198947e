package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
	"github.com/certcenter/certcenter/internal/testenv"
)

// The pipelined PostgreSQL writes (pgpipeline.go) leave no transaction open on a pooled
// connection: not after a refusal found halfway through a flush, not when the caller's
// context ends while the server still works on one. The pool has a single connection,
// so that a transaction left open would be the next caller's.
func TestPostgresPipelineLeavesNoTransaction(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.PostgresDSN(t)
	db, err := sqlstore.Open(ctx, "postgres", dsn, sqlstore.WithMaxConns(1))
	if err != nil {
		t.Fatalf("Open(postgres) = %v", err)
	}
	t.Cleanup(func() { db.Close() })
	other, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	boot := model.Bootstrap{
		Authorities:  []model.Authority{{ID: "issuing", Role: model.RoleIssuing, CertDER: []byte("der"), KeyRef: "k", CreatedAt: benchT0}},
		Institutions: []model.Institution{{Code: "901", Name: "데모은행1", ShortName: "DEMOBANK1", APIKeyHash: []byte("h901"), CreatedAt: benchT0}},
	}
	if err := db.Bootstrap(ctx, boot, model.AuditEvent{Type: "system.bootstrap", Subject: "bootstrap"}); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 9))
	next := 0

	// settled waits for the backend pid to be done with whatever the client sent, and
	// returns its state: "idle", or "" once it is gone.
	settled := func(pid int) string {
		t.Helper()
		var state string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			err := other.QueryRowContext(ctx, `SELECT COALESCE(state, '') FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&state)
			if errors.Is(err, sql.ErrNoRows) {
				return ""
			}
			if err != nil {
				t.Fatal(err)
			}
			if state == "idle" {
				return state
			}
		}
		t.Fatalf("backend %d still %q", pid, state)
		return ""
	}
	backend := func() int {
		t.Helper()
		var pid int
		if err := db.SQL().QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		return pid
	}
	issue := func() (model.Certificate, model.AuditEvent) {
		t.Helper()
		serials, refs := prepareIssuances(t, db, 1, true, &next, r)
		ev := model.AuditEvent{Type: "certificate.issued", Subject: serials[0].String()}
		return benchCert(serials[0], refs[0], next), ev
	}

	// Refusals: the serial is not reserved; the enrollment is unknown, found after the
	// certificate was inserted.
	c, ev := issue()
	pid := backend()
	unreserved := c
	unreserved.Serial = benchSerial(r)
	if err := db.StoreCertificate(ctx, unreserved, "", ev); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("StoreCertificate(unreserved serial) = %v, want ErrConflict", err)
	}
	if st := settled(pid); st != "idle" {
		t.Fatalf("after a refusal the connection is %q, want idle", st)
	}
	if err := db.StoreCertificate(ctx, c, "ref-unknown", ev); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("StoreCertificate(unknown enrollment) = %v, want ErrConflict", err)
	}
	if st := settled(pid); st != "idle" || backend() != pid {
		t.Fatalf("after a refusal the connection is %q, want the same one idle", st)
	}
	if err := db.StoreCertificate(ctx, c, c.EnrollmentRef, ev); err != nil {
		t.Fatalf("StoreCertificate after refusals = %v", err)
	}

	// The context ends while the first flush waits for the audit chain's head, locked
	// by another transaction: serial, certificate and enrollment are written by then.
	c, ev = issue()
	if err := db.AppendAudit(ctx, ev); err != nil { // the chain's head exists
		t.Fatal(err)
	}
	pid = backend()
	lock, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.ExecContext(ctx, `SELECT 1 FROM audit_heads WHERE chain = $1 FOR UPDATE`, audit.ChainFor(ev)); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	err = db.StoreCertificate(tctx, c, c.EnrollmentRef, ev)
	cancel()
	if err == nil {
		t.Fatal("StoreCertificate with its context ended = nil, want an error")
	}
	lock.Rollback()
	if st := settled(pid); st != "" && st != "idle" {
		t.Fatalf("after a cancellation the connection is %q", st)
	}
	if _, err := db.Certificate(ctx, c.Serial); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Certificate() after a cancelled store = %v, want ErrNotFound", err)
	}
	if err := db.StoreCertificate(ctx, c, c.EnrollmentRef, ev); err != nil {
		t.Fatalf("StoreCertificate after a cancelled one = %v", err)
	}

	// Several pending certificates finished without an event: one transaction.
	var done []model.SignedCertificate
	for range 2 {
		c, ev := issue()
		c.TBS, c.TBSTag, c.DER = []byte("tbs"), []byte("tag"), nil
		if err := db.StoreCertificate(ctx, c, c.EnrollmentRef, ev); err != nil {
			t.Fatal(err)
		}
		done = append(done, model.SignedCertificate{Serial: c.Serial, DER: benchDER})
	}
	unknown := benchSerial(r)
	notPending, err := db.FinishCertificates(ctx, []model.SignedCertificate{done[0], {Serial: unknown, DER: benchDER}, done[1]}, nil)
	if err != nil || len(notPending) != 1 || !bytes.Equal(notPending[0], unknown) {
		t.Fatalf("FinishCertificates() = %v, %v; want [%s]", notPending, err, unknown)
	}
	for _, d := range done {
		if got, err := db.Certificate(ctx, d.Serial); err != nil || got.Pending() || !bytes.Equal(got.DER, benchDER) {
			t.Errorf("Certificate(%s) after finishing: pending %v, %v", d.Serial, got.Pending(), err)
		}
	}
	if st := settled(backend()); st != "idle" {
		t.Fatalf("after FinishCertificates the connection is %q", st)
	}

	// The chains verify and end at their heads.
	v := audit.NewVerifier()
	last := map[int]model.AuditEntry{}
	if err := db.WalkAudit(ctx, func(e model.AuditEntry) error { last[e.Chain] = e; return v.Add(e) }); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	heads, err := db.AuditHeads(ctx)
	if err != nil || len(heads) != len(last) {
		t.Fatalf("AuditHeads() = %d chains, %v; the log has %d", len(heads), err, len(last))
	}
	for chain, h := range heads {
		if e := last[chain]; e.Seq != h.Seq || !bytes.Equal(e.Hash, h.Hash) {
			t.Errorf("chain %d: head seq %d hash %x, log ends at seq %d hash %x", chain, h.Seq, h.Hash, e.Seq, e.Hash)
		}
	}
}
