package issuance

import (
	"encoding/asn1"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/model"
)

func TestPolicyOIDAndKindOU(t *testing.T) {
	custom := testProfile()
	custom.PolicyArc = asn1.ObjectIdentifier{1, 2, 410, 999999, 1}
	tests := []struct {
		p      Profile
		kind   model.Kind
		usage  model.Usage
		oid    string
		kindOU string
	}{
		{testProfile(), model.Personal, model.Universal, "1.2.410.200005.1.1.1", "personal"},
		{testProfile(), model.Corporate, model.Universal, "1.2.410.200005.1.1.5", "corporation"},
		{testProfile(), model.Personal, model.Banking, "1.2.410.200005.1.1.4", "personal4IB"},
		{testProfile(), model.Corporate, model.Banking, "1.2.410.200005.1.1.2", "corporation4EC"},
		{custom, model.Personal, model.Banking, "1.2.410.999999.1.4", "personal4IB"},
	}
	for _, tt := range tests {
		oid, err := tt.p.PolicyOID(tt.kind, tt.usage)
		if err != nil || oid.String() != tt.oid {
			t.Errorf("PolicyOID(%s, %s) = %v, %v; want %s", tt.kind, tt.usage, oid, err, tt.oid)
		}
		ou, err := KindOU(tt.kind, tt.usage)
		if err != nil || ou != tt.kindOU {
			t.Errorf("KindOU(%s, %s) = %q, %v; want %q", tt.kind, tt.usage, ou, err, tt.kindOU)
		}
	}
	if _, err := testProfile().PolicyOID("alien", model.Banking); err == nil {
		t.Error("PolicyOID(alien) succeeded")
	}
}

func TestProfileValidate(t *testing.T) {
	if err := testProfile().Validate(); err != nil {
		t.Fatalf("Validate(test profile) = %v", err)
	}
	tests := []struct {
		name string
		edit func(*Profile)
		want string
	}{
		{"no organization", func(p *Profile) { p.Organization = "" }, "Organization"},
		{"short arc", func(p *Profile) { p.PolicyArc = asn1.ObjectIdentifier{1} }, "PolicyArc"},
		{"emoji notice", func(p *Profile) { p.NoticeText = "인증서 😀" }, "NoticeText"},
		{"long notice", func(p *Profile) { p.NoticeText = strings.Repeat("가", 201) }, "NoticeText"},
		{"relative CPS", func(p *Profile) { p.CPSURI = "/cps" }, "CPSURI"},
		{"ldap base", func(p *Profile) { p.BaseURL = "ldap://x" }, "BaseURL"},
		{"non-ASCII base", func(p *Profile) { p.BaseURL = "http://인증.kr" }, "BaseURL"},
		{"negative validity", func(p *Profile) { p.MaxValidity = -1 }, "MaxValidity"},
	}
	for _, tt := range tests {
		p := testProfile()
		tt.edit(&p)
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate = %v, want an error naming %s", tt.name, err, tt.want)
		}
	}
}
