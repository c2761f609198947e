package app_test

import (
	"os"
	"runtime/debug"
	"testing"

	"github.com/certcenter/certcenter/internal/app"
)

// gcPercent reads the collector's setting (SetGCPercent returns the previous one).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestTuneGC(t *testing.T) {
	before := gcPercent()
	t.Run("GOGC unset", func(t *testing.T) {
		t.Setenv("GOGC", "")
		os.Unsetenv("GOGC")
		restore := app.TuneGC()
		if got := gcPercent(); got != app.ServerGCPercent {
			t.Errorf("GOGC unset: collector at %d%%, want %d%%", got, app.ServerGCPercent)
		}
		restore()
		if got := gcPercent(); got != before {
			t.Errorf("after restore: %d%%, want %d%%", got, before)
		}
	})
	t.Run("GOGC set", func(t *testing.T) {
		t.Setenv("GOGC", "100")
		debug.SetGCPercent(100)
		defer debug.SetGCPercent(before)
		restore := app.TuneGC()
		defer restore()
		if got := gcPercent(); got != 100 {
			t.Errorf("GOGC=100 set: collector at %d%%, want the operator's 100%%", got)
		}
	})
}
