package storetest

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// pendingCertificate is certificate(s, ref) stored before its signature: TBS and tag,
// no DER.
func pendingCertificate(s model.Serial, ref string) model.Certificate {
	c := certificate(s, ref)
	c.DER = nil
	c.TBS = append([]byte("tbs of "), s...)
	c.TBSTag = []byte("tag of " + s.String())
	return c
}

func (e *env) storePending(name, ref string) model.Certificate {
	e.t.Helper()
	s := serial(name)
	if err := e.s.ReserveSerial(e.ctx, s, "issuing", t0); err != nil {
		e.t.Fatal(err)
	}
	if ref != "" {
		if err := e.s.CreateEnrollment(e.ctx, enrollment(ref), event("enrollment.created", ref)); err != nil {
			e.t.Fatal(err)
		}
		if err := e.s.ClaimEnrollment(e.ctx, ref, t0, t0.Add(time.Minute)); err != nil {
			e.t.Fatal(err)
		}
	}
	c := pendingCertificate(s, ref)
	c.CreatedAt = e.clock.Now()
	c.StatusAt = c.CreatedAt
	if err := e.s.StoreCertificate(e.ctx, c, ref, event("certificate.issued", s.String())); err != nil {
		e.t.Fatalf("StoreCertificate(pending) = %v", err)
	}
	return c
}

func testPendingCertificate(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	a := e.storePending("pending a", "ref-pending")
	e.clock.Advance(time.Second)
	b := e.storePending("pending b", "")

	// A certificate is stored with its DER or its TBS, never both or neither.
	for name, c := range map[string]model.Certificate{
		"neither": func() model.Certificate { c := certificate(serial("neither"), ""); c.DER = nil; return c }(),
		"both":    func() model.Certificate { c := pendingCertificate(serial("both"), ""); c.DER = []byte{0x30}; return c }(),
	} {
		if err := e.s.ReserveSerial(e.ctx, c.Serial, "issuing", t0); err != nil {
			t.Fatal(err)
		}
		before := e.snapshot()
		if err := e.s.StoreCertificate(e.ctx, c, "", event("certificate.issued", c.Serial.String())); err == nil {
			t.Errorf("StoreCertificate(%s DER and TBS) = nil, want an error", name)
		}
		e.unchanged("StoreCertificate("+name+")", before)
	}

	got, err := e.s.Certificate(e.ctx, a.Serial)
	if err != nil || !got.Pending() || len(got.DER) != 0 || !reflect.DeepEqual(got, a) {
		t.Fatalf("Certificate(pending) = %+v, %v; want %+v", got, err, a)
	}
	if en := e.mustEnrollment("ref-pending"); en.UsedAt == nil || !reflect.DeepEqual(en.IssuedSerial, a.Serial) {
		t.Errorf("enrollment of a pending certificate: used %v serial %v; want redeemed by it", en.UsedAt, en.IssuedSerial)
	}

	list, err := e.s.PendingCertificates(e.ctx, e.clock.Now(), 10)
	if err != nil || len(list) != 1 || !bytes.Equal(list[0].Serial, a.Serial) {
		t.Fatalf("PendingCertificates(before b) = %d, %v; want a only", len(list), err)
	}
	list, err = e.s.PendingCertificates(e.ctx, e.clock.Now().Add(time.Second), 10)
	if err != nil || len(list) != 2 || !bytes.Equal(list[0].Serial, a.Serial) || !bytes.Equal(list[1].Serial, b.Serial) {
		t.Fatalf("PendingCertificates(all) = %d, %v; want a, b oldest first", len(list), err)
	}
	if list, _ := e.s.PendingCertificates(e.ctx, e.clock.Now().Add(time.Second), 1); len(list) != 1 {
		t.Errorf("PendingCertificates(limit 1) = %d", len(list))
	}

	// Finishing writes the DER and drops the TBS; the unknown and the finished are reported.
	derA := []byte("DER of a")
	unknown := serial("never stored")
	ev := event("certificate.signature_restored", a.Serial.String())
	notPending, err := e.s.FinishCertificates(e.ctx, []model.SignedCertificate{{Serial: a.Serial, DER: derA}, {Serial: unknown, DER: []byte("x")}}, &ev)
	if err != nil || len(notPending) != 1 || !bytes.Equal(notPending[0], unknown) {
		t.Fatalf("FinishCertificates(a, unknown) = %v, %v; want [unknown], nil", notPending, err)
	}
	if got, _ := e.s.Certificate(e.ctx, a.Serial); got.Pending() || !bytes.Equal(got.DER, derA) || got.TBS != nil || got.TBSTag != nil {
		t.Errorf("finished certificate: pending %v DER %q TBS %q tag %q", got.Pending(), got.DER, got.TBS, got.TBSTag)
	}
	if en, ok := e.lastEntry(a.Serial.String()); !ok || en.Event.Type != ev.Type {
		t.Errorf("audit after FinishCertificates with an event: %+v", en)
	}
	if list, _ := e.s.PendingCertificates(e.ctx, e.clock.Now().Add(time.Second), 10); len(list) != 1 || !bytes.Equal(list[0].Serial, b.Serial) {
		t.Errorf("PendingCertificates after finishing a = %d, want b", len(list))
	}
	// A second writer finds it finished: nothing changes, not even the audit log.
	before := e.snapshot()
	notPending, err = e.s.FinishCertificates(e.ctx, []model.SignedCertificate{{Serial: a.Serial, DER: []byte("other DER")}}, &ev)
	if err != nil || len(notPending) != 1 {
		t.Fatalf("FinishCertificates(finished) = %v, %v; want [a], nil", notPending, err)
	}
	e.unchanged("FinishCertificates(finished)", before)
	if got, _ := e.s.Certificate(e.ctx, a.Serial); !bytes.Equal(got.DER, derA) {
		t.Errorf("a second finish replaced the DER: %q", got.DER)
	}
	// An empty DER is refused and rolls the whole batch back.
	before = e.snapshot()
	if _, err := e.s.FinishCertificates(e.ctx, []model.SignedCertificate{{Serial: b.Serial, DER: []byte("DER of b")}, {Serial: b.Serial}}, nil); err == nil {
		t.Error("FinishCertificates(empty DER) = nil, want an error")
	}
	if got, _ := e.s.Certificate(e.ctx, b.Serial); !got.Pending() {
		t.Error("a refused batch finished b")
	}
	e.unchanged("FinishCertificates(empty DER)", before)
	if _, err := e.s.FinishCertificates(e.ctx, []model.SignedCertificate{{Serial: b.Serial, DER: []byte("DER of b")}}, nil); err != nil {
		t.Fatal(err)
	}
	if list, _ := e.s.PendingCertificates(e.ctx, e.clock.Now().Add(time.Hour), 10); len(list) != 0 {
		t.Errorf("PendingCertificates after finishing all = %d, want 0", len(list))
	}
	e.verifyAudit()
}

