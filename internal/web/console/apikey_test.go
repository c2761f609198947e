package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/certcenter/certcenter/internal/model"
)

var newKey = regexp.MustCompile(`id="new-key">([^<]+)<`)

// TestOperatorRotatesAPIKey: an operator rotates 901's API key: with no overlap the old
// key stops at once; with one the new key and the old one both work; ending the
// overlap early revokes the old key at once. The new key is shown once.
func TestOperatorRotatesAPIKey(t *testing.T) {
	srv := start(t)
	op := login(t, srv, addStaff(t, srv, "ca", "op", model.RoleOperator))
	works := func(key string) bool {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/billing", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("billing: %d", resp.StatusCode)
		}
		return resp.StatusCode == 200
	}
	rotate := func(hours string) string {
		op.get("/console/institutions")
		if st, body, _ := op.post("/console/institutions/901/rotate", url.Values{"overlap": {hours}}); st != http.StatusSeeOther {
			t.Fatalf("rotate: %d %s", st, problem(body))
		}
		_, body := op.get("/console/institutions")
		m := newKey.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("the new key is not shown")
		}
		if _, again := op.get("/console/institutions"); newKey.MatchString(again) {
			t.Fatal("the new key is shown twice")
		}
		return m[1]
	}
	k1 := rotate("0")
	if !works(k1) {
		t.Fatal("the new key does not work")
	}
	k1b := rotate("0")
	if works(k1) || !works(k1b) {
		t.Fatalf("rotation without overlap: old %v new %v", works(k1), works(k1b))
	}
	k1 = k1b
	k2 := rotate("1")
	if !works(k2) || !works(k1) {
		t.Fatalf("during the overlap: new %v old %v", works(k2), works(k1))
	}
	// (The overlap's end by the clock is in storetest's APIKeyRotation; the store keeps
	// the real time here.)
	k3 := rotate("24")
	if !works(k2) {
		t.Fatal("old key during a 24-hour overlap")
	}
	if st, body, _ := op.post("/console/institutions/901/end-overlap", nil); st != http.StatusSeeOther {
		t.Fatalf("end overlap: %d %s", st, problem(body))
	}
	if works(k2) || !works(k3) {
		t.Fatalf("after ending the overlap: old %v new %v", works(k2), works(k3))
	}
	for _, bad := range []string{"-1", "169", "x"} {
		if st, _, _ := op.post("/console/institutions/901/rotate", url.Values{"overlap": {bad}}); st != http.StatusBadRequest {
			t.Errorf("overlap %q: %d", bad, st)
		}
	}
	if st, _, _ := op.post("/console/institutions/999/rotate", url.Values{"overlap": {"1"}}); st != http.StatusNotFound {
		t.Errorf("unknown institution: %d", st)
	}
}
