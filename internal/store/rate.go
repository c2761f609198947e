package store

import "time"

// RateWindow names the two counters of one rate-limit key that a decision reads: the
// fixed window holding now, and the one before it (internal/ratelimit).
type RateWindow struct {
	Key              string
	Start, Preceding time.Time
}
