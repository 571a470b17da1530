package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/certcoach/certcoach/storage/internal/sqlstore"
)

// BackupSource is an existing certcoach database opened to be copied:
// nothing is migrated or written.
type BackupSource struct {
	db   *sql.DB
	path string
}

// OpenForBackup opens the existing database at dsn, a file path or a
// "file:" URI, to copy it. It applies no migration, so a backup taken
// before an upgrade is of the schema before it, and it refuses a schema
// this binary does not know exactly (older: it would need migrating;
// newer: a newer certcoach's).
//
// Its journal mode is left as it is. A user who may write the file opens
// it read-write, as serve does (and, as serve, leaves no -wal or -shm file
// behind). A user who may only read it opens
// it read-only, which for a database in WAL mode needs the -shm file of a
// running certcoach: without one SQLite would create it, owned by that
// user, and the bot could no longer open its own database, so it is
// refused instead.
func OpenForBackup(ctx context.Context, dsn string) (*BackupSource, error) {
	path, err := filePath(dsn)
	if err != nil {
		return nil, err
	}
	// Not buildDSN: its journal_mode(WAL) would switch a database in
	// rollback-journal mode to WAL, and a backup must leave the source as
	// it was. A read needs no other setting.
	conn := "file:" + path + "?_pragma=busy_timeout(10000)"
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if errors.Is(err, fs.ErrPermission) {
		if _, err := os.Stat(path + "-shm"); err != nil {
			return nil, fmt.Errorf("open database %s: the file is read-only for this user and no certcoach has it open: "+
				"back it up while certcoach runs on it, or as the user it runs as", path)
		}
		conn = "file:" + path + "?mode=ro&_pragma=busy_timeout(10000)"
	} else {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", conn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	fail := func(err error) (*BackupSource, error) {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	var versioned int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'").Scan(&versioned); err != nil {
		return fail(explain(err))
	}
	if versioned == 0 {
		return fail(errors.New("the file is not a certcoach database (it has no schema version)"))
	}
	p, err := provider(db)
	if err != nil {
		return fail(err)
	}
	if err := sqlstore.CheckSchema(ctx, p); err != nil {
		return fail(err)
	}
	current, known, err := p.GetVersions(ctx)
	if err != nil {
		return fail(explain(err))
	}
	if current < known {
		return fail(fmt.Errorf("the database schema is at version %d, older than this certcoach expects (%d): "+
			"back it up with the certcoach that last ran on it (backup applies no migration)", current, known))
	}
	return &BackupSource{db: db, path: path}, nil
}

// Backup writes a consistent copy of the database to path, as Store.Backup.
func (s *BackupSource) Backup(ctx context.Context, path string) error {
	return backupInto(ctx, s.db, path)
}

// Close closes the database.
func (s *BackupSource) Close() error { return s.db.Close() }
