package app

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
)

// cpsFiles are the certification practice statement in Korean and English: plain HTML
// templates, no script and no style, filled once with the deployment's values.
//
//go:embed cps/cps.ko.html cps/cps.en.html
var cpsFiles embed.FS

// cpsCSP allows nothing beyond the document itself: the page has no script, style,
// image or form.
const cpsCSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// yessignArc is the policy arc the demo configuration borrows (KOREAN-PKI.md section 6).
const yessignArc = "1.2.410.200005.1.1"

// cpsPolicy is one row of the CPS policy table.
type cpsPolicy struct {
	KindKO, KindEN, UsageKO, UsageEN, OU, OID string
}

// cpsData are the deployment values the CPS states.
type cpsData struct {
	Organization, RootName, IssuingName, BaseURL, PolicyArc string
	YessignArc, HSM                                         bool
	Policies                                                []cpsPolicy
	CRLValidity, OCSPValidity                               string
	EnrollmentDays, MaxWrongCodes                           int
}

// mountCPS serves GET /cps, the certification practice statement that every subscriber
// certificate names in its certificatePolicies CPS qualifier (<base_url>/cps unless
// ca.cps_uri points elsewhere): Korean by default, English for ?lang=en or an
// Accept-Language that prefers English.
func (a *App) mountCPS(context.Context) error {
	pages := map[string][]byte{}
	for _, lang := range []string{"ko", "en"} {
		d := a.cpsData(lang)
		page, err := renderCPS(lang, d)
		if err != nil {
			return err
		}
		pages[lang] = page
	}
	a.API.Handle("GET /cps", func(w http.ResponseWriter, r *http.Request) {
		lang := cpsLanguage(r)
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Language", lang)
		h.Set("Vary", "Accept-Language")
		h.Set("Content-Security-Policy", cpsCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "public, max-age=3600")
		w.Write(pages[lang])
	})
	return nil
}

func (a *App) cpsData(lang string) cpsData {
	c := a.Cfg
	d := cpsData{
		Organization: c.CA.Organization, RootName: c.CA.RootName, IssuingName: c.CA.IssuingName,
		BaseURL: c.BaseURL, PolicyArc: c.CA.PolicyArc, YessignArc: c.CA.PolicyArc == yessignArc,
		HSM:            c.Keys.Source == "pkcs11",
		CRLValidity:    cpsDuration(c.Revocation.CRLValidity, lang),
		OCSPValidity:   cpsDuration(c.Revocation.OCSPValidity, lang),
		EnrollmentDays: int(center.EnrollmentLifetime / (24 * time.Hour)),
		MaxWrongCodes:  center.MaxWrongCodes,
	}
	for _, row := range []struct {
		kind                                 model.Kind
		usage                                model.Usage
		kindKO, kindEN, usageKO, usageEN, ou string
	}{
		// The kind OUs of the profile (KOREAN-PKI.md section 6, "Kinds seen").
		{model.Personal, model.Universal, "개인", "personal", "범용", "universal", "personal"},
		{model.Personal, model.Banking, "개인", "personal", "은행·보험·카드용", "banking, insurance, card", "personal4IB"},
		{model.Corporate, model.Universal, "법인", "corporate", "범용", "universal", "corporation"},
		{model.Corporate, model.Banking, "법인", "corporate", "은행용", "banking", "corporation4EC"},
	} {
		oid, err := a.CA.PolicyOID(row.kind, row.usage)
		if err != nil {
			continue
		}
		d.Policies = append(d.Policies, cpsPolicy{KindKO: row.kindKO, KindEN: row.kindEN,
			UsageKO: row.usageKO, UsageEN: row.usageEN, OU: row.ou, OID: oid})
	}
	return d
}

func renderCPS(lang string, d cpsData) ([]byte, error) {
	t, err := template.ParseFS(cpsFiles, "cps/cps."+lang+".html")
	if err != nil {
		return nil, fmt.Errorf("app: CPS template (%s): %w", lang, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("app: CPS page (%s): %w", lang, err)
	}
	return b.Bytes(), nil
}

// cpsDuration writes a validity period as the CPS states it: "24시간" or "24 hours".
func cpsDuration(d time.Duration, lang string) string {
	n, unitKO, unitEN := int64(d/time.Minute), "분", " minutes"
	if d%time.Hour == 0 {
		n, unitKO, unitEN = int64(d/time.Hour), "시간", " hours"
	}
	if lang == "ko" {
		return strconv.FormatInt(n, 10) + unitKO
	}
	return strconv.FormatInt(n, 10) + unitEN
}

// cpsLanguage picks the page's language: ?lang=ko|en first, then the Accept-Language
// entry of highest weight that is Korean or English (RFC 9110 section 12.5.4), Korean
// when neither is asked for.
func cpsLanguage(r *http.Request) string {
	switch q := r.URL.Query().Get("lang"); q {
	case "ko", "en":
		return q
	}
	best, bestQ := "ko", 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		weight := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			weight = f
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if (primary == "ko" || primary == "en") && weight > bestQ {
			best, bestQ = primary, weight
		}
	}
	return best
}
