package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/storetest"
)

// TestConformance runs the store suite on a temporary file per test.
func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Opener {
		t.Parallel() // each case has a file of its own
		path := filepath.Join(t.TempDir(), "certcoach.db")
		return func(t testing.TB) storetest.Store {
			s, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}

// TestNewerSchemaRefused: a database a newer binary migrated is refused.
func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "certcoach.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	storetest.NewerSchema(t, func() (io.Closer, error) { return Open(context.Background(), path) }, raw)
}

// TestOlderSessions: a session an older replica stores has no objective.
func TestOlderSessions(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "certcoach.db")
	raw, err := sql.Open("sqlite", buildDSN(path, busyTimeout))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	storetest.OlderSessions(t, func() (storetest.Store, error) { return Open(context.Background(), path) }, raw)
}

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "certcoach.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenAppliesPragmasAndMigrationsIdempotently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, path := openTemp(t)
	checks := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "1", "busy_timeout": "10000"}
	for p, want := range checks {
		var got string
		if err := s.Reader().QueryRowContext(ctx, "PRAGMA "+p).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q (%v), want %q", p, got, err, want)
		}
	}
	u, err := s.EnsureUser(ctx, storage.UserKey{Platform: "slack", Workspace: "T1", User: "U1"}, "Ann", "Europe/Berlin", time.Unix(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Reopen: migrations are not re-applied and data survives.
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.UserByKey(ctx, storage.UserKey{Platform: "slack", Workspace: "T1", User: "U1"})
	if err != nil || got.ID != u.ID || got.TZ != "Europe/Berlin" || got.TZSource != "platform" {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	var versions int
	if err := s2.Reader().QueryRowContext(ctx, "SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&versions); err != nil || versions < 2 {
		t.Fatalf("goose versions %d, %v", versions, err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("this is not sqlite ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing directory", filepath.Join(dir, "nope", "x.db"), "does not exist"},
		{"not a database", garbage, "not a valid certcoach database"},
		{"empty", "", "empty path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(ctx, tc.path)
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Count(err.Error(), "\n") > 0 {
				t.Fatalf("error %q, want one line containing %q", err, tc.want)
			}
		})
	}
	if os.Geteuid() != 0 { // root ignores permissions
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o500)
		if s, err := Open(ctx, filepath.Join(ro, "x.db")); err == nil {
			s.Close()
			t.Fatal("opened a database in a read-only directory")
		}
	}
}

func recordN(ctx context.Context, s *Store, userID int64, key string) error {
	_, err := s.RecordAnswer(ctx, storage.Answer{UserID: userID, AttemptKey: key, QuestionID: "q-" + key, Cert: "cissp", Domain: 1, At: time.Unix(100, 0), LocalDay: "2026-11-25"}, 0,
		func(prev *storage.Card) (storage.Card, int, string) {
			return storage.Card{UserID: userID, QuestionID: "q-" + key, Cert: "cissp", Domain: 1, Due: time.Unix(200, 0), State: 2}, 3, ""
		})
	return err
}

func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, path := openTemp(t)
	u, _ := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "b"}, "", "", time.Unix(1, 0))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for k := 0; k < 200; k++ {
			_ = recordN(ctx, s, u.ID, fmt.Sprint(k))
		}
	}()
	dst := filepath.Join(filepath.Dir(path), "backup.db")
	if err := s.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	<-done
	b, err := Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var ok string
	if err := b.Reader().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity %q, %v", ok, err)
	}
	if err := s.Backup(ctx, dst); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
}

func TestDueRemindersUsesIndex(t *testing.T) {
	t.Parallel()
	s, _ := openTemp(t)
	for q, want := range map[string]string{
		`SELECT id, next_fire FROM reminders INDEXED BY reminders_due WHERE next_fire = ? AND id > ? ORDER BY id LIMIT ?`:                    "(next_fire=? AND rowid>?)",
		`SELECT id, next_fire FROM reminders INDEXED BY reminders_due WHERE next_fire > ? AND next_fire <= ? ORDER BY next_fire, id LIMIT ?`: "(next_fire>? AND next_fire<?)",
	} {
		rows, err := s.Reader().Query("EXPLAIN QUERY PLAN "+q, 1, 2, 3)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, "COVERING INDEX reminders_due "+want) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("due query plan: %s", p)
		}
	}
}

// TestUpgradeFromReplayGuardSchema: a database written by the version with
// the one-process replay guard (migrations 1-5) opens, keeps its users and
// keeps refusing the Discord interactions it had recorded.
func TestUpgradeFromReplayGuardSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	oldSchema(t, path, 5,
		"INSERT INTO users (platform, workspace, user_ref, created_at) VALUES ('discord', 'g', 'u', 1)",
		"INSERT INTO discord_interactions_seen (signed, id) VALUES (1764000000, 1234567890123456789)")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.UserByKey(ctx, storage.UserKey{Platform: "discord", Workspace: "g", User: "u"}); err != nil {
		t.Fatalf("user lost in the upgrade: %v", err)
	}
	if first, err := s.FirstSeen(ctx, "discord:interaction", "1234567890123456789", time.Now()); err != nil || first {
		t.Fatalf("recorded interaction after the upgrade: first=%v err=%v, want already seen", first, err)
	}
}

