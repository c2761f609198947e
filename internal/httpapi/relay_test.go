package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/relay"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

func relayServer(t testing.TB) *Server {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), "sqlite", filepath.Join(t.TempDir(), "relay.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := New(nil, nil, nil, log)
	s.MountRelay(relay.New(db, time.Now, log))
	return s
}

func call(t testing.TB, s *Server, method, path, token string, body []byte) (int, []byte) {
	t.Helper()
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

// The routes carry the protocol: open, claim, reveal, send, long-poll, delete.
func TestRelayRoutes(t *testing.T) {
	s := relayServer(t)
	rk, _ := relay.NewKeyPair()
	sk, _ := relay.NewKeyPair()
	st, body := call(t, s, "POST", "/api/v1/relay/sessions", "", mustJSON(map[string]any{"commitment": relay.Commitment(rk.Public())}))
	var o relay.Opened
	if st != http.StatusCreated || json.Unmarshal(body, &o) != nil || len(o.Code) != 12 {
		t.Fatalf("open = %d %s", st, body)
	}
	st, body = call(t, s, "POST", "/api/v1/relay/claims", "", mustJSON(map[string]any{"code": relay.FormatCode(o.Code), "publicKey": sk.Public()}))
	var c relay.Claimed
	if st != http.StatusCreated || json.Unmarshal(body, &c) != nil {
		t.Fatalf("claim = %d %s", st, body)
	}
	st, body = call(t, s, "POST", "/api/v1/relay/claims", "", mustJSON(map[string]any{"code": o.Code, "publicKey": sk.Public()}))
	if st != http.StatusConflict || !bytes.Contains(body, []byte("RELAY_CODE_USED")) {
		t.Errorf("claim again = %d %s, want 409 RELAY_CODE_USED", st, body)
	}
	if st, body = call(t, s, "PUT", "/api/v1/relay/sessions/"+o.ID+"/receiver-key", o.Token, mustJSON(map[string]any{"publicKey": rk.Public()})); st != http.StatusNoContent {
		t.Fatalf("reveal = %d %s", st, body)
	}
	if st, body = call(t, s, "PUT", "/api/v1/relay/sessions/"+c.ID+"/payload", c.Token, mustJSON(map[string]any{"ciphertext": []byte("ct")})); st != http.StatusNoContent {
		t.Fatalf("send = %d %s", st, body)
	}
	st, body = call(t, s, "GET", "/api/v1/relay/sessions/"+o.ID+"?wait=5&after=revealed", o.Token, nil)
	var v relay.View
	if st != http.StatusOK || json.Unmarshal(body, &v) != nil || v.State != relay.StateSent || string(v.Ciphertext) != "ct" {
		t.Fatalf("status = %d %s", st, body)
	}
	if st, body = call(t, s, "GET", "/api/v1/relay/sessions/"+o.ID+"?wait=x", o.Token, nil); st != http.StatusBadRequest {
		t.Errorf("status ?wait=x = %d %s, want 400", st, body)
	}
	if st, _ = call(t, s, "DELETE", "/api/v1/relay/sessions/"+o.ID, "nope", nil); st != http.StatusForbidden {
		t.Errorf("delete with a bad token = %d, want 403", st)
	}
	if st, _ = call(t, s, "DELETE", "/api/v1/relay/sessions/"+o.ID, o.Token, nil); st != http.StatusNoContent {
		t.Errorf("delete = %d, want 204", st)
	}
	if st, _ = call(t, s, "GET", "/api/v1/relay/sessions/"+o.ID, o.Token, nil); st != http.StatusNotFound {
		t.Errorf("status after delete = %d, want 404", st)
	}
}

// FuzzRelayRequest feeds hostile bodies and query strings to every relay route: the
// answer is a 2xx or a 4xx problem, never a 500 or a panic.
func FuzzRelayRequest(f *testing.F) {
	f.Add(uint8(0), []byte(`{"commitment":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`), "")
	f.Add(uint8(1), []byte(`{"code":"1234-5678-9012","publicKey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`), "")
	f.Add(uint8(1), []byte(`{"code":"1234 5678 9012","publicKey":null}`), "")
	f.Add(uint8(2), []byte(``), "wait=3&after=open")
	f.Add(uint8(3), []byte(`{"publicKey":"!!"}`), "")
	f.Add(uint8(4), []byte(`{"ciphertext":"AAAA"}`), "")
	f.Add(uint8(5), []byte(``), "")
	s := relayServer(f)
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/relay/sessions"}, {"POST", "/api/v1/relay/claims"},
		{"GET", "/api/v1/relay/sessions/x"}, {"PUT", "/api/v1/relay/sessions/x/receiver-key"},
		{"PUT", "/api/v1/relay/sessions/x/payload"}, {"DELETE", "/api/v1/relay/sessions/x"},
		{"PUT", "/api/v1/relay/sessions/x/outcome"},
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte, query string) {
		rt := routes[int(route)%len(routes)]
		path := rt.path
		if query != "" {
			path += "?" + query
		}
		r := httptest.NewRequest(rt.method, "/", bytes.NewReader(body))
		r.URL.Path = path
		if u, err := r.URL.Parse(path); err == nil {
			r.URL = u
		}
		r.Header.Set("Authorization", "Bearer t")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q = %d %s", rt.method, path, body, w.Code, w.Body)
		}
	})
}
