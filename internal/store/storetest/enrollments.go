package storetest

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

func testCreateEnrollment(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	want := enrollment("ref-create")
	if err := e.s.CreateEnrollment(e.ctx, want, event("enrollment.created", want.Reference)); err != nil {
		t.Fatalf("CreateEnrollment() = %v, want nil", err)
	}
	if got := e.mustEnrollment(want.Reference); !reflect.DeepEqual(got, want) {
		t.Errorf("Enrollment() = %+v, want %+v", got, want)
	}
	if _, ok := e.lastEntry(want.Reference); !ok {
		t.Errorf("CreateEnrollment() appended no audit entry for %s", want.Reference)
	}

	before := e.snapshot()
	dup := enrollment(want.Reference)
	dup.Name = "someone else"
	wantErr(t, "CreateEnrollment(duplicate)", e.s.CreateEnrollment(e.ctx, dup, event("enrollment.created", dup.Reference)), store.ErrConflict)
	e.unchanged("CreateEnrollment(duplicate)", before)
	if got := e.mustEnrollment(want.Reference); !reflect.DeepEqual(got, want) {
		t.Errorf("Enrollment() after a duplicate = %+v, want the original %+v", got, want)
	}

	orphan := enrollment("ref-orphan")
	orphan.InstitutionCode = "999"
	if err := e.s.CreateEnrollment(e.ctx, orphan, event("enrollment.created", orphan.Reference)); err == nil {
		t.Errorf("CreateEnrollment(unknown institution) = nil, want an error")
	}
	e.unchanged("CreateEnrollment(unknown institution)", before)

	_, err := e.s.Enrollment(e.ctx, "ref-unknown")
	wantErr(t, "Enrollment(unknown)", err, store.ErrNotFound)
}

func testClaimEnrollment(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	now := t0.Add(time.Hour)
	until := now.Add(2 * time.Minute)
	ptr := func(t time.Time) *time.Time { return &t }
	for i, tc := range []struct {
		name   string
		modify func(*model.Enrollment)
		err    error
	}{
		{"fresh", func(*model.Enrollment) {}, nil},
		{"claimed by another", func(en *model.Enrollment) { en.ClaimedUntil = ptr(now.Add(time.Minute)) }, store.ErrConflict},
		{"claim ends now", func(en *model.Enrollment) { en.ClaimedUntil = ptr(now) }, store.ErrConflict},
		{"claim ended", func(en *model.Enrollment) { en.ClaimedUntil = ptr(now.Add(-time.Microsecond)) }, nil},
		{"expired", func(en *model.Enrollment) { en.ExpiresAt = now.Add(-time.Second) }, store.ErrConflict},
		{"expires now", func(en *model.Enrollment) { en.ExpiresAt = now }, store.ErrConflict},
		{"locked", func(en *model.Enrollment) { en.Locked, en.FailedTries = true, 5 }, store.ErrConflict},
		{"used", func(en *model.Enrollment) { en.UsedAt, en.IssuedSerial = ptr(t0), serial("earlier") }, store.ErrConflict},
		{"unknown", nil, store.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := fmt.Sprintf("ref-claim-%d", i)
			var before model.Enrollment
			if tc.modify != nil {
				before = enrollment(ref)
				tc.modify(&before)
				if err := e.s.CreateEnrollment(e.ctx, before, event("enrollment.created", ref)); err != nil {
					t.Fatalf("CreateEnrollment() = %v", err)
				}
			}
			err := e.s.ClaimEnrollment(e.ctx, ref, now, until)
			wantErr(t, fmt.Sprintf("ClaimEnrollment(%s)", tc.name), err, tc.err)
			if tc.modify == nil {
				return
			}
			got := e.mustEnrollment(ref)
			want := before
			if tc.err == nil {
				want.ClaimedUntil = &until
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Enrollment() after ClaimEnrollment = %+v, want %+v", got, want)
			}
		})
	}
}

