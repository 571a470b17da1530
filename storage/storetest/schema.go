package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/certcoach/certcoach/storage"
)

// OldSchema makes the database behind raw one an older certcoach wrote:
// the migrations in dir of fsys (named <version>_<name>.sql) up to version
// last applied, then the statements in rows run, for the upgrade tests.
func OldSchema(t *testing.T, raw *sql.DB, dialect goose.Dialect, fsys fs.FS, dir string, last int, rows ...string) {
	t.Helper()
	ctx := context.Background()
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	old := fstest.MapFS{}
	for _, e := range entries {
		var v int
		if _, err := fmt.Sscanf(e.Name(), "%05d_", &v); err != nil || v > last {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		old[e.Name()] = &fstest.MapFile{Data: b}
	}
	if len(old) != last {
		t.Fatalf("found %d migrations up to %d", len(old), last)
	}
	p, err := goose.NewProvider(dialect, raw, old, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range rows {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

// NewerSchema checks that a database with a migration newer than the
// store knows (an older binary after a rollback) is refused in one line
// naming both versions and what to do, and that the refusal changes
// nothing: without that migration the database opens again. open opens
// the store on the database; raw is a plain connection to the same one.
func NewerSchema(t *testing.T, open func() (io.Closer, error), raw *sql.DB) {
	ctx := context.Background()
	s, err := open()
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	var known int64
	if err := raw.QueryRowContext(ctx, "SELECT max(version_id) FROM goose_db_version").Scan(&known); err != nil {
		t.Fatal(err)
	}
	newer := known + 1
	if _, err := raw.ExecContext(ctx, fmt.Sprintf("INSERT INTO goose_db_version (version_id, is_applied) VALUES (%d, true)", newer)); err != nil {
		t.Fatal(err)
	}
	s, err = open()
	if err == nil {
		s.Close()
		t.Fatalf("a database at schema version %d opened with a store that knows up to %d", newer, known)
	}
	msg := err.Error()
	for _, want := range []string{fmt.Sprintf("version %d", newer), fmt.Sprintf("up to %d", known), "newer certcoach"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	if _, err := raw.ExecContext(ctx, fmt.Sprintf("DELETE FROM goose_db_version WHERE version_id = %d", newer)); err != nil {
		t.Fatal(err)
	}
	s, err = open()
	if err != nil {
		t.Fatalf("after the newer version is gone: %v", err)
	}
	s.Close()
}

// OlderSessions checks that sessions stored without an objective (by an
// older replica during a rolling upgrade, or before the column's
// migration) read as having none, so they repeat as the domain or whole
// exam quiz they were. open opens the store; raw is a plain connection to
// the same database.
func OlderSessions(t *testing.T, open func() (Store, error), raw *sql.DB) {
	ctx := context.Background()
	s, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.EnsureUser(ctx, storage.UserKey{Platform: "slack", Workspace: "T1", User: "older"}, "", "", time.Unix(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	// The column list of a replica that does not know the objective.
	q := fmt.Sprintf(`INSERT INTO sessions (id, user_id, kind, cert, outline, domain, questions, position, state, started_at, finished_at, time_limit, elapsed, resumed_at)
		VALUES ('older', %d, 'quiz', 'cissp', '', 7, '["q-a","q-b"]', 2, 'done', 100, 200, 0, 0, 100)`, u.ID)
	if _, err := raw.ExecContext(ctx, q); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx, "older")
	if err != nil || got.Objective != "" || got.Domain != 7 || len(got.Questions) != 2 || got.FinishedAt.IsZero() {
		t.Fatalf("older session: %+v, %v; want domain 7, no objective, finished", got, err)
	}
}
