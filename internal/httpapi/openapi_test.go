package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/model"
)

type noOutbox struct{}

func (noOutbox) Outbox(context.Context, string, int) ([]model.OutboxMessage, error) { return nil, nil }

type openapiDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

// Every route of the API (the core routes, the desk's and the relay's) is documented
// in openapi.json. The other direction, that every documented route exists, needs the
// whole server (CMP, OCSP and CRLs are mounted by internal/app): internal/app's
// TestOpenAPICoversTheServer checks it.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := New(nil, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.MountDesk(nil, DeskOptions{Outbox: noOutbox{}})
	s.MountRelay(nil)
	s.MountFinCert(nil)
	var doc openapiDoc
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
			var op struct {
				Summary   string                     `json:"summary"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil || op.Summary == "" || len(op.Responses) == 0 {
				t.Errorf("%s %s: no summary or responses (%v)", method, path, err)
			}
		}
	}
	routes := map[string]bool{}
	for _, r := range s.Routes() {
		routes[r] = true
		if !documented[r] {
			t.Errorf("route %q is not documented in openapi.json", r)
		}
	}
	// Every $ref names a schema.
	for _, ref := range strings.Split(string(openapiJSON), `"$ref": "#/components/schemas/`)[1:] {
		name := ref[:strings.IndexByte(ref, '"')]
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("$ref to unknown schema %q", name)
		}
	}

	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || rec.Body.Len() != len(openapiJSON) {
		t.Errorf("GET /openapi.json = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
}
