package app_test

import (
	"encoding/json"
	"io"
	"sort"
	"strings"
	"testing"
)

// TestOpenAPICoversTheServer: every route the running server has (the institutions' API,
// CMP, OCSP and CRLs, the relay, health and metrics) is in /openapi.json, and nothing
// is documented that the server lacks.
func TestOpenAPICoversTheServer(t *testing.T) {
	e := newEnv(t, "sqlite")
	resp, err := e.client.Get(e.srv.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	var missing, extra []string
	routes := map[string]bool{}
	for _, r := range e.app.API.Routes() {
		r = strings.ReplaceAll(r, "...}", "}") // a {rest...} wildcard is a plain parameter to OpenAPI
		routes[r] = true
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !routes[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, m := range missing {
		t.Errorf("route %q is not in /openapi.json", m)
	}
	for _, x := range extra {
		t.Errorf("/openapi.json documents %q, which the server lacks", x)
	}
}
