package postgres_test

import (
	"context"
	"database/sql"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/certcoach/certcoach/storage/postgres"
	"github.com/certcoach/certcoach/storage/postgres/pgtest"
	"github.com/certcoach/certcoach/storage/storetest"
)

// TestConformance runs the store suite on one fresh database for the run,
// a fresh schema per test. The cases take turns: each Open takes the
// database's migration lock, which a waiting Open polls only every few
// seconds.
func TestConformance(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	storetest.Run(t, func(t *testing.T) storetest.Opener {
		u := pgtest.NewSchema(t, db)
		return func(t testing.TB) storetest.Store {
			s, err := postgres.Open(context.Background(), u)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}

// rawSchema makes a fresh schema and returns its URL and a plain
// connection to it, closed by t.Cleanup.
func rawSchema(t *testing.T) (string, *sql.DB) {
	t.Helper()
	u := pgtest.NewSchema(t, pgtest.NewDatabase(t))
	raw, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return u, raw
}

// TestNewerSchemaRefused: a database a newer binary migrated is refused.
func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	u, raw := rawSchema(t)
	storetest.NewerSchema(t, func() (io.Closer, error) { return postgres.Open(context.Background(), u) }, raw)
}

// TestOlderSessions: a session an older replica stores has no objective.
func TestOlderSessions(t *testing.T) {
	t.Parallel()
	u, raw := rawSchema(t)
	storetest.OlderSessions(t, func() (storetest.Store, error) { return postgres.Open(context.Background(), u) }, raw)
}

// TestUpgradeSessionInFlight: a session stored before the objective column
// (migration 6) reads after the upgrade with none, the quiz it was.
func TestUpgradeSessionInFlight(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u, raw := rawSchema(t)
	storetest.OldSchema(t, raw, goose.DialectPostgres, postgres.MigrationFiles, "migrations", 5,
		"INSERT INTO users (platform, workspace, user_ref, created_at) VALUES ('slack', 'T1', 'U1', 1)",
		`INSERT INTO sessions (id, user_id, kind, cert, domain, questions, position, state, started_at, finished_at)
			SELECT 's1', id, 'quiz', 'cissp', 7, '["q-a","q-b"]', 2, 'done', 100, 200 FROM users`)
	s, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sess, err := s.Session(ctx, "s1")
	if err != nil || sess.Domain != 7 || sess.Objective != "" || sess.Shown != -1 {
		t.Fatalf("session after the upgrade: domain %d, objective %q, shown %d, %v; want 7, none, -1", sess.Domain, sess.Objective, sess.Shown, err)
	}
}

// TestOpenTwiceMigratesOnce: a second replica starting on a migrated
// database applies nothing and sees the first one's rows.
func TestOpenTwiceMigratesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := pgtest.NewSchema(t, pgtest.NewDatabase(t))
	a, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.SetKV(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	b, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if v, err := b.GetKV(ctx, "k"); err != nil || v != "v" {
		t.Fatalf("second replica reads %q, %v", v, err)
	}
}

// TestReplicasStartTogether: replicas opening a new database at the same
// moment all start; the migration is applied once.
func TestReplicasStartTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := pgtest.NewSchema(t, pgtest.NewDatabase(t))
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			s, err := postgres.Open(ctx, u)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenErrorHidesPassword(t *testing.T) {
	t.Parallel()
	_, err := postgres.Open(context.Background(), "postgres://certcoach:s3cret-pw@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("opened a database on port 1")
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("the error shows the password: %v", err)
	}
	// Without sslmode pgx tries TLS, then plain: one line says both failed.
	_, err = postgres.Open(context.Background(), "postgres://certcoach:s3cret-pw@127.0.0.1:1/x?connect_timeout=2")
	if err == nil || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "s3cret-pw") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("want one line without the password that says why, got %q", err)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgres://u:pw@h:5432/db?sslmode=disable": "postgres://u:redacted@h:5432/db?sslmode=disable",
		"postgres://u@h/db":                         "postgres://u@h/db",
		"postgres://h/db?password=pw&user=u":        "postgres://h/db?password=redacted&user=u",
		"postgres://h/db?user=u&sslpassword=k+y":    "postgres://h/db?user=u&sslpassword=redacted",
		"postgres://u:p#w@h/db":                     "postgres://u:redacted@h/db",
		"postgres://u:p#w@h#x/db":                   "(a database URL that cannot be read: not shown)",
	} {
		if got := postgres.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOpenSilentServerGivesUp: a server that accepts the connection and
// never answers (a wrong port behind a proxy, a hung host) ends Open with
// an error saying so, instead of waiting for ever. The parent context only
// stops the test from hanging when that is broken.
func TestOpenSilentServerGivesUp(t *testing.T) {
	t.Parallel()
	addr := pgtest.SilentServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := postgres.Open(ctx, "postgres://certcoach:s3cret-pw@"+addr+"/x?sslmode=disable")
	if err == nil {
		t.Fatal("opened a database on a server that never answers")
	}
	if ctx.Err() != nil || !strings.Contains(err.Error(), "connect_timeout") || strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("want an error that says the server did not answer (and how to wait longer), got %v", err)
	}
}

// TestOpenReservedPassword: on a real PostgreSQL (trust: the password is
// not checked), a URL with a password holding the reserved characters pgx
// reads as themselves in a userinfo opens the database it names; the same URL
// aimed at a port nobody listens on fails without showing the password.
func TestOpenReservedPassword(t *testing.T) {
	t.Parallel()
	const pw = "k#9?x=q:Z+w0rd"
	plain, err := url.Parse(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	raw := plain.Scheme + "://" + plain.User.Username() + ":" + pw + "@" + plain.Host + plain.Path + "?" + plain.RawQuery
	st, err := postgres.Open(context.Background(), raw)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer st.Close()
	var db string
	if err := st.Reader().QueryRowContext(context.Background(), "SELECT current_database()").Scan(&db); err != nil || "/"+db != plain.Path {
		t.Fatalf("connected to %q (%v), want %s", db, err, plain.Path)
	}
	refused := plain.Scheme + "://" + plain.User.Username() + ":" + pw + "@127.0.0.1:1" + plain.Path + "?connect_timeout=5&sslmode=disable"
	_, err = postgres.Open(context.Background(), refused)
	if err == nil || strings.Contains(err.Error(), "w0rd") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("want an error naming the address without the password, got %v", err)
	}
}
