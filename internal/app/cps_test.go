package app_test

import (
	"crypto/x509"
	"encoding/asn1"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestCPS: the CPS URI written into every certificate answers with the CPS page, in
// Korean by default and in English when asked, as plain HTML without script or style.
func TestCPS(t *testing.T) {
	e := newEnv(t, "sqlite")
	rec := e.issueOne("901")
	c, err := x509.ParseCertificate(rec.DER)
	if err != nil {
		t.Fatal(err)
	}
	cps := cpsURI(t, c)
	if !strings.HasPrefix(cps, e.cfg.BaseURL) {
		t.Fatalf("CPS URI %q is not on this server (%s)", cps, e.cfg.BaseURL)
	}
	path := strings.TrimPrefix(cps, e.cfg.BaseURL)
	get := func(query, acceptLanguage string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+path+query, nil)
		if acceptLanguage != "" {
			req.Header.Set("Accept-Language", acceptLanguage)
		}
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	for _, tc := range []struct{ query, acceptLanguage, want string }{
		{"", "", "ko"},
		{"?lang=en", "", "en"},
		{"?lang=ko", "en-US,en;q=0.9", "ko"},
		{"", "en-US,en;q=0.9", "en"},
		{"", "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko"},
		{"", "en;q=0.5, ko;q=0.8", "ko"},
		{"", "fr-FR", "ko"},
		{"", "fr, en;q=0.3", "en"},
		{"?lang=xx", "", "ko"},
	} {
		resp, body := get(tc.query, tc.acceptLanguage)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s%s = %d, want 200", path, tc.query, resp.StatusCode)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s%s Content-Type = %q", path, tc.query, ct)
		}
		if got := resp.Header.Get("Content-Language"); got != tc.want || !strings.Contains(body, `<html lang="`+tc.want+`">`) {
			t.Errorf("GET %s%s (Accept-Language %q) language = %q, want %q", path, tc.query, tc.acceptLanguage, got, tc.want)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("GET %s%s Content-Security-Policy = %q", path, tc.query, csp)
		}
		lower := strings.ToLower(body)
		for _, banned := range []string{"<script", "<style", " style=", " onclick", "javascript:"} {
			if strings.Contains(lower, banned) {
				t.Errorf("GET %s%s: the page holds %q", path, tc.query, banned)
			}
		}
	}
	_, ko := get("", "")
	_, en := get("?lang=en", "")
	for _, want := range []string{"인증업무준칙", "유효기간", "키 생성", "본인확인", "OCSP", "금융인증서", "감사", "24시간"} {
		if !strings.Contains(ko, want) {
			t.Errorf("the Korean CPS lacks %q", want)
		}
	}
	for _, want := range []string{"Certification Practice Statement", "Validity", "Key generation", "Identity verification",
		"OCSP", "Financial certificate", "Audit", "24 hours"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English CPS lacks %q", want)
		}
	}
	// Both state the deployment's values: this certificate's policy and its URLs.
	for _, page := range []string{ko, en} {
		for _, want := range []string{c.PolicyIdentifiers[0].String(), e.cfg.BaseURL + "/ocsp", "corporation4EC", e.cfg.CA.Organization} {
			if !strings.Contains(page, want) {
				t.Errorf("a CPS page lacks %q", want)
			}
		}
		if strings.Count(page, "<h2>") != 7 {
			t.Errorf("a CPS page has %d sections, want 7 in each language", strings.Count(page, "<h2>"))
		}
	}
}

// cpsURI returns the CPS qualifier of the certificate's policy (RFC 5280 section 4.2.1.4).
func cpsURI(t *testing.T, c *x509.Certificate) string {
	t.Helper()
	type qualifier struct {
		ID    asn1.ObjectIdentifier
		Value asn1.RawValue
	}
	type policy struct {
		ID         asn1.ObjectIdentifier
		Qualifiers []qualifier `asn1:"optional"`
	}
	for _, ext := range c.Extensions {
		if !ext.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 32}) {
			continue
		}
		var ps []policy
		if _, err := asn1.Unmarshal(ext.Value, &ps); err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			for _, q := range p.Qualifiers {
				if q.ID.Equal(asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 2, 1}) {
					return string(q.Value.Bytes)
				}
			}
		}
	}
	t.Fatal("the certificate has no CPS qualifier")
	return ""
}
