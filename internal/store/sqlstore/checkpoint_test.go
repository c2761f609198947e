package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// The write-ahead log is copied back by the checkpointer beside the writer, so it stays
// short although no commit reaches wal_autocheckpoint: writing 8 MB in rounds leaves a
// log of about one round, and nothing written is lost.
func TestSQLiteCheckpointsBesideTheWriter(t *testing.T) {
	defer sqlstore.SetCheckpointInterval(10 * time.Millisecond)()
	path := filepath.Join(t.TempDir(), "ckpt.db")
	db := openSQLite(t, path, time.Now)
	ctx := context.Background()
	w := db.SQL()
	if _, err := w.ExecContext(ctx, `CREATE TABLE blobs (b BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const rounds, perRound = 20, 100 // 100 rows of 4 kB: about 100 pages a round
	row := []byte(strings.Repeat("x", 4000))
	var maxWAL int64
	for range rounds {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range perRound {
			if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (b) VALUES (?)`, row); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		// Give the checkpointer a few turns, then see how long the log has become.
		time.Sleep(60 * time.Millisecond)
		fi, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		maxWAL = max(maxWAL, fi.Size())
	}
	// Without the checkpointer the log would hold all 8 MB (2,000 pages, below the
	// 10,000-page backstop); with it, a few rounds at most.
	if limit := int64(4 * perRound * 4096); maxWAL > limit {
		t.Errorf("write-ahead log reached %d bytes, want at most %d: checkpoints are not running beside the writer", maxWAL, limit)
	}
	var n int
	if err := w.QueryRowContext(ctx, `SELECT count(*) FROM blobs`).Scan(&n); err != nil || n != rounds*perRound {
		t.Fatalf("rows = %d, %v; want %d", n, err, rounds*perRound)
	}
	// Close stops the checkpointer; the file opens again with everything in it.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2 := openSQLite(t, path, time.Now)
	if err := db2.SQL().QueryRowContext(ctx, `SELECT count(*) FROM blobs`).Scan(&n); err != nil || n != rounds*perRound {
		t.Fatalf("after reopening: rows = %d, %v; want %d", n, err, rounds*perRound)
	}
}
