// Package store holds what every storage backend shares: the sentinel errors that
// consumers test with errors.Is. The interfaces themselves are declared by their
// consumers (internal/ca, internal/center, ...), narrow to what each needs; the one
// implementation lives in store/sqlstore and the conformance suite in store/storetest.
package store

import "errors"

var (
	// ErrNotFound: the record does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a uniqueness rule or a state precondition failed (duplicate serial,
	// enrollment already claimed or used, already bootstrapped).
	ErrConflict = errors.New("store: conflict")
	// ErrUnavailable: the database could not be reached or is shutting down or
	// restarting (a connection error, PostgreSQL SQLSTATE class 08 or 57). Nothing was
	// decided; the same request may be retried (HTTP 503 with Retry-After).
	ErrUnavailable = errors.New("store: database unavailable")
)
