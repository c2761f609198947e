package centerweb_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certcenter/certcenter/internal/web/webtest"
)

// pageCost is what a page costs the browser: bytes over the wire (compressed where
// the server compressed) for the document and every resource, and when it became
// interactive.
type pageCost struct {
	Bytes       float64
	Interactive float64 // ms from navigation start to domInteractive
	Resources   []struct {
		Name  string
		Bytes float64
	}
}

func measure(b *webtest.Browser) pageCost {
	return webtest.Eval[pageCost](b, `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource').map((r) => ({ Name: new URL(r.name).pathname, Bytes: r.transferSize || r.encodedBodySize }));
  return { Bytes: nav.transferSize + res.reduce((a, r) => a + r.Bytes, 0), Interactive: nav.domInteractive, Resources: res };
})()`)
}

// BenchmarkCenterPages measures, in headless chromium on a fresh profile (no cache):
// the center's first page and the issue wizard's key page (bytes transferred, time to
// interactive, and for the wizard the time until the key is made, which loads the npki
// module); the time from pressing 발급 to the certificate stored in the browser; and,
// as the ceiling of that step in the same run, WebCrypto's RSA-2048 key generation
// alone. It prints the size of every asset the browser loaded.
//
//	go test -run '^$' -bench BenchmarkCenterPages -benchtime 3x ./internal/web/centerweb
func BenchmarkCenterPages(bm *testing.B) {
	var first, wizard pageCost
	var ready, issueMS, keygenMS []float64
	for i := 0; i < bm.N; i++ {
		bm.StopTimer()
		srv, _ := start(bm)
		br := webtest.New(bm, webtest.Desktop)
		br.Go(srv.URL + "/901/")
		first = measure(br)
		b := br
		b.Click("#menu-issue")
		b.WaitPath("/901/issue", 10*time.Second)
		b.Click("#agree")
		b.Click("#next")
		b.WaitPath("/901/verify", 10*time.Second)
		b.Type("#name", demoName)
		b.Type("#idn", demoIDN)
		b.Click("#next")
		b.WaitPath("/901/verify/confirm", 10*time.Second)
		b.Type("#code", latestOTP(bm, srv))
		b.Click("#next")
		b.WaitPath("/901/issue/kind", 10*time.Second)
		b.Click("#next")
		b.WaitPath("/901/issue/key", 10*time.Second)
		b.Do("key page", chromedp.WaitReady(chromedp.CSS("#issue-btn")))
		start := time.Now()
		for webtest.Eval[bool](b, `document.getElementById('issue-btn').disabled`) {
			time.Sleep(20 * time.Millisecond)
		}
		ready = append(ready, float64(time.Since(start).Milliseconds())+webtest.Eval[float64](b, `performance.getEntriesByType('navigation')[0].domInteractive`))
		wizard = measure(b)
		b.Type("#password", goodPW)
		b.Type("#password2", goodPW)
		bm.StartTimer()
		start = time.Now()
		b.Click("#issue-btn")
		b.WaitPath("/901/issue/done", 60*time.Second)
		issueMS = append(issueMS, float64(time.Since(start).Milliseconds()))
		bm.StopTimer()
		keygenMS = append(keygenMS, webtest.Eval[float64](b, `(async () => { const t = performance.now();
  await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign']);
  return performance.now() - t; })()`))
		bm.StartTimer()
	}
	bm.ReportMetric(first.Bytes/1024, "first-page-KiB")
	bm.ReportMetric(first.Interactive, "first-page-interactive-ms")
	bm.ReportMetric(wizard.Bytes/1024, "wizard-KiB")
	bm.ReportMetric(median(ready), "wizard-key-ready-ms")
	bm.ReportMetric(median(issueMS), "issue-click-to-stored-ms")
	bm.ReportMetric(median(keygenMS), "webcrypto-keygen-ms")
	var lines []string
	for _, r := range append(first.Resources, wizard.Resources...) {
		lines = append(lines, fmt.Sprintf("%8.1f KiB  %s", r.Bytes/1024, r.Name))
	}
	sort.Strings(lines)
	bm.Logf("assets loaded (first page, then the wizard's key page):\n%s", strings.Join(dedupe(lines), "\n"))
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func dedupe(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
