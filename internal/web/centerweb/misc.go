package centerweb

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
)

func (h *Handler) home(q *req) {
	q.render(http.StatusOK, "home", q.page("home.title", nil))
}

type indexView struct {
	Institutions []model.Institution
}

// index lists the certificate centers (demo mode: a real deployment's banks each link
// to their own).
func (h *Handler) index(w http.ResponseWriter, r *http.Request) {
	l := web.NewLocalizer(web.RequestLang(w, r))
	list, err := h.o.Directory.Institutions(r.Context())
	if err != nil {
		h.o.Log.Error("web index", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.tmpl.Render(w, http.StatusOK, "index", &web.Page{L: l, Title: "index.title", Area: "center", Home: "/",
		Brand: "certcenter", Path: r.URL.RequestURI(), Demo: h.o.Demo, Data: indexView{Institutions: list}})
}

type outboxView struct {
	Institution model.Institution
	Messages    []model.OutboxMessage
}

// outbox shows the development outbox (demo mode): the SMS and e-mail messages each
// institution sent, newest first, so that a one-time code can be read without a phone.
func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) {
	l := web.NewLocalizer(web.RequestLang(w, r))
	list, err := h.o.Directory.Institutions(r.Context())
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var views []outboxView
	for _, inst := range list {
		m, err := h.o.Directory.Outbox(r.Context(), inst.Code, 20)
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		if len(m) > 0 {
			views = append(views, outboxView{Institution: inst, Messages: m})
		}
	}
	h.tmpl.Render(w, http.StatusOK, "outbox", &web.Page{L: l, Title: "outbox.title", Area: "center", Home: "/",
		Brand: "certcenter", Path: r.URL.RequestURI(), Demo: true, Data: views})
}

// brandColor is the institution's colour: from a small palette of dark, accessible
// colours (white text on each passes WCAG AA), chosen by its code.
func brandColor(code string) string {
	palette := []string{"#1d4e89", "#0b6e4f", "#6a3d9a", "#8a3b12", "#005f73", "#7b2d26", "#2f4858"}
	switch code {
	case "901":
		return palette[0]
	case "902":
		return palette[1]
	case "903":
		return palette[2]
	}
	h := sha256.Sum256([]byte(code))
	return palette[int(h[0])%len(palette)]
}

func (h *Handler) theme(q *req) {
	w := q.w
	web.SecurityHeaders(w)
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	fmt.Fprintf(w, ":root { --brand: %s; }\n", brandColor(q.inst.Code))
}

func (h *Handler) manifest(q *req) {
	m := map[string]any{
		"name": q.l.F("center.brand", "name", q.inst.Name), "short_name": q.inst.Name, "lang": string(q.l.Lang),
		"start_url": q.base(), "scope": q.base(), "display": "standalone",
		"background_color": "#f6f8fa", "theme_color": brandColor(q.inst.Code),
		"icons": []map[string]string{
			{"src": web.AssetURL("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
			{"src": web.AssetURL("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
			{"src": web.AssetURL("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
		},
	}
	web.SecurityHeaders(q.w)
	q.w.Header().Set("Content-Type", "application/manifest+json")
	json.NewEncoder(q.w).Encode(m)
}

// extend answers the countdown's "연장" button: wrap has already recorded the activity.
func (h *Handler) extend(q *req) {
	web.WriteJSON(q.w, http.StatusOK, map[string]any{"expiresAt": q.s.ExpiresAt.UnixMilli()})
}

func (h *Handler) logout(q *req) {
	h.o.Sessions.End(q.w, q.r, q.s)
	q.s = nil
	q.redirect(q.base())
}
