package sqlstore

import "time"

// SetCheckpointInterval changes how often SQLite databases opened afterwards checkpoint,
// and returns a function that restores the old interval.
func SetCheckpointInterval(d time.Duration) (restore func()) {
	old := checkpointInterval
	checkpointInterval = d
	return func() { checkpointInterval = old }
}
