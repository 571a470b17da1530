package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite"
)

// These tests reach into the group commit, so they live beside it and
// open SQLite themselves (storage/sqlite imports this package), with the
// migrations storage/sqlite embeds.

var testDialect = Dialect{Name: "sqlite", IndexHints: true, GroupCommit: true}

func openSQLite(t testing.TB, path string) *Store { return openSQLiteWith(t, path, testDialect) }

func openSQLiteWith(t testing.TB, path string, d Dialect) *Store {
	t.Helper()
	ctx := context.Background()
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // the one writer, as storage/sqlite opens it
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, os.DirFS("../../sqlite/migrations"), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, db, r, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openTemp(t testing.TB) (*Store, string) {
	path := filepath.Join(t.TempDir(), "certcoach.db")
	return openSQLite(t, path), path
}

func TestRewrite(t *testing.T) {
	pg := Dialect{Numbered: true, RowLocks: true}
	lite := Dialect{IndexHints: true}
	for _, c := range []struct {
		d       Dialect
		in, out string
	}{
		{pg, "SELECT id FROM reminders INDEXED BY reminders_due WHERE a = ? AND b > ? FOR UPDATE", "SELECT id FROM reminders WHERE a = $1 AND b > $2 FOR UPDATE"},
		{lite, "SELECT id FROM reminders INDEXED BY reminders_due WHERE a = ? FOR UPDATE SKIP LOCKED", "SELECT id FROM reminders INDEXED BY reminders_due WHERE a = ?"},
		{lite, "SELECT 1 FROM t WHERE id = ? FOR UPDATE", "SELECT 1 FROM t WHERE id = ?"},
		{pg, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"},
	} {
		if got := c.d.rewrite(c.in); got != c.out {
			t.Errorf("rewrite(%q) = %q, want %q", c.in, got, c.out)
		}
	}
}

// TestPacer: a batch lingers only while jobs come faster than batchLinger
// and lingering gains jobs; after lingers that gained nothing it rests for
// 2, 4, ... up to maxLingerRest batches.
func TestPacer(t *testing.T) {
	t0 := time.Unix(0, 0)
	fast := func(p *pacer, n int) { // n arrivals 50 µs apart
		for i := 0; i < n; i++ {
			t0 = t0.Add(50 * time.Microsecond)
			p.arrived(t0)
		}
	}
	rests := func(p *pacer) int { // batches until the next linger
		n := 0
		for !p.shouldLinger() {
			if n++; n > 1000 {
				t.Fatal("never lingers again")
			}
		}
		return n
	}
	var p pacer
	p.arrived(t0)
	if p.shouldLinger() {
		t.Fatal("lingered on the first job ever")
	}
	fast(&p, 40)
	if !p.shouldLinger() {
		t.Fatal("jobs 50 µs apart: want to linger")
	}
	p.lingered(3)
	if !p.shouldLinger() {
		t.Fatal("the last linger gained jobs: want to linger again")
	}
	for _, want := range []int{2, 4, 8, 16, 32, 64, 64} { // a lone client
		p.lingered(0)
		if got := rests(&p); got != want {
			t.Fatalf("rested %d batches, want %d", got, want)
		}
	}
	p.lingered(2) // company again: no rest
	if got := rests(&p); got != 0 {
		t.Fatalf("rested %d batches after a fruitful linger", got)
	}
	p.lingered(0)
	if got := rests(&p); got != 2 {
		t.Fatalf("rested %d batches after one dry linger, want 2", got)
	}
	for i := 0; i < 40; i++ { // slow traffic: 1 ms apart
		t0 = t0.Add(time.Millisecond)
		p.arrived(t0)
	}
	for i := 0; i < 100; i++ {
		if p.shouldLinger() {
			t.Fatal("jobs 1 ms apart: lingering cannot pay")
		}
	}
}

// TestGroupCommitCancelAndClose: callers giving up mid-wait and Close
// racing with a stream of writes neither stall the group commit nor lose a
// record a caller was told about.
func TestGroupCommitCancelAndClose(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	for g := 0; g < 40; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				c, cancel := context.WithCancel(ctx)
				if i%3 == 0 {
					go cancel() // gives up while queued or waiting
				}
				key := fmt.Sprintf("g%d-%d", g, i)
				first, err := s.FirstSeen(c, "d", key, time.Unix(1, 0))
				cancel()
				switch {
				case err == nil && first:
					mu.Lock()
					acked = append(acked, key)
					mu.Unlock()
				case err == nil:
					t.Errorf("%s: a new key reported as seen", key)
				case errors.Is(err, context.Canceled):
				case errors.Is(err, errClosed):
					return
				default:
					t.Errorf("%s: %v", key, err)
					return
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond) // let writes flow (not a timing assertion)
	done := make(chan struct{})
	go func() { s.Close(); wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // liveness bound
		t.Fatal("Close or a caller hung")
	}
	re := openSQLite(t, path)
	var stored int
	if err := re.r.QueryRowContext(ctx, "SELECT count(*) FROM seen WHERE scope = 'd'").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if len(acked) == 0 || stored < len(acked) {
		t.Fatalf("%d records acknowledged, %d stored", len(acked), stored)
	}
	for _, k := range acked {
		if first, err := re.FirstSeen(ctx, "d", k, time.Unix(2, 0)); err != nil || first {
			t.Fatalf("acknowledged %s is not stored (%v, %v)", k, first, err)
		}
	}
}

// TestBatchSurvivesPanic: a job whose writes panic fails its batch (rolled
// back) but not the store: later writes go through.
func TestBatchSurvivesPanic(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	err := s.submit(ctx, func(ctx context.Context, tx *wtx) error {
		if _, err := tx.exec(ctx, "INSERT INTO kv (key, value) VALUES ('half', 'done')"); err != nil {
			return err
		}
		panic("bug in a job")
	})
	if err == nil || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("panicking job: %v", err)
	}
	if v, err := s.GetKV(ctx, "half"); err != nil || v != "" {
		t.Fatalf("the panicking batch was not rolled back: %q, %v", v, err)
	}
	done := make(chan error, 1)
	go func() { _, err := s.FirstSeen(ctx, "d", "after", time.Unix(1, 0)); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second): // liveness bound
		t.Fatal("writes hang after a panicking batch")
	}
}

// TestOnErrorCountsFailures: failed reads and writes are reported, a
// caller giving up and "no rows" are not.
func TestOnErrorCountsFailures(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	var mu sync.Mutex
	got := map[string]int{}
	s.OnError(func(op string) { mu.Lock(); got[op]++; mu.Unlock() })
	if _, err := s.exec(ctx, "INSERT INTO no_such_table VALUES (1)"); err == nil {
		t.Fatal("insert into a missing table succeeded")
	}
	if _, err := s.query(ctx, "SELECT * FROM no_such_table"); err == nil {
		t.Fatal("read of a missing table succeeded")
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	_, _ = s.exec(gone, "INSERT INTO kv (key, value) VALUES ('a', 'b')")
	if _, err := s.GetKV(ctx, "missing"); err != nil {
		t.Fatal(err)
	}
	if err := s.submit(ctx, func(context.Context, *wtx) error { panic("bug") }); err == nil {
		t.Fatal("panicking batch succeeded")
	}
	mu.Lock()
	defer mu.Unlock()
	if got["write"] != 1 || got["read"] != 1 || got["batch"] != 1 || len(got) != 3 {
		t.Fatalf("reported %v, want one write, one read and one batch failure", got)
	}
}
