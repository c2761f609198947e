package storetest

import (
	"context"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// CenterStore is what the certificate desk (center.DeskStore) needs from storage, on
// top of Store, spelled out so this package does not import its consumer.
type CenterStore interface {
	Store
	CreateCustomer(ctx context.Context, c model.Customer, ev model.AuditEvent) error
	Customer(ctx context.Context, id string) (model.Customer, error)
	CustomerByIDNHash(ctx context.Context, institution string, hash []byte) (model.Customer, error)
	CreateVerification(ctx context.Context, v model.Verification, ev model.AuditEvent) error
	Verification(ctx context.Context, id string) (model.Verification, error)
	CompleteVerification(ctx context.Context, id string, now time.Time, evidence string, ev model.AuditEvent) error
	FailVerification(ctx context.Context, id string, max int, final bool, ev model.AuditEvent) (int, model.VerificationStatus, error)
	CreateEnrollmentVerified(ctx context.Context, e model.Enrollment, verificationID, customerID string, verifiedAfter, now time.Time, ev model.AuditEvent) error
	EnrollmentCustomer(ctx context.Context, ref string) (string, error)
	CreateRegistration(ctx context.Context, r model.Registration, challengeID string, now time.Time, ev model.AuditEvent) error
	Registration(ctx context.Context, id string) (model.Registration, error)
	Registrations(ctx context.Context, customerID string) ([]model.Registration, error)
	DeleteRegistration(ctx context.Context, id string, ev model.AuditEvent) error
	RecordBilling(ctx context.Context, b model.BillingRecord, ev model.AuditEvent) error
	Unbilled(ctx context.Context, limit int) ([]model.Certificate, error)
	Billing(ctx context.Context, institution string, limit int) ([]model.BillingRecord, error)
	DueReminders(ctx context.Context, now time.Time, thresholds []int, limit int) ([]model.ReminderDue, error)
	ClaimReminder(ctx context.Context, serial model.Serial, threshold int, node string, now, staleBefore time.Time) (bool, error)
	MarkReminderSent(ctx context.Context, serial model.Serial, threshold int, node string, now time.Time, ev model.AuditEvent) error
	AppendOutbox(ctx context.Context, m model.OutboxMessage) error
	Outbox(ctx context.Context, institution string, limit int) ([]model.OutboxMessage, error)
}

// CenterOpener returns a new, empty store whose clock is now.
type CenterOpener func(t *testing.T, now func() time.Time) CenterStore

// RunCenter runs the certificate-center part of the suite, each subtest on a fresh,
// bootstrapped store.
func RunCenter(t *testing.T, open CenterOpener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, *centerEnv)
	}{
		{"Customers", testCustomers},
		{"Verifications", testVerifications},
		{"EnrollmentVerified", testEnrollmentVerified},
		{"Registrations", testRegistrations},
		{"Billing", testBilling},
		{"Reminders", testReminders},
		{"Outbox", testOutbox},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := bootstrapped(t, func(t *testing.T, now func() time.Time) Store { return open(t, now) })
			tc.fn(t, &centerEnv{env: e, cs: e.s.(CenterStore)})
		})
	}
}

type centerEnv struct {
	*env
	cs CenterStore
}

func (e *centerEnv) customer(id, inst string) model.Customer {
	e.t.Helper()
	c := model.Customer{ID: id, InstitutionCode: inst, IDNHash: keyHash("idn-" + id), IDNCipher: []byte("sealed-idn-" + id),
		ProfileCipher: []byte("sealed-profile-" + id), CreatedAt: t0}
	if err := e.cs.CreateCustomer(e.ctx, c, event("customer.created", id)); err != nil {
		e.t.Fatalf("CreateCustomer(%s) = %v", id, err)
	}
	return c
}

func (e *centerEnv) verification(id, customer, method string, status model.VerificationStatus, life time.Duration) model.Verification {
	e.t.Helper()
	v := model.Verification{ID: id, InstitutionCode: "901", CustomerID: customer, Method: method, Status: status,
		Secret: []byte("mac-" + id), CreatedAt: e.clock.Now(), ExpiresAt: e.clock.Now().Add(life), TellerID: "T-1"}
	if status == model.VerificationVerified {
		now := e.clock.Now()
		v.VerifiedAt = &now
	}
	if err := e.cs.CreateVerification(e.ctx, v, event("verification.started", id)); err != nil {
		e.t.Fatalf("CreateVerification(%s) = %v", id, err)
	}
	return v
}

