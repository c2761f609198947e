package cmphttp

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/certcenter/certcenter/cmp"
)

// ContentType is the media type of CMP over HTTP (RFC 6712 section 3.4).
const ContentType = "application/pkixcmp"

// ServeHTTP is the RFC 6712 transport: POST a DER PKIMessage with Content-Type
// application/pkixcmp, get one back with status 200, also for refusals (their reason is
// in the message). HTTP errors are only for what is not a PKIMessage: 415 for another
// content type, 413 above cmp.MaxMessageSize, 400 for a body that does not parse.
// HTTP/1.0, which OpenSSL sends, is served like 1.1.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "cmphttp: POST a PKIMessage (RFC 6712)", http.StatusMethodNotAllowed)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != ContentType {
		http.Error(w, "cmphttp: Content-Type must be "+ContentType+" (RFC 6712)", http.StatusUnsupportedMediaType)
		return
	}
	der, err := io.ReadAll(http.MaxBytesReader(w, r.Body, cmp.MaxMessageSize))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "cmphttp: a PKIMessage is at most "+strconv.Itoa(cmp.MaxMessageSize)+" bytes", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cmphttp: read request: "+err.Error(), http.StatusBadRequest)
		return
	}
	client := r.RemoteAddr
	if s.cfg.ClientAddr != nil {
		client = s.cfg.ClientAddr(r)
	}
	out, retryAfter, err := s.answerFor(r.Context(), der, client)
	if err != nil {
		if _, perr := cmp.Parse(der); perr != nil {
			http.Error(w, "cmphttp: the body is not a PKIMessage: "+perr.Error(), http.StatusBadRequest)
			return
		}
		s.cfg.Log.Error("cmp answer failed", "error", err)
		http.Error(w, "cmphttp: internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-cache") // RFC 6712 section 3.5
	h.Set("Content-Length", strconv.Itoa(len(out)))
	if retryAfter != "" {
		// Refused for a rate limit: the PKIMessage says why, the status and Retry-After
		// say when to come back (RFC 9110 section 10.2.3).
		h.Set("Retry-After", retryAfter)
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write(out)
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}
