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
