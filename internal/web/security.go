package web

import (
	"crypto/subtle"
	"net/http"
)

// ContentSecurityPolicy allows scripts, styles, images and connections from this origin
// only: no inline script or style, no third-party resource, no framing.
// 'wasm-unsafe-eval' lets the npki WebAssembly module compile (it permits
// WebAssembly.instantiate, not eval).
const ContentSecurityPolicy = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; manifest-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

// SecurityHeaders sets the headers every page and asset carries.
func SecurityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
}

// CSRFHeader carries the session's CSRF token on script requests; forms send it as the
// field CSRFField.
const (
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "csrf"
)

// CheckCSRF reports whether a state-changing request carries the session's token.
func CheckCSRF(r *http.Request, s *Session) bool {
	if s == nil || s.CSRF == "" {
		return false
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue(CSRFField)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) == 1
}
