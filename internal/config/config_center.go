package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"time"
)

// Center configures the certificate center's desk: fees, the trust list for
// other-institution registration, expiry reminders and how notifications leave.
type Center struct {
	// CorporateUniversalFee is the yearly fee in KRW of a corporate universal
	// certificate (persons pay 4,400 KRW, KOREAN-PKI.md section 1).
	CorporateUniversalFee int64 `toml:"corporate_universal_fee"`
	// TrustedRoots are PEM files of other CAs' root (and intermediate) certificates whose
	// subscriber certificates may be registered (타기관 인증서 등록) or used as proof of
	// identity. This CA's own root is always trusted.
	TrustedRoots []string `toml:"trusted_roots"`
	// ReminderInterval is how often the reminder job looks for certificates nearing
	// expiry (Go duration, e.g. "1m").
	ReminderInterval string     `toml:"reminder_interval"`
	SMTP             SMTP       `toml:"smtp"`
	SMSWebhook       SMSWebhook `toml:"sms_webhook"`
}

// SMTP is the relay that e-mail reminders leave through.
type SMTP struct {
	Addr     string `toml:"addr"` // host:port; empty: no e-mail
	From     string `toml:"from"`
	Username string `toml:"username"`
	Password string `toml:"password"` // "env:NAME" or "file:/path"
}

// SMSWebhook is the SMS provider's HTTP endpoint: POST JSON {to, text, institution}.
type SMSWebhook struct {
	URL   string `toml:"url"`   // empty: no text messages (demo: the outbox)
	Token string `toml:"token"` // Bearer token, "env:NAME" or "file:/path"
}

func defaultCenter() Center {
	return Center{CorporateUniversalFee: 110000, ReminderInterval: "1m"}
}

// ReminderEvery returns the reminder interval (validated).
func (c Center) ReminderEvery() time.Duration {
	d, err := time.ParseDuration(c.ReminderInterval)
	if err != nil || d <= 0 {
		return time.Minute
	}
	return d
}

func (c Center) validate(add func(path, format string, args ...any)) {
	if c.CorporateUniversalFee < 0 {
		add("center.corporate_universal_fee", "%d: must not be negative", c.CorporateUniversalFee)
	}
	for i, f := range c.TrustedRoots {
		if _, err := os.Stat(f); err != nil {
			add(fmt.Sprintf("center.trusted_roots[%d]", i), "%v", err)
		}
	}
	if d, err := time.ParseDuration(c.ReminderInterval); err != nil || d < time.Second {
		add("center.reminder_interval", "%q: a Go duration of at least 1s, e.g. \"1m\"", c.ReminderInterval)
	}
	if c.SMTP.Addr != "" {
		if _, _, err := net.SplitHostPort(c.SMTP.Addr); err != nil {
			add("center.smtp.addr", "%q is not host:port", c.SMTP.Addr)
		}
		if c.SMTP.From == "" {
			add("center.smtp.from", "required with center.smtp.addr")
		}
	}
	if c.SMTP.Password != "" && !refRE.MatchString(c.SMTP.Password) {
		add("center.smtp.password", "must be a reference env:NAME or file:/path, never the password itself")
	}
	if c.SMSWebhook.URL != "" {
		if u, err := url.Parse(c.SMSWebhook.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("center.sms_webhook.url", "%q is not an http(s) URL", c.SMSWebhook.URL)
		}
	}
	if c.SMSWebhook.Token != "" && !refRE.MatchString(c.SMSWebhook.Token) {
		add("center.sms_webhook.token", "must be a reference env:NAME or file:/path, never the token itself")
	}
}
