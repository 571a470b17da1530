package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage/sqlite"
)

// TestBackupWhileWriting runs `certcoach backup` against a database that two
// users are writing answers into through the engine (as the running bot
// would), then checks the copy opens, passes integrity_check and is one
// consistent snapshot: every session's position equals its answers.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng := bot.NewEngine(kb, st, bot.Options{})

	stop := make(chan struct{})
	answered := make(chan struct{}, 1000)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := bot.Actor{Platform: "console", Workspace: "w", User: fmt.Sprint("writer", w)}
			for {
				r := eng.Handle(ctx, bot.Request{Actor: a, Text: "quiz cism 20"})
				for {
					select {
					case <-stop:
						return
					default:
					}
					id := ""
					for _, b := range r.Buttons {
						if strings.HasPrefix(b.ID, "quiz:answer:") && strings.HasSuffix(b.ID, ":1") {
							id = b.ID
						}
					}
					if id == "" {
						break
					}
					r = eng.Handle(ctx, bot.Request{Actor: a, Action: id})
					if r.Outcome != bot.OutcomeOK {
						t.Errorf("answer %s: %s", id, r.Body)
						return
					}
					answered <- struct{}{}
					next := ""
					for _, b := range r.Buttons {
						if strings.HasPrefix(b.ID, "quiz:next:") {
							next = b.ID
						}
					}
					if next == "" {
						break
					}
					r = eng.Handle(ctx, bot.Request{Actor: a, Action: next})
				}
			}
		}()
	}
	writersDone := make(chan struct{})
	go func() { wg.Wait(); close(writersDone) }()
	wait := func(n int) {
		for range n {
			select {
			case <-answered:
			case <-writersDone:
				t.Fatal("writers stopped early")
			}
		}
	}
	wait(10)
	copyPath := filepath.Join(dir, "copy.db")
	var out, errOut bytes.Buffer
	code := run([]string{"--db", db, "backup", copyPath}, strings.NewReader(""), &out, &errOut)
	wait(5) // writes go on after the backup returns
	close(stop)
	<-writersDone
	if code != 0 {
		t.Fatalf("backup exit %d: %s", code, errOut.String())
	}

	bst, err := sqlite.Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := bst.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	bst.Close()
	raw, err := sql.Open("sqlite", "file:"+copyPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var inCopy, inconsistent int
	if err := raw.QueryRow("SELECT count(*) FROM answers").Scan(&inCopy); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM sessions s WHERE s.position != (SELECT count(*) FROM answers a WHERE a.session_id = s.id)`).Scan(&inconsistent); err != nil {
		t.Fatal(err)
	}
	if inCopy < 10 {
		t.Errorf("copy holds %d answers, want at least the 10 committed before it started", inCopy)
	}
	if inconsistent != 0 {
		t.Errorf("%d sessions in the copy disagree with their answers: not one snapshot", inconsistent)
	}
}

// migratedTo makes a database at path with the SQLite migrations up to
// version, as an older certcoach left it, and returns the newest version
// this binary knows.
func migratedTo(t *testing.T, path string, version func(known int64) int64) (known int64) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, os.DirFS("../../storage/sqlite/migrations"), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	src := p.ListSources()
	known = src[len(src)-1].Version
	if _, err := p.UpTo(context.Background(), version(known)); err != nil {
		t.Fatal(err)
	}
	return known
}

func schemaVersion(t *testing.T, path string) int64 {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var v int64
	if err := raw.QueryRow("SELECT max(version_id) FROM goose_db_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBackupAppliesNoMigration: a backup is of the database as it is. One
// an older certcoach left (taken before an upgrade, say, with the new
// binary) is refused, saying why, and is not migrated: the running older
// bot keeps the schema it knows, and no copy of a half-upgraded state is
// made. One at this binary's version is copied and left as it was.
func TestBackupAppliesNoMigration(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.db")
	known := migratedTo(t, old, func(known int64) int64 { return known - 1 })
	code, _, errOut := runCLI(t, "", "--db", old, "backup", filepath.Join(dir, "old-copy.db"))
	if want := fmt.Sprintf("older than this certcoach expects (%d)", known); code != 1 || !strings.Contains(errOut, want) || strings.Count(errOut, "\n") != 1 {
		t.Errorf("backup of a database at version %d: exit %d, want 1 and one line with %q:\n%s", known-1, code, want, errOut)
	}
	if v := schemaVersion(t, old); v != known-1 {
		t.Errorf("backup migrated the database to version %d", v)
	}
	if _, err := os.Stat(filepath.Join(dir, "old-copy.db")); err == nil {
		t.Error("a copy of the refused database was written")
	}

	cur := filepath.Join(dir, "cur.db")
	migratedTo(t, cur, func(known int64) int64 { return known })
	copyPath := filepath.Join(dir, "cur-copy.db")
	if code, _, errOut := runCLI(t, "", "--db", cur, "backup", copyPath); code != 0 {
		t.Fatalf("backup: exit %d: %s", code, errOut)
	}
	if v := schemaVersion(t, copyPath); v != known {
		t.Errorf("the copy is at version %d, want %d", v, known)
	}
	for _, f := range []string{cur + "-wal", cur + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("backup left %s behind", f)
		}
	}
}

// journalHeader is what a SQLite file's header says of its journal: "wal"
// or "rollback" (bytes 18 and 19, the write and read versions, are 2 in
// WAL mode and 1 otherwise). Read from the bytes, so checking it opens no
// connection that could change it.
func journalHeader(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 100 || string(b[:16]) != "SQLite format 3\x00" {
		t.Fatalf("%s is not a SQLite file", path)
	}
	switch {
	case b[18] == 2 && b[19] == 2:
		return "wal"
	case b[18] == 1 && b[19] == 1:
		return "rollback"
	}
	return fmt.Sprintf("unknown (%d, %d)", b[18], b[19])
}

// rowCounts is the number of rows of every table in the database at path.
func rowCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, n := range names {
		var c int
		if err := raw.QueryRow(`SELECT count(*) FROM "` + n + `"`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		counts[n] = c
	}
	return counts
}

// TestBackupKeepsJournalMode: a backup leaves the source as it found it, a
// database in rollback-journal (DELETE) mode included, which opening it as
// serve does would switch to WAL; and the copy is the whole database, one
// certcoach runs on: it shows the answers made before and takes new ones.
func TestBackupKeepsJournalMode(t *testing.T) {
	for _, tc := range []struct{ mode, header string }{
		{"wal", "wal"},
		{"delete", "rollback"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "live.db")
			for _, a := range []string{"quiz cism 5", "A", "B"} {
				if code, _, errOut := runCLI(t, "", "--db", db, "--user", "u1", "ask", a); code != 0 {
					t.Fatalf("ask %q: exit %d: %s", a, code, errOut)
				}
			}
			progress := func(db string) string {
				t.Helper()
				code, out, errOut := runCLI(t, "", "--db", db, "--user", "u1", "ask", "progress")
				if code != 0 {
					t.Fatalf("progress on %s: exit %d: %s", db, code, errOut)
				}
				var answered []string
				for l := range strings.Lines(out) {
					if strings.Contains(l, "answered") {
						answered = append(answered, l)
					}
				}
				return strings.Join(answered, "")
			}
			before := progress(db)
			raw, err := sql.Open("sqlite", db)
			if err != nil {
				t.Fatal(err)
			}
			var mode string
			if err := raw.QueryRow("PRAGMA journal_mode = " + tc.mode).Scan(&mode); err != nil || mode != tc.mode {
				t.Fatalf("journal_mode = %s: %q, %v", tc.mode, mode, err)
			}
			raw.Close()
			if h := journalHeader(t, db); h != tc.header {
				t.Fatalf("before the backup the header says %s, want %s", h, tc.header)
			}
			want := rowCounts(t, db)
			if want["answers"] != 2 {
				t.Fatalf("the source holds %d answers, want 2", want["answers"])
			}

			copyPath := filepath.Join(dir, "copy.db")
			if code, _, errOut := runCLI(t, "", "--db", db, "backup", copyPath); code != 0 {
				t.Fatalf("backup: exit %d: %s", code, errOut)
			}
			if h := journalHeader(t, db); h != tc.header {
				t.Errorf("after the backup the source's header says %s, want %s as before", h, tc.header)
			}
			for _, f := range []string{db + "-wal", db + "-shm", db + "-journal"} {
				if _, err := os.Stat(f); err == nil {
					t.Errorf("backup left %s behind", f)
				}
			}

			if got := rowCounts(t, copyPath); !maps.Equal(got, want) {
				t.Errorf("the copy's rows per table %v, want the source's %v", got, want)
			}
			if got := progress(copyPath); got != before {
				t.Errorf("progress on the copy:\n%s\nwant the source's:\n%s", got, before)
			}
			if code, _, errOut := runCLI(t, "", "--db", copyPath, "--user", "u1", "ask", "C"); code != 0 {
				t.Errorf("answering on the copy: exit %d: %s", code, errOut)
			}
			st, err := sqlite.Open(context.Background(), copyPath)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.IntegrityCheck(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}
