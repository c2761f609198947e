package config

import (
	"strings"
	"testing"
	"time"
)

func TestCenterDefaultsAndLoad(t *testing.T) {
	c := Default()
	if c.Center.CorporateUniversalFee != 110000 || c.Center.ReminderEvery() != time.Minute {
		t.Errorf("defaults: %+v", c.Center)
	}
	c, err := Load(write(t, `
demo = true
[center]
corporate_universal_fee = 99000
reminder_interval = "30s"
[center.smtp]
addr = "127.0.0.1:2525"
from = "certcenter@bank.example"
password = "env:SMTP_PASSWORD"
[center.sms_webhook]
url = "https://sms.example/send"
token = "file:/etc/sms-token"
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if c.Center.CorporateUniversalFee != 99000 || c.Center.SMTP.Addr != "127.0.0.1:2525" || c.Center.ReminderEvery() != 30*time.Second {
		t.Errorf("loaded %+v", c.Center)
	}
}

func TestCenterRefusals(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"negative fee", "[center]\ncorporate_universal_fee = -1\n", "center.corporate_universal_fee"},
		{"missing root file", "[center]\ntrusted_roots = [\"/nonexistent/root.pem\"]\n", "center.trusted_roots[0]"},
		{"bad interval", "[center]\nreminder_interval = \"soon\"\n", "center.reminder_interval"},
		{"smtp without from", "[center.smtp]\naddr = \"127.0.0.1:25\"\n", "center.smtp.from"},
		{"smtp bad addr", "[center.smtp]\naddr = \"mail\"\nfrom = \"a@b.c\"\n", "center.smtp.addr"},
		{"literal smtp password", "[center.smtp]\npassword = \"hunter2\"\n", "center.smtp.password"},
		{"bad webhook", "[center.sms_webhook]\nurl = \"ftp://x\"\n", "center.sms_webhook.url"},
		{"literal webhook token", "[center.sms_webhook]\nurl = \"https://x\"\ntoken = \"abc\"\n", "center.sms_webhook.token"},
		{"unknown key", "[center]\nfee = 1\n", "unknown key center.fee"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(write(t, tc.body))
			if err == nil {
				err = c.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one naming %q", err, tc.want)
			}
		})
	}
}
