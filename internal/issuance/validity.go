package issuance

import (
	"fmt"
	"time"
)

// kst is Korea Standard Time, UTC+9 without daylight saving. A fixed zone keeps the
// package free of the tz database (KOREAN-PKI.md section 2: validity aligned to
// 00:00:00 and 23:59:59 Korea time).
var kst = time.FixedZone("KST", 9*60*60)

// KST returns the Korea Standard Time zone (UTC+9) used for validity and CN dates.
func KST() *time.Location { return kst }

// ValidityFrom returns the validity of a certificate issued at issueInstant for the
// given number of years: notBefore is 00:00:00 KST of the issue day, notAfter is
// 23:59:59 KST of the day before the anniversary (KOREAN-PKI.md section 2; the yessign
// test certificate runs 00:00:00 to 23:59:59 KST). Both are returned in UTC.
// An issue on 29 February ends on 28 February of the target year.
func ValidityFrom(issueInstant time.Time, years int) (notBefore, notAfter time.Time) {
	d := issueInstant.In(kst)
	notBefore = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, kst)
	return notBefore.UTC(), anniversaryEnd(notBefore, years).UTC()
}

// RenewalNotAfter returns the notAfter of a renewed certificate: one year after the old
// one's, so that no day is lost (KOREAN-PKI.md section 2, renewal). oldNotAfter should be
// a 23:59:59 KST instant; the result is 23:59:59 KST on the same calendar day a year on.
func RenewalNotAfter(oldNotAfter time.Time, years int) time.Time {
	y, m, d := oldNotAfter.In(kst).Date()
	end := time.Date(y+years, m, d, 23, 59, 59, 0, kst)
	if end.Day() != d { // 29 February into a common year: keep 28 February
		end = time.Date(y+years, m, d-1, 23, 59, 59, 0, kst)
	}
	return end.UTC()
}

// IssueDay returns the start of the KST day of t (00:00:00 KST), in UTC. A renewal or
// reissue uses it as notBefore with an explicit notAfter (RenewalNotAfter, or the old
// certificate's notAfter for a reissue).
func IssueDay(t time.Time) time.Time {
	d := t.In(kst)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, kst).UTC()
}

// anniversaryEnd returns 23:59:59 KST of the day before start's anniversary after years.
func anniversaryEnd(start time.Time, years int) time.Time {
	y, m, day := start.Date()
	end := time.Date(y+years, m, day, 0, 0, 0, 0, kst)
	if end.Day() != day { // 29 February into a common year: time.Date normalised to 1 March
		end = time.Date(y+years, m+1, 1, 0, 0, 0, 0, kst)
	}
	return end.Add(-time.Second)
}

// checkKSTAligned reports whether notBefore is 00:00:00 KST and notAfter 23:59:59 KST.
func checkKSTAligned(notBefore, notAfter time.Time) error {
	b, a := notBefore.In(kst), notAfter.In(kst)
	if b.Hour() != 0 || b.Minute() != 0 || b.Second() != 0 || b.Nanosecond() != 0 {
		return fmt.Errorf("notBefore %s is not 00:00:00 KST", b.Format(time.DateTime))
	}
	if a.Hour() != 23 || a.Minute() != 59 || a.Second() != 59 || a.Nanosecond() != 0 {
		return fmt.Errorf("notAfter %s is not 23:59:59 KST", a.Format(time.DateTime))
	}
	if !notAfter.After(notBefore) {
		return fmt.Errorf("notAfter %s is not after notBefore %s", a.Format(time.DateTime), b.Format(time.DateTime))
	}
	return nil
}
