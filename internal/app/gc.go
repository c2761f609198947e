package app

import (
	"os"
	"runtime/debug"
)

// ServerGCPercent is the garbage collector's target for a serving process whose GOGC
// environment variable is not set: a new cycle starts when the heap has grown by 400%
// of what the last one left live, instead of Go's default 100%.
//
// A CA's live heap is small (a few megabytes: keys, caches, connections) while every
// issuance allocates tens of kilobytes, most of them in the lints (zcrypto's parser and
// zlint's results). At Go's default the collector ran every 20 issuances or so, and
// each cycle's mark work, on both cores, slowed the signatures running beside it: on
// the two-vCPU machines we measure on, GOGC=400 raised the CA path's issuance rate by
// about 3% of the signing ceiling (BenchmarkIssue, ten alternating pairs of runs). The
// cost is memory: five times the live heap at the peak instead of twice. GOMEMLIMIT,
// which the runtime reads itself, caps it where memory is tight; GOGC set to anything,
// including 100, is obeyed as it is.
const ServerGCPercent = 400

// TuneGC applies ServerGCPercent unless GOGC is set, and returns a function that puts
// back the previous setting. `certcenter serve` calls it before it opens the CA, and the
// issuance benchmarks do too, so that they measure the process as it is deployed.
func TuneGC() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(ServerGCPercent)
	return func() { debug.SetGCPercent(old) }
}
