package ca_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

var tagKey = []byte("ca test: the key of the TBS tags")

// testTag is an HMAC-SHA-256 with length-prefixed parts, as the sealer's MAC.
func testTag(data ...[]byte) []byte {
	m := hmac.New(sha256.New, tagKey)
	for _, d := range data {
		binary.Write(m, binary.BigEndian, uint32(len(d)))
		m.Write(d)
	}
	return m.Sum(nil)
}

// world is a bootstrapped store and key folder that authorities open and reopen, as
// a process that crashed and started again would.
type world struct {
	db    *sqlstore.DB
	cfg   ca.Config
	ks    ca.KeySource
	auths []model.Authority
}

func newWorld(t *testing.T) *world {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlstore.Open(context.Background(), "sqlite", filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t.Setenv("CA_PASSPHRASE", "test passphrase for the CA keys")
	ks := ca.KeySource{Kind: "file", Dir: dir, Passphrase: "env:CA_PASSPHRASE"}
	cfg := ca.Config{Organization: "certcenter", RootName: "Test Root", IssuingName: "Test CA",
		PolicyArc: "1.2.410.200005.1.1", BaseURL: "http://127.0.0.1:1", Partitions: 16, Now: time.Now, Tag: testTag}
	auths, err := ca.Bootstrap(context.Background(), cfg, ks, "t1")
	if err != nil {
		t.Fatal(err)
	}
	inst := model.Institution{Code: "901", Name: "데모은행", ShortName: "DEMOBANK", APIKeyHash: []byte("h")}
	if err := db.Bootstrap(context.Background(), model.Bootstrap{Authorities: auths, Institutions: []model.Institution{inst}}, model.AuditEvent{Type: "test", Subject: "b"}); err != nil {
		t.Fatal(err)
	}
	return &world{db: db, cfg: cfg, ks: ks, auths: auths}
}

// issuingKey opens the issuing CA's key through a's key source, closed at the end of t.
func (w *world) issuingKey(t *testing.T, a *ca.Authority) crypto.Signer {
	t.Helper()
	for _, au := range w.auths {
		if au.Role == model.RoleIssuing {
			key, closer, err := ca.IssuingKey(a, au.KeyRef)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { closer.Close() })
			return key
		}
	}
	t.Fatal("the world has no issuing CA")
	return nil
}