// A certificate stored with the DERs of earlier pending ones: all in one transaction,
// and none of the DERs when the certificate is refused.
func testStoreCertificateFinishing(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	a := e.storePending("finishing a", "")
	b := e.storePending("finishing b", "")
	next := e.storePending("finishing next", "ref-next")
	derA, derB := []byte("DER of a"), []byte("DER of b")

	// Refused (the serial is already used): neither the certificate nor a DER is written.
	before := e.snapshot()
	notPending, err := e.s.StoreCertificateFinishing(e.ctx, certificate(next.Serial, ""), "", event("certificate.issued", next.Serial.String()),
		[]model.SignedCertificate{{Serial: a.Serial, DER: derA}})
	wantErr(t, "StoreCertificateFinishing(used serial)", err, store.ErrConflict)
	if notPending != nil {
		t.Errorf("StoreCertificateFinishing(used serial) reported %v", notPending)
	}
	e.unchanged("StoreCertificateFinishing(used serial)", before)
	if got, _ := e.s.Certificate(e.ctx, a.Serial); !got.Pending() {
		t.Error("a refused certificate's transaction finished a")
	}
	// An empty DER among those to finish: refused, nothing written.
	s := serial("finishing c")
	if err := e.s.ReserveSerial(e.ctx, s, "issuing", t0); err != nil {
		t.Fatal(err)
	}
	before = e.snapshot()
	if _, err := e.s.StoreCertificateFinishing(e.ctx, certificate(s, ""), "", event("certificate.issued", s.String()),
		[]model.SignedCertificate{{Serial: a.Serial, DER: derA}, {Serial: b.Serial}}); err == nil {
		t.Error("StoreCertificateFinishing(empty DER) = nil, want an error")
	}
	e.unchanged("StoreCertificateFinishing(empty DER)", before)

	// Stored: the certificate, a's and b's DERs; the unknown serial is reported.
	unknown := serial("finishing unknown")
	notPending, err = e.s.StoreCertificateFinishing(e.ctx, certificate(s, ""), "", event("certificate.issued", s.String()),
		[]model.SignedCertificate{{Serial: a.Serial, DER: derA}, {Serial: unknown, DER: []byte("x")}, {Serial: b.Serial, DER: derB}})
	if err != nil || len(notPending) != 1 || !bytes.Equal(notPending[0], unknown) {
		t.Fatalf("StoreCertificateFinishing(a, unknown, b) = %v, %v; want [unknown], nil", notPending, err)
	}
	if got, err := e.s.Certificate(e.ctx, s); err != nil || got.Pending() {
		t.Errorf("the certificate stored with the DERs: %v pending %v", err, got.Pending())
	}
	for _, f := range []struct {
		c   model.Certificate
		der []byte
	}{{a, derA}, {b, derB}} {
		if got, _ := e.s.Certificate(e.ctx, f.c.Serial); got.Pending() || !bytes.Equal(got.DER, f.der) || got.TBS != nil || got.TBSTag != nil {
			t.Errorf("%s after StoreCertificateFinishing: pending %v DER %q", f.c.Serial, got.Pending(), got.DER)
		}
	}
	if en, ok := e.lastEntry(s.String()); !ok || en.Event.Type != "certificate.issued" {
		t.Errorf("audit of the certificate stored with the DERs: %+v", en)
	}
	// Without DERs to finish it is StoreCertificate.
	s2 := serial("finishing d")
	if err := e.s.ReserveSerial(e.ctx, s2, "issuing", t0); err != nil {
		t.Fatal(err)
	}
	if notPending, err := e.s.StoreCertificateFinishing(e.ctx, certificate(s2, ""), "", event("certificate.issued", s2.String()), nil); err != nil || len(notPending) != 0 {
		t.Fatalf("StoreCertificateFinishing(no DERs) = %v, %v", notPending, err)
	}
	if list, _ := e.s.PendingCertificates(e.ctx, e.clock.Now().Add(time.Hour), 10); len(list) != 1 || !bytes.Equal(list[0].Serial, next.Serial) {
		t.Errorf("PendingCertificates = %d, want only next", len(list))
	}
	e.verifyAudit()
}

