package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

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
	kb, err := knowledge.Load(knowledge.Embedded())
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
