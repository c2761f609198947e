package config

import (
	"strings"
	"testing"
	"time"
)

func TestCMPConfirmWait(t *testing.T) {
	if got := Default().CMP.ConfirmWait; got != 5*time.Minute {
		t.Errorf("default cmp.confirm_wait = %v, want 5m", got)
	}
	c, err := Load(write(t, "[cmp]\nconfirm_wait = \"90s\"\n"))
	if err != nil || c.CMP.ConfirmWait != 90*time.Second {
		t.Fatalf("Load(confirm_wait = 90s) = %v, %v", c.CMP.ConfirmWait, err)
	}
	for _, bad := range []time.Duration{0, time.Second, 2 * time.Hour} {
		c := Default()
		c.CMP.ConfirmWait = bad
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "cmp.confirm_wait") {
			t.Errorf("Validate(confirm_wait %v) = %v, want an error naming cmp.confirm_wait", bad, err)
		}
	}
}