func testAbandonCertificate(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	p := e.storePending("abandoned", "ref-abandon")
	other := e.storePending("pending other", "ref-other")
	done := serial("finished")
	if err := e.s.ReserveSerial(e.ctx, done, "issuing", t0); err != nil {
		t.Fatal(err)
	}
	if err := e.s.StoreCertificate(e.ctx, certificate(done, ""), "", event("certificate.issued", done.String())); err != nil {
		t.Fatal(err)
	}

	// Refusals write nothing.
	for _, tc := range []struct {
		name   string
		serial model.Serial
		ref    string
	}{
		{"finished certificate", done, ""},
		{"unknown certificate", serial("unknown"), ""},
		{"enrollment of another certificate", p.Serial, "ref-other"},
		{"unknown enrollment", p.Serial, "ref-unknown"},
	} {
		before := e.snapshot()
		err := e.s.AbandonCertificate(e.ctx, tc.serial, tc.ref, event("certificate.abandoned", tc.serial.String()))
		wantErr(t, "AbandonCertificate("+tc.name+")", err, store.ErrConflict)
		e.unchanged("AbandonCertificate("+tc.name+")", before)
	}
	if got, err := e.s.Certificate(e.ctx, p.Serial); err != nil || !got.Pending() {
		t.Fatalf("pending certificate after refusals: %v, pending %v", err, got.Pending())
	}

	ev := event("certificate.abandoned", p.Serial.String())
	if err := e.s.AbandonCertificate(e.ctx, p.Serial, "ref-abandon", ev); err != nil {
		t.Fatalf("AbandonCertificate() = %v", err)
	}
	if _, err := e.s.Certificate(e.ctx, p.Serial); err == nil {
		t.Error("Certificate(abandoned) = nil error, want not found")
	} else {
		wantErr(t, "Certificate(abandoned)", err, store.ErrNotFound)
	}
	if en := e.mustEnrollment("ref-abandon"); en.UsedAt != nil || len(en.IssuedSerial) != 0 || en.ClaimedUntil != nil {
		t.Errorf("enrollment after abandon: used %v serial %v claimed %v; want usable", en.UsedAt, en.IssuedSerial, en.ClaimedUntil)
	}
	if err := e.s.ClaimEnrollment(e.ctx, "ref-abandon", t0, t0.Add(time.Minute)); err != nil {
		t.Errorf("ClaimEnrollment after abandon = %v, want nil", err)
	}
	if en, ok := e.lastEntry(p.Serial.String()); !ok || !reflect.DeepEqual(en.Event, ev) {
		t.Errorf("audit after abandon: %+v", en)
	}
	// The serial stays used: it can be neither reserved nor stored again.
	wantErr(t, "ReserveSerial(abandoned)", e.s.ReserveSerial(e.ctx, p.Serial, "issuing", t0), store.ErrConflict)
	wantErr(t, "StoreCertificate(abandoned serial)", e.s.StoreCertificate(e.ctx, certificate(p.Serial, ""), "", event("certificate.issued", p.Serial.String())), store.ErrConflict)
	if got, err := e.s.Certificate(e.ctx, other.Serial); err != nil || !got.Pending() {
		t.Errorf("the other pending certificate: %v pending %v", err, got.Pending())
	}
	e.verifyAudit()
}
