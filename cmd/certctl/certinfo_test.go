package main

import (
	"crypto/x509"
	"testing"
	"time"
)

func TestCertStatus(t *testing.T) {
	notAfter := time.Date(2026, 5, 31, 23, 59, 59, 0, kst)
	cert := &x509.Certificate{NotBefore: notAfter.AddDate(-1, 0, 0), NotAfter: notAfter}
	tests := []struct {
		now  time.Time
		want string
		days int
	}{
		{notAfter.Add(-31 * 24 * time.Hour), statusValid, 31},
		{notAfter.Add(-30 * 24 * time.Hour), statusExpiresSoon, 30},
		{notAfter.Add(-time.Hour), statusExpiresSoon, 0},
		{notAfter, statusExpiresSoon, 0},
		{notAfter.Add(time.Second), statusExpired, -1},
		{cert.NotBefore.Add(-time.Hour), statusNotYetValid, 365},
	}
	for _, tt := range tests {
		if got, d := certStatus(cert, tt.now), daysLeft(cert, tt.now); got != tt.want || d != tt.days {
			t.Errorf("certStatus(%v) = %q, %d days, want %q, %d", tt.now, got, d, tt.want, tt.days)
		}
	}
}

func TestPolicyTable(t *testing.T) {
	tests := []struct {
		oid, ca, kind, usage string
	}{
		{"1.2.410.200005.1.1.4", "yessign", kindPersonal, usageBanking},
		{"1.2.410.200005.1.1.5", "yessign", kindCorporate, usageUniversal},
		{"1.2.410.200005.1.1.1.10", "yessign", kindPersonal, usageFinancial},
		{"1.2.410.200005.1.1.8.12", "yessign", kindCorporate, usageFinancial},
		{"1.2.410.200004.5.2.1.2", "KICA", kindPersonal, usageUniversal},
		{"1.2.410.200004.5.2.1.7.2", "KICA", "", usageSecurities},
		{"1.2.410.200004.5.1.1.7", "SignKorea", kindCorporate, usageUniversal},
		{"1.2.410.200004.5.1.1.9.2", "SignKorea", "", usageCard},
		{"1.2.410.200004.5.4.1.101", "CrossCert", "", usageBanking},
		{"1.2.410.200012.1.1.105", "TradeSign", "", usageCard},
	}
	for _, tt := range tests {
		p, ok := policies[tt.oid]
		if !ok || p.Authority != tt.ca || p.Kind != tt.kind || p.Usage != tt.usage {
			t.Errorf("policies[%s] = %+v, %v, want %s %q %s", tt.oid, p, ok, tt.ca, tt.kind, tt.usage)
		}
	}
}

func TestBankCode(t *testing.T) {
	tests := map[string]string{
		"장정훈()0020041200806232804005":               "020",
		"홍길동()0901041200806232804005":               "901",
		"HKD(KILDONG.HONG)009104120200225191000030": "", // another CA's layout
		"홍길동()0":   "",
		"홍길동()0a1": "",
		"홍길동":      "",
	}
	for cn, want := range tests {
		if got := bankCode(cn); got != want {
			t.Errorf("bankCode(%q) = %q, want %q", cn, got, want)
		}
	}
	if b := banks["020"]; b.ko != "우리은행" {
		t.Errorf("banks[020] = %+v", b)
	}
	if got := displayName("장정훈()0020041200806232804005"); got != "장정훈" {
		t.Errorf("displayName = %q", got)
	}
}
