package app

import (
	"net/http"

	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"github.com/certcenter/certcenter/internal/revcheck"
	"os"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/httpapi"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
)

// mountCenterAPI mounts the certificate center's institution API (customers,
// verification, verified enrollment, renewal, revocation, suspension, registration,
// billing, the OpenAPI document and, in demo mode, the development outbox) and its jobs:
// expiry reminders and billing.
func (a *App) mountCenterAPI(ctx context.Context) error {
	cfg := a.Cfg.Center
	router := notify.Router{}
	if cfg.SMTP.Addr != "" {
		s := &notify.SMTP{Addr: cfg.SMTP.Addr, From: cfg.SMTP.From, Username: cfg.SMTP.Username, Now: a.Now}
		if cfg.SMTP.Password != "" {
			pw, err := ResolveSecret(cfg.SMTP.Password)
			if err != nil {
				return fmt.Errorf("center.smtp.password: %w", err)
			}
			s.Password = string(pw)
		}
		router[notify.Email] = append(router[notify.Email], s)
	}
	if cfg.SMSWebhook.URL != "" {
		w := &notify.Webhook{URL: cfg.SMSWebhook.URL}
		if cfg.SMSWebhook.Token != "" {
			tok, err := ResolveSecret(cfg.SMSWebhook.Token)
			if err != nil {
				return fmt.Errorf("center.sms_webhook.token: %w", err)
			}
			w.Token = string(tok)
		}
		router[notify.SMS] = append(router[notify.SMS], w)
	}
	var outbox httpapi.OutboxReader
	if a.Cfg.Demo {
		ob := &notify.Outbox{Store: a.Store, Now: a.Now}
		router[notify.Email] = append(router[notify.Email], ob)
		router[notify.SMS] = append(router[notify.SMS], ob)
		outbox = a.Store
	}
	trust, err := a.centerTrust(cfg.TrustedRoots)
	if err != nil {
		return err
	}
	// Every message's outcome is recorded for the operator's console (never its body).
	sender := &notify.Recorder{Next: router, Store: a.Store, Key: a.Seal.MAC, Now: a.Now,
		OnRecordError: func(err error) { a.Log.Warn("notification log", "err", err) }}
	desk := center.NewDesk(a.Center, a.Store, center.DeskOptions{
		Notifier: sender, Trust: trust, PolicyOID: a.CA.PolicyOID,
		Status: &revcheck.Checker{HTTP: &http.Client{Timeout: 5 * time.Second}, Now: a.Now},
		Fees:   center.Fees{PersonalUniversalKRW: center.DefaultFees().PersonalUniversalKRW, CorporateUniversalKRW: cfg.CorporateUniversalFee},
	})
	a.Desk = desk
	a.notifier = sender

	// Billing follows issuance: a universal certificate's change wakes the billing job;
	// the job also runs every minute, so a crash between issuance and billing only
	// delays the record.
	wake := make(chan struct{}, 1)
	kick := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	a.CA.OnChange(func(c model.Certificate) {
		if c.Usage == model.Universal {
			kick()
		}
	})
	a.API.MountDesk(desk, httpapi.DeskOptions{Outbox: outbox, AfterIssue: kick})
	a.jobs = append(a.jobs,
		Job{Name: "reminders", Run: func(ctx context.Context) {
			desk.NewReminders().Run(ctx, cfg.ReminderEvery(), func(err error) { a.Log.Warn("reminders", "err", err) })
		}},
		Job{Name: "billing", Run: func(ctx context.Context) {
			t := time.NewTicker(time.Minute)
			defer t.Stop()
			for {
				if _, err := desk.BillPending(ctx); err != nil && ctx.Err() == nil {
					a.Log.Warn("billing", "err", err)
				}
				select {
				case <-ctx.Done():
					return
				case <-wake:
				case <-t.C:
				}
			}
		}})
	return nil
}

// centerTrust builds the trust list for certificates presented as proof: this CA's
// root and issuing CA, plus the configured PEM files of other CAs (self-signed
// certificates become roots, the others intermediates).
func (a *App) centerTrust(files []string) (center.Trust, error) {
	t := center.Trust{Roots: x509.NewCertPool(), Intermediates: x509.NewCertPool()}
	root, err := x509.ParseCertificate(a.CA.RootDER())
	if err != nil {
		return t, err
	}
	own, err := x509.ParseCertificate(a.CA.IssuingDER())
	if err != nil {
		return t, err
	}
	t.Roots.AddCert(root)
	t.Intermediates.AddCert(own)
	t.Own = own
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return t, fmt.Errorf("center.trusted_roots[%d]: %w", i, err)
		}
		n := 0
		for {
			var block *pem.Block
			block, b = pem.Decode(b)
			if block == nil {
				break
			}
			if block.Type != "CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return t, fmt.Errorf("center.trusted_roots[%d]: %w", i, err)
			}
			if c.CheckSignatureFrom(c) == nil {
				t.Roots.AddCert(c)
			} else {
				t.Intermediates.AddCert(c)
			}
			n++
		}
		if n == 0 {
			return t, fmt.Errorf("center.trusted_roots[%d]: %s holds no PEM certificate", i, f)
		}
	}
	return t, nil
}
