package httpapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/store"
)

// A database outage answers 503 SERVICE_UNAVAILABLE with Retry-After, not 500.
func TestOutageIs503(t *testing.T) {
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/api/v1/certificates", nil)
	s.problem(w, r, fmt.Errorf("ca: store certificate: sqlstore: begin: conn refused (%w)", store.ErrUnavailable))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "SERVICE_UNAVAILABLE") {
		t.Fatalf("outage = %d %q %s, want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"), w.Body.String())
	}
}

// A request cut short because its client went away is not logged as an internal error
// (the chaos harness's lost answers filled the nodes' logs with them); a real internal
// error still is.
func TestClientGoneIsNotAnError(t *testing.T) {
	var logs strings.Builder
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("POST", "/api/v1/certificates", nil).WithContext(gone)
	s.problem(httptest.NewRecorder(), r, fmt.Errorf("sqlstore: enrollment 1234567890: %w", context.Canceled))
	if strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "client gone") {
		t.Errorf("a gone client's request logged %q, want an INFO line", logs.String())
	}
	logs.Reset()
	s.problem(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/v1/certificates", nil), fmt.Errorf("sqlstore: enrollment 1234567890: %w", context.Canceled))
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a cancellation while the client is still there logged %q, want an ERROR line", logs.String())
	}
}
