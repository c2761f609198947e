package fincertweb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/web"
)

// The demo relying party (데모 이용기관): a page on another origin than certcenter's (the
// demo serves it under /demo/rp/, to be opened as http://localhost:PORT/demo/rp/ while
// certcenter is http://127.0.0.1:PORT) with a back end that creates sign requests with
// the institution's credentials and verifies the results, as an outside site would.

type rpView struct {
	SDK, SRI, Center, Lang string
	L                      *web.Localizer
}

func (v rpView) T(k string) string { return v.L.T(k) }

// JSON are the messages the relying page's script shows.
func (v rpView) JSON() map[string]string { return v.L.Prefixed("rpjs.") }

func (h *Handler) serveRP(w http.ResponseWriter, r *http.Request) {
	lang := web.RequestLang(w, r)
	var buf bytes.Buffer
	if err := h.rp.Execute(&buf, rpView{SDK: h.o.CenterOrigin + "/fincert/v1/sdk.js", SRI: h.sri, Center: h.o.CenterOrigin,
		Lang: string(lang), L: web.NewLocalizer(lang)}); err != nil {
		h.o.Log.Error("demo relying party", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self' "+h.o.CenterOrigin+"; style-src 'self' "+h.o.CenterOrigin+
		"; frame-src "+h.o.CenterOrigin+"; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// rpSignRequest creates the sign request the page asked for: a login (signType 01,
// CMS over a server nonce) or a transfer confirmation (02, the transfer's text shown to
// the user in the iframe).
func (h *Handler) rpSignRequest(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Kind   string `json:"kind"` // login, transfer
		To     string `json:"to,omitempty"`
		Amount int64  `json:"amount,omitempty"`
		Format string `json:"format,omitempty"` // CMS (default), PKCS1, PSS
	}
	if err := web.ReadJSON(r, &in); err != nil {
		rpFail(w, err)
		return
	}
	inst, err := h.o.Institution(r.Context(), h.o.DemoOrg)
	if err != nil {
		rpFail(w, err)
		return
	}
	req := cloudcert.SignRequest{SignFormat: cloudcert.SignFormat{Type: "CMS", CMSInfo: &cloudcert.CMSInfo{IncludeR: true}},
		Algorithms: "RSASSA-PKCS1-v1_5_SHA256", View: &cloudcert.View{EnableTextView: true}}
	var text string
	switch in.Kind {
	case "login":
		req.Info.SignType = "01"
		text = fmt.Sprintf("로그인 %s (nonce %d)", time.Now().Format(time.RFC3339), time.Now().UnixNano())
	case "transfer":
		req.Info.SignType = "02"
		if in.To == "" || in.Amount <= 0 || in.Amount > 1_000_000_000 {
			rpFail(w, errs.New(errs.BadRequest, "a transfer needs to and an amount"))
			return
		}
		text = fmt.Sprintf("이체 확인: 받는 계좌 %s, 금액 %d원", in.To, in.Amount)
	default:
		rpFail(w, errs.New(errs.BadRequest, "kind is login or transfer"))
		return
	}
	switch in.Format {
	case "PKCS1":
		req.SignFormat = cloudcert.SignFormat{Type: "PKCS1"}
	case "PSS":
		req.SignFormat = cloudcert.SignFormat{Type: "PKCS1"}
		req.Algorithms = "RSASSA-PSS_SHA256_MGF_SHA256"
	}
	req.Content.PlainText = &cloudcert.PlainText{PlainTexts: []string{text}, Encoding: "UTF-8"}
	c, err := h.o.Service.CreateSignRequest(r.Context(), inst, req)
	if err != nil {
		rpFail(w, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"id": c.ID, "text": text, "format": req.SignFormat.Type, "algorithms": req.Algorithms})
}

// rpVerify checks a result at the back end, as the institution's server would.
func (h *Handler) rpVerify(w http.ResponseWriter, r *http.Request) {
	var in cloudcert.VerifyRequest
	if err := web.ReadJSON(r, &in); err != nil {
		rpFail(w, err)
		return
	}
	out, err := h.o.Service.Verify(r.Context(), in)
	if err != nil {
		rpFail(w, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func rpFail(w http.ResponseWriter, err error) {
	t := errs.Localize(err, errs.Korean)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(errs.Status(err))
	json.NewEncoder(w).Encode(map[string]string{"code": string(errs.CodeOf(err)), "title": t.Message, "hint": t.Hint})
}
