package model

import "time"

// WebSession is a browser's session with the web certificate center or the staff
// console (internal/web). It is found by the SHA-256 of the cookie's token, so a copy of
// the table does not yield a usable cookie; Data is sealed by the web layer (which
// customer was verified, an enrollment's code between two steps of a wizard).
type WebSession struct {
	TokenHash []byte
	Kind      string // "center" or "console"
	CSRF      string // the token every state-changing request must carry
	Data      []byte // sealed; opaque to the store
	CreatedAt time.Time
	SeenAt    time.Time
	ExpiresAt time.Time // idle deadline
}