// Of many simultaneous claims of one enrollment, exactly one wins.
func testClaimEnrollmentRace(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	const ref = "ref-race"
	if err := e.s.CreateEnrollment(e.ctx, enrollment(ref), event("enrollment.created", ref)); err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- e.s.ClaimEnrollment(e.ctx, ref, t0, t0.Add(time.Minute))
		}()
	}
	wg.Wait()
	close(errs)
	won := 0
	for err := range errs {
		switch {
		case err == nil:
			won++
		case !errorsIs(err, store.ErrConflict):
			t.Errorf("concurrent ClaimEnrollment() = %v, want nil or %v", err, store.ErrConflict)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent claims succeeded, want 1", won, n)
	}
}

func testReleaseEnrollment(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	const ref = "ref-release"
	if err := e.s.CreateEnrollment(e.ctx, enrollment(ref), event("enrollment.created", ref)); err != nil {
		t.Fatal(err)
	}
	if err := e.s.ClaimEnrollment(e.ctx, ref, t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "ReleaseEnrollment()", e.s.ReleaseEnrollment(e.ctx, ref), nil)
	if got := e.mustEnrollment(ref); got.ClaimedUntil != nil {
		t.Errorf("ClaimedUntil after ReleaseEnrollment() = %v, want nil", got.ClaimedUntil)
	}
	wantErr(t, "ReleaseEnrollment(unclaimed)", e.s.ReleaseEnrollment(e.ctx, ref), nil)
	wantErr(t, "ClaimEnrollment() after release", e.s.ClaimEnrollment(e.ctx, ref, t0, t0.Add(time.Hour)), nil)

	s := serial("release")
	if err := e.s.ReserveSerial(e.ctx, s, "issuing", t0); err != nil {
		t.Fatal(err)
	}
	if err := e.s.StoreCertificate(e.ctx, certificate(s, ref), ref, event("certificate.issued", s.String())); err != nil {
		t.Fatal(err)
	}
	used := e.mustEnrollment(ref)
	wantErr(t, "ReleaseEnrollment(used)", e.s.ReleaseEnrollment(e.ctx, ref), nil)
	if got := e.mustEnrollment(ref); !reflect.DeepEqual(got, used) {
		t.Errorf("ReleaseEnrollment(used) changed it: %+v, want %+v", got, used)
	}
	wantErr(t, "ReleaseEnrollment(unknown)", e.s.ReleaseEnrollment(e.ctx, "ref-unknown"), store.ErrNotFound)
}

func testRecordFailedAttempt(t *testing.T, open Opener) {
	e := bootstrapped(t, open)
	const ref, max = "ref-fail", 3
	if err := e.s.CreateEnrollment(e.ctx, enrollment(ref), event("enrollment.created", ref)); err != nil {
		t.Fatal(err)
	}
	start := len(e.verifyAudit())
	for i, want := range []struct {
		tries  int
		locked bool
	}{{1, false}, {2, false}, {3, true}, {4, true}} {
		tries, locked, err := e.s.RecordFailedAttempt(e.ctx, ref, max, event("enrollment.failed_attempt", ref))
		if tries != want.tries || locked != want.locked || err != nil {
			t.Errorf("RecordFailedAttempt() #%d = %d, %v, %v, want %d, %v, nil", i+1, tries, locked, err, want.tries, want.locked)
		}
	}
	if got := e.mustEnrollment(ref); got.FailedTries != 4 || !got.Locked {
		t.Errorf("Enrollment() after 4 failures = tries %d locked %v, want 4, true", got.FailedTries, got.Locked)
	}
	if n := len(e.verifyAudit()) - start; n != 4 {
		t.Errorf("RecordFailedAttempt() appended %d audit entries, want 4", n)
	}
	wantErr(t, "ClaimEnrollment(locked)", e.s.ClaimEnrollment(e.ctx, ref, t0, t0.Add(time.Minute)), store.ErrConflict)

	before := e.snapshot()
	_, _, err := e.s.RecordFailedAttempt(e.ctx, "ref-unknown", max, event("enrollment.failed_attempt", "ref-unknown"))
	wantErr(t, "RecordFailedAttempt(unknown)", err, store.ErrNotFound)
	e.unchanged("RecordFailedAttempt(unknown)", before)
}
