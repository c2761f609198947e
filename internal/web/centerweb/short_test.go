package centerweb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// TestDemoShortValidityRenewal (phone, English): a demo customer issues a 25-day
// certificate, sees the renewal window open on the management page and renews at once
// with a new password; the new certificate runs a year from the old expiry.
func TestDemoShortValidityRenewal(t *testing.T) {
	srv, rc := start(t)
	b := webtest.New(t, webtest.Phone)
	b.Go(srv.URL + "/901/?lang=en")
	b.Click("#menu-issue")
	b.WaitPath("/901/issue", 10*time.Second)
	b.Click("#agree")
	b.Click("#next")
	b.WaitPath("/901/verify", 10*time.Second)
	verifyBySMS(t, b, srv, "901", demoName, demoIDN)
	b.WaitPath("/901/issue/kind", 10*time.Second)
	b.Click("#short")
	b.Shot("kind-short")
	b.Click("#next")
	b.WaitPath("/901/issue/key", 10*time.Second)
	for webtest.Eval[bool](b, `!document.getElementById('issue-btn') || document.getElementById('issue-btn').disabled`) {
		time.Sleep(100 * time.Millisecond)
	}
	b.Type("#password", goodPW)
	b.Type("#password2", goodPW)
	b.Click("#issue-btn")
	b.WaitPath("/901/issue/done", 60*time.Second)
	serial := b.Text("#detail-serial")
	old := stored(t, srv, serial)
	if days := old.NotAfter.Sub(old.NotBefore).Hours() / 24; days < 24.9 || days > 25.1 {
		t.Fatalf("the demo certificate runs %.1f days, want 25", days)
	}

	b.Go(srv.URL + "/901/renew")
	b.WaitText("#cert-list", "Renewable", 20*time.Second)
	pick(t, b, serial)
	b.Type("#cert-password", goodPW)
	b.Click("#change-password")
	const newPW = "Renewed#2027x"
	b.Type("#password", newPW)
	b.Type("#password2", newPW)
	b.Shot("renew-form")
	b.Click("#renew-btn")
	b.WaitText("#renew-status", "Renewed", 60*time.Second)
	b.Shot("renewed")
	certs := browserCerts(t, b)
	if len(certs) != 1 {
		t.Fatalf("%d certificates in the browser after renewal", len(certs))
	}
	newSerial := certs[0].ID[strings.LastIndex(certs[0].ID, "/")+1:]
	n := stored(t, srv, newSerial)
	if want := old.NotAfter.AddDate(1, 0, 0); !n.NotAfter.Equal(want) {
		t.Errorf("renewed notAfter %v, want a year after the old one (%v)", n.NotAfter, want)
	}
	if o := stored(t, srv, serial); o.Status != model.StatusReplaced {
		t.Errorf("the old certificate is %s after renewal", o.Status)
	}
	openKey(t, certs[0].KeyFile, newPW)
	rc.none(t, "new key-file password", []byte(newPW))
	rc.none(t, "old key-file password", []byte(goodPW))
}
