//go:build !linux

package sqlite

import (
	"context"
	"os"
)

// readLock does nothing here: open file description locks are Linux's.
// A certcoach that stops between OpenForBackup's check of its -wal and
// -shm files and SQLite opening them can then leave new ones, owned by
// the user taking the backup (docs/operations.md, Backup).
func readLock(ctx context.Context, f *os.File) error { return nil }
