package centerweb_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// recorder keeps every request body the browser sends to the server, to prove that
// no private key, key-file password or (outside the protocol's three requests) R
// ever leaves the browser.
type recorder struct {
	mu     sync.Mutex
	bodies []sent
}

type sent struct {
	Method, Path string
	Body         []byte
}

func (rc *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			rc.mu.Lock()
			rc.bodies = append(rc.bodies, sent{r.Method, r.URL.Path, b})
			rc.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

// none fails t if any recorded body (outside the allowed paths) holds secret raw, in
// base64 or in hex.
func (rc *recorder) none(t *testing.T, what string, secret []byte, allowed ...string) {
	t.Helper()
	if len(secret) == 0 {
		t.Fatalf("no %s to look for", what)
	}
	forms := [][]byte{secret, []byte(base64.StdEncoding.EncodeToString(secret)), []byte(base64.RawURLEncoding.EncodeToString(secret)),
		[]byte(hex.EncodeToString(secret)), []byte(strings.ToUpper(hex.EncodeToString(secret)))}
	rc.mu.Lock()
	defer rc.mu.Unlock()
outer:
	for _, s := range rc.bodies {
		for _, a := range allowed {
			if s.Path == a {
				continue outer
			}
		}
		for _, f := range forms {
			if len(f) >= 8 && bytes.Contains(s.Body, f) {
				t.Errorf("%s %s carried the %s", s.Method, s.Path, what)
			}
		}
	}
}

// sentTo reports whether a request to path carried secret (hex): the positive control.
func (rc *recorder) sentTo(path string, secret []byte) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, s := range rc.bodies {
		if s.Path == path && bytes.Contains(s.Body, []byte(hex.EncodeToString(secret))) {
			return true
		}
	}
	return false
}

func (rc *recorder) count(path string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, s := range rc.bodies {
		if s.Path == path && s.Method == "POST" {
			n++
		}
	}
	return n
}

var otpRe = regexp.MustCompile(`인증번호 \[([0-9]{6})\]`)

// latestOTP reads the newest one-time code from the demo outbox page, as a person
// with the outbox open in another tab would.
func latestOTP(t testing.TB, srv *apptest.Server, inst ...string) string {
	t.Helper()
	res, err := http.Get(srv.URL + "/demo/outbox")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	code := "901"
	if len(inst) > 0 {
		code = inst[0]
	}
	// The page has a section per institution, newest message first.
	if i := bytes.Index(b, []byte("("+code+")</h2>")); i >= 0 {
		b = b[i:]
		if j := bytes.Index(b[1:], []byte("<h2>")); j >= 0 {
			b = b[:j+1]
		}
	} else {
		t.Fatalf("no outbox section for %s", code)
	}
	m := otpRe.FindSubmatch(b)
	if m == nil {
		t.Fatalf("no one-time code in the demo outbox")
	}
	return string(m[1])
}

