package config

import (
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	if !Default().MetricsPublic() {
		t.Errorf("Default(): metrics not public; want public in demo mode with no setting")
	}
	c, err := Load(write(t, "demo = true\n[metrics]\nlisten = \"127.0.0.1:9090\"\ntoken = \"env:METRICS_TOKEN\"\n"))
	if err == nil {
		err = c.Validate()
	}
	if err != nil || c.Metrics.Listen != "127.0.0.1:9090" || c.Metrics.Token != "env:METRICS_TOKEN" || c.MetricsPublic() {
		t.Errorf("Load([metrics]) = %+v, %v", c.Metrics, err)
	}
	for body, want := range map[string]string{
		"demo = true\n[metrics]\nlisten = \"9090\"\n":  "metrics.listen",
		"demo = true\n[metrics]\ntoken = \"s3cret\"\n": "metrics.token",
	} {
		c, err := Load(write(t, body))
		if err == nil {
			err = c.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Load(%q) = %v, want an error naming %s", body, err, want)
		}
	}
}