func (e *centerEnv) mustVerification(id string) model.Verification {
	e.t.Helper()
	v, err := e.cs.Verification(e.ctx, id)
	if err != nil {
		e.t.Fatalf("Verification(%s) = %v", id, err)
	}
	return v
}

func testCustomers(t *testing.T, e *centerEnv) {
	want := e.customer("cus_1", "901")
	got, err := e.cs.Customer(e.ctx, "cus_1")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Customer() = %+v, %v, want %+v", got, err, want)
	}
	if got, err := e.cs.CustomerByIDNHash(e.ctx, "901", want.IDNHash); err != nil || got.ID != "cus_1" {
		t.Errorf("CustomerByIDNHash() = %+v, %v", got, err)
	}
	_, err = e.cs.CustomerByIDNHash(e.ctx, "902", want.IDNHash)
	wantErr(t, "CustomerByIDNHash(other institution)", err, store.ErrNotFound)
	_, err = e.cs.Customer(e.ctx, "cus_none")
	wantErr(t, "Customer(unknown)", err, store.ErrNotFound)

	before := e.snapshot()
	dup := want
	dup.ID = "cus_2"
	wantErr(t, "CreateCustomer(same IDN hash)", e.cs.CreateCustomer(e.ctx, dup, event("customer.created", "cus_2")), store.ErrConflict)
	e.unchanged("CreateCustomer(same IDN hash)", before)
	// The same person at another institution is another customer.
	other := want
	other.ID, other.InstitutionCode = "cus_3", "902"
	wantErr(t, "CreateCustomer(other institution)", e.cs.CreateCustomer(e.ctx, other, event("customer.created", "cus_3")), nil)
}

func testVerifications(t *testing.T, e *centerEnv) {
	e.customer("cus_1", "901")
	v1 := e.verification("ver_1", "cus_1", "sms", model.VerificationPending, 3*time.Minute)
	if got := e.mustVerification("ver_1"); !reflect.DeepEqual(got, v1) {
		t.Errorf("Verification() = %+v, want %+v", got, v1)
	}
	_, err := e.cs.Verification(e.ctx, "ver_none")
	wantErr(t, "Verification(unknown)", err, store.ErrNotFound)

	// A new one supersedes the pending one of the same method only.
	e.verification("ver_c", "cus_1", "certificate", model.VerificationPending, 5*time.Minute)
	e.verification("ver_2", "cus_1", "sms", model.VerificationPending, 3*time.Minute)
	if s := e.mustVerification("ver_1").Status; s != model.VerificationSuperseded {
		t.Errorf("older sms verification is %s, want superseded", s)
	}
	if s := e.mustVerification("ver_c").Status; s != model.VerificationPending {
		t.Errorf("certificate verification is %s after a new sms one, want pending", s)
	}

	// Wrong answers count; the max-th locks; then nothing more is accepted.
	for i := 1; i <= 3; i++ {
		tries, status, err := e.cs.FailVerification(e.ctx, "ver_2", 3, false, event("verification.wrong_answer", "ver_2"))
		want := model.VerificationPending
		if i == 3 {
			want = model.VerificationLocked
		}
		if err != nil || tries != i || status != want {
			t.Fatalf("FailVerification #%d = %d %s %v, want %d %s", i, tries, status, err, i, want)
		}
	}
	before := e.snapshot()
	_, _, err = e.cs.FailVerification(e.ctx, "ver_2", 3, false, event("verification.wrong_answer", "ver_2"))
	wantErr(t, "FailVerification(locked)", err, store.ErrConflict)
	wantErr(t, "CompleteVerification(locked)", e.cs.CompleteVerification(e.ctx, "ver_2", e.clock.Now(), "", event("verification.verified", "ver_2")), store.ErrConflict)
	e.unchanged("answers to a locked verification", before)
	_, _, err = e.cs.FailVerification(e.ctx, "ver_none", 3, false, event("x", "ver_none"))
	wantErr(t, "FailVerification(unknown)", err, store.ErrNotFound)

	// A final failure settles at once.
	e.verification("ver_3", "cus_1", "sms", model.VerificationPending, 3*time.Minute)
	if _, status, err := e.cs.FailVerification(e.ctx, "ver_3", 5, true, event("verification.failed", "ver_3")); err != nil || status != model.VerificationFailed {
		t.Errorf("FailVerification(final) = %s, %v", status, err)
	}

	// Complete: only pending and unexpired.
	e.verification("ver_4", "cus_1", "sms", model.VerificationPending, 3*time.Minute)
	e.clock.Advance(time.Minute)
	if err := e.cs.CompleteVerification(e.ctx, "ver_4", e.clock.Now(), "evidence", event("verification.verified", "ver_4")); err != nil {
		t.Fatal(err)
	}
	if v := e.mustVerification("ver_4"); v.Status != model.VerificationVerified || v.VerifiedAt == nil || !v.VerifiedAt.Equal(e.clock.Now()) || v.Evidence != "evidence" {
		t.Errorf("after CompleteVerification: %+v", v)
	}
	wantErr(t, "CompleteVerification(twice)", e.cs.CompleteVerification(e.ctx, "ver_4", e.clock.Now(), "", event("x", "ver_4")), store.ErrConflict)
	e.verification("ver_5", "cus_1", "certificate", model.VerificationPending, time.Minute)
	e.clock.Advance(time.Minute)
	wantErr(t, "CompleteVerification(expired)", e.cs.CompleteVerification(e.ctx, "ver_5", e.clock.Now(), "", event("x", "ver_5")), store.ErrConflict)
	wantErr(t, "CompleteVerification(unknown)", e.cs.CompleteVerification(e.ctx, "ver_none", e.clock.Now(), "", event("x", "ver_none")), store.ErrNotFound)
}

