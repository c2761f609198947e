package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var verbRE = regexp.MustCompile(`%[-+# 0]*[0-9]*[a-zA-Z%]`)

// TestEveryMessageHasBothLanguages: each message has English and Korean with the same
// format verbs in the same order, and every msgID constant used in the code is in the
// table.
func TestEveryMessageHasBothLanguages(t *testing.T) {
	for id, m := range messages {
		if m.en == "" || m.ko == "" {
			t.Errorf("message %q: en %q ko %q, want both", id, m.en, m.ko)
		}
		if en, ko := verbRE.FindAllString(m.en, -1), verbRE.FindAllString(m.ko, -1); !slices.Equal(en, ko) {
			t.Errorf("message %q: verbs en %q ko %q differ", id, en, ko)
		}
	}
	// Constants declared in messages.go must all be in the table.
	src, err := os.ReadFile("messages.go")
	if err != nil {
		t.Fatal(err)
	}
	decl := regexp.MustCompile(`(?m)^\t(msg[A-Za-z0-9]+)\s+= "([^"]+)"`)
	n := 0
	for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
		n++
		if _, ok := messages[msgID(m[2])]; !ok {
			t.Errorf("%s (%q) has no text", m[1], m[2])
		}
	}
	if n < 50 {
		t.Errorf("found only %d message constants: the test's pattern is stale", n)
	}
}

func TestLangFromEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want lang
	}{
		{nil, langEN},
		{map[string]string{"LANG": "ko_KR.UTF-8"}, langKO},
		{map[string]string{"LANG": "en_US.UTF-8"}, langEN},
		{map[string]string{"LANG": "ko_KR.UTF-8", "LC_ALL": "C"}, langEN},
		{map[string]string{"LANG": "en_US", "LC_MESSAGES": "ko_KR"}, langKO},
		{map[string]string{"LC_ALL": "ko"}, langKO},
	}
	for _, tt := range tests {
		if got := langFromEnv(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("langFromEnv(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

func TestKoreanErrorFormat(t *testing.T) {
	r := runCLI(t, map[string]string{"LANG": "ko_KR.UTF-8", "CERTCTL_NPKI_DIR": t.TempDir()}, "", "show", "x")
	if !strings.HasPrefix(r.stderr, "certctl: 오류: ") || !strings.Contains(r.stderr, "\ncertctl: 도움말: ") {
		t.Errorf("Korean error = %q", r.stderr)
	}
}

// A "%%" in a text with no arguments is one percent sign (the password rule's "! @ # $ %"
// was shown as "%%": issue 18 item 10).
func TestLiteralPercentWithoutArguments(t *testing.T) {
	for _, l := range []lang{langEN, langKO} {
		got := l.tr(msgRuleNoSpecial)
		if strings.Contains(got, "%%") || !strings.Contains(got, "$ %") {
			t.Errorf("tr(%q) = %q, want a single %%", msgRuleNoSpecial, got)
		}
	}
	r := runCLI(t, map[string]string{"CERTCTL_NPKI_DIR": t.TempDir()}, "", "issue", "--server", "http://127.0.0.1:1",
		"--ref", "1", "--code", "2", "--new-password-file", writeTemp(t, "pw", "abcdefghij1"))
	if strings.Contains(r.stderr, "%%") {
		t.Errorf("weak password refusal = %q, shows %%%%", r.stderr)
	}
}

// Under a Korean locale the usage is Korean, and names every flag the English one does
// (issue 18 item 10: it was English only).
func TestUsageKorean(t *testing.T) {
	r := runCLI(t, map[string]string{"LANG": "ko_KR.UTF-8"}, "", "help")
	if r.code != exitOK || !strings.Contains(r.stdout, "사용법:") || strings.Contains(r.stdout, "usage:") {
		t.Errorf("help under ko_KR = %d %q", r.code, r.stdout)
	}
	flagRE := regexp.MustCompile(`--[a-z-]+`)
	en, ko := flagRE.FindAllString(usage, -1), flagRE.FindAllString(usageKO, -1)
	slices.Sort(en)
	slices.Sort(ko)
	if !slices.Equal(slices.Compact(en), slices.Compact(ko)) {
		t.Errorf("flags of the usages differ:\nen %q\nko %q", slices.Compact(en), slices.Compact(ko))
	}
	if r := runCLI(t, map[string]string{"LANG": "en_US.UTF-8"}, "", "help"); !strings.Contains(r.stdout, "usage:") {
		t.Errorf("help under en_US = %q", r.stdout)
	}
}
