// Package sqlstore is the store both certcoach databases share: the SQL is
// written once (authelia's way), with "?" placeholders, and a Dialect
// rewrites what differs when a statement is prepared. storage/sqlite and
// storage/postgres open the database, run their own migrations and wrap
// this type; one file per entity, the SQL reads top to bottom.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// Dialect is what differs between the databases.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// Numbered placeholders ($1, $2, ...) instead of "?".
	Numbered bool
	// RowLocks keeps "FOR UPDATE [SKIP LOCKED]" clauses. SQLite has none:
	// its write transactions (BEGIN IMMEDIATE) already run one at a time.
	RowLocks bool
	// IndexHints keeps "INDEXED BY <index>" (SQLite's planner hint).
	IndexHints bool
	// GroupCommit batches concurrent hot writes into one transaction (see
	// batch.go). SQLite's one writer needs it; PostgreSQL commits
	// concurrent transactions together by itself, and a batch there would
	// hold many users' row locks at once, so that two replicas' batches
	// could deadlock and fail every answer in them.
	GroupCommit bool
	// UserTables lists the tables with a user_id column (export, forget).
	UserTables string
	// BeforeClose runs on the writer pool just before it is closed.
	BeforeClose func(ctx context.Context, w *sql.DB)
}

// rewrite turns shared SQL into this dialect's.
func (d *Dialect) rewrite(q string) string {
	if !d.RowLocks {
		q = strings.ReplaceAll(q, " FOR UPDATE SKIP LOCKED", "")
		q = strings.ReplaceAll(q, " FOR UPDATE", "")
	}
	if !d.IndexHints {
		for {
			i := strings.Index(q, " INDEXED BY ")
			if i < 0 {
				break
			}
			j := i + len(" INDEXED BY ")
			for j < len(q) && q[j] != ' ' && q[j] != '\n' && q[j] != '\t' {
				j++
			}
			q = q[:i] + q[j:]
		}
	}
	if !d.Numbered || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Store is the database. On SQLite, writes go through a single connection
// so that concurrent writers queue in Go instead of spinning on
// SQLITE_BUSY, and reads use a pool (WAL lets them run beside an open
// write transaction); on PostgreSQL both are the same pool.
type Store struct {
	w     *sql.DB
	r     *sql.DB
	d     Dialect
	stmts sync.Map // stmtKey -> *sql.Stmt

	closeOnce sync.Once
	closeErr  error

	gc committer // group commit, see batch.go

	onError atomic.Pointer[func(op string)] // see OnError
}

// New wraps open, migrated pools: w for writes, r for reads (they may be
// the same pool).
func New(ctx context.Context, w, r *sql.DB, d Dialect) (*Store, error) {
	s := &Store{w: w, r: r, d: d}
	if err := s.prepareTx(ctx); err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	s.startBatcher()
	return s, nil
}

// OnError sets f to be told of each failed database operation ("read",
// "write", "commit", "batch"), for metrics; a caller giving up is not a
// failure. Set it before the store is used.
func (s *Store) OnError(f func(op string)) { s.onError.Store(&f) }

// failed reports err (if it is a database failure) to the OnError func and
// returns it unchanged.
func (s *Store) failed(op string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, sql.ErrNoRows) || errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if f := s.onError.Load(); f != nil {
		(*f)(op)
	}
	return err
}

// Ping checks that the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Reader is the read pool, for a dialect's own maintenance queries.
func (s *Store) Reader() *sql.DB { return s.r }

// Close stops the answer batcher and closes the pools. It is safe to call
// more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stopBatcher()
		s.closeStmts()
		if s.d.BeforeClose != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			s.d.BeforeClose(ctx, s.w)
			cancel()
		}
		if s.r != s.w {
			s.closeErr = s.r.Close()
		}
		s.closeErr = errors.Join(s.closeErr, s.w.Close())
	})
	return s.closeErr
}

// tx runs fn in a write transaction (on SQLite BEGIN IMMEDIATE, set by the
// connection string). It is the one way multi-statement writes are made:
// fn's error, or a failed commit, rolls everything back.
func (s *Store) tx(ctx context.Context, fn func(*wtx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.failed("commit", err)
	}
	tx := &wtx{Tx: sqlTx, s: s}
	done := false
	defer func() {
		if !done { // fn panicked: free the connection
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
