//go:build !unix

package storage

import "errors"

// Exclusive is not available here: callers fall back to what needs no lock.
func (s *Store) Exclusive(name string) (release func() error, ok bool, err error) {
	return nil, false, errors.ErrUnsupported
}
