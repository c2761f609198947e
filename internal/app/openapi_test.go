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

// TestOpenAPIQueryParameters: the server and /openapi.json agree on which query
// parameters a request needs. For every documented GET without path parameters, a call
// without its query parameters is refused with 400 exactly when one of them is
// documented as required, and a call with the required ones filled is answered.
func TestOpenAPIQueryParameters(t *testing.T) {
	e := newEnv(t, "sqlite")
	cust := e.customer("901", "박민수", "7503031234567")
	values := map[string]string{"customer": cust.ID, "limit": "10"}
	resp, err := e.client.Get(e.srv.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	type param struct {
		Name     string `json:"name"`
		In       string `json:"in"`
		Required bool   `json:"required"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []param `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	checked := 0
	for path, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok || strings.Contains(path, "{") {
			continue
		}
		var required, query []string
		for _, p := range op.Parameters {
			if p.In != "query" {
				continue
			}
			query = append(query, p.Name+"="+values[p.Name])
			if p.Required {
				required = append(required, p.Name+"="+values[p.Name])
			}
		}
		if len(query) == 0 {
			continue
		}
		checked++
		st, m := e.do("GET", path, e.keys["901"], nil, nil)
		if (st == 400) != (len(required) > 0) {
			t.Errorf("GET %s without query parameters = %d %v; the document requires %v", path, st, m["detail"], required)
		}
		if st, m := e.do("GET", path+"?"+strings.Join(required, "&"), e.keys["901"], nil, nil); st != 200 {
			t.Errorf("GET %s?%s = %d %v, want 200 with the required parameters alone", path, strings.Join(required, "&"), st, m["detail"])
		}
	}
	if checked < 2 {
		t.Errorf("checked %d GET operations with query parameters; the document has at least 2", checked)
	}
}
