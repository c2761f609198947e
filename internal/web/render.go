package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
)

// Page is what every template receives. Handlers fill Data with their own view.
type Page struct {
	L         *Localizer
	Title     string // catalogue key of the page title
	Area      string // "center", "console": the layout's header
	Home      string // the area's home URL
	Brand     string // the institution's or area's name in the header
	ThemeCSS  string // URL of the institution's colour sheet, if any
	Manifest  string // URL of the web app manifest, if any
	CSRF      string
	ExpiresAt time.Time // the session's idle deadline (the countdown), zero for none
	Scripts   []string  // asset names of the page's ES modules
	Path      string    // the request's path and query, for the language toggle
	Demo      bool
	Errors    []FieldError // the error summary at the top of a form
	Notice    string       // a one-line success notice (already localized)
	Data      any
	// FrameSelf lets the page embed frames from this origin (the financial
	// certificate's iframe); every other page may embed none.
	FrameSelf bool
}

// FieldError is one entry of a form's error summary; Field is the input's id.
type FieldError struct {
	Field, Message string
}

// T is the localized message of key.
func (p *Page) T(key string) string { return p.L.T(key) }

// F is the localized message of key with placeholders.
func (p *Page) F(key string, kv ...any) string { return p.L.F(key, kv...) }

// LangURL is the current page in the other language (the toggle).
func (p *Page) LangURL() string {
	u, err := url.Parse(p.Path)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	q := u.Query()
	if p.L.Lang == errs.English {
		q.Set("lang", "ko")
	} else {
		q.Set("lang", "en")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// JSMessages are the messages the page's scripts show: the catalogue's js.*, key.*
// and pw.* entries.
func (p *Page) JSMessages() map[string]string { return p.L.Prefixed("js.", "key.", "pw.") }

// ExpiresUnix is the session deadline in Unix milliseconds for the countdown script.
func (p *Page) ExpiresUnix() int64 {
	if p.ExpiresAt.IsZero() {
		return 0
	}
	return p.ExpiresAt.UnixMilli()
}

// Templates renders the pages of one area: each page file in dir parsed over the
// shared layout and partials.
type Templates struct {
	pages map[string]*template.Template
	log   *slog.Logger
}

var funcs = template.FuncMap{
	"asset": AssetURL,
	"join":  strings.Join,
	"list":  func(v ...string) []string { return v },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(kst).Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(kst).Format("2006-01-02 15:04 (MST)")
	},
	"won": func(n int64) string {
		s := fmt.Sprint(n)
		var b strings.Builder
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		return b.String()
	},
}

var kst = time.FixedZone("KST", 9*3600)

// KST is Korea Standard Time, in which pages show dates.
func KST() *time.Location { return kst }

// LoadTemplates parses ui/templates/layout.html, ui/templates/partials/*.html and, as
// one template each, ui/templates/<dir>/*.html.
func LoadTemplates(dir string, log *slog.Logger) (*Templates, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(uiFS, "ui/templates/layout.html", "ui/templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(uiFS, "ui/templates/"+dir+"/*.html")
	if err != nil {
		return nil, err
	}
	t := &Templates{pages: map[string]*template.Template{}, log: log}
	for _, f := range files {
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.ParseFS(uiFS, f); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", f, err)
		}
		t.pages[strings.TrimSuffix(path.Base(f), ".html")] = c
	}
	return t, nil
}

// Render writes the page with status. A template error is logged and answered 500.
func (t *Templates) Render(w http.ResponseWriter, status int, name string, p *Page) {
	tmpl, ok := t.pages[name]
	if !ok {
		panic("web: no page template " + name)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		t.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	SecurityHeaders(w)
	if p.FrameSelf {
		w.Header().Set("Content-Security-Policy", ContentSecurityPolicy+"; frame-src 'self'")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(p.L.Lang))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
