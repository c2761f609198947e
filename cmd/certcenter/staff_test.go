package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestStaffAdd: staff add prints a one-time password (and a TOTP secret for roles that
// need one) once; roles must fit the scope; a duplicate name and an unknown institution
// are refused; the audit chain still verifies.
func TestStaffAdd(t *testing.T) {
	dir := bootstrapped(t)
	code, out, errs := runCmd(t, "staff", "add", "--data", dir, "--institution", "901", "--role", "teller", "--name", "kim")
	if code != 0 || !regexp.MustCompile(`one-time password \(비밀번호\): +[A-Za-z0-9]{20}\n`).MatchString(out) || strings.Contains(out, "otpauth") {
		t.Fatalf("staff add teller = %d %q %q", code, out, errs)
	}
	code, out, errs = runCmd(t, "staff", "add", "--data", dir, "--ca", "--role", "operator", "--name", "root")
	if code != 0 || !strings.Contains(out, "otpauth://totp/certcenter:ca%2Froot?secret=") {
		t.Fatalf("staff add operator = %d %q %q", code, out, errs)
	}
	for _, bad := range [][]string{
		{"--institution", "901", "--role", "teller", "--name", "kim"},   // the same name
		{"--institution", "999", "--role", "teller", "--name", "lee"},   // no such institution
		{"--ca", "--role", "teller", "--name", "lee"},                   // tellers belong to an institution
		{"--institution", "901", "--role", "operator", "--name", "lee"}, // operators to the CA
		{"--institution", "901", "--role", "admin", "--name", "lee"},    // no such role
	} {
		if code, out, _ := runCmd(t, append([]string{"staff", "add", "--data", dir}, bad...)...); code != 1 || out != "" {
			t.Errorf("staff add %v = %d %q", bad, code, out)
		}
	}
	for _, bad := range [][]string{{"staff"}, {"staff", "add", "--data", dir, "--role", "teller", "--name", "x"},
		{"staff", "add", "--data", dir, "--ca", "--institution", "901", "--role", "auditor", "--name", "x"}} {
		if code, _, _ := runCmd(t, bad...); code != 2 {
			t.Errorf("%v = %d, want 2 (usage)", bad, code)
		}
	}
	if code, out, errs := runCmd(t, "audit", "verify", "--data", dir); code != 0 {
		t.Fatalf("audit verify = %d %q %q", code, out, errs)
	}
}
