package web

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"

	"github.com/certcenter/certcenter/internal/errs"
)

// WriteProblem answers a script's request with an RFC 9457 problem document in the
// page's language (the same shape as the institution API's).
func WriteProblem(w http.ResponseWriter, status int, code, title, hint, ref string, lang errs.Lang) {
	SecurityHeaders(w)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", string(lang))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "https://certcenter.dev/problems/" + code, "title": title,
		"status": status, "code": code, "hint": hint, "requestId": ref})
}

// WriteJSON answers a script's request.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	SecurityHeaders(w)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ReadJSON decodes a script's JSON body strictly (one object, no unknown fields).
func ReadJSON(r *http.Request, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return errs.New(errs.BadRequest, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.New(errs.RequestTooLarge, "body too large")
		}
		return errs.New(errs.BadRequest, "invalid JSON: %v", err)
	}
	return nil
}
