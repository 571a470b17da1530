// Package sqlite is certcoach's embedded store: one SQLite file
// (modernc.org/sqlite, pure Go) in WAL mode, with its own embedded goose
// migrations. It is the default, and the right choice for one process.
package sqlite

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
	"time"

	"github.com/pressly/goose/v3"
	sqlitedriver "modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/certcoach/certcoach/storage/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is a certcoach database in one SQLite file.
type Store struct {
	*sqlstore.Store
	path string
}

// dialect is SQLite's: "?" placeholders, no row locks (BEGIN IMMEDIATE
// already runs write transactions one at a time), planner hints kept.
var dialect = sqlstore.Dialect{
	Name:        "sqlite",
	IndexHints:  true,
	GroupCommit: true,
	UserTables: `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name = 'user_id' AND m.name NOT LIKE 'goose%'`,
	BeforeClose: func(ctx context.Context, w *sql.DB) {
		// Fold the WAL into the main file, so that a copied file is whole.
		_, _ = w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	},
}

// busyTimeout is how long a connection waits for another one's lock, the
// file's other processes (a backup, a sqlite3 shell) included.
const busyTimeout = 10 * time.Second

// Open opens (creating if needed) the SQLite database at dsn, a file path or a
// "file:" URI, applies pending migrations and checks the connection settings.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return open(ctx, dsn, busyTimeout)
}

// open is Open with connections that wait busy for a lock.
func open(ctx context.Context, dsn string, busy time.Duration) (*Store, error) {
	path, err := FilePath(dsn)
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("open database %s: directory %s does not exist", path, dir)
		}
	}
	w, err := sql.Open("sqlite", buildDSN(path, busy))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// One writer connection: concurrent writers queue in Go instead of
	// spinning on SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", buildDSN(path, busy))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, 2*runtime.GOMAXPROCS(0)))
	r.SetMaxIdleConns(max(4, 2*runtime.GOMAXPROCS(0)))
	fail := func(what string, err error) (*Store, error) {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("open database %s: %s%w", path, what, err)
	}
	if err := check(ctx, w, r); err != nil {
		if isBusy(err) && !inWAL(path) {
			// The first connection switches a rollback-journal database to
			// WAL, which needs the file to itself for a moment; a reader in
			// another process (a long backup, which keeps the journal mode)
			// can hold it longer than a connection waits.
			err = fmt.Errorf("it is in rollback-journal mode, and switching it to WAL needs it to itself for a moment, "+
				"but another process kept reading it (a certcoach backup of it?): start again once that is done (%w)", err)
		}
		return fail("", err)
	}
	p, err := provider(w)
	if err != nil {
		return fail("migrate: ", err)
	}
	if err := sqlstore.CheckSchema(ctx, p); err != nil {
		return fail("", explain(err))
	}
	if _, err := p.Up(ctx); err != nil {
		return fail("migrate: ", explain(err))
	}
	s, err := sqlstore.New(ctx, w, r, dialect)
	if err != nil {
		return fail("", err)
	}
	return &Store{Store: s, path: path}, nil
}

// FilePath is the file a dsn (a path or a "file:" URI) names, as Open reads
// it; callers that look at the file first use it to look at the same one.
func FilePath(dsn string) (string, error) {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return "", errors.New("open database: empty path")
	}
	return path, nil
}

func buildDSN(path string, busy time.Duration) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", busyPragma(busy), "synchronous(NORMAL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// busyPragma is the _pragma value that makes a connection wait busy for
// another one's lock: every connection sets it, a backup's too.
func busyPragma(busy time.Duration) string {
	return fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds())
}

// isBusy reports whether err is SQLite's "database is locked" (SQLITE_BUSY,
// or one of its extended codes).
func isBusy(err error) bool {
	var se *sqlitedriver.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// inWAL reports whether the database file at path says it is in WAL mode
// (its header's read and write versions are 2); false if it cannot be read.
func inWAL(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var header [20]byte
	if _, err := f.ReadAt(header[:], 0); err != nil {
		return false
	}
	return header[18] == 2 || header[19] == 2
}

// check confirms the file is a SQLite database we can write, with the
// pragmas in force (they apply per connection, so they are read back).
func check(ctx context.Context, w, r *sql.DB) error {
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return explain(err)
	}
	if mode != "wal" {
		return fmt.Errorf("journal_mode is %q, want wal (is the directory writable?)", mode)
	}
	var fk int
	if err := w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		return fmt.Errorf("foreign keys not enabled: %v", err)
	}
	var n int
	if err := r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
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

// provider is goose over the embedded migrations, on db.
func provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithDisableGlobalRegistry(true))
}

// Path is the database file path.
func (s *Store) Path() string { return s.path }

// Backup writes a consistent copy of the live database to path (VACUUM INTO
// reads one snapshot, so the bot can keep writing meanwhile).
func (s *Store) Backup(ctx context.Context, path string) error {
	return backupInto(ctx, s.Reader(), path)
}

func backupInto(ctx context.Context, db *sql.DB, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
