package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// TestSignInLimitPerAddress: one address trying many accounts (password spraying)
// waits after 30 misses in 10 minutes (the [limits] enroll_guesses rules), 429 with
// Retry-After, before any password is checked, even a right one; the accounts it
// tried are not locked by it, and after the wait the right password works.
func TestSignInLimitPerAddress(t *testing.T) {
	srv := start(t)
	teller := addStaff(t, srv, "901", "teller", model.RoleTeller)
	c := newClient(t, srv)
	c.get("/console/login")
	for i := range 30 {
		if st, body, _ := c.post("/console/login", url.Values{"scope": {"901"}, "name": {fmt.Sprintf("guess%02d", i)}, "password": {"Password1!"}}); st != http.StatusUnauthorized {
			t.Fatalf("miss %d: %d %s, want 401", i+1, st, problem(body))
		}
	}
	st, body, h := c.post("/console/login", url.Values{"scope": {"901"}, "name": {"teller"}, "password": {teller.Password}})
	if st != http.StatusTooManyRequests || !strings.Contains(body, "요청이 너무 많습니다") && !strings.Contains(body, "Too many requests") || h.Get("Retry-After") == "" {
		t.Fatalf("after 30 misses from one address: %d Retry-After %q, want 429 with the reason on the page", st, h.Get("Retry-After"))
	}
	if s, err := srv.App.Store.Staff(t.Context(), teller.ID); err != nil || s.LockedAt != nil || s.Failures != 0 {
		t.Fatalf("the teller's account after the address was stopped: %+v %v, want untouched", s, err)
	}
	srv.Clock.Advance(11 * time.Minute)
	login(t, srv, teller)
}
