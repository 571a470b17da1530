//go:build linux

package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// SQLite's lock bytes (its file format, section "The Lock-Byte Page"):
// readers hold a read lock on the shared range, and a connection closing
// the database takes a write lock on it before it checkpoints and deletes
// the -wal and -shm files.
const (
	sqlitePendingByte = 0x40000000
	sqliteSharedFirst = sqlitePendingByte + 2
	sqliteSharedSize  = 510
)

// lockWait is how long readLock waits for a writer to let go, as the
// connections' busy_timeout.
const lockWait = 10 * time.Second

// readLock takes a read lock on f's shared range, as any SQLite reader
// holds, until f is closed: a certcoach that closes the database meanwhile
// then leaves its -wal and -shm files where they are, as it does whenever
// another process reads the database, instead of deleting them between
// the check that they exist and SQLite opening them. It is an open file
// description lock, so SQLite's own locks on the file in this process
// neither release nor merge with it. A writer holds the range for a
// moment (closing, or committing in rollback-journal mode): wait for it.
func readLock(ctx context.Context, f *os.File) error {
	ctx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	lk := unix.Flock_t{Type: unix.F_RDLCK, Whence: io.SeekStart, Start: sqliteSharedFirst, Len: sqliteSharedSize}
	for {
		err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EACCES) {
			return fmt.Errorf("lock for reading: %w", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("lock for reading: the database stayed locked by a writer: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}