// TestUpgradeSessionInFlight: a session open when the shown position
// column arrives (migration 9) reads as shown nothing: the user may be on
// a button answer's feedback, so a typed letter shows the question first.
// It has no objective (migration 11): it repeats as the quiz it was.
func TestUpgradeSessionInFlight(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	oldSchema(t, path, 8,
		"INSERT INTO users (platform, workspace, user_ref, created_at) VALUES ('slack', 'T1', 'U1', 1)",
		`INSERT INTO sessions (id, user_id, kind, cert, questions, position, started_at) VALUES ('s1', 1, 'quiz', 'cissp', '["q-a","q-b"]', 1, 100)`)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sess, err := s.Session(ctx, "s1")
	if err != nil || sess.Position != 1 || sess.Shown != -1 || sess.Objective != "" {
		t.Fatalf("session after the upgrade: position %d, shown %d, objective %q, %v; want 1, -1, none", sess.Position, sess.Shown, sess.Objective, err)
	}
}

// oldSchema writes at path a database with the migrations up to version
// last applied, and rows inserted by the statements in rows.
func oldSchema(t *testing.T, path string, last int, rows ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", buildDSN(path, busyTimeout))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.OldSchema(t, db, goose.DialectSQLite3, migrationFiles, "migrations", last, rows...)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestBackupSourceWaitsAsTheStoreDoes: a backup's connection waits for a
// lock as long as the store's own connections do (it sets busy_timeout too,
// and nothing of the store's DSN that would change the file).
func TestBackupSourceWaitsAsTheStoreDoes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, path := openTemp(t)
	var want string
	if err := s.Reader().QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&want); err != nil {
		t.Fatal(err)
	}
	src, err := OpenForBackup(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var got string
	if err := src.db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&got); err != nil || got != want || got == "0" {
		t.Errorf("backup busy_timeout = %q (%v), want the store's %q", got, err, want)
	}
}

// TestOpenWhileBackupReadsRollbackJournal: a database in rollback-journal
// mode (as a restored copy may be) is switched to WAL by the first open,
// which needs the file to itself for a moment. A backup reading it
// meanwhile (it keeps the journal mode, and holds its read lock for the
// whole copy) is not disturbed: an open that outwaits its connections'
// busy timeout fails saying why and changes nothing, and the next open
// once the backup is done switches the file to WAL.
func TestOpenWhileBackupReadsRollbackJournal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, path := openTemp(t)
	u, err := s.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "b"}, "", "", time.Unix(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := recordN(ctx, s, u.ID, "k"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	toRollbackJournal(t, path)

	src, err := OpenForBackup(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// What VACUUM INTO holds for the length of a copy: one read transaction.
	conn, err := src.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	answers := func() int {
		t.Helper()
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM answers").Scan(&n); err != nil {
			t.Fatalf("the backup's read: %v", err)
		}
		return n
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	before := answers()
	checkWALSwitchHeldOff(t, path, func() {
		if got := answers(); got != before || got == 0 {
			t.Errorf("the backup read %d answers during the open, %d before it", got, before)
		}
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			t.Fatal(err)
		}
		if err := src.Backup(ctx, filepath.Join(t.TempDir(), "copy.db")); err != nil {
			t.Fatalf("backup after the failed open: %v", err)
		}
		if err := conn.Close(); err != nil {
			t.Fatal(err)
		}
		if err := src.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// toRollbackJournal switches the (closed) database at path to
// rollback-journal mode.
func toRollbackJournal(t *testing.T, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := raw.QueryRowContext(context.Background(), "PRAGMA journal_mode = delete").Scan(&mode); err != nil || mode != "delete" {
		t.Fatalf("journal_mode = delete: %q, %v", mode, err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkWALSwitchHeldOff checks that an open of the rollback-journal
// database at path, while a backup holds it read-locked, fails saying why
// and leaves it in that mode; and that, once release has let the lock go,
// the next open switches it to WAL.
func checkWALSwitchHeldOff(t *testing.T, path string, release func()) {
	t.Helper()
	ctx := context.Background()
	s, err := open(ctx, path, 50*time.Millisecond)
	if err == nil {
		t.Errorf("switched to WAL under a reader's lock (close: %v)", s.Close())
		return
	}
	if !strings.Contains(err.Error(), "rollback-journal mode") || !strings.Contains(err.Error(), "backup") {
		t.Errorf("the error does not say what holds the switch up: %v", err)
	}
	if inWAL(path) {
		t.Error("the failed open switched the file to WAL")
	}
	release()
	s, err = open(ctx, path, 50*time.Millisecond)
	if err != nil {
		t.Fatalf("open once the lock is gone: %v", err)
	}
	if !inWAL(path) {
		t.Error("the open did not switch the file to WAL")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