func testEnrollmentVerified(t *testing.T, e *centerEnv) {
	e.customer("cus_1", "901")
	e.customer("cus_2", "901")
	e.verification("ver_1", "cus_1", "in-person", model.VerificationVerified, 30*time.Minute)
	now := e.clock.Now()
	en := enrollment("ref-v1")
	if err := e.cs.CreateEnrollmentVerified(e.ctx, en, "ver_1", "cus_1", now.Add(-30*time.Minute), now, event("enrollment.created", en.Reference)); err != nil {
		t.Fatalf("CreateEnrollmentVerified() = %v", err)
	}
	if got := e.mustEnrollment(en.Reference); got.Reference != en.Reference {
		t.Errorf("Enrollment() = %+v", got)
	}
	if v := e.mustVerification("ver_1"); v.Status != model.VerificationUsed || v.UsedAt == nil {
		t.Errorf("verification after use: %+v", v)
	}
	if c, err := e.cs.EnrollmentCustomer(e.ctx, en.Reference); err != nil || c != "cus_1" {
		t.Errorf("EnrollmentCustomer() = %q, %v", c, err)
	}
	_, err := e.cs.EnrollmentCustomer(e.ctx, "ref-none")
	wantErr(t, "EnrollmentCustomer(unknown)", err, store.ErrNotFound)

	before := e.snapshot()
	for _, tc := range []struct {
		name, ver, customer, ref string
		after                    time.Time
	}{
		{"used verification", "ver_1", "cus_1", "ref-v2", now.Add(-time.Hour)},
		{"another customer's verification", "ver_2", "cus_2", "ref-v3", now.Add(-time.Hour)},
		{"stale verification", "ver_3", "cus_1", "ref-v4", now},
		{"duplicate reference", "ver_4", "cus_1", "ref-v1", now.Add(-time.Hour)},
	} {
		if tc.ver != "ver_1" {
			owner := "cus_1"
			e.verification(tc.ver, owner, "account-"+tc.ver, model.VerificationVerified, 30*time.Minute)
			before = e.snapshot()
		}
		err := e.cs.CreateEnrollmentVerified(e.ctx, enrollment(tc.ref), tc.ver, tc.customer, tc.after, now, event("enrollment.created", tc.ref))
		wantErr(t, "CreateEnrollmentVerified("+tc.name+")", err, store.ErrConflict)
		e.unchanged("CreateEnrollmentVerified("+tc.name+")", before)
		if tc.ver != "ver_1" {
			if v := e.mustVerification(tc.ver); v.Status != model.VerificationVerified {
				t.Errorf("%s: verification is %s after a failed enrollment, want verified", tc.name, v.Status)
			}
		}
	}
	err = e.cs.CreateEnrollmentVerified(e.ctx, enrollment("ref-v5"), "ver_none", "cus_1", now.Add(-time.Hour), now, event("enrollment.created", "ref-v5"))
	wantErr(t, "CreateEnrollmentVerified(unknown verification)", err, store.ErrNotFound)
}

func registration(id, customer string, s model.Serial) model.Registration {
	return model.Registration{ID: id, InstitutionCode: "902", CustomerID: customer, Serial: s, Issuer: "CN=other CA",
		Subject: "CN=홍길동", CertDER: []byte("der-" + id), NotAfter: t0.AddDate(1, 0, 0), CreatedAt: t0}
}

