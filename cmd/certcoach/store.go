package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/postgres"
	"github.com/certcoach/certcoach/storage/sqlite"
)

// appStore is everything the process wires the store into: the engine,
// the reminders, the adapters' dedupe and serve's own upkeep.
type appStore interface {
	bot.Store
	remind.Store
	installRows
	rekeyRows
	FirstSeen(ctx context.Context, scope, key string, now time.Time) (bool, error)
	PruneSeen(ctx context.Context, before time.Time) (int64, error)
	Reserve(ctx context.Context, name string, interval time.Duration, burst int, now time.Time) (time.Time, error)
	PruneBudgets(ctx context.Context, before time.Time) (int64, error)
	GetKV(ctx context.Context, key string) (string, error)
	SetKV(ctx context.Context, key, value string) error
	Ping(ctx context.Context) error
	OnError(f func(op string))
	Close() error
}

// openStore opens the database setting dsn, named in messages by where it
// came from (--db or CERTCOACH_DB): a postgres:// URL, else a SQLite file.
func openStore(ctx context.Context, dsn, from string) (appStore, error) {
	if libpqSetting(dsn) {
		return nil, fmt.Errorf("%s looks like a PostgreSQL key=value setting: give it as a URL, postgres://user:password@host:5432/dbname", from)
	}
	if err := otherURLProblem(dsn, from); err != nil {
		return nil, err
	}
	if storage.IsPostgresURL(dsn) {
		return postgres.Open(ctx, dsn)
	}
	path, err := sqlite.FilePath(dsn)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s %s is a folder: name a database file, e.g. %s", from, path, filepath.Join(path, "certcoach.db"))
	}
	createPrivate(path)
	// SQLite opens a file it may not write read-only, without an error, and
	// every answer would then fail as an internal error: refuse it here.
	// (backup opens the file itself, with sqlite.OpenForBackup, which may
	// read it only.)
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("open database %s: the file is read-only for this user (check its permissions, or name another with --db)", path)
	}
	return sqlite.Open(ctx, dsn)
}

// openExistingStore opens the database as openStore does, for a command
// that works on a database already in use (rekey): a SQLite file that does
// not exist is refused, not created empty, so that a mistyped --db says so
// instead of succeeding on nothing.
func openExistingStore(ctx context.Context, dsn, from, cmd string) (appStore, error) {
	if err := missingSQLite(dsn); err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return openStore(ctx, dsn, from)
}

// missingSQLite refuses a SQLite database setting whose file does not
// exist, for a command that only reads or changes data already stored
// (backup, rekey, ask export and forget): opening it would create
// an empty database and succeed on nothing. A PostgreSQL URL, or a setting
// openStore refuses for itself, passes.
func missingSQLite(dsn string) error {
	if storage.IsPostgresURL(dsn) || libpqSetting(dsn) || otherURLScheme(dsn) != "" {
		return nil
	}
	path, err := sqlite.FilePath(dsn)
	if err != nil {
		return err
	}
	_, err = os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("database %s does not exist, and was not created (--db or CERTCOACH_DB names the database)", path)
	case err != nil:
		return fmt.Errorf("database %s: %w", path, err)
	}
	return nil
}

// createPrivate creates a database file that does not exist yet readable
// by its owner only (SQLite would create it 0644, and its WAL files take
// the file's mode). Any failure is left to sqlite.Open to explain.
func createPrivate(path string) {
	if path == "" || path == ":memory:" {
		return
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		_ = f.Close()
	}
}

// libpqSetting reports a database setting in libpq's key=value form
// ("host=db password=..."). certcoach takes only postgres:// URLs, and such
// a string must not be taken for a SQLite file name, which would create that
// file and echo the setting, password and all.
func libpqSetting(dsn string) bool {
	for _, f := range strings.Fields(dsn) {
		k, _, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		switch strings.ToLower(k) {
		case "host", "hostaddr", "port", "dbname", "user", "password", "sslmode":
			return true
		}
	}
	return false
}

// otherURLScheme is the scheme of a database setting that looks like a URL
// but is no postgres:// one (postgress://, mysql://, postgres:/...), or "".
// Taken for a SQLite file name, such a setting would create folders named
// after it or echo its password in the error.
func otherURLScheme(dsn string) string {
	if storage.IsPostgresURL(dsn) {
		return ""
	}
	scheme, _, ok := strings.Cut(dsn, ":")
	if !ok || !schemeRe.MatchString(scheme) || strings.EqualFold(scheme, "file") {
		return ""
	}
	if strings.Contains(dsn, "://") || strings.HasPrefix(strings.ToLower(scheme), "postgres") {
		return scheme
	}
	return ""
}

var schemeRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]+$`)

// otherURLProblem refuses such a setting, named by where it came from and
// without echoing it.
func otherURLProblem(dsn, from string) error {
	if scheme := otherURLScheme(dsn); scheme != "" {
		return fmt.Errorf("%s is not a postgres:// URL (it starts with %s:): give postgres://user:password@host:5432/dbname, or a SQLite file name", from, scheme)
	}
	return nil
}
