// Package sqlitetest gives tests a fresh SQLite store: a real database file
// of the test's own, copied from one empty database migrated once per
// process. Running every migration again for each test was a large share
// of a package's time under the race detector; the store's own tests still
// migrate from nothing.
package sqlitetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/certcoach/certcoach/storage/sqlite"
)

// migrated is the bytes of an empty database with every migration applied.
var migrated = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "sqlitetest-")
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	// Close checkpoints the WAL: the main file alone holds the schema.
	if err := st.Close(); err != nil {
		return nil, fmt.Errorf("template: close: %w", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	return b, nil
})

// File writes a fresh migrated database to name in t's temporary directory
// and returns its path, for tests that open it themselves (a restart, two
// handles on one file).
func File(t testing.TB, name string) string {
	t.Helper()
	b, err := migrated()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Open opens a fresh store at name in t's temporary directory, closed when
// the test ends.
func Open(t testing.TB, name string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), File(t, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
