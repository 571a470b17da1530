//go:build linux

package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// TestReadLockKeepsWALFiles: a certcoach that closes its database while a
// read-only backup holds the read lock keeps its -wal and -shm files (it
// cannot take the write lock it needs to delete them), so the backup never
// finds them gone between checking for them and SQLite opening them; the
// next open uses them and the close after it deletes them. Without the
// lock the close deletes them, as it always has.
func TestReadLockKeepsWALFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, locked := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "certcoach.db")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "b"}, "", "", time.Unix(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if err := recordN(ctx, s, u.ID, "k"); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if locked {
			if err := readLock(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{path + "-wal", path + "-shm"} {
			if _, err := os.Stat(name); (err == nil) != locked {
				t.Errorf("locked=%v: after the close, stat %s: %v", locked, filepath.Base(name), err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		s, err = Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.Reader().QueryRowContext(ctx, "SELECT count(*) FROM answers").Scan(&n); err != nil || n == 0 {
			t.Errorf("locked=%v: reopened, %d answers (%v), want those recorded", locked, n, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{path + "-wal", path + "-shm"} {
			if _, err := os.Stat(name); err == nil {
				t.Errorf("locked=%v: %s left after the lock was released and the database closed", locked, filepath.Base(name))
			}
		}
	}
}

// TestReadLockHoldsOffWALSwitch: the read lock a read-only backup holds
// on a rollback-journal database keeps an open from switching it to WAL
// under the backup, as a reader's own lock does (see
// TestOpenWhileBackupReadsRollbackJournal).
func TestReadLockHoldsOffWALSwitch(t *testing.T) {
	t.Parallel()
	s, path := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	toRollbackJournal(t, path)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := readLock(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	checkWALSwitchHeldOff(t, path, func() {
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	})
}
