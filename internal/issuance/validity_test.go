package issuance

import (
	"testing"
	"time"
)

func TestValidityFrom(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		at             time.Time
		years          int
		wantNB, wantNA string
	}{
		// 10:30 KST on 25 March: 00:00:00 KST = 15:00:00Z the day before.
		{time.Date(2026, 3, 25, 10, 30, 0, 0, kst), 1, "2026-03-24T15:00:00Z", "2027-03-24T14:59:59Z"},
		// 23:30Z on 25 March is already 26 March in Korea.
		{time.Date(2026, 3, 25, 23, 30, 0, 0, time.UTC), 1, "2026-03-25T15:00:00Z", "2027-03-25T14:59:59Z"},
		// 14:59:59Z is still the same KST day; the last second of it.
		{time.Date(2026, 3, 25, 14, 59, 59, 999, time.UTC), 1, "2026-03-24T15:00:00Z", "2027-03-24T14:59:59Z"},
		// Leap day: the day before the (missing) anniversary is 28 February.
		{time.Date(2028, 2, 29, 9, 0, 0, 0, kst), 1, "2028-02-28T15:00:00Z", "2029-02-28T14:59:59Z"},
		// The yessign test certificate: 25 February 2020 KST (a one-month test validity
		// there; one year here).
		{time.Date(2020, 2, 25, 19, 10, 0, 0, kst), 1, "2020-02-24T15:00:00Z", "2021-02-24T14:59:59Z"},
		{time.Date(2026, 3, 25, 10, 30, 0, 0, kst), 3, "2026-03-24T15:00:00Z", "2029-03-24T14:59:59Z"},
	}
	for _, tt := range tests {
		nb, na := ValidityFrom(tt.at, tt.years)
		if !nb.Equal(utc(tt.wantNB)) || !na.Equal(utc(tt.wantNA)) {
			t.Errorf("ValidityFrom(%v, %d) = %v, %v; want %s, %s", tt.at, tt.years, nb, na, tt.wantNB, tt.wantNA)
		}
		if err := checkKSTAligned(nb, na); err != nil {
			t.Errorf("ValidityFrom(%v, %d) not aligned: %v", tt.at, tt.years, err)
		}
	}
}

func TestRenewalNotAfter(t *testing.T) {
	_, old := ValidityFrom(time.Date(2025, 4, 10, 12, 0, 0, 0, kst), 1) // 2026-04-09 23:59:59 KST
	got := RenewalNotAfter(old, 1)
	want := time.Date(2027, 4, 9, 23, 59, 59, 0, kst)
	if !got.Equal(want) {
		t.Errorf("RenewalNotAfter(%v) = %v, want %v", old, got, want)
	}
	// Renewed on 20 March 2026 (inside the 30-day window): no day lost.
	nb := IssueDay(time.Date(2026, 3, 20, 16, 0, 0, 0, kst))
	if err := checkKSTAligned(nb, got); err != nil {
		t.Errorf("renewal validity not aligned: %v", err)
	}
	// Expiring on 28 February 2027, renewal ends 28 February 2028 (not 29).
	old = time.Date(2027, 2, 28, 23, 59, 59, 0, kst)
	if got, want := RenewalNotAfter(old, 1), time.Date(2028, 2, 28, 23, 59, 59, 0, kst); !got.Equal(want) {
		t.Errorf("RenewalNotAfter(%v) = %v, want %v", old, got, want)
	}
}

func TestCheckKSTAligned(t *testing.T) {
	nb, na := ValidityFrom(testNow, 1)
	for _, c := range []struct{ nb, na time.Time }{
		{nb.Add(time.Second), na},
		{nb, na.Add(-time.Second)},
		{nb, na.Add(time.Nanosecond)},
		{na.Add(1), nb},
		{nb.Add(9 * time.Hour), na},
	} {
		if err := checkKSTAligned(c.nb, c.na); err == nil {
			t.Errorf("checkKSTAligned(%v, %v) = nil, want an error", c.nb, c.na)
		}
	}
}
