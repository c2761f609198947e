package store

import "context"

// Lock is a held singleton lock: while a node holds it, no other node of the deployment
// does (on PostgreSQL, a session advisory lock, released when the node's connection
// dies). Check returns an error once the lock may have been lost (the connection broke):
// the holder must stop the guarded work and try to take the lock again. Release gives
// the lock up; it is safe to call once, after which the Lock is unusable.
type Lock interface {
	Check(ctx context.Context) error
	Release() error
}
