package cmphttp

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/store"
)

// A database outage answers systemUnavail with SERVICE_UNAVAILABLE, not systemFailure
// with INTERNAL (the chaos harness's PostgreSQL restart found CMP answering 52 of them
// as internal errors while REST answered 503); a real internal error stays one.
func TestOutageIsSystemUnavail(t *testing.T) {
	err, ok := outage(fmt.Errorf("sqlstore: enrollment 123: dial tcp: connection refused (%w)", store.ErrUnavailable))
	st := statusOf(err)
	if !ok || st.FailInfo != cmp.FailSystemUnavail || !strings.HasPrefix(strings.Join(st.StatusString, " "), "SERVICE_UNAVAILABLE") {
		t.Fatalf("outage: %v, status %s; want systemUnavail and SERVICE_UNAVAILABLE", ok, st.String())
	}
	err, ok = outage(errors.New("sqlstore: enrollment 123: syntax error"))
	if st := statusOf(err); ok || st.FailInfo != cmp.FailSystemFailure || errs.CodeOf(err) != errs.Internal {
		t.Fatalf("an internal error: %v, status %s; want systemFailure", ok, st.String())
	}
}
