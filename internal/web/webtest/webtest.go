// Package webtest drives Debian's chromium headless (chromedp) through the web pages,
// for the tests of internal/web's packages: it starts a browser per test with a closed
// network's flags, sets a desktop or a phone viewport, writes screenshots for review
// and collects downloads. It is imported only by tests.
package webtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/certcenter/certcenter/internal/testenv"
)

// Viewport is a screen a journey runs on.
type Viewport struct {
	Name          string
	Width, Height int64
	Mobile        bool
}

var (
	Desktop = Viewport{Name: "desktop", Width: 1280, Height: 900}
	Phone   = Viewport{Name: "phone", Width: 360, Height: 740, Mobile: true}
)

// Browser is one headless chromium with one tab.
type Browser struct {
	Ctx       context.Context
	Downloads string
	t         testing.TB
	name      string
	shots     int
	parent    *Browser // for an iframe's Browser: screenshots are the page's
	// frameSel selects a same-origin iframe in the parent's page: Chrome runs it in the
	// page's process, so its Browser queries from the iframe element's document and
	// evaluates scripts against it (see Frame).
	frameSel string
}

// q returns the query options of b's queries: none for a page or a cross-site
// iframe's target; from the iframe's current document for a same-origin iframe.
func (b *Browser) q() []chromedp.QueryOption {
	if b.frameSel == "" {
		return nil
	}
	nodes, err := chromedp.Run(b.Ctx, chromedp.Nodes(chromedp.CSS(b.frameSel)))
	if err != nil || len(nodes) == 0 {
		return nil
	}
	return []chromedp.QueryOption{chromedp.FromNode(nodes[0])}
}

// js makes expr, written against document, run against b's document.
func (b *Browser) js(expr string) string {
	if b.frameSel == "" {
		return expr
	}
	return `((document) => (` + expr + `))(document.querySelector(` + jsString(b.frameSel) + `).contentDocument)`
}

// ChromiumPath returns the chromium binary, or skips (fails under
// CERTCENTER_REQUIRE_ALL=1) when it is missing.
func ChromiumPath(t testing.TB) string {
	for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	testenv.Missing(t, "chromium not found in PATH (apt-get install -y chromium)")
	return ""
}

// New starts chromium on vp; it ends with the test.
func New(t testing.TB, vp Viewport) *Browser {
	t.Helper()
	path := ChromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(int(vp.Width), int(vp.Height)),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 10*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &Browser{Ctx: ctx, Downloads: t.TempDir(), t: t, name: safe(t.Name()) + "-" + vp.Name}
	emulate := chromedp.EmulateViewport(vp.Width, vp.Height)
	if vp.Mobile {
		emulate = chromedp.EmulateViewport(vp.Width, vp.Height, chromedp.EmulateScale(2), chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, emulate); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: b.Downloads}); err != nil {
		t.Fatalf("chromium downloads: %v", err)
	}
	return b
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func safe(s string) string { return strings.Trim(unsafe.ReplaceAllString(s, "_"), "_") }

// ScreenshotDir is where screenshots go: $CERTCENTER_SCREENSHOTS, or a folder in the
// system's temporary directory.
func ScreenshotDir() string {
	if d := os.Getenv("CERTCENTER_SCREENSHOTS"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "certcenter-screenshots")
}

