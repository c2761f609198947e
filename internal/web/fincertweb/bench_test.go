package fincertweb_test

import (
	"sort"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// BenchmarkSDKSign measures, in headless chromium on the demo relying party's origin:
// the bytes of the SDK and of the iframe's first load (document, scripts, style), and
// the time from FinCert.sign() (the page's click) to the verified result on the page,
// PIN typed by the test as soon as the iframe asks. The iframe is opened fresh for each
// signature, as the SDK does.
//
//	go test -run '^$' -bench BenchmarkSDKSign -benchtime 10x ./internal/web/fincertweb
func BenchmarkSDKSign(bm *testing.B) {
	srv := apptest.Start(bm, apptest.Options{})
	if err := srv.App.SeedDemoCustomers(bm.Context()); err != nil {
		bm.Fatal(err)
	}
	rp := srv.App.DemoRelyingParty()
	b := webtest.New(bm, webtest.Desktop)
	issueAtCenter(bm, srv, b, rp)
	sdk := webtest.Eval[float64](b, `performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/fincert/v1/sdk.js')).reduce((a, r) => a + (r.transferSize || r.encodedBodySize), 0)`)
	var took []float64
	var frameBytes float64
	bm.ResetTimer()
	for i := 0; i < bm.N; i++ {
		start := time.Now()
		b.Click("#rp-login-btn")
		f := b.Frame(srv.URL+"/fincert/v1/frame", 20*time.Second)
		f.WaitText("#fc-text", "로그인", 20*time.Second)
		if i == 0 {
			frameBytes = webtest.Eval[float64](f, `(() => { const n = performance.getEntriesByType('navigation')[0];
  return n.transferSize + performance.getEntriesByType('resource').reduce((a, r) => a + (r.transferSize || r.encodedBodySize), 0); })()`)
		}
		f.Type("#fc-pin", pin)
		f.Click("#fc-sign-go")
		b.WaitText("#rp-result", "로그인되었습니다", 30*time.Second)
		took = append(took, float64(time.Since(start).Milliseconds()))
		webtest.Eval[bool](b, `(() => { document.getElementById('rp-result').textContent = ''; return true; })()`)
	}
	bm.StopTimer()
	sort.Float64s(took)
	bm.ReportMetric(sdk/1024, "sdk-KiB")
	bm.ReportMetric(frameBytes/1024, "iframe-first-load-KiB")
	bm.ReportMetric(took[len(took)/2], "sign-to-result-p50-ms")
	bm.ReportMetric(took[len(took)-1], "sign-to-result-max-ms")
}

// issueAtCenter gets the demo customer a financial certificate: identity at 901's web
// center, then FinCert.issue at the relying party.
func issueAtCenter(t testing.TB, srv *apptest.Server, b *webtest.Browser, rp string) {
	issueThroughRP(t, b, srv, rp, "901", "ko", pin)
	b.WaitText("#rp-result", "발급되었습니다", 30*time.Second)
}