// open opens an authority on the world's store (or st) with the clock now.
func (w *world) open(t *testing.T, st ca.Store, now func() time.Time) *ca.Authority {
	t.Helper()
	cfg := w.cfg
	cfg.Now = now
	a, err := ca.Open(st, cfg, w.ks, w.auths)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

var (
	leafOnce sync.Once
	leafKey  *rsa.PrivateKey
)

func issueReq(t *testing.T, ref string) ca.IssueRequest {
	t.Helper()
	leafOnce.Do(func() {
		var err error
		if leafKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return ca.IssueRequest{Institution: model.Institution{Code: "901", ShortName: "DEMOBANK"}, EnrollmentRef: ref, Name: "홍길동",
		IDN: "8001011234567", Kind: model.Personal, Usage: model.Banking, PublicKey: leafKey.Public(), Actor: "test"}
}

// claimedEnrollment stores an enrollment and claims it, as the center does before Issue.
func claimedEnrollment(t *testing.T, db *sqlstore.DB, ref string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	e := model.Enrollment{Reference: ref, InstitutionCode: "901", Name: "홍길동", IDNCipher: []byte("sealed"),
		AuthCodeCipher: []byte("sealed"), Kind: model.Personal, Usage: model.Banking, Verification: "in-person",
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := db.CreateEnrollment(ctx, e, model.AuditEvent{Type: "enrollment.created", Subject: ref}); err != nil {
		t.Fatal(err)
	}
	if err := db.ClaimEnrollment(ctx, ref, now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
}

func auditTypes(t *testing.T, db *sqlstore.DB, subject string) []string {
	t.Helper()
	var out []string
	if err := db.WalkAudit(context.Background(), func(e model.AuditEntry) error {
		if e.Event.Subject == subject {
			out = append(out, e.Event.Type)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkWithdrawn checks what a certificate stored and then withdrawn (its signature or
// its lints failed) leaves: no certificate, as many as before, the enrollment ref usable
// again, a certificate.abandoned audit entry, and a serial that is never reserved again.
func (w *world) checkWithdrawn(t *testing.T, a *ca.Authority, serial model.Serial, ref string, before int64, what string) {
	t.Helper()
	ctx := context.Background()
	if _, err := a.Certificate(ctx, serial); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("certificate whose %s failed: %v, want not found", what, err)
	}
	if n, _ := w.db.CountCertificates(ctx); n != before {
		t.Errorf("certificates = %d, want %d", n, before)
	}
	e, err := w.db.Enrollment(ctx, ref)
	if err != nil || e.UsedAt != nil || len(e.IssuedSerial) != 0 {
		t.Fatalf("enrollment after the failed %s: %v used %v serial %s; want usable", what, err, e.UsedAt, e.IssuedSerial)
	}
	if types := auditTypes(t, w.db, serial.String()); !contains(types, "certificate.abandoned") {
		t.Errorf("audit: %v, want certificate.abandoned", types)
	}
	if err := w.db.ReserveSerial(ctx, serial, "issuing", time.Now()); !errors.Is(err, store.ErrConflict) {
		t.Errorf("re-reserving the withdrawn serial = %v, want ErrConflict", err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestIssueStoresTheDERBehindTheAnswer(t *testing.T) {
	w := newWorld(t)
	a := w.open(t, w.db, time.Now)
	ctx := context.Background()
	claimedEnrollment(t, w.db, "1000000001")
	got, err := a.Issue(ctx, issueReq(t, "1000000001"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Record.DER, got.Cert.Raw) || got.Record.Pending() {
		t.Fatal("Issue answered without the certificate's DER")
	}
	// Through the authority, the DER is there at once, written or not.
	c, err := a.Certificate(ctx, got.Record.Serial)
	if err != nil || !bytes.Equal(c.DER, got.Record.DER) {
		t.Fatalf("Certificate = %v, DER equal %v", err, bytes.Equal(c.DER, got.Record.DER))
	}
	// Close writes what is queued: the stored row is complete, without its TBS.
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	c, err = w.db.Certificate(ctx, got.Record.Serial)
	if err != nil || c.Pending() || !bytes.Equal(c.DER, got.Record.DER) || c.TBS != nil || c.TBSTag != nil {
		t.Fatalf("stored row: err %v pending %v DER equal %v tbs %d tag %d", err, c.Pending(), bytes.Equal(c.DER, got.Record.DER), len(c.TBS), len(c.TBSTag))
	}
	e, err := w.db.Enrollment(ctx, "1000000001")
	if err != nil || e.UsedAt == nil || e.IssuedSerial.String() != got.Record.Serial.String() {
		t.Fatalf("enrollment after issue: %v used %v serial %s", err, e.UsedAt, e.IssuedSerial)
	}
}

// A crash after the commit of an issuance and before its DER is written leaves a
// pending certificate; the next start signs its stored TBSCertificate again and, the
// CA key being RSA (PKCS#1 v1.5), stores the very certificate the subscriber received.
func TestCrashBeforeTheDERIsWrittenIsRepaired(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	st := &crashingStore{DB: w.db, lostDER: true}
	start := time.Now()
	a1 := w.open(t, st, time.Now)
	var issued [2]*ca.Issued
	for i := range issued {
		var err error
		if issued[i], err = a1.Issue(ctx, issueReq(t, "")); err != nil {
			t.Fatal(err)
		}
	}
	if err := a1.Close(); err == nil {
		t.Error("Close with DERs that could not be written = nil, want an error saying they stay pending")
	}
	for _, is := range issued {
		c, err := w.db.Certificate(ctx, is.Record.Serial)
		if err != nil || !c.Pending() || len(c.DER) != 0 || !bytes.Equal(c.TBS, is.Cert.RawTBSCertificate) {
			t.Fatalf("after the crash: %v pending %v der %d, TBS equal %v", err, c.Pending(), len(c.DER), bytes.Equal(c.TBS, is.Cert.RawTBSCertificate))
		}
		if types := auditTypes(t, w.db, is.Record.Serial.String()); !contains(types, "certificate.issued") {
			t.Fatalf("audit of a pending certificate: %v, want certificate.issued", types)
		}
	}

	// Within the grace period a new process leaves them to their signer (its clock is
	// stopped inside the period, however slow this machine is).
	a2 := w.open(t, w.db, func() time.Time { return start.Add(ca.PendingGrace / 4) })
	if n, err := a2.RepairPending(ctx, 0); err != nil || n != 0 {
		t.Fatalf("RepairPending within the grace period = %d, %v; want 0, nil", n, err)
	}
	// Past it: one is completed by a read, the other by the sweep.
	later := func() time.Time { return time.Now().Add(ca.PendingGrace + time.Second) }
	a3 := w.open(t, w.db, later)
	c, err := a3.Certificate(ctx, issued[0].Record.Serial)
	if err != nil || !bytes.Equal(c.DER, issued[0].Record.DER) {
		t.Fatalf("Certificate of an orphaned pending certificate: %v, DER identical %v", err, bytes.Equal(c.DER, issued[0].Record.DER))
	}
	if n, err := a3.RepairPending(ctx, 0); err != nil || n != 1 {
		t.Fatalf("RepairPending = %d, %v; want 1, nil", n, err)
	}
	for _, is := range issued {
		c, err := w.db.Certificate(ctx, is.Record.Serial)
		if err != nil || c.Pending() || !bytes.Equal(c.DER, is.Record.DER) {
			t.Fatalf("repaired %s: %v pending %v, byte-identical to what was answered: %v", is.Record.Serial, err, c.Pending(), bytes.Equal(c.DER, is.Record.DER))
		}
		if types := auditTypes(t, w.db, is.Record.Serial.String()); !contains(types, "certificate.signature_restored") {
			t.Errorf("audit of a repaired certificate: %v, want certificate.signature_restored", types)
		}
	}
	if n, err := a3.RepairPending(ctx, 0); err != nil || n != 0 {
		t.Fatalf("second RepairPending = %d, %v; want 0, nil", n, err)
	}
}

// Another node asked for a certificate whose DER the issuing node is still writing
// waits for that DER: it does not sign the certificate a second time.
func TestAnotherNodeWaitsForThePendingDER(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a1 := w.open(t, &crashingStore{DB: w.db, slowDER: 300 * time.Millisecond}, time.Now)
	a2 := w.open(t, w.db, time.Now)
	is, err := a1.Issue(ctx, issueReq(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := w.db.Certificate(ctx, is.Record.Serial); err != nil || !c.Pending() {
		t.Fatalf("right after Issue: %v pending %v; want pending (the DER is slow to come)", err, c.Pending())
	}
	start := time.Now()
	c, err := a2.Certificate(ctx, is.Record.Serial)
	if err != nil || !bytes.Equal(c.DER, is.Record.DER) {
		t.Fatalf("Certificate on another node: %v, DER identical %v", err, bytes.Equal(c.DER, is.Record.DER))
	}
	if waited := time.Since(start); waited < 100*time.Millisecond || waited > ca.PendingGrace {
		t.Errorf("the other node waited %v; want until the DER was written (about 300ms)", waited)
	}
	if types := auditTypes(t, w.db, is.Record.Serial.String()); contains(types, "certificate.signature_restored") {
		t.Errorf("audit %v: the waiting node repaired a certificate that was being written", types)
	}
}

// Write access to the database is not a way to have the CA key sign: a stored
// TBSCertificate that was changed, or whose tag is not the authority's, stays unsigned.
func TestRepairRefusesATamperedTBS(t *testing.T) {
	for _, tc := range []struct {
		name   string
		column string
		edit   func([]byte) []byte
	}{
		{"changed TBSCertificate", "tbs", func(b []byte) []byte {
			i := bytes.Index(b, []byte("홍길동"))
			b = bytes.Clone(b)
			copy(b[i:], "김철수")
			return b
		}},
		{"tag under another key", "tbs_tag", func(b []byte) []byte { return bytes.Repeat([]byte{7}, len(b)) }},
		{"no tag", "tbs_tag", func([]byte) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			ctx := context.Background()
			a1 := w.open(t, &crashingStore{DB: w.db, lostDER: true}, time.Now)
			is, err := a1.Issue(ctx, issueReq(t, ""))
			if err != nil {
				t.Fatal(err)
			}
			good, err := a1.Issue(ctx, issueReq(t, ""))
			if err != nil {
				t.Fatal(err)
			}
			a1.Close()
			serial := is.Record.Serial.String()
			var b []byte
			if err := w.db.SQL().QueryRowContext(ctx, `SELECT `+tc.column+` FROM certificates WHERE serial = ?`, serial).Scan(&b); err != nil {
				t.Fatal(err)
			}
			if _, err := w.db.SQL().ExecContext(ctx, `UPDATE certificates SET `+tc.column+` = ? WHERE serial = ?`, tc.edit(b), serial); err != nil {
				t.Fatal(err)
			}
			// The tampered certificate is refused; the other one is completed all the same.
			a2 := w.open(t, w.db, func() time.Time { return time.Now().Add(time.Minute) })
			if n, err := a2.RepairPending(ctx, 0); err == nil || n != 1 {
				t.Fatalf("RepairPending with one tampered TBS = %d, %v; want 1 and an error", n, err)
			}
			if c, err := w.db.Certificate(ctx, good.Record.Serial); err != nil || c.Pending() || !bytes.Equal(c.DER, good.Record.DER) {
				t.Fatalf("the untampered certificate: %v pending %v; want completed", err, c.Pending())
			}
			if _, err := a2.Certificate(ctx, is.Record.Serial); err == nil {
				t.Fatal("Certificate of a tampered pending certificate: no error")
			}
			c, err := w.db.Certificate(ctx, is.Record.Serial)
			if err != nil || !c.Pending() || len(c.DER) != 0 {
				t.Fatalf("tampered certificate after the refusals: %v pending %v der %d; want still pending, unsigned", err, c.Pending(), len(c.DER))
			}
		})
	}
}

// A signature that fails after the issuance was committed takes it back: no
// certificate, the enrollment usable again, the serial never used again.
func TestSignatureFailureAfterTheCommitIsUndone(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	st := &crashingStore{DB: w.db}
	a := w.open(t, st, time.Now)
	key := w.issuingKey(t, a)
	var fail atomic.Bool
	if err := ca.BreakableSigner(a, key, &fail); err != nil {
		t.Fatal(err)
	}
	claimedEnrollment(t, w.db, "1000000002")
	before, _ := w.db.CountCertificates(ctx)

	fail.Store(true)
	if _, err := a.Issue(ctx, issueReq(t, "1000000002")); err == nil {
		t.Fatal("Issue with a failing CA key = nil error")
	}
	failed := st.lastSerial
	w.checkWithdrawn(t, a, failed, "1000000002", before, "signature")

	// The key is back: the same enrollment gets its certificate, with another serial.
	fail.Store(false)
	if err := w.db.ClaimEnrollment(ctx, "1000000002", time.Now(), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := a.Issue(ctx, issueReq(t, "1000000002"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Record.Serial.String() == failed.String() {
		t.Error("the retry reused the abandoned serial")
	}
}

// Serials and CN sequence numbers are reserved ahead in the background: under
// concurrent issuance every certificate still gets its own of each, every serial used
// was reserved, and the reserve left over is bounded.
func TestConcurrentIssuesReserveAhead(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a := w.open(t, w.db, time.Now)
	const workers, each = 8, 25
	var (
		mu      sync.Mutex
		serials = map[string]bool{}
		cns     = map[string]bool{}
		wg      sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				is, err := a.Issue(ctx, issueReq(t, ""))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if serials[is.Record.Serial.String()] || cns[is.Record.CommonName] {
					t.Errorf("serial %s or CN %s handed out twice", is.Record.Serial, is.Record.CommonName)
				}
				serials[is.Record.Serial.String()], cns[is.Record.CommonName] = true, true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	var used, unused int
	if err := w.db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE used), COUNT(*) FILTER (WHERE NOT used) FROM serials WHERE issuer_id = 'issuing'`).Scan(&used, &unused); err != nil {
		t.Fatal(err)
	}
	if used != workers*each || unused > 2*64 {
		t.Errorf("serials: %d used (want %d), %d reserved and unused (want at most two batches)", used, workers*each, unused)
	}
	if list, err := w.db.PendingCertificates(ctx, time.Now().Add(time.Hour), 10); err != nil || len(list) != 0 {
		t.Errorf("pending after Close: %d, %v", len(list), err)
	}
}

// The transaction of a first issuance starts before the lints run. Lints that fail
// then withdraw what it stored, as a failed signature does: no certificate, the
// enrollment usable again, the serial spent, the attempt audited; nothing was signed.
// A process that ends before withdrawing it leaves a pending certificate that
// RepairPending withdraws, since its lints fail again.
func TestLintFailureAfterTheEarlyStoreIsUndone(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	st := &crashingStore{DB: w.db}
	a := w.open(t, st, time.Now)
	key := w.issuingKey(t, a)
	if err := ca.MisnamedIssuer(a, key); err != nil {
		t.Fatal(err)
	}
	claimedEnrollment(t, w.db, "1000000003")
	before, _ := w.db.CountCertificates(ctx)

	_, err := a.Issue(ctx, issueReq(t, "1000000003"))
	if code := errs.CodeOf(err); code != errs.LintFailed {
		t.Fatalf("Issue under a misnamed issuer = %v (code %v), want LINT_FAILED", err, code)
	}
	failed := st.lastSerial
	if failed == nil {
		t.Fatal("the issuance stored nothing before its lints: the early store did not run")
	}
	w.checkWithdrawn(t, a, failed, "1000000003", before, "lints")

	// The process ends between the commit and the withdrawal: the row stays pending
	// until a repair lints it again, fails, and withdraws it.
	if err := w.db.ClaimEnrollment(ctx, "1000000003", time.Now(), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	crashing := &noAbandonStore{crashingStore: st}
	b := w.open(t, crashing, time.Now)
	if err := ca.MisnamedIssuer(b, key); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Issue(ctx, issueReq(t, "1000000003")); errs.CodeOf(err) != errs.LintFailed {
		t.Fatalf("Issue = %v, want LINT_FAILED", err)
	}
	orphan := st.lastSerial
	if c, err := w.db.Certificate(ctx, orphan); err != nil || !c.Pending() {
		t.Fatalf("after a crash before the withdrawal: %v pending=%v, want a pending certificate", err, c.Pending())
	}
	later := func() time.Time { return time.Now().Add(ca.PendingGrace + time.Second) }
	c := w.open(t, w.db, later)
	if err := ca.MisnamedIssuer(c, key); err != nil {
		t.Fatal(err)
	}
	n, err := c.RepairPending(ctx, 0)
	if n != 0 || !errors.Is(err, issuance.ErrLint) {
		t.Fatalf("RepairPending = %d, %v; want 0 completed and the lint failure", n, err)
	}
	if _, err := w.db.Certificate(ctx, orphan); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after the repair: %v, want the certificate withdrawn", err)
	}
	if e, err := w.db.Enrollment(ctx, "1000000003"); err != nil || e.UsedAt != nil {
		t.Errorf("enrollment after the repair: %v used %v; want usable", err, e.UsedAt)
	}
	if n, err := c.RepairPending(ctx, 0); n != 0 || err != nil {
		t.Errorf("second RepairPending = %d, %v; want nothing left", n, err)
	}
}

// noAbandonStore fails AbandonCertificate as a process ending right before it would.
type noAbandonStore struct{ *crashingStore }

func (s *noAbandonStore) AbandonCertificate(context.Context, model.Serial, string, model.AuditEvent) error {
	return errCrash
}

// waitFor polls cond until it holds, or fails t after a few seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// The DER writer is not woken for each issuance: it looks at its queue while issuances
// keep coming and stops after a quiet spell. What it holds reaches the store without a
// Close, and the first issuance after the quiet spell starts it again.
func TestDERWriterKeepsLookingThenStops(t *testing.T) {
	w := newWorld(t)
	a := w.open(t, w.db, time.Now)
	ctx := context.Background()
	issue := func(ref string) model.Serial {
		claimedEnrollment(t, w.db, ref)
		got, err := a.Issue(ctx, issueReq(t, ref))
		if err != nil {
			t.Fatal(err)
		}
		return got.Record.Serial
	}
	stored := func(serials ...model.Serial) func() bool {
		return func() bool {
			for _, s := range serials {
				if c, err := w.db.Certificate(ctx, s); err != nil || c.Pending() {
					return false
				}
			}
			return true
		}
	}
	first := []model.Serial{issue("2000000001"), issue("2000000002"), issue("2000000003")}
	waitFor(t, "the first three DERs in the store", stored(first...))
	if !ca.FinisherRunning(a) {
		t.Fatal("the DER writer stopped as soon as its queue was empty; it should keep looking for a while")
	}
	waitFor(t, "the DER writer to stop after a quiet spell", func() bool { return !ca.FinisherRunning(a) })
	later := issue("2000000004")
	if !ca.FinisherRunning(a) {
		t.Fatal("an issuance after the quiet spell did not start the DER writer")
	}
	waitFor(t, "the later DER in the store", stored(later))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}

// finishCounter counts the DERs written with a later certificate's transaction.
type finishCounter struct {
	*sqlstore.DB
	carried atomic.Int64
}

func (s *finishCounter) StoreCertificateFinishing(ctx context.Context, c model.Certificate, ref string, ev model.AuditEvent, finish []model.SignedCertificate) ([]model.Serial, error) {
	notPending, err := s.DB.StoreCertificateFinishing(ctx, c, ref, ev, finish)
	if err == nil {
		s.carried.Add(int64(len(finish)))
	}
	return notPending, err
}

// Back to back, each issuance's transaction carries the DER of the one before (one
// transaction per certificate instead of two); every DER reaches the store all the same.
func TestBackToBackIssuancesCarryTheDERBefore(t *testing.T) {
	w := newWorld(t)
	st := &finishCounter{DB: w.db}
	a := w.open(t, st, time.Now)
	ctx := context.Background()
	var issued []*ca.Issued
	for range 20 {
		is, err := a.Issue(ctx, issueReq(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		issued = append(issued, is)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if st.carried.Load() == 0 {
		t.Error("no issuance carried an earlier DER: each was written in a transaction of its own")
	}
	for _, is := range issued {
		if c, err := w.db.Certificate(ctx, is.Record.Serial); err != nil || c.Pending() || !bytes.Equal(c.DER, is.Record.DER) {
			t.Fatalf("%s: %v pending %v DER identical %v", is.Record.Serial, err, c.Pending(), bytes.Equal(c.DER, is.Record.DER))
		}
		if types := auditTypes(t, w.db, is.Record.Serial.String()); len(types) != 1 || types[0] != "certificate.issued" {
			t.Errorf("audit of %s: %v, want one certificate.issued", is.Record.Serial, types)
		}
	}
	t.Logf("%d of %d DERs carried by the next issuance's transaction", st.carried.Load(), len(issued)-1)
}
