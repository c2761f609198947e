package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestShow(t *testing.T) {
	root, _ := yessignNPKI(t)
	r := runCLI(t, nil, "", "show", "459c75", "--npki-dir", root)
	for _, want := range []string{
		"subject:        CN=HKD(KILDONG.HONG)009104120200225191000030, OU=INITECH, OU=personal4IB, O=yessign, C=kr",
		"issuer:         CN=yessignCA-Test Class 4, OU=AccreditedCA, O=yessign, C=kr",
		"VID:            present (real name HKD, SHA-256)",
		"key file:       yes (seedCBCWithSHA1)",
		"status:         expired",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q:\n%s%s", want, r.stdout, r.stderr)
		}
	}
	r = runCLI(t, nil, "", "show", "1", "--json", "--npki-dir", root)
	var v certView
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("show --json: %v\n%s", err, r.stdout)
	}
	if v.VID == nil || !v.VID.Present || v.VID.RealName != "HKD" || v.KeyFileInfo != "seedCBCWithSHA1" {
		t.Errorf("show --json vid %+v key %q", v.VID, v.KeyFileInfo)
	}

	// A certificate without kisa-identifyData says so.
	root2 := filepath.Join(t.TempDir(), "NPKI")
	issue(t, root2, testCert{CN: "홍길동()0020041200806232804005", Inst: "WOORI", Serial: 0x2001})
	r = runCLI(t, map[string]string{"LC_ALL": "ko_KR.UTF-8"}, "", "show", "1", "--npki-dir", root2)
	if !strings.Contains(r.stdout, "VID:            없음") || !strings.Contains(r.stdout, "키 파일:        있음 (seedCBCWithSHA1)") {
		t.Errorf("show without VID:\n%s%s", r.stdout, r.stderr)
	}
}
