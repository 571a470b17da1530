// Package postgres is certcoach's store on PostgreSQL (pgx), for several
// replicas on one database: every user's state is shared, inbound
// deliveries are deduplicated by unique keys, and reminders are claimed
// with row locks. It has its own embedded goose migrations.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/certcoach/certcoach/storage/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is a certcoach database on PostgreSQL.
type Store struct {
	*sqlstore.Store
}

var dialect = sqlstore.Dialect{
	Name:     "postgres",
	Numbered: true,
	RowLocks: true,
	UserTables: `SELECT table_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name = 'user_id' AND table_name NOT LIKE 'goose%'`,
}

// maxConns bounds one replica's connections: PostgreSQL's default
// max_connections is 100, shared by every replica and tool.
const maxConns = 16

// connectTimeout bounds each connection attempt when the URL sets no
// connect_timeout.
const connectTimeout = 10 * time.Second

// Open connects to the database at a postgres:// URL, applies pending
// migrations and returns the store. Errors never include the password.
func Open(ctx context.Context, dsn string) (*Store, error) {
	u, err := parseURL(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	where := u.redacted()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, unquoted(err))
	}
	if cfg.ConnectTimeout == 0 {
		// libpq and pgx wait for ever by default, so a server that accepts
		// and never answers would hang the start.
		cfg.ConnectTimeout = connectTimeout
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, fmt.Errorf("open database %s: no answer within %s (is PostgreSQL listening there? connect_timeout=<seconds> in the URL waits longer)", where, cfg.ConnectTimeout)
		}
		return nil, fmt.Errorf("open database %s: %w", where, oneLine{err})
	}
	p, err := provider(db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: migrate: %w", where, err)
	}
	if err := sqlstore.CheckSchema(ctx, p); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	if _, err := p.Up(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: migrate: %w", where, err)
	}
	s, err := sqlstore.New(ctx, db, db, dialect)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	return &Store{Store: s}, nil
}

// unquoted is a pgx parse error without the connection string it quotes,
// which pgx redacts as best it can only: the caller names the URL itself.
// pgx's text is "cannot parse `<connection string>`: why"; it is rebuilt
// with the string left empty rather than cut at a ": ", which can sit
// inside the string.
func unquoted(err error) error {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return err
	}
	blank := *pe
	blank.ConnString = ""
	if why, ok := strings.CutPrefix(blank.Error(), "cannot parse ``: "); ok {
		return errors.New("cannot parse it: " + why)
	}
	if inner := errors.Unwrap(pe); inner != nil {
		return fmt.Errorf("cannot parse it: %w", inner)
	}
	return errors.New("cannot parse it")
}

// oneLine shows a connection error on one line: pgx lists each attempt
// (TLS, then plain) on a line of its own, usually with the same cause.
type oneLine struct{ err error }

func (e oneLine) Error() string {
	var parts []string
	for _, p := range strings.Split(e.err.Error(), "\n") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

func (e oneLine) Unwrap() error { return e.err }

// provider is goose over the embedded migrations, on db.
func provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	// Replicas starting together on a new database take turns: an advisory
	// lock held for the migration, so only the first one applies it.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithDisableGlobalRegistry(true), goose.WithSessionLocker(locker))
}
