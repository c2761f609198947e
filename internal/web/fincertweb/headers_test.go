package fincertweb_test

import (
	"crypto/sha512"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/apptest"
)

// The iframe may be framed only by the configured relying origins (the demo's), the
// SDK is loadable from any origin, and the relying page names it with its exact
// Subresource Integrity hash.
func TestFrameAncestorsAndIntegrity(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	get := func(url string) (*http.Response, []byte) {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, _ := get(srv.URL + "/fincert/v1/frame")
	csp := res.Header.Get("Content-Security-Policy")
	rp := strings.TrimSuffix(srv.App.DemoRelyingParty(), "/demo/rp/")
	if !strings.Contains(csp, "frame-ancestors 'self' "+rp) || strings.Contains(csp, "*") {
		t.Errorf("frame CSP %q: want frame-ancestors 'self' %s and no wildcard", csp, rp)
	}
	res, sdk := get(srv.URL + "/fincert/v1/sdk.js")
	if res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("the SDK is not loadable cross-origin with integrity (no CORS header)")
	}
	sum := sha512.Sum384(sdk)
	_, page := get(srv.App.DemoRelyingParty())
	if want := `integrity="sha384-` + base64.StdEncoding.EncodeToString(sum[:]) + `"`; !strings.Contains(html.UnescapeString(string(page)), want) {
		t.Errorf("the relying page does not carry the SDK's integrity %s", want)
	}
}
