//go:build !linux

package issuance

import "time"

func threadCPU() (time.Duration, bool) { return 0, false }
