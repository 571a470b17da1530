//go:build unix

package storage

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Exclusive takes the lock called name on this database, which at most one
// process holds at a time: an flock on "<database>.<name>.lock", which the
// kernel drops when the process dies, however it dies. ok is false while
// another process holds it; release gives it up.
func (s *Store) Exclusive(name string) (release func() error, ok bool, err error) {
	path := s.path + "." + name + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	return f.Close, true, nil // closing the file drops the flock
}
