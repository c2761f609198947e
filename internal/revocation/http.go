package revocation

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/certcenter/certcenter/internal/ca"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// ServeOCSP answers OCSP over HTTP (RFC 6960 appendix A): POST with the DER request as
// the body, or GET /ocsp/<url-encoded base64 of the DER request>. Every answer is an
// OCSPResponse with status 200: malformedRequest for anything that is not a request
// within the limits (never a 500), internalError when the database or the key fails.
// Pre-signed GET answers carry the caching headers of RFC 5019 section 6.
func (s *Service) ServeOCSP(w http.ResponseWriter, r *http.Request) {
	der, ok := readOCSPRequest(r)
	if !ok {
		writeOCSP(w, respMalformed, nil, false, time.Time{})
		return
	}
	req, err := ParseRequest(der)
	if err != nil {
		writeOCSP(w, respMalformed, nil, false, time.Time{})
		return
	}
	resp, e, err := s.Answer(r.Context(), req)
	if err != nil {
		if r.Context().Err() != nil {
			writeOCSP(w, respTryLater, nil, false, time.Time{})
			return
		}
		s.cfg.Log.Error("revocation: OCSP answer", "err", err)
		writeOCSP(w, respInternal, nil, false, time.Time{})
		return
	}
	writeOCSP(w, resp, e, r.Method == http.MethodGet, s.now())
}

// readOCSPRequest returns the DER request of a POST body or a GET path.
func readOCSPRequest(r *http.Request) ([]byte, bool) {
	switch r.Method {
	case http.MethodPost:
		if r.ContentLength > MaxRequestSize {
			return nil, false
		}
		b, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestSize+1))
		return b, err == nil && len(b) <= MaxRequestSize
	case http.MethodGet, http.MethodHead:
		p := r.URL.EscapedPath()
		i := strings.Index(p, "/ocsp/")
		if i < 0 {
			return nil, false
		}
		enc := p[i+len("/ocsp/"):]
		if len(enc) == 0 || len(enc) > MaxRequestSize*3 {
			return nil, false
		}
		raw, err := url.PathUnescape(enc)
		if err != nil {
			return nil, false
		}
		// Base64 as RFC 6960 says, and the unpadded and URL-safe forms clients also send.
		for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := e.DecodeString(raw); err == nil {
				return b, len(b) <= MaxRequestSize
			}
		}
	}
	return nil, false
}

func writeOCSP(w http.ResponseWriter, der []byte, e *entry, get bool, now time.Time) {
	h := w.Header()
	h.Set("Content-Type", "application/ocsp-response")
	h.Set("Content-Length", strconv.Itoa(len(der)))
	if get && e != nil {
		maxAge := int(e.nextUpdate.Sub(now) / time.Second)
		if maxAge > 0 {
			h.Set("Cache-Control", "public, no-transform, must-revalidate, max-age="+strconv.Itoa(maxAge))
			h.Set("Last-Modified", e.thisUpdate.UTC().Format(http.TimeFormat))
			h.Set("Expires", e.nextUpdate.UTC().Format(http.TimeFormat))
		}
	} else {
		h.Set("Cache-Control", "no-store")
	}
	w.Write(der)
}

// ServeCRL serves /crl/{issuer}/{file}: p<N>.crl, partition N, as named in the CRL
// distribution points of the certificates; full.crl when the full CRL is enabled.
// DER (RFC 5280 section 4.2.1.13), with an ETag of the CRL number for revalidation.
func (s *Service) ServeCRL(w http.ResponseWriter, r *http.Request) {
	issuer, file := r.PathValue("issuer"), r.PathValue("file")
	p, ok := parseCRLFile(file)
	root := issuer == ca.RootIssuerID && file == "p0.crl"
	if (issuer != s.issuerID || !ok) && !root {
		problem(w, r, errs.New(errs.CRLNotFound, "no CRL %s/%s", issuer, file))
		return
	}
	var crl model.CRL
	var err error
	if root {
		crl, err = s.RootCRL(r.Context())
	} else {
		crl, err = s.CRL(r.Context(), p)
	}
	if errors.Is(err, store.ErrNotFound) {
		problem(w, r, errs.New(errs.CRLNotFound, "no CRL %s/%s", issuer, file))
		return
	}
	if err != nil {
		s.cfg.Log.Error("revocation: CRL", "partition", p, "err", err)
		problem(w, r, errs.Wrap(errs.CRLUnavailable, err, "partition %d", p))
		return
	}
	etag := fmt.Sprintf(`"%s-%d-%d"`, crl.IssuerID, crl.Partition, crl.Number)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", crl.ThisUpdate.UTC().Format(http.TimeFormat))
	h.Set("Expires", crl.NextUpdate.UTC().Format(http.TimeFormat))
	// Revalidate every time: a revocation replaces the CRL within a second.
	h.Set("Cache-Control", "public, no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/pkix-crl")
	h.Set("Content-Length", strconv.Itoa(len(crl.DER)))
	w.Write(crl.DER)
}

// parseCRLFile parses p<N>.crl (N decimal, no leading zeros, below 4096) or full.crl.
func parseCRLFile(file string) (int, bool) {
	if file == "full.crl" {
		return model.FullCRL, true
	}
	n, ok := strings.CutPrefix(file, "p")
	if !ok {
		return 0, false
	}
	n, ok = strings.CutSuffix(n, ".crl")
	if !ok || n == "" || len(n) > 4 || (len(n) > 1 && n[0] == '0') {
		return 0, false
	}
	p, err := strconv.Atoi(n)
	if err != nil || p < 0 || p >= 4096 {
		return 0, false
	}
	return p, true
}

// problem writes an RFC 9457 problem document in the API's shape.
func problem(w http.ResponseWriter, r *http.Request, err error) {
	lang := errs.ParseLang(r.Header.Get("Accept-Language"))
	code := errs.CodeOf(err)
	text := errs.Localize(err, lang)
	p := map[string]any{
		"type": "https://certcenter.dev/problems/" + string(code), "title": text.Message, "status": errs.Status(err),
		"code": string(code), "hint": text.Hint, "requestId": w.Header().Get("X-Request-Id"),
	}
	var e *errs.Error
	if code != errs.Internal && code != errs.CRLUnavailable && errors.As(err, &e) {
		p["detail"] = e.Detail
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", string(lang))
	w.WriteHeader(errs.Status(err))
	json.NewEncoder(w).Encode(p)
}
