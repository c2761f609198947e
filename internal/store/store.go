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
)
