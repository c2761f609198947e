package main

import "testing"

// The demo institutions carry the names the server gives them at bootstrap
// (internal/app/bootstrap.go), not "데모은행 2/3".
func TestDemoBankNames(t *testing.T) {
	for code, want := range map[string]string{"901": "데모은행", "902": "한빛은행", "903": "새봄증권"} {
		if got := banks[code].ko; got != want {
			t.Errorf("banks[%q] = %q, want %q", code, got, want)
		}
	}
}
