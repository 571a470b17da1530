//go:build linux

package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
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
// under the backup, as a reader's own lock does: the open fails saying why,
// and the next one, once the lock is gone, switches it.
func TestReadLockHoldsOffWALSwitch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, path := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := raw.QueryRowContext(ctx, "PRAGMA journal_mode = delete").Scan(&mode); err != nil || mode != "delete" {
		t.Fatalf("journal_mode = delete: %q, %v", mode, err)
	}
	raw.Close()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := readLock(ctx, f); err != nil {
		t.Fatal(err)
	}
	if s2, err := open(ctx, path, 50*time.Millisecond); err == nil {
		s2.Close()
		t.Fatal("switched to WAL under the backup's read lock")
	} else if !strings.Contains(err.Error(), "rollback-journal mode") {
		t.Errorf("the error does not say what holds the switch up: %v", err)
	}
	if inWAL(path) {
		t.Error("the failed open switched the file to WAL")
	}
	f.Close()
	s, err = open(ctx, path, 50*time.Millisecond)
	if err != nil {
		t.Fatalf("open once the lock is gone: %v", err)
	}
	defer s.Close()
	if !inWAL(path) {
		t.Error("the open did not switch the file to WAL")
	}
}
