package centerweb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/web/webtest"
)

// TestRefusalPages shows two refusals as a person meets them, in both languages: a
// customer without internet banking, and a session that expired in the middle of the
// wizard. Each page says what happened and what to do, with the stable code.
func TestRefusalPages(t *testing.T) {
	srv, _ := start(t)
	for _, tc := range []struct {
		vp                    webtest.Viewport
		lang, branch, restart string
	}{
		{webtest.Phone, "ko", "영업점", "처음부터"},
		{webtest.Desktop, "en", "branch", "Start again"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			b := webtest.New(t, tc.vp)
			b.Go(srv.URL + "/901/issue?lang=" + tc.lang)
			b.Click("#agree")
			b.Click("#next")
			b.WaitPath("/901/verify", 10*time.Second)
			b.Type("#name", "이철수")
			b.Type("#idn", "9009091456789")
			b.Click("#next")
			b.WaitText("#problem-code", "WEB_NOT_SUBSCRIBED", 10*time.Second)
			if h := b.Text("#problem-hint"); !contains(h, tc.branch) {
				t.Errorf("the hint %q does not send the customer to a branch", h)
			}
			b.Shot("not-subscribed")

			b.Go(srv.URL + "/901/issue")
			b.Click("#agree")
			srv.Clock.Advance(11 * time.Minute)
			b.Click("#next")
			b.WaitText("#problem-code", "SESSION_EXPIRED", 10*time.Second)
			if h := b.Text("#problem-hint"); !contains(h, tc.restart) {
				t.Errorf("the hint %q does not say to start again", h)
			}
			b.Shot("session-expired")
		})
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
