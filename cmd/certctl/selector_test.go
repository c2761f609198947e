package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSelector(t *testing.T) {
	root := filepath.Join(t.TempDir(), "NPKI")
	issue(t, root, testCert{CN: "김철수()0020041200806232804001", Inst: "WOORI", Serial: 0xA1B2C3D4E5})
	issue(t, root, testCert{CN: "김영희()0880041200806232804002", Inst: "SHINHAN", Serial: 0xB1B2C3D4E5})
	issue(t, root, testCert{CN: "박민수()0040041200806232804003", Inst: "KB", Serial: 0xC1B2C3D4E5})
	// list orders by folder name: 김영희, 김철수, 박민수.
	tests := []struct {
		name, sel  string
		env        map[string]string
		wantSerial string // "" when an error is expected
		wantErr    string
	}{
		{"index", "2", nil, "A1B2C3D4E5", ""},
		{"index first", "1", nil, "B1B2C3D4E5", ""},
		{"serial", "c1b2c3d4e5", nil, "C1B2C3D4E5", ""},
		{"serial 0x colons", "0xA1:B2:C3:D4:E5", nil, "A1B2C3D4E5", ""},
		{"name part", "철수", nil, "A1B2C3D4E5", ""},
		{"institution in the subject", "shinhan", nil, "B1B2C3D4E5", ""},
		{"ambiguous", "김", nil, "", `"김" matches more than one certificate:`},
		{"not found", "이순신", nil, "", `no certificate matches "이순신"`},
		{"index out of range is a name", "99", nil, "", `no certificate matches "99"`},
		{"ambiguous in Korean", "김", map[string]string{"LANG": "ko_KR.UTF-8"}, "", `"김" 에 해당하는 인증서가 여러 개입니다:`},
		{"not found in Korean", "이순신", map[string]string{"LANG": "ko_KR.UTF-8"}, "", `"이순신" 에 해당하는 인증서가 없습니다`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", "show", tt.sel, "--npki-dir", root)
			if tt.wantSerial != "" {
				if r.code != 0 || !strings.Contains(r.stdout, tt.wantSerial) {
					t.Errorf("show %q = %d %q %q, want serial %s", tt.sel, r.code, r.stdout, r.stderr, tt.wantSerial)
				}
				return
			}
			if r.code != exitError || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("show %q = %d %q, want error %q", tt.sel, r.code, r.stderr, tt.wantErr)
			}
		})
	}
	// The ambiguous error lists the candidates.
	r := runCLI(t, nil, "", "show", "김", "--npki-dir", root)
	if !strings.Contains(r.stderr, "1  B1B2C3D4E5  김영희()") || !strings.Contains(r.stderr, "2  A1B2C3D4E5  김철수()") ||
		strings.Contains(r.stderr, "박민수") || !strings.Contains(r.stderr, "certctl: hint: choose one by its number") {
		t.Errorf("ambiguous error = %q", r.stderr)
	}
}

func TestNormalizeSerial(t *testing.T) {
	tests := map[string]string{"459c75": "459C75", "0x00459C75": "459C75", "45:9c:75": "459C75", "xyz": "", "0": "0", "": ""}
	for in, want := range tests {
		if got := normalizeSerial(in); got != want {
			t.Errorf("normalizeSerial(%q) = %q, want %q", in, got, want)
		}
	}
}