func outboxText(t *testing.T, srv *apptest.Server) string {
	t.Helper()
	res, err := http.Get(srv.URL + "/demo/outbox")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func start(t testing.TB) (*apptest.Server, *recorder) {
	rc := &recorder{}
	srv := apptest.Start(t, apptest.Options{Wrap: rc.wrap})
	if err := srv.App.SeedDemoCustomers(t.Context()); err != nil {
		t.Fatal(err)
	}
	return srv, rc
}

const (
	demoName = "홍길동"
	demoIDN  = "8001011234567"
	goodPW   = "Demo!pass2026"
)

// verifyBySMS completes the identity step by SMS on the current verify page.
func verifyBySMS(t *testing.T, b *webtest.Browser, srv *apptest.Server, inst, name, idn string) {
	t.Helper()
	b.Type("#name", name)
	b.Type("#idn", idn)
	b.Click("#method-sms")
	b.Shot("verify")
	b.Click("#next")
	b.WaitPath("/"+inst+"/verify/confirm", 10*time.Second)
	b.Shot("confirm")
	b.Type("#code", latestOTP(t, srv, inst))
	b.Click("#next")
}

// issue runs the issue wizard of 901 from the center's home to the done page.
func issue(t *testing.T, b *webtest.Browser, srv *apptest.Server, usage string) string {
	t.Helper()
	return issueAt(t, b, srv, "901", usage)
}

// issueAt runs the issue wizard of institution inst.
func issueAt(t *testing.T, b *webtest.Browser, srv *apptest.Server, inst, usage string) string {
	t.Helper()
	b.Go(srv.URL + "/" + inst + "/")
	b.Click("#menu-issue")
	b.WaitPath("/"+inst+"/issue", 10*time.Second)
	b.Shot("terms")
	b.Click("#agree")
	b.Click("#next")
	b.WaitPath("/"+inst+"/verify", 10*time.Second)
	verifyBySMS(t, b, srv, inst, demoName, demoIDN)
	b.WaitPath("/"+inst+"/issue/kind", 10*time.Second)
	b.Click("#usage-" + usage)
	if webtest.Eval[bool](b, `!!document.getElementById('reissue')`) {
		b.Shot("reissue-warning")
		b.Click("#reissue")
	}
	b.Shot("kind")
	b.Click("#next")
	b.WaitPath("/"+inst+"/issue/key", 10*time.Second)
	b.Do("key page", chromedp.WaitReady(chromedp.CSS("#issue-btn")))
	b.WaitText("#keygen-status", "", 30*time.Second)
	deadline := time.Now().Add(60 * time.Second)
	for webtest.Eval[bool](b, `document.getElementById('issue-btn').disabled`) {
		if time.Now().After(deadline) {
			b.Shot("keygen-timeout")
			t.Fatalf("key generation did not finish: %s", b.Text("#keygen-status"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	// A weak password is refused in the page, rule named, before anything is sent.
	b.Type("#password", "short1!")
	b.Type("#password2", "short1!")
	b.Click("#issue-btn")
	b.WaitFilled("#issue-status", 10*time.Second)
	b.Shot("weak-password")
	if p := b.Path(); p != "/"+inst+"/issue/key" {
		t.Fatalf("a weak password left the key page for %s", p)
	}
	webtest.Eval[bool](b, `(() => { for (const id of ['password', 'password2']) document.getElementById(id).value = ''; return true; })()`)
	b.Type("#password", goodPW)
	b.Type("#password2", goodPW)
	b.Shot("password")
	b.Click("#issue-btn")
	b.WaitPath("/"+inst+"/issue/done", 60*time.Second)
	b.Shot("done")
	return b.Text("#detail-serial")
}

func TestIssueJourney(t *testing.T) {
	for _, tc := range []struct {
		vp   webtest.Viewport
		lang string
	}{{webtest.Desktop, "ko"}, {webtest.Phone, "en"}} {
		t.Run(tc.vp.Name+"-"+tc.lang, func(t *testing.T) {
			srv, rc := start(t)
			b := webtest.New(t, tc.vp)
			b.Go(srv.URL + "/?lang=" + tc.lang)
			b.Shot("index")
			serial := issue(t, b, srv, "universal")
			if serial == "" {
				t.Fatal("the done page shows no serial")
			}
			// The browser keeps the certificate; the server stored it as valid.
			certs := browserCerts(t, b)
			if len(certs) != 1 {
				t.Fatalf("IndexedDB holds %d certificates, want 1", len(certs))
			}
			c := stored(t, srv, serial)
			if c.Status != model.StatusValid || c.Usage != model.Universal || !bytes.Equal(c.DER, certs[0].Cert) {
				t.Errorf("server record: status %s usage %s, same DER %v", c.Status, c.Usage, bytes.Equal(c.DER, certs[0].Cert))
			}
			// What the browser wrote opens as certctl opens it; and nothing secret
			// crossed: not the key (in any encoding), not the password; R only in the
			// issuance request, where the CA computes the VID from it.
			key, r := openKey(t, certs[0].KeyFile, goodPW)
			rc.none(t, "private key", key)
			rc.none(t, "key-file password", []byte(goodPW))
			rc.none(t, "identity random R", r, "/901/api/issue")
			if !rc.sentTo("/901/api/issue", r) {
				t.Fatal("the recorder did not see R in the issuance request: the body checks prove nothing")
			}
			if n := rc.count("/901/api/issue"); n != 1 {
				t.Errorf("%d issuance requests, want 1 (the weak password must not have sent one)", n)
			}
			// The notice reached the customer's phone (the demo outbox).
			if ob := outboxText(t, srv); !strings.Contains(ob, "인증서 발급 완료") {
				t.Errorf("no issuance notice in the outbox")
			}
		})
	}
}
