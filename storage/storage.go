// Package storage is certcoach's store: a concrete type over SQLite
// (modernc.org/sqlite, pure Go) with embedded, versioned migrations.
// One file per entity; the SQL reads top to bottom.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is the database. Writes go through a single connection so that
// concurrent writers queue in Go instead of spinning on SQLITE_BUSY; reads use
// a pool (WAL lets them run beside an open write transaction).
type Store struct {
	w     *sql.DB
	r     *sql.DB
	path  string
	stmts sync.Map // stmtKey -> *sql.Stmt

	closeOnce sync.Once
	closeErr  error

	gc committer // group commit, see batch.go

	onError atomic.Pointer[func(op string)] // see OnError
}

// OnError sets f to be told of each failed database operation ("read",
// "write", "commit", "batch"), for metrics; a caller giving up is not a
// failure. Set it before the store is used.
func (s *Store) OnError(f func(op string)) { s.onError.Store(&f) }

// failed reports err (if it is a database failure) to the OnError func and
// returns it unchanged.
func (s *Store) failed(op string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, sql.ErrNoRows) || errors.Is(err, ErrNotFound) {
		return err
	}
	if f := s.onError.Load(); f != nil {
		(*f)(op)
	}
	return err
}

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// Open opens (creating if needed) the SQLite database at dsn, a file path or a
// "file:" URI, applies pending migrations and checks the connection settings.
func Open(ctx context.Context, dsn string) (*Store, error) {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("open database %s: directory %s does not exist", path, dir)
		}
	}
	w, err := sql.Open("sqlite", buildDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", buildDSN(path))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, 2*runtime.GOMAXPROCS(0)))
	r.SetMaxIdleConns(max(4, 2*runtime.GOMAXPROCS(0)))
	s := &Store{w: w, r: r, path: path}
	if err := s.check(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: migrate: %w", path, err)
	}
	if err := s.prepareTx(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: prepare: %w", path, err)
	}
	s.startBatcher()
	return s, nil
}

func buildDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "synchronous(NORMAL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// check confirms the file is a SQLite database we can write, with the
// pragmas in force (they apply per connection, so they are read back).
func (s *Store) check(ctx context.Context) error {
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return explain(err)
	}
	if mode != "wal" {
		return fmt.Errorf("journal_mode is %q, want wal (is the directory writable?)", mode)
	}
	var fk int
	if err := s.w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		return fmt.Errorf("foreign keys not enabled: %v", err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return explain(err)
	}
	return nil
}

func explain(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not a database"), strings.Contains(msg, "malformed"):
		return fmt.Errorf("the file is not a valid certcoach database (corrupt or another format): %w", err)
	case strings.Contains(msg, "readonly"), strings.Contains(msg, "unable to open"), strings.Contains(msg, "permission"):
		return fmt.Errorf("cannot write the database file (check permissions and path): %w", err)
	}
	return err
}

func (s *Store) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.w, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return explain(err)
	}
	return nil
}

// Path is the database file path.
func (s *Store) Path() string { return s.path }

// Ping checks that the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close stops the answer batcher, checkpoints the WAL and closes both
// pools. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stopBatcher()
		s.closeStmts()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		s.closeErr = errors.Join(s.r.Close(), s.w.Close())
	})
	return s.closeErr
}

// Backup writes a consistent copy of the live database to path (VACUUM INTO
// reads one snapshot, so the bot can keep writing meanwhile).
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	if _, err := s.r.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// tx runs fn in a write transaction (BEGIN IMMEDIATE via _txlock).
func (s *Store) tx(ctx context.Context, fn func(*wtx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.failed("commit", err)
	}
	tx := &wtx{Tx: sqlTx, s: s}
	done := false
	defer func() {
		if !done { // fn panicked: free the one writer connection
			_ = sqlTx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		done = true
		_ = tx.Rollback()
		return err
	}
	done = true
	return s.failed("commit", tx.Commit())
}
