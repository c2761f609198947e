package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/certcenter/certcenter/internal/errs"
)

// The message catalogues, one per language (ui/i18n/{ko,en}.json); a test checks that
// both have the same keys and the same placeholders. Messages are whole sentences with
// named placeholders ({days}); no page builds a sentence from translated pieces.
var catalogues = map[errs.Lang]map[string]string{}

func init() {
	for _, l := range []errs.Lang{errs.Korean, errs.English} {
		b, err := uiFS.ReadFile("ui/i18n/" + string(l) + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("web: catalogue %s: %v", l, err))
		}
		catalogues[l] = m
	}
}

// Localizer gives a request's messages in its language.
type Localizer struct {
	Lang errs.Lang
	m    map[string]string
}

// NewLocalizer returns the localizer of lang.
func NewLocalizer(lang errs.Lang) *Localizer {
	if lang != errs.English {
		lang = errs.Korean
	}
	return &Localizer{Lang: lang, m: catalogues[lang]}
}

// T returns the message of key; a missing key shows as itself (a test forbids them).
func (l *Localizer) T(key string) string {
	if s, ok := l.m[key]; ok {
		return s
	}
	return key
}

// F returns the message of key with placeholders filled from name, value pairs.
func (l *Localizer) F(key string, kv ...any) string {
	s := l.T(key)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(kv[i])+"}", fmt.Sprint(kv[i+1]))
	}
	return s
}

// Prefixed returns the messages whose keys start with one of prefixes (what a page's
// scripts show).
func (l *Localizer) Prefixed(prefixes ...string) map[string]string {
	m := map[string]string{}
	for k, v := range l.m {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				m[k] = v
			}
		}
	}
	return m
}

// Err returns the localized message and hint of err (its errs code).
func (l *Localizer) Err(err error) errs.Text { return errs.Localize(err, l.Lang) }

// LangCookie remembers the page's language toggle.
const LangCookie = "cc_lang"

// RequestLang chooses the language of a request: ?lang= (which the toggle sends, and
// which is then remembered in a cookie), else the cookie, else Accept-Language, else
// Korean.
func RequestLang(w http.ResponseWriter, r *http.Request) errs.Lang {
	switch q := r.URL.Query().Get("lang"); q {
	case "ko", "en":
		if w != nil {
			http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
				SameSite: http.SameSiteLaxMode, HttpOnly: true})
		}
		return errs.Lang(q)
	}
	if c, err := r.Cookie(LangCookie); err == nil && (c.Value == "ko" || c.Value == "en") {
		return errs.Lang(c.Value)
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		return errs.ParseLang(h)
	}
	return errs.Korean
}
