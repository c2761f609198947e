package sqlstore

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/certcenter/certcenter/internal/store"
)

// A database outage is store.ErrUnavailable (retry), a refused statement is not.
func TestWrapMarksOutages(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "57P01"}, true}, // terminating connection due to administrator command
		{&pgconn.PgError{Code: "57P03"}, true}, // the database system is shutting down
		{&pgconn.PgError{Code: "08006"}, true}, // connection failure
		{&pgconn.PgError{Code: "23505"}, false},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{fmt.Errorf("x: %w", syscall.ECONNRESET), true},
		{errors.New("syntax error"), false},
	} {
		got := errors.Is(wrapf(tc.err, "op"), store.ErrUnavailable)
		if got != tc.want {
			t.Errorf("wrapf(%v) unavailable = %v, want %v", tc.err, got, tc.want)
		}
		if !errors.Is(wrapf(tc.err, "op"), tc.err) {
			t.Errorf("wrapf(%v) lost the cause", tc.err)
		}
	}
}
