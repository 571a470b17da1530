package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
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

// TestBackupByReadOnlyUser: a user who may only read the database backs it
// up while certcoach has it open; with none running the refusal says so
// (SQLite would create the -shm file, owned by that user, and the bot could
// no longer open its own database). (Root writes any file: the check runs
// as another user.)
func TestBackupByReadOnlyUser(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write a read-only file")
	}
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "ro.db")
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db, 0o400); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", "--db", db, "backup", filepath.Join(dir, "copy.db")); code != 0 {
		t.Errorf("backup of a read-only file certcoach has open: exit %d: %s", code, errOut)
	}
	st.Close()
	code, _, errOut := runCLI(t, "", "--db", db, "backup", filepath.Join(dir, "copy2.db"))
	if want := "no certcoach has it open"; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("backup of a read-only file nothing has open: exit %d, want 1 and %q: %s", code, want, errOut)
	}
	for _, f := range []string{db + "-wal", db + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s left behind", f)
		}
	}
}
