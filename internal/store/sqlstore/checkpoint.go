package sqlstore

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"
)

// checkpointInterval is how often the SQLite checkpointer copies the write-ahead log
// back into the database file.
var checkpointInterval = 200 * time.Millisecond

// checkpointer moves SQLite's checkpoints off the write path. Left to itself, SQLite
// checkpoints inside the commit that takes the log past wal_autocheckpoint pages: that
// one commit copies the whole log back while holding the only writer, and every
// issuance queued behind it waits (BenchmarkIssue saw the slowest tenth of issuances
// take half again as long). A PASSIVE checkpoint from a connection of its own copies
// pages while the writer goes on appending, and the writer then starts the log over
// from its beginning. So the log stays a few megabytes, and wal_autocheckpoint is only
// the backstop should this goroutine fall behind.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done sync.WaitGroup
	once sync.Once
}

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, stop: make(chan struct{})}
	c.done.Add(1)
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer c.done.Done()
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		err := c.checkpoint(context.Background())
		// Log a failure once, not five times a second; a checkpoint that fails (a disk
		// full, say) leaves the log longer but loses nothing.
		if err != nil && !failing {
			slog.Warn("sqlite checkpoint failed; the write-ahead log grows until it succeeds", "err", err)
		} else if err == nil && failing {
			slog.Info("sqlite checkpoints succeed again")
		}
		failing = err != nil
	}
}

// checkpoint runs one PASSIVE checkpoint: as many log frames as no reader still needs, never
// waiting for the writer or for readers.
func (c *checkpointer) checkpoint(ctx context.Context) error {
	var busy, logFrames, copied int
	return c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &copied)
}

// close stops the goroutine and closes its connection; closing twice is harmless.
func (c *checkpointer) close() error {
	var err error
	c.once.Do(func() {
		close(c.stop)
		c.done.Wait()
		err = c.db.Close()
	})
	return err
}