// Shot writes a full-page screenshot named after the test, the viewport and step.
func (b *Browser) Shot(step string) {
	b.t.Helper()
	if b.parent != nil {
		b.parent.Shot(step)
		return
	}
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil { // a page in the middle of a navigation: try once more
		time.Sleep(300 * time.Millisecond)
		png, err = chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	}
	if err != nil { // screenshots are for review, not assertions
		b.t.Logf("screenshot %s: %v", step, err)
		return
	}
	dir := ScreenshotDir()
	os.MkdirAll(dir, 0o755)
	b.shots++
	name := filepath.Join(dir, b.name+"-"+twoDigits(b.shots)+"-"+safe(step)+".png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		b.t.Errorf("write screenshot: %v", err)
	}
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + string(rune('0'+n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// Do runs actions, failing the test with what it was doing.
func (b *Browser) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.Ctx, actions...); err != nil {
		b.Shot("failed-" + safe(what))
		b.t.Fatalf("%s: %v", what, err)
	}
}

// Eval evaluates a JavaScript expression (awaiting a promise) and decodes its value.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](b.js(expr), chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Text returns the text content of the first element matching the CSS selector.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.Ctx, chromedp.TextContent(chromedp.CSS(sel), b.q()...))
	for i := 0; err != nil && i < 5; i++ { // a page replaced under the query: look again
		time.Sleep(200 * time.Millisecond)
		s, err = chromedp.Run(b.Ctx, chromedp.TextContent(chromedp.CSS(sel), b.q()...))
	}
	if err != nil {
		b.Shot("failed-read")
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// Go navigates to url and waits for its body.
func (b *Browser) Go(url string) {
	b.t.Helper()
	b.Do("open "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// Click clicks the element matching the CSS selector once it is visible. A page that
// was replaced between the lookup and the click (a redirect just finished) is looked
// up again.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	var err error
	for i := 0; i < 5; i++ {
		q := b.q()
		if err = chromedp.Do(b.Ctx, chromedp.WaitVisible(chromedp.CSS(sel), q...), chromedp.Click(chromedp.CSS(sel), q...)); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.Shot("failed-click")
	b.t.Fatalf("click %s: %v", sel, err)
}

// Type types text into the field matching the CSS selector.
func (b *Browser) Type(sel, text string) {
	b.t.Helper()
	var err error
	for i := 0; i < 5; i++ {
		q := b.q()
		if err = chromedp.Do(b.Ctx, chromedp.WaitVisible(chromedp.CSS(sel), q...), chromedp.SendKeys(chromedp.CSS(sel), text, q...)); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.Shot("failed-type")
	b.t.Fatalf("type into %s: %v", sel, err)
}

// Path is the current location's path and query.
func (b *Browser) Path() string {
	return Eval[string](b, "location.pathname + location.search")
}

// WaitPath waits until the location's path is path.
func (b *Browser) WaitPath(path string, d time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if p, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string]("location.pathname")); err == nil && p == path {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Shot("timeout-path")
	b.t.Fatalf("waited %v for %s; at %s", d, path, b.Path())
}

// WaitText waits until the element sel's text contains want, or fails after d.
func (b *Browser) WaitText(sel, want string, d time.Duration) string {
	b.t.Helper()
	deadline := time.Now().Add(d)
	var s string
	for time.Now().Before(deadline) {
		got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](b.js(`(document.querySelector(`+jsString(sel)+`) || {}).textContent || ""`)))
		if err == nil {
			s = got
			if strings.Contains(s, want) {
				return s
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Shot("timeout-" + sel)
	b.t.Fatalf("waited %v for %q in %s; it says %q", d, want, sel, s)
	return s
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}

// Download waits for a file whose name matches pattern in the downloads folder.
func (b *Browser) Download(pattern string, d time.Duration) string {
	b.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		m, _ := filepath.Glob(filepath.Join(b.Downloads, pattern))
		for _, f := range m {
			if !strings.HasSuffix(f, ".crdownload") {
				if st, err := os.Stat(f); err == nil && st.Size() > 0 {
					return f
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("no download %s after %v", pattern, d)
	return ""
}

// WaitFilled waits until the element sel has some text, and returns it.
func (b *Browser) WaitFilled(sel string, d time.Duration) string {
	b.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](b.js(`(document.querySelector(`+jsString(sel)+`) || {}).textContent || ""`)))
		if err == nil && strings.TrimSpace(got) != "" {
			return strings.TrimSpace(got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Shot("timeout-" + sel)
	b.t.Fatalf("waited %v for text in %s", d, sel)
	return ""
}

// Frame waits for an iframe whose URL starts with prefix and returns a Browser that
// acts inside it: a cross-site iframe is a separate target in Chrome, attached to; a
// same-origin one lives in the page's process and is reached through its element.
func (b *Browser) Frame(prefix string, d time.Duration) *Browser {
	b.t.Helper()
	deadline := time.Now().Add(d)
	sel := `iframe[src^=` + jsString(prefix) + `]`
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(b.Ctx)
		if err == nil {
			for _, info := range infos {
				if info.Type == "iframe" && strings.HasPrefix(info.URL, prefix) {
					ctx, cancel := chromedp.NewContext(b.Ctx, chromedp.WithTargetID(info.TargetID))
					b.t.Cleanup(cancel)
					return &Browser{Ctx: ctx, Downloads: b.Downloads, t: b.t, name: b.name + "-frame", parent: b}
				}
			}
		}
		loaded, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`(() => { const f = document.querySelector(`+jsString(sel)+`);
  try { return !!f && !!f.contentDocument && f.contentDocument.readyState === 'complete' && f.contentDocument.URL.startsWith(`+jsString(prefix)+`); } catch (e) { return false; } })()`))
		if err == nil && loaded {
			return &Browser{Ctx: b.Ctx, Downloads: b.Downloads, t: b.t, name: b.name + "-frame", parent: b, frameSel: sel}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Shot("no-frame")
	b.t.Fatalf("no iframe at %s after %v", prefix, d)
	return nil
}
