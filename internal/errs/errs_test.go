package errs

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestEveryCodeHasStatusAndBothLanguages(t *testing.T) {
	for _, c := range Codes() {
		d := Lookup(c)
		if d.Status < 400 || d.Status > 599 {
			t.Errorf("%s: status %d", c, d.Status)
		}
		for lang, txt := range map[string]Text{"ko": d.Ko, "en": d.En} {
			if strings.TrimSpace(txt.Message) == "" || strings.TrimSpace(txt.Hint) == "" {
				t.Errorf("%s: %s message or hint missing", c, lang)
			}
		}
		if d.Ko.Message == d.En.Message {
			t.Errorf("%s: Korean message is the English one", c)
		}
		if strings.ToUpper(string(c)) != string(c) || strings.ContainsAny(string(c), " -") {
			t.Errorf("%s: codes are UPPER_SNAKE", c)
		}
	}
}

func TestIsAndLocalize(t *testing.T) {
	err := fmt.Errorf("center: %w", New(OTPInvalid, "wrong").With("remaining", "3"))
	if !errors.Is(err, Sentinel(OTPInvalid)) {
		t.Error("errors.Is(wrapped OTP_INVALID, Sentinel) = false")
	}
	if errors.Is(err, Sentinel(EnrollmentLocked)) {
		t.Error("errors.Is matched another code")
	}
	if got := Localize(err, Korean).Hint; !strings.Contains(got, "남은 횟수: 3") {
		t.Errorf("Korean hint = %q", got)
	}
	if got := Localize(err, English).Hint; !strings.Contains(got, "3 tries left") {
		t.Errorf("English hint = %q", got)
	}
	if CodeOf(errors.New("plain")) != Internal || Status(errors.New("x")) != 500 {
		t.Error("a plain error is not INTERNAL/500")
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{
		"":                           English,
		"ko-KR,ko;q=0.9,en-US;q=0.8": Korean,
		"en-US,en;q=0.9,ko;q=0.8":    English,
		"fr-FR, ko;q=0.5":            Korean,
		"ko_KR.UTF-8":                Korean,
		"de":                         English,
		"en;q=0.1, ko;q=0.9":         Korean,
	} {
		if got := ParseLang(in); got != want {
			t.Errorf("ParseLang(%q) = %s, want %s", in, got, want)
		}
	}
}
