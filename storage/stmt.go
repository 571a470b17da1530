package storage

import (
	"context"
	"database/sql"
)

// Statements are prepared once and reused: with SQLite, parsing a statement
// costs more than running a primary-key lookup, so hot paths must not
// re-prepare on every call. database/sql re-prepares a *sql.Stmt per pool
// connection on first use and keeps it.

func (s *Store) prepared(ctx context.Context, db *sql.DB, q string) (*sql.Stmt, error) {
	key := stmtKey{db: db, q: q}
	if st, ok := s.stmts.Load(key); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(key, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

type stmtKey struct {
	db *sql.DB
	q  string
}

// queryRow runs a one-row read on the reader pool.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := s.prepared(ctx, s.r, q)
	if err != nil {
		return s.r.QueryRowContext(ctx, q, args...) // surfaces the error through Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// query runs a read on the reader pool.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.prepared(ctx, s.r, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// exec runs a write on the writer connection.
func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := s.prepared(ctx, s.w, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// txStmt returns the statement q bound to tx. Statements used in
// transactions must be prepared up front (prepareTx): preparing on the
// writer pool here would wait for the one connection the tx holds.
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, q string) *sql.Stmt {
	if st, ok := s.stmts.Load(stmtKey{db: s.w, q: q}); ok {
		return tx.StmtContext(ctx, st.(*sql.Stmt))
	}
	// Not prepared at Open (a programming error): prepare for this tx only.
	st, _ := tx.PrepareContext(ctx, q)
	return st
}

// prepareTx prepares the statements used inside write transactions.
func (s *Store) prepareTx(ctx context.Context) error {
	for _, q := range txQueries {
		if _, err := s.prepared(ctx, s.w, q); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) closeStmts() {
	s.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}
