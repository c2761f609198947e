// Package storetest is the conformance suite every certcenter storage backend passes:
// each method of the store interfaces that internal/ca and internal/center declare, plus
// bootstrap and the audit log, with every error contract, atomicity (a failed change
// writes nothing, not even an audit entry) and concurrent use.
//
// It knows backends only through the Store interface and an Opener; it does not test
// what is specific to one database (connection settings, migrations, a second process
// on the same SQLite file): the backend's own tests do. It is imported only by tests.
package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/audit"
	"github.com/certcenter/certcenter/internal/model"
)

// Store is everything a backend provides. It is the union of ca.Store and center.Store
// (spelled out so this package does not import its consumers) and the bootstrap, audit
// and counting methods the server and the operator commands use.
type Store interface {
	// ca.Store
	ReserveSerial(ctx context.Context, serial model.Serial, issuerID string, at time.Time) error
	NextSequence(ctx context.Context, institution, day string) (int64, error)
	StoreCertificate(ctx context.Context, c model.Certificate, redeemRef string, ev model.AuditEvent) error
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)

	// center.Store
	Institution(ctx context.Context, code string) (model.Institution, error)
	InstitutionByAPIKeyHash(ctx context.Context, hash []byte) (model.Institution, error)
	CreateEnrollment(ctx context.Context, e model.Enrollment, ev model.AuditEvent) error
	Enrollment(ctx context.Context, ref string) (model.Enrollment, error)
	ClaimEnrollment(ctx context.Context, ref string, now, until time.Time) error
	ReleaseEnrollment(ctx context.Context, ref string) error
	RecordFailedAttempt(ctx context.Context, ref string, max int, ev model.AuditEvent) (tries int, locked bool, err error)

	Bootstrap(ctx context.Context, b model.Bootstrap, ev model.AuditEvent) error
	Bootstrapped(ctx context.Context) (bool, error)
	Authorities(ctx context.Context) ([]model.Authority, error)
	Institutions(ctx context.Context) ([]model.Institution, error)

	AppendAudit(ctx context.Context, ev model.AuditEvent) error
	WalkAudit(ctx context.Context, fn func(model.AuditEntry) error) error
	AuditHeads(ctx context.Context) (map[int]model.AuditHead, error)
	CountCertificates(ctx context.Context) (int64, error)

	// Lifecycle: renewal, reissue, revocation, suspension, CMP confirmation.
	StoreReplacement(ctx context.Context, c model.Certificate, redeemRef string, old model.Serial, revokeOld bool, ev model.AuditEvent) error
	ChangeStatus(ctx context.Context, ch model.StatusChange, ev model.AuditEvent) (model.Certificate, error)
	ConfirmCertificate(ctx context.Context, serial model.Serial, ev model.AuditEvent) error
	Unconfirmed(ctx context.Context, before time.Time, limit int) ([]model.Certificate, error)
	ExpireUnconfirmed(ctx context.Context, serial model.Serial, at time.Time, ev model.AuditEvent) error

	// Pending certificates: stored while the CA key signs, finished with their DER.
	FinishCertificates(ctx context.Context, done []model.SignedCertificate, ev *model.AuditEvent) ([]model.Serial, error)
	StoreCertificateFinishing(ctx context.Context, c model.Certificate, redeemRef string, ev model.AuditEvent, finish []model.SignedCertificate) ([]model.Serial, error)
	PendingCertificates(ctx context.Context, before time.Time, limit int) ([]model.Certificate, error)
	AbandonCertificate(ctx context.Context, serial model.Serial, redeemRef string, ev model.AuditEvent) error
}

// Opener returns a new, empty store whose clock is now. The store must be closed when
// the test ends (t.Cleanup).
type Opener func(t *testing.T, now func() time.Time) Store

