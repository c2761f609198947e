package signer_test

import (
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/signer"
)

func TestSpecValidate(t *testing.T) {
	slot := uint(0)
	hsm := func(mod func(*signer.PKCS11Config)) *signer.PKCS11Config {
		c := &signer.PKCS11Config{Module: "/usr/lib/softhsm/libsofthsm2.so", TokenLabel: "ca", PIN: "env:PIN", KeyLabel: "root"}
		mod(c)
		return c
	}
	tests := []struct {
		name string
		spec signer.Spec
		want string // substring of the error; "" for valid
	}{
		{"file", signer.Spec{File: "/k.pem", Passphrase: "env:P"}, ""},
		{"pkcs11", signer.Spec{PKCS11: hsm(func(*signer.PKCS11Config) {})}, ""},
		{"pkcs11 by slot", signer.Spec{PKCS11: hsm(func(c *signer.PKCS11Config) { c.TokenLabel = ""; c.Slot = &slot })}, ""},
		{"empty", signer.Spec{}, "no key source"},
		{"both", signer.Spec{File: "/k.pem", Passphrase: "env:P", PKCS11: hsm(func(*signer.PKCS11Config) {})}, "not both"},
		{"file without passphrase", signer.Spec{File: "/k.pem"}, "passphrase is required"},
		{"pkcs11 with passphrase", signer.Spec{Passphrase: "env:P", PKCS11: hsm(func(*signer.PKCS11Config) {})}, "pkcs11.pin"},
		{"no module", signer.Spec{PKCS11: hsm(func(c *signer.PKCS11Config) { c.Module = "" })}, "pkcs11.module"},
		{"label and slot", signer.Spec{PKCS11: hsm(func(c *signer.PKCS11Config) { c.Slot = &slot })}, "pkcs11.token_label and pkcs11.slot"},
		{"neither label nor slot", signer.Spec{PKCS11: hsm(func(c *signer.PKCS11Config) { c.TokenLabel = "" })}, "pkcs11.token_label and pkcs11.slot"},
		{"no pin", signer.Spec{PKCS11: hsm(func(c *signer.PKCS11Config) { c.PIN = "" })}, "pkcs11.pin is required"},
		{"no key label", signer.Spec{PKCS11: hsm(func(c *signer.PKCS11Config) { c.KeyLabel = "" })}, "pkcs11.key_label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}
