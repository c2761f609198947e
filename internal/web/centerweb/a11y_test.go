package centerweb_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/certcenter/certcenter/internal/web/webtest"
)

// keys drives the page with the keyboard only.
type keys struct {
	t *testing.T
	b *webtest.Browser
}

// tabTo presses Tab until the element sel has the focus (at most 60 presses).
func (k keys) tabTo(sel string) {
	k.t.Helper()
	for i := 0; i < 60; i++ {
		if webtest.Eval[bool](k.b, `document.activeElement && document.activeElement.matches(`+"'"+sel+"'"+`)`) {
			return
		}
		k.b.Do("press Tab", chromedp.KeyEvent(kb.Tab))
	}
	k.b.Shot("tab-unreachable")
	k.t.Fatalf("%s cannot be reached with Tab", sel)
}

func (k keys) press(key string) { k.b.Do("press key", chromedp.KeyEvent(key)) }

func (k keys) typeText(s string) { k.b.Do("type", chromedp.KeyEvent(s)) }

// unlabelled lists the form fields on the page without an accessible label.
func unlabelled(b *webtest.Browser) []string {
	return webtest.Eval[[]string](b, `[...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter((el) => !el.closest('.hidden'))
  .filter((el) => {
    if (el.tagName === 'BUTTON') return !(el.textContent.trim() || el.getAttribute('aria-label'));
    return !((el.labels && el.labels.length && [...el.labels].some((l) => l.textContent.trim())) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
  })
  .map((el) => el.id || el.name || el.outerHTML.slice(0, 60))`)
}

// TestKeyboardOnlyIssueAndLabels completes the issue wizard with the keyboard alone
// and checks, on every page of the center, that each form field has a label.
func TestKeyboardOnlyIssueAndLabels(t *testing.T) {
	srv, _ := start(t)
	b := webtest.New(t, webtest.Desktop)
	k := keys{t, b}
	b.Go(srv.URL + "/901/?lang=ko")
	k.tabTo("#menu-issue")
	k.press(kb.Enter)
	b.WaitPath("/901/issue", 10*time.Second)
	k.tabTo("#agree")
	k.press(" ")
	k.tabTo("#next")
	k.press(kb.Enter)
	b.WaitPath("/901/verify", 10*time.Second)
	k.tabTo("#name")
	k.typeText(demoName)
	k.tabTo("#idn")
	k.typeText(demoIDN)
	k.tabTo("#next")
	k.press(kb.Enter)
	b.WaitPath("/901/verify/confirm", 10*time.Second)
	k.tabTo("#code")
	k.typeText(latestOTP(t, srv))
	k.press(kb.Enter) // Enter in a field submits its form
	b.WaitPath("/901/issue/kind", 10*time.Second)
	k.tabTo("#next")
	k.press(kb.Enter)
	b.WaitPath("/901/issue/key", 10*time.Second)
	deadline := time.Now().Add(60 * time.Second)
	for webtest.Eval[bool](b, `document.getElementById('issue-btn').disabled`) && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	k.tabTo("#password")
	k.typeText(goodPW)
	k.tabTo("#password2")
	k.typeText(goodPW)
	k.tabTo("#issue-btn")
	k.press(kb.Enter)
	b.WaitPath("/901/issue/done", 60*time.Second)
	b.Shot("keyboard-done")
	if len(browserCerts(t, b)) != 1 {
		t.Fatal("the keyboard-only issuance stored no certificate")
	}

	for _, p := range []string{"/", "/901/", "/901/issue", "/901/manage", "/901/password", "/901/renew", "/901/revoke",
		"/901/suspend", "/901/copy", "/demo/outbox"} {
		b.Go(srv.URL + p)
		time.Sleep(300 * time.Millisecond) // let the scripts draw the certificate lists
		if bad := unlabelled(b); len(bad) > 0 {
			t.Errorf("%s: fields without a label: %v", p, bad)
		}
	}
	// The check itself sees a field without a label.
	webtest.Eval[bool](b, `(() => { const i = document.createElement('input'); i.id = 'orphan'; document.querySelector('main').appendChild(i); return true; })()`)
	if bad := unlabelled(b); len(bad) != 1 || bad[0] != "orphan" {
		t.Fatalf("the label check missed an unlabelled field: %v", bad)
	}
	// The identity pages, reached through a flow.
	b.Go(srv.URL + "/901/resume")
	b.WaitPath("/901/verify", 10*time.Second)
	if bad := unlabelled(b); len(bad) > 0 {
		t.Errorf("/901/verify: fields without a label: %v", bad)
	}
}
