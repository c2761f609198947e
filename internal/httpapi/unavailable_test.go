package httpapi

import (
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
