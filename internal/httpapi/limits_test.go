package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/ratelimit"
	"github.com/certcenter/certcenter/internal/relay"
)

// Past the node's long-poll cap a status request answers at once instead of waiting.
func TestLongPollCap(t *testing.T) {
	s := relayServer(t)
	s.SetLimits(Limits{LongPolls: ratelimit.NewSlots(1, 1)})
	rk, _ := relay.NewKeyPair()
	st, body := call(t, s, "POST", "/api/v1/relay/sessions", "", mustJSON(map[string]any{"commitment": relay.Commitment(rk.Public())}))
	var o relay.Opened
	if st != http.StatusCreated || json.Unmarshal(body, &o) != nil {
		t.Fatalf("open = %d %s", st, body)
	}
	held := make(chan struct{})
	go func() {
		defer close(held)
		call(t, s, "GET", "/api/v1/relay/sessions/"+o.ID+"?wait=2&after=open", o.Token, nil)
	}()
	time.Sleep(200 * time.Millisecond) // the first long-poll holds the one slot
	start := time.Now()
	st, _ = call(t, s, "GET", "/api/v1/relay/sessions/"+o.ID+"?wait=2&after=open", o.Token, nil)
	if d := time.Since(start); st != http.StatusOK || d > time.Second {
		t.Errorf("second long-poll = %d after %v, want 200 at once", st, d)
	}
	<-held
}

func TestProblemRetryAfterAndClientAddr(t *testing.T) {
	s := New(nil, nil, nil, nil)
	w := httptest.NewRecorder()
	s.problem(w, httptest.NewRequest("GET", "/", nil), errs.New(errs.RateLimited, "x").With("wait", "42"))
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "42" {
		t.Errorf("problem(RATE_LIMITED) = %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "[2001:db8:1:2:3:4:5:6]:443"
	r.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
	for header, want := range map[string]string{"": "2001:db8:1:2::/64", "X-Forwarded-For": "203.0.113.9/32"} {
		if got := ClientAddr(r, header); got != want {
			t.Errorf("ClientAddr(header %q) = %q, want %q", header, got, want)
		}
	}
}
