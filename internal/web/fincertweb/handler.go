// Package fincertweb is the financial certificate's face in the browser: the SDK that a
// relying institution's page loads (/fincert/v1/sdk.js, with Subresource Integrity), the
// certcenter iframe it opens (/fincert/v1/frame: the PIN pad, the text of what is being
// signed, the device key), and in demo mode a relying party on another origin
// (/demo/rp/) that uses the SDK exactly as an outside site would.
//
// The iframe talks to the financial certificate's JSON API (internal/httpapi, under
// /fincert/v1/) from certcenter's own origin; the relying page sees only what the SDK
// hands back (signedVals, certificate, certSeqNum, rValue when asked). The PIN and the
// text confirmation never happen on the relying page. fincertweb holds no rule of its
// own: internal/cloudcert decides.
package fincertweb

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
)

// Service is what the demo relying party's back end needs from the financial
// certificate (cloudcert.Service): it creates sign requests and verifies results as an
// outside institution would through the API.
type Service interface {
	CreateSignRequest(ctx context.Context, inst model.Institution, r cloudcert.SignRequest) (*cloudcert.Created, error)
	Verify(ctx context.Context, v cloudcert.VerifyRequest) (*cloudcert.Verified, error)
}

// Options configure the pages.
type Options struct {
	Service Service
	// Institutions finds the demo relying party's institution.
	Institution func(ctx context.Context, code string) (model.Institution, error)
	// FrameAncestors are the origins allowed to embed the iframe (the relying
	// institutions' sites). The demo adds its relying party's.
	FrameAncestors []string
	// CenterOrigin is certcenter's public origin (scheme://host:port), where the SDK
	// loads the iframe from.
	CenterOrigin string
	Demo         bool
	// DemoOrg is the institution code the demo relying party signs in as.
	DemoOrg string
	Log     *slog.Logger
}

// Handler serves the SDK, the iframe and the demo relying party.
type Handler struct {
	o     Options
	frame *template.Template
	rp    *template.Template
	sdk   []byte
	sri   string
}

// New parses the pages and computes the SDK's integrity value.
func New(o Options) (*Handler, error) {
	h := &Handler{o: o}
	var err error
	funcs := template.FuncMap{"asset": web.AssetURL}
	if h.frame, err = template.New("frame.html").Funcs(funcs).ParseFS(web.UI(), "ui/templates/fincert/frame.html"); err != nil {
		return nil, err
	}
	if h.rp, err = template.New("rp.html").Funcs(funcs).ParseFS(web.UI(), "ui/templates/fincert/rp.html"); err != nil {
		return nil, err
	}
	if h.sdk, err = fs.ReadFile(web.UI(), "ui/static/js/fincert-sdk.js"); err != nil {
		return nil, err
	}
	sum := sha512.Sum384(h.sdk)
	h.sri = "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
	return h, nil
}

// SDKIntegrity is the Subresource Integrity value a relying page puts on the script tag.
func (h *Handler) SDKIntegrity() string { return h.sri }

// Mounter is where routes go.
type Mounter interface {
	Handle(pattern string, h http.HandlerFunc)
}

// Mount adds the routes.
func (h *Handler) Mount(m Mounter) {
	m.Handle("GET /fincert/v1/sdk.js", h.serveSDK)
	m.Handle("GET /fincert/v1/frame", h.serveFrame)
	if h.o.Demo {
		m.Handle("GET /demo/rp/{$}", h.serveRP)
		m.Handle("POST /demo/rp/api/sign-request", h.rpSignRequest)
		m.Handle("POST /demo/rp/api/verify", h.rpVerify)
	}
}

// serveSDK serves the SDK to any origin (it is public code, loaded with integrity).
func (h *Handler) serveSDK(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
	w.Header().Set("Timing-Allow-Origin", "*") // relying sites may measure what it costs them
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(h.sdk)
}

type frameView struct {
	Lang string
	L    *web.Localizer
}

func (v frameView) T(k string) string { return v.L.T(k) }

// JSON are the messages the frame's script shows.
func (v frameView) JSON() map[string]string { return v.L.Prefixed("fcjs.") }

// serveFrame serves the iframe: framable only by the configured relying origins.
func (h *Handler) serveFrame(w http.ResponseWriter, r *http.Request) {
	lang := web.RequestLang(nil, r)
	if q := r.URL.Query().Get("lang"); q == "en" || q == "ko" {
		lang = errs.Lang(q)
	}
	var buf bytes.Buffer
	if err := h.frame.Execute(&buf, frameView{Lang: string(lang), L: web.NewLocalizer(lang)}); err != nil {
		h.o.Log.Error("fincert frame", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	ancestors := append([]string{"'self'"}, h.o.FrameAncestors...)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors "+strings.Join(ancestors, " "))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}
