package console_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/apptest"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
	"github.com/certcenter/certcenter/internal/web/webtest"
)

// TestOperatorPagesInBrowser: in chromium, with the server's background jobs running
// (CRL publication, OCSP pre-signing, the node heartbeat), an operator opens the
// operations page from the menu and sees every section filled from the server: the
// CA certificates, the published CRL partitions, the pre-signed responses, a failed
// notification with its recipient masked, this node holding the publisher lock; then
// adds an institution (a wrong short name is refused first), is shown its first key
// once, and revokes it. Korean on a desktop, English on a phone.
func TestOperatorPagesInBrowser(t *testing.T) {
	for _, tc := range []struct {
		lang string
		vp   webtest.Viewport
		code string
		want map[string]string
	}{
		{"ko", webtest.Desktop, "905", map[string]string{"publisher": "발행 잠금", "created": "만들었습니다", "revoked": "폐기됨", "short": "영문 약칭"}},
		{"en", webtest.Phone, "906", map[string]string{"publisher": "Publisher lock", "created": "was created", "revoked": "Revoked", "short": "short name"}},
	} {
		t.Run(tc.lang+"-"+tc.vp.Name, func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Jobs: true})
			if err := srv.App.SeedDemoCustomers(t.Context()); err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			// A certificate, revoked: the CRL of its partition has an entry.
			teller := login(t, srv, addStaff(t, srv, "901", "teller", model.RoleTeller))
			inst, _ := srv.App.Store.Institution(ctx, "901")
			cust, err := srv.App.Desk.FindCustomer(ctx, inst, demoName, demoIDN)
			if err != nil {
				t.Fatal(err)
			}
			ref, code := printSlip(t, srv, teller, cust.ID)
			serial := mustSerial(t, issueWithSlip(t, srv, ref, code))
			if _, err := srv.App.Center.Revoke(ctx, &inst, serial, model.ReasonKeyCompromise, nil, "test"); err != nil {
				t.Fatal(err)
			}
			// A message a transport refused.
			rec := &notify.Recorder{Next: failing{fail: map[string]bool{"01055556666": true}}, Store: srv.App.Store, Key: srv.App.Seal.MAC, Now: srv.Clock.Now}
			rec.Send(ctx, notify.Message{Institution: "901", Channel: notify.SMS, To: "01055556666", Body: "x"})

			op := addStaff(t, srv, "ca", "op", model.RoleOperator)
			b := webtest.New(t, tc.vp)
			browserLogin(t, b, srv, op, tc.lang)
			b.Click("#menu-console\\.menu_operations")
			b.WaitPath("/console/operations", 10*time.Second)
			// The publisher and the pre-signer run in the background: reload until
			// this node holds the lock and the responses are signed.
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(b.Text("#publisher"), tc.want["publisher"]) || b.Text("#ocsp-count") == "0" {
				if time.Now().After(deadline) {
					b.Shot("operations-timeout")
					t.Fatalf("the page shows no publisher or no OCSP response: %q %q", b.Text("#publisher"), b.Text("#ocsp-count"))
				}
				time.Sleep(500 * time.Millisecond)
				b.Go(srv.URL + "/console/operations")
			}
			b.Shot("operations")
			c, _ := srv.App.Store.Certificate(ctx, serial)
			crl, err := srv.App.Store.CRL(ctx, "issuing", c.Partition)
			if err != nil {
				t.Fatal(err)
			}
			row := "#crl-issuing-" + strconv.Itoa(c.Partition)
			b.WaitText(row+" .crl-number", strconv.FormatInt(crl.Number, 10), 10*time.Second)
			if got := b.Text("#failures-table"); !strings.Contains(got, "010-****-6666") || strings.Contains(got, "01055556666") {
				t.Errorf("failures: %q", got)
			}

			b.Click("#menu-console\\.menu_institutions")
			b.WaitPath("/console/institutions", 10*time.Second)
			b.Shot("institutions")
			b.Click("#inst-new")
			b.WaitPath("/console/institutions/new", 10*time.Second)
			b.Type("#inst-code", tc.code)
			b.Type("#inst-name", "봄빛은행")
			b.Type("#inst-short", "bombit")
			b.Click("#inst-create")
			b.WaitText("#error-summary", tc.want["short"], 10*time.Second)
			b.Shot("institution-refused")
			webtest.Eval[bool](b, `(document.getElementById('inst-short').value = 'BOMBIT') === 'BOMBIT'`)
			b.Click("#inst-create")
			b.WaitPath("/console/institutions", 10*time.Second)
			b.WaitText(".notice", tc.want["created"], 10*time.Second)
			key := b.WaitText("#new-key", "cc_"+tc.code+"_", 10*time.Second)
			b.Shot("institution-created")
			if !apiKeyWorks(t, srv, key) {
				t.Fatal("the key shown does not work")
			}
			b.Click("#revoke-key-open-" + tc.code)
			b.Click("#revoke-key-confirm-" + tc.code)
			b.Shot("revoke-key-form")
			b.Click("#revoke-key-" + tc.code)
			b.WaitText("#key-"+tc.code, tc.want["revoked"], 10*time.Second)
			b.Shot("key-revoked")
			if apiKeyWorks(t, srv, key) {
				t.Fatal("the revoked key still works")
			}
		})
	}
}