// Run runs the whole suite, each subtest on a fresh store.
func Run(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Bootstrap", testBootstrap},
		{"BootstrapRollsBack", testBootstrapRollsBack},
		{"Institution", testInstitution},
		{"ReserveSerial", testReserveSerial},
		{"NextSequence", testNextSequence},
		{"StoreCertificate", testStoreCertificate},
		{"StoreCertificateConflicts", testStoreCertificateConflicts},
		{"Certificate", testCertificate},
		{"CreateEnrollment", testCreateEnrollment},
		{"ClaimEnrollment", testClaimEnrollment},
		{"ClaimEnrollmentRace", testClaimEnrollmentRace},
		{"ReleaseEnrollment", testReleaseEnrollment},
		{"RecordFailedAttempt", testRecordFailedAttempt},
		{"Audit", testAudit},
		{"Concurrent", testConcurrent},
		{"StoreReplacement", testStoreReplacement},
		{"ChangeStatus", testChangeStatus},
		{"Confirmation", testConfirmation},
		{"PendingCertificate", testPendingCertificate},
		{"StoreCertificateFinishing", testStoreCertificateFinishing},
		{"AbandonCertificate", testAbandonCertificate},
		{"ClaimTakeover", testClaimTakeover},
		{"ExpireUnconfirmedGivesEnrollmentBack", testExpireUnconfirmedGivesEnrollmentBack},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// Clock is a settable clock for stores under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// t0 is the suite's start time; it has microseconds, the precision stores keep.
var t0 = time.Date(2026, 3, 25, 9, 30, 0, 123456000, time.UTC)

// env is one fresh store, its clock and a context.
type env struct {
	t     *testing.T
	s     Store
	clock *Clock
	ctx   context.Context
}

func newEnv(t *testing.T, open Opener) *env {
	t.Helper()
	c := NewClock(t0)
	return &env{t: t, s: open(t, c.Now), clock: c, ctx: context.Background()}
}

// bootstrapped returns a fresh store bootstrapped with demoBootstrap.
func bootstrapped(t *testing.T, open Opener) *env {
	t.Helper()
	e := newEnv(t, open)
	if err := e.s.Bootstrap(e.ctx, demoBootstrap(), event("system.bootstrap", "bootstrap")); err != nil {
		t.Fatalf("Bootstrap() = %v, want nil", err)
	}
	return e
}

func demoBootstrap() model.Bootstrap {
	return model.Bootstrap{
		Authorities: []model.Authority{
			{ID: "issuing", Role: model.RoleIssuing, CertDER: []byte("issuing-der"), KeyRef: "keys/issuing.key", CreatedAt: t0},
			{ID: "ocsp", Role: model.RoleOCSP, CertDER: []byte("ocsp-der"), KeyRef: "pkcs11:label=ocsp", CreatedAt: t0},
			{ID: "root", Role: model.RoleRoot, CertDER: []byte("root-der"), KeyRef: "keys/root.key", CreatedAt: t0},
		},
		Institutions: []model.Institution{
			{Code: "901", Name: "데모은행1", ShortName: "DEMOBANK1", APIKeyHash: keyHash("key-901"), CreatedAt: t0},
			{Code: "902", Name: "데모증권", ShortName: "DEMOSEC", APIKeyHash: keyHash("key-902"), CreatedAt: t0.Add(time.Microsecond)},
		},
	}
}

func keyHash(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// serial derives a positive 16-byte serial from name.
func serial(name string) model.Serial {
	h := sha256.Sum256([]byte("serial:" + name))
	s := model.Serial(h[:16])
	s[0] = s[0]&0x7f | 0x01
	return s
}

func event(typ, subject string) model.AuditEvent {
	return model.AuditEvent{Type: typ, Actor: "institution:901", Institution: "901", Subject: subject,
		Details: map[string]string{"kind": "personal", "note": "시험"}}
}

func certificate(s model.Serial, ref string) model.Certificate {
	return model.Certificate{
		Serial: s, IssuerID: "issuing", InstitutionCode: "901", EnrollmentRef: ref,
		CommonName: "홍길동()0019012026032500001", Kind: model.Personal, Usage: model.Banking,
		NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0).Add(-time.Second), Partition: 7,
		DER: append([]byte{0x30, 0x82}, s...), Status: model.StatusValid, CreatedAt: t0,
	}
}

func enrollment(ref string) model.Enrollment {
	return model.Enrollment{
		Reference: ref, InstitutionCode: "901", Name: "홍길동",
		IDNCipher: []byte("sealed-idn-" + ref), AuthCodeCipher: []byte("sealed-code-" + ref),
		Kind: model.Personal, Usage: model.Banking, Verification: "in-person", TellerID: "T-17",
		CreatedAt: t0, ExpiresAt: t0.Add(7 * 24 * time.Hour),
	}
}

// snapshot is what a failed change must leave untouched.
type snapshot struct {
	Certs int64
	Heads map[int]model.AuditHead
}

func (e *env) snapshot() snapshot {
	e.t.Helper()
	n, err := e.s.CountCertificates(e.ctx)
	if err != nil {
		e.t.Fatalf("CountCertificates() = %v", err)
	}
	h, err := e.s.AuditHeads(e.ctx)
	if err != nil {
		e.t.Fatalf("AuditHeads() = %v", err)
	}
	return snapshot{n, h}
}

func (e *env) unchanged(op string, before snapshot) {
	e.t.Helper()
	if after := e.snapshot(); !reflect.DeepEqual(after, before) {
		e.t.Errorf("after failed %s: certificates %d, audit heads %v; want unchanged %d, %v", op, after.Certs, after.Heads, before.Certs, before.Heads)
	}
}

// verifyAudit walks the log through audit.Verifier, checks that every chain ends at its
// head, and returns the entries.
func (e *env) verifyAudit() []model.AuditEntry {
	e.t.Helper()
	v := audit.NewVerifier()
	var all []model.AuditEntry
	last := map[int]model.AuditEntry{}
	err := e.s.WalkAudit(e.ctx, func(en model.AuditEntry) error {
		if err := v.Add(en); err != nil {
			return err
		}
		all = append(all, en)
		last[en.Chain] = en
		return nil
	})
	if err != nil {
		e.t.Fatalf("WalkAudit with verifier = %v", err)
	}
	heads, err := e.s.AuditHeads(e.ctx)
	if err != nil {
		e.t.Fatalf("AuditHeads() = %v", err)
	}
	if len(heads) != len(last) {
		e.t.Errorf("AuditHeads() has %d chains, the log %d", len(heads), len(last))
	}
	for c, h := range heads {
		if l := last[c]; l.Seq != h.Seq || !reflect.DeepEqual(l.Hash, h.Hash) {
			e.t.Errorf("chain %d: head is seq %d hash %x, log ends at seq %d hash %x", c, h.Seq, h.Hash, l.Seq, l.Hash)
		}
	}
	return all
}

// lastEntry returns the last audit entry whose subject is subject.
func (e *env) lastEntry(subject string) (model.AuditEntry, bool) {
	e.t.Helper()
	var found model.AuditEntry
	ok := false
	for _, en := range e.verifyAudit() {
		if en.Event.Subject == subject && (!ok || en.Seq > found.Seq) {
			found, ok = en, true
		}
	}
	return found, ok
}

func (e *env) mustEnrollment(ref string) model.Enrollment {
	e.t.Helper()
	en, err := e.s.Enrollment(e.ctx, ref)
	if err != nil {
		e.t.Fatalf("Enrollment(%q) = %v", ref, err)
	}
	return en
}

func wantErr(t *testing.T, call string, got, want error) {
	t.Helper()
	if want == nil {
		if got != nil {
			t.Errorf("%s = %v, want nil", call, got)
		}
		return
	}
	if !errors.Is(got, want) {
		t.Errorf("%s = %v, want %v", call, got, want)
	}
}

var errStop = errors.New("storetest: stop")
