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
	// lock is the file held read-locked while a user who may only read
	// it copies it (see readLock); nil otherwise.
	lock *os.File
}

// OpenForBackup opens the existing database at dsn, a file path or a
// "file:" URI, to copy it. It applies no migration, so a backup taken
// before an upgrade is of the schema before it, and it refuses a schema
// this binary does not know exactly (older: it would need migrating;
// newer: a newer certcoach's).
//
// Its journal mode is left as it is. A user who may write the file opens
// it read-write, as serve does (and, as serve, leaves no -wal or -shm file
// behind). A user who may only read it opens it read-only, which for a
// database in WAL mode needs the -wal and -shm files of a running
// certcoach: without them SQLite would create them, owned by that user,
// and the bot could no longer open its own database, so it is refused
// instead. The file stays read-locked meanwhile, so that a certcoach
// stopping at that moment keeps those files (see readLock).
func OpenForBackup(ctx context.Context, dsn string) (*BackupSource, error) {
	path, err := FilePath(dsn)
	if err != nil {
		return nil, err
	}
	// Not buildDSN: its journal_mode(WAL) would switch a database in
	// rollback-journal mode to WAL, and a backup must leave the source as
	// it was. A read needs no other setting.
	busy := "_pragma=" + busyPragma(busyTimeout)
	conn := "file:" + path + "?" + busy
	var lock *os.File
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if errors.Is(err, fs.ErrPermission) {
		if lock, err = readOnlySource(ctx, path); err != nil {
			return nil, err
		}
		conn = "file:" + path + "?mode=ro&" + busy
	} else {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// The lock is closed after the database: closing a file also drops
	// the locks SQLite's connections hold on it in this process.
	closeAll := func(db *sql.DB) {
		if db != nil {
			db.Close()
		}
		if lock != nil {
			lock.Close()
		}
	}
	db, err := sql.Open("sqlite", conn)
	if err != nil {
		closeAll(nil)
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	fail := func(err error) (*BackupSource, error) {
		closeAll(db)
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
	return &BackupSource{db: db, path: path, lock: lock}, nil
}

// readOnlySource read-locks the database at path, which this user may only
// read, and checks it can be read without creating a file: a database in
// rollback-journal mode can; one in WAL mode only with the -wal and -shm
// files of a certcoach that has it open. It returns the locked file.
func readOnlySource(ctx context.Context, path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := readLock(ctx, f); err != nil {
		f.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// The header's read and write versions are 2 in WAL mode.
	var header [20]byte
	if _, err := f.ReadAt(header[:], 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("open database %s: the file is not a valid certcoach database: %w", path, err)
	}
	if header[18] == 2 || header[19] == 2 {
		for _, name := range []string{path + "-wal", path + "-shm"} {
			if _, err := os.Stat(name); err != nil {
				f.Close()
				return nil, fmt.Errorf("open database %s: the file is read-only for this user and no certcoach has it open: "+
					"back it up while certcoach runs on it, or as the user it runs as", path)
			}
		}
	}
	return f, nil
}

// Backup writes a consistent copy of the database to path, as Store.Backup.
func (s *BackupSource) Backup(ctx context.Context, path string) error {
	return backupInto(ctx, s.db, path)
}

// Close closes the database, then lets go of its lock.
func (s *BackupSource) Close() error {
	err := s.db.Close()
	if s.lock != nil {
		if lerr := s.lock.Close(); err == nil {
			err = lerr
		}
	}
	return err
}
