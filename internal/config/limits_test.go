package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLimits(t *testing.T) {
	c := Default()
	if c.Limits.EnrollGuesses.PerTargetClient != (Rate{5, 15 * time.Minute}) || c.Limits.MaxConnsPerClient == 0 {
		t.Errorf("defaults: %+v", c.Limits)
	}
	p := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(p, []byte(`
demo = true
[limits]
client_header = "X-Forwarded-For"
max_conns = 100
[limits.relay_opens]
limit = 3
period = "1m"
[limits.enroll_guesses.per_target]
limit = 0
`), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Limits.RelayOpens != (Rate{3, time.Minute}) || c.Limits.MaxConns != 100 || c.Limits.EnrollGuesses.PerTarget.Limit != 0 ||
		c.Limits.EnrollGuesses.PerClient.Limit != 30 || c.Limits.ClientHeader != "X-Forwarded-For" {
		t.Errorf("loaded: %+v", c.Limits)
	}
	c.Limits.RelayOpens.Period = 0
	c.Limits.MaxConns = -1
	err = c.Validate()
	if err == nil || !strings.Contains(err.Error(), "limits.relay_opens.period") || !strings.Contains(err.Error(), "limits.max_conns") {
		t.Errorf("Validate = %v, want limits.relay_opens.period and limits.max_conns", err)
	}
}
