package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/store"
)

// Problem is an RFC 9457 problem document with certcenter's extensions.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Code      string `json:"code"`
	Hint      string `json:"hint,omitempty"`
	RequestID string `json:"requestId,omitempty"`
}

var errPanic = errs.New(errs.Internal, "panic")

func errNotFoundRoute(r *http.Request) error {
	return errs.New(errs.NotFound, "no route for %s %s", r.Method, r.URL.Path)
}

// problem writes err as a problem document. Internal errors are logged with the request
// ID and shown without detail.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	if errs.CodeOf(err) == errs.Internal && errors.Is(err, store.ErrUnavailable) {
		// A database outage (a restart, a failover) decided nothing: say so, and when
		// to retry, rather than an internal error.
		s.log.Warn("database unavailable", "route", r.URL.Path, "err", err)
		err = errs.Wrap(errs.ServiceUnavailable, err, "database unavailable")
		w.Header().Set("Retry-After", "2")
	}
	lang := errs.ParseLang(r.Header.Get("Accept-Language"))
	code := errs.CodeOf(err)
	status := errs.Status(err)
	text := errs.Localize(err, lang)
	p := Problem{
		Type: "https://certcenter.dev/problems/" + string(code), Title: text.Message, Status: status,
		Code: string(code), Hint: text.Hint, RequestID: requestID(r),
	}
	var e *errs.Error
	switch {
	case code == errs.Internal && r.Context().Err() != nil && errors.Is(err, context.Canceled):
		// The client went away (a timeout, a closed tab) and its request was cut short:
		// nobody reads this answer and nothing is wrong with the server.
		s.log.Info("client gone", "request_id", p.RequestID, "route", r.URL.Path, "err", err)
	case code == errs.Internal:
		// The detail may hold internals; log it (no personal data reaches errors) and hide it.
		s.log.Error("internal error", "request_id", p.RequestID, "route", r.URL.Path, "err", err)
	case errors.As(err, &e):
		p.Detail = e.Detail
	}
	if e != nil && e.Params["wait"] != "" {
		w.Header().Set("Retry-After", e.Params["wait"]) // RFC 9110 section 10.2.3
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", string(lang))
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// Compact: indenting a certificate answer cost more CPU than its JSON encoding.
	json.NewEncoder(w).Encode(v)
}

// maxBody bounds every JSON request body.
const maxBody = 1 << 20

// decodeJSON decodes a JSON request body strictly: one object, no unknown fields, at
// most maxBody bytes.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return errs.New(errs.BadRequest, "Content-Type must be application/json")
		}
	}
	body := http.MaxBytesReader(nil, r.Body, maxBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.New(errs.RequestTooLarge, "body over %d bytes", maxBody)
		}
		return errs.Wrap(errs.BadRequest, nil, "invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errs.New(errs.BadRequest, "trailing data after the JSON object")
	}
	return checkFields(v)
}