func testRegistrations(t *testing.T, e *centerEnv) {
	e.customer("cus_1", "902")
	e.verification("chl_1", "cus_1", "registration", model.VerificationPending, 5*time.Minute)
	r := registration("reg_1", "cus_1", serial("reg"))
	if err := e.cs.CreateRegistration(e.ctx, r, "chl_1", e.clock.Now(), event("registration.created", "reg_1")); err != nil {
		t.Fatalf("CreateRegistration() = %v", err)
	}
	if got, err := e.cs.Registration(e.ctx, "reg_1"); err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("Registration() = %+v, %v, want %+v", got, err, r)
	}
	before := e.snapshot()
	r2 := registration("reg_2", "cus_1", serial("reg2"))
	wantErr(t, "CreateRegistration(used challenge)", e.cs.CreateRegistration(e.ctx, r2, "chl_1", e.clock.Now(), event("registration.created", "reg_2")), store.ErrConflict)
	e.unchanged("CreateRegistration(used challenge)", before)
	e.verification("chl_2", "cus_1", "registration", model.VerificationPending, 5*time.Minute)
	before = e.snapshot()
	dup := registration("reg_3", "cus_1", serial("reg"))
	wantErr(t, "CreateRegistration(same certificate)", e.cs.CreateRegistration(e.ctx, dup, "chl_2", e.clock.Now(), event("registration.created", "reg_3")), store.ErrConflict)
	e.unchanged("CreateRegistration(same certificate)", before)
	if v := e.mustVerification("chl_2"); v.Status != model.VerificationPending {
		t.Errorf("challenge after a refused registration is %s, want pending", v.Status)
	}
	e.clock.Advance(5 * time.Minute)
	wantErr(t, "CreateRegistration(expired challenge)", e.cs.CreateRegistration(e.ctx, r2, "chl_2", e.clock.Now(), event("registration.created", "reg_2")), store.ErrConflict)

	e.verification("chl_3", "cus_1", "registration", model.VerificationPending, 5*time.Minute)
	if err := e.cs.CreateRegistration(e.ctx, r2, "chl_3", e.clock.Now(), event("registration.created", "reg_2")); err != nil {
		t.Fatal(err)
	}
	list, err := e.cs.Registrations(e.ctx, "cus_1")
	if err != nil || len(list) != 2 || list[0].ID != "reg_1" || list[1].ID != "reg_2" {
		t.Errorf("Registrations() = %+v, %v", list, err)
	}
	if err := e.cs.DeleteRegistration(e.ctx, "reg_1", event("registration.deleted", "reg_1")); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.lastEntry("reg_1"); !ok {
		t.Error("DeleteRegistration appended no audit entry")
	}
	wantErr(t, "DeleteRegistration(twice)", e.cs.DeleteRegistration(e.ctx, "reg_1", event("registration.deleted", "reg_1")), store.ErrNotFound)
	_, err = e.cs.Registration(e.ctx, "reg_1")
	wantErr(t, "Registration(deleted)", err, store.ErrNotFound)
}

func testBilling(t *testing.T, e *centerEnv) {
	u := e.issue("universal", func(c *model.Certificate) { c.Usage = model.Universal })
	e.issue("banking", nil)
	list, err := e.cs.Unbilled(e.ctx, 10)
	if err != nil || len(list) != 1 || list[0].Serial.String() != u.Serial.String() {
		t.Fatalf("Unbilled() = %v, %v, want the universal certificate", list, err)
	}
	b := model.BillingRecord{Serial: u.Serial, InstitutionCode: "901", Kind: model.Personal, Usage: model.Universal,
		PolicyOID: "1.2.410.200005.1.1.1", AmountKRW: 4400, Note: "issue", CreatedAt: t0}
	if err := e.cs.RecordBilling(e.ctx, b, event("billing.recorded", u.Serial.String())); err != nil {
		t.Fatal(err)
	}
	before := e.snapshot()
	wantErr(t, "RecordBilling(twice)", e.cs.RecordBilling(e.ctx, b, event("billing.recorded", u.Serial.String())), store.ErrConflict)
	e.unchanged("RecordBilling(twice)", before)
	if list, _ := e.cs.Unbilled(e.ctx, 10); len(list) != 0 {
		t.Errorf("Unbilled() after billing = %v", list)
	}
	got, err := e.cs.Billing(e.ctx, "901", 10)
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], b) {
		t.Errorf("Billing() = %+v, %v, want %+v", got, err, b)
	}
	if got, _ := e.cs.Billing(e.ctx, "902", 10); len(got) != 0 {
		t.Errorf("Billing(902) = %v", got)
	}
}

