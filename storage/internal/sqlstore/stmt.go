package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

// Statements are prepared once and reused: with SQLite, parsing a statement
// costs as much as running a primary-key lookup. BenchmarkRead (December
// 2026): 3.0 µs of CPU per primary-key read prepared, 5.9 µs re-prepared
// each call. database/sql re-prepares a *sql.Stmt per pool connection on
// first use and keeps it (pgx caches its statements the same way).

func (s *Store) prepared(ctx context.Context, db *sql.DB, q string) (*sql.Stmt, error) {
	key := stmtKey{db: db, q: q}
	if st, ok := s.stmts.Load(key); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.PrepareContext(ctx, s.d.rewrite(q))
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
		return s.r.QueryRowContext(ctx, s.d.rewrite(q), args...) // surfaces the error through Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// query runs a read on the reader pool.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.prepared(ctx, s.r, q)
	if err != nil {
		return nil, s.failed("read", err)
	}
	rows, err := st.QueryContext(ctx, args...)
	return rows, s.failed("read", err)
}

// exec runs a write on the writer connection.
func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := s.prepared(ctx, s.w, q)
	if err != nil {
		return nil, s.failed("write", err)
	}
	res, err := st.ExecContext(ctx, args...)
	return res, s.failed("write", err)
}

// execCount runs a write on the writer connection and returns how many
// rows it changed; what names the write in errors.
func (s *Store) execCount(ctx context.Context, what, q string, args ...any) (int64, error) {
	res, err := s.exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}

// wtx is a write transaction that binds each prepared statement to itself
// once: a group-committed batch runs the same few statements many times.
type wtx struct {
	*sql.Tx
	s     *Store
	bound map[string]*sql.Stmt
}

// stmt returns the statement q bound to the transaction. Statements used
// in transactions must be prepared up front (prepareTx): preparing on the
// writer pool here would wait for the one connection the tx holds.
func (t *wtx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.bound[q]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if ps, ok := t.s.stmts.Load(stmtKey{db: t.s.w, q: q}); ok {
		st = t.Tx.StmtContext(ctx, ps.(*sql.Stmt))
	} else {
		// Not prepared at Open (a programming error): prepare for this tx only.
		var err error
		if st, err = t.Tx.PrepareContext(ctx, t.s.d.rewrite(q)); err != nil {
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
	}
	if t.bound == nil {
		t.bound = make(map[string]*sql.Stmt, 4)
	}
	t.bound[q] = st
	return st, nil
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

// exec runs a statement that is not on a hot path in the transaction.
func (t *wtx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.ExecContext(ctx, t.s.d.rewrite(q), args...)
}

// query runs a read (or a write with RETURNING) that is not on a hot path
// in the transaction.
func (t *wtx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.QueryContext(ctx, t.s.d.rewrite(q), args...)
}

// queryRow runs a one-row read that is not on a hot path in the transaction.
func (t *wtx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.QueryRowContext(ctx, t.s.d.rewrite(q), args...)
}

// execStmt runs one of txQueries in the transaction.
func (t *wtx) execStmt(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// queryRowStmt runs one of txQueries, a one-row read, in the transaction.
func (t *wtx) queryRowStmt(ctx context.Context, q string, args ...any) rowScanner {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// rowScanner is a row to scan: *sql.Row, *sql.Rows, or errRow. The scan
// functions take it so one serves a single-row read and a loop over rows.
type rowScanner interface{ Scan(...any) error }

// errRow is a row whose Scan fails with err.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// writeRow runs a write that returns one row (RETURNING) on the writer.
func (s *Store) writeRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.w.QueryRowContext(ctx, s.d.rewrite(q), args...)
}

// queryAll runs a read and scans every row with scan; what names the read
// in errors.
func queryAll[T any](ctx context.Context, s *Store, what string, scan func(rowScanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out, err := scanAll(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// querySet runs a read of one text column and returns its values as a
// set; what names the read in errors.
func querySet(ctx context.Context, s *Store, what, q string, args ...any) (map[string]bool, error) {
	vals, err := queryAll(ctx, s, what, scanString, q, args...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(vals))
	for _, v := range vals {
		out[v] = true
	}
	return out, nil
}

// scanAll scans every row of rows with scan, and closes them.
func scanAll[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