func testReminders(t *testing.T, e *centerEnv) {
	e.customer("cus_1", "901")
	e.verification("ver_1", "cus_1", "in-person", model.VerificationVerified, 30*time.Minute)
	now := e.clock.Now()
	if err := e.cs.CreateEnrollmentVerified(e.ctx, enrollment("ref-r"), "ver_1", "cus_1", now.Add(-time.Hour), now, event("enrollment.created", "ref-r")); err != nil {
		t.Fatal(err)
	}
	notAfter := t0.Add(20 * 24 * time.Hour)
	c := e.issue("remind", func(c *model.Certificate) { c.EnrollmentRef, c.NotAfter = "ref-r", notAfter })
	e.issue("no-customer", func(c *model.Certificate) { c.NotAfter = notAfter })
	th := []int{1, 7, 30}
	due, err := e.cs.DueReminders(e.ctx, t0, th, 10)
	if err != nil || len(due) != 1 || due[0].Threshold != 30 || due[0].CustomerID != "cus_1" || due[0].Serial.String() != c.Serial.String() {
		t.Fatalf("DueReminders(20 days before) = %+v, %v, want the 30-day reminder", due, err)
	}
	if due, _ := e.cs.DueReminders(e.ctx, notAfter.Add(-3*24*time.Hour), th, 10); len(due) != 1 || due[0].Threshold != 7 {
		t.Errorf("DueReminders(3 days before) = %+v, want the 7-day reminder", due)
	}
	if due, _ := e.cs.DueReminders(e.ctx, notAfter, th, 10); len(due) != 0 {
		t.Errorf("DueReminders(at expiry) = %+v, want none", due)
	}

	// Eight nodes claim at once: one wins.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := e.cs.ClaimReminder(e.ctx, c.Serial, 30, "node"+string(rune('a'+i)), t0, t0.Add(-5*time.Minute))
			if err != nil {
				t.Errorf("ClaimReminder = %v", err)
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d nodes won the claim, want 1", wins.Load())
	}
	// The winner died: after the lease another node takes over; the dead one can no
	// longer mark it sent.
	later := t0.Add(6 * time.Minute)
	if ok, err := e.cs.ClaimReminder(e.ctx, c.Serial, 30, "nodez", later, later.Add(-5*time.Minute)); !ok || err != nil {
		t.Fatalf("take over a stale claim = %v, %v", ok, err)
	}
	before := e.snapshot()
	for i := range 8 {
		wantErr(t, "MarkReminderSent(not the holder)", e.cs.MarkReminderSent(e.ctx, c.Serial, 30, "node"+string(rune('a'+i)), later, event("reminder.sent", c.Serial.String())), store.ErrConflict)
	}
	e.unchanged("MarkReminderSent(not the holder)", before)
	if err := e.cs.MarkReminderSent(e.ctx, c.Serial, 30, "nodez", later, event("reminder.sent", c.Serial.String())); err != nil {
		t.Fatal(err)
	}
	if ok, _ := e.cs.ClaimReminder(e.ctx, c.Serial, 30, "nodey", later.Add(time.Hour), later.Add(time.Hour)); ok {
		t.Error("a sent reminder was claimed again")
	}
	if due, _ := e.cs.DueReminders(e.ctx, later, th, 10); len(due) != 0 {
		t.Errorf("DueReminders() after sending = %+v", due)
	}
}

func testOutbox(t *testing.T, e *centerEnv) {
	for i, inst := range []string{"901", "902", "901"} {
		if err := e.cs.AppendOutbox(e.ctx, model.OutboxMessage{InstitutionCode: inst, Channel: "sms", To: "010-****-5678",
			Body: "m" + string(rune('0'+i)), CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := e.cs.Outbox(e.ctx, "901", 10)
	if err != nil || len(list) != 2 || list[0].Body != "m2" || list[1].Body != "m0" || !list[0].CreatedAt.Equal(t0) {
		t.Errorf("Outbox(901) = %+v, %v, want m2 then m0", list, err)
	}
	if list, _ := e.cs.Outbox(e.ctx, "901", 1); len(list) != 1 {
		t.Errorf("Outbox(limit 1) = %d messages", len(list))
	}
}
