package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

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
	ctx := context.Background()
	s, path := openTemp(t)
	checks := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "1", "busy_timeout": "10000"}
	for p, want := range checks {
		var got string
		if err := s.w.QueryRowContext(ctx, "PRAGMA "+p).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q (%v), want %q", p, got, err, want)
		}
	}
	u, err := s.EnsureUser(ctx, UserKey{"slack", "T1", "U1"}, "Ann", "Europe/Berlin", time.Unix(1, 0))
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
	got, err := s2.UserByKey(ctx, UserKey{"slack", "T1", "U1"})
	if err != nil || got.ID != u.ID || got.TZ != "Europe/Berlin" || got.TZSource != "platform" {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	var versions int
	if err := s2.r.QueryRowContext(ctx, "SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&versions); err != nil || versions < 2 {
		t.Fatalf("goose versions %d, %v", versions, err)
	}
}

func TestOpenErrors(t *testing.T) {
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

func TestUserTimeZoneSourceRespected(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	k := UserKey{"slack", "T1", "U2"}
	u, _ := s.EnsureUser(ctx, k, "", "America/New_York", time.Unix(1, 0))
	if err := s.SetTimeZone(ctx, u.ID, "Asia/Tokyo", "user"); err != nil {
		t.Fatal(err)
	}
	u, _ = s.EnsureUser(ctx, k, "", "America/Chicago", time.Unix(2, 0))
	if u.TZ != "Asia/Tokyo" {
		t.Fatalf("platform hint overrode the user's zone: %q", u.TZ)
	}
}

func TestFirstSeen(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	now := time.Unix(1000, 0)
	for i, want := range []bool{true, false, false} {
		got, err := s.FirstSeen(ctx, "slack-event", "Ev1", now)
		if err != nil || got != want {
			t.Fatalf("delivery %d: %v, %v; want %v", i, got, err, want)
		}
	}
	if ok, _ := s.FirstSeen(ctx, "discord", "Ev1", now); !ok {
		t.Fatal("scopes must not collide")
	}
	for _, c := range []struct {
		scope string
		since time.Time
		want  bool
	}{{"slack-event", now, true}, {"slack-event", now.Add(time.Second), false}, {"other", time.Unix(0, 0), false}} {
		if got, err := s.SeenSince(ctx, c.scope, c.since); err != nil || got != c.want {
			t.Errorf("SeenSince(%s, %v): %v, %v; want %v", c.scope, c.since.Unix(), got, err, c.want)
		}
	}
	if n, err := s.PruneSeen(ctx, now.Add(time.Second)); err != nil || n != 2 {
		t.Fatalf("pruned %d, %v", n, err)
	}
}

func TestFirstInteraction(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	now := time.UnixMilli(1764000000000)
	old := Interaction{ID: SnowflakeAt(now.Add(-2*time.Second)) + 7, Signed: now.Add(-2 * time.Second).Unix()}
	fresh := Interaction{ID: SnowflakeAt(now) + 7, Signed: now.Unix()}
	for i, c := range []struct {
		in   Interaction
		want bool
	}{{old, true}, {old, false}, {fresh, true}, {fresh, false}, {old, false}} {
		got, err := s.FirstInteraction(ctx, c.in)
		if err != nil || got != c.want {
			t.Fatalf("delivery %d of %+v: %v, %v; want %v", i, c.in, got, err, c.want)
		}
	}
	if recent, err := s.RecentInteractions(ctx, now.Unix()); err != nil || len(recent) != 1 || recent[0] != fresh {
		t.Fatalf("recent: %+v, %v; want only %+v", recent, err, fresh)
	}
	// Bulk records (two multi-row chunks and single rows) leave existing
	// ones as they are.
	bulk := []Interaction{fresh}
	for i := range 2*interactionChunk + 5 {
		bulk = append(bulk, Interaction{ID: fresh.ID + 1 + int64(i), Signed: now.Unix()})
	}
	if err := s.RecordInteractions(ctx, bulk); err != nil {
		t.Fatal(err)
	}
	for _, in := range bulk {
		if got, _ := s.FirstInteraction(ctx, in); got {
			t.Fatalf("bulk-recorded %+v counted as new", in)
		}
	}
	if recent, err := s.RecentInteractions(ctx, now.Unix()); err != nil || len(recent) != len(bulk) {
		t.Fatalf("recent after bulk: %d, %v; want %d", len(recent), err, len(bulk))
	}
	// A second process on the same file sees the records.
	replica, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	if got, err := replica.FirstInteraction(ctx, fresh); err != nil || got {
		t.Fatalf("replica: %v, %v; want already seen", got, err)
	}
	if n, err := s.PruneSeen(ctx, now.Add(-time.Second)); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want only the older interaction", n, err)
	}
	if got, _ := s.FirstInteraction(ctx, fresh); got {
		t.Fatal("prune dropped the fresh interaction")
	}
}

func TestSnowflakeAt(t *testing.T) {
	// Discord's documented example: 175928847299117063 was made at
	// 1462015105796 ms (2016-04-30 11:18:25.796 UTC).
	const id = 175928847299117063
	at := time.UnixMilli(1462015105796)
	if lo, hi := SnowflakeAt(at), SnowflakeAt(at.Add(time.Millisecond)); lo > id || hi <= id {
		t.Fatalf("SnowflakeAt: %d..%d does not hold %d", lo, hi, id)
	}
	if got := SnowflakeAt(time.Unix(0, 0)); got != 0 {
		t.Fatalf("before Discord's epoch: %d, want 0", got)
	}
}

// TestFirstSeenConcurrent: delivery records are group-committed; racing
// deliveries of one ID, in one process and in a second process on the same
// file (a replica), still get exactly one "first", and a caller that gave
// up stores nothing.
func TestFirstSeenConcurrent(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	replica, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	now := time.Unix(1000, 0)
	const ids, racers = 20, 10
	var firsts [ids]int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for r := 0; r < racers; r++ {
		st := s
		if r%2 == 1 {
			st = replica
		}
		for id := 0; id < ids; id++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				first, err := st.FirstSeen(ctx, "discord", fmt.Sprint("I", id), now)
				if err != nil {
					t.Error(err)
					return
				}
				if first {
					mu.Lock()
					firsts[id]++
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for id, n := range firsts {
		if n != 1 {
			t.Errorf("interaction I%d: %d first deliveries, want 1", id, n)
		}
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.FirstSeen(gone, "discord", "late", now); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
	if first, err := s.FirstSeen(ctx, "discord", "late", now); err != nil || !first {
		t.Fatalf("a cancelled delivery must not be recorded: %v, %v", first, err)
	}
}

func recordN(ctx context.Context, s *Store, userID int64, key string) error {
	_, err := s.RecordAnswer(ctx, Answer{UserID: userID, AttemptKey: key, QuestionID: "q-" + key, Cert: "cissp", Domain: 1, At: time.Unix(100, 0), LocalDay: "2026-11-25"}, 0,
		func(prev *Card) (Card, int, string) {
			return Card{UserID: userID, QuestionID: "q-" + key, Cert: "cissp", Domain: 1, Due: time.Unix(200, 0), State: 2}, 3, ""
		})
	return err
}

// TestConcurrentWritersAndReaders: many goroutines write and read at once on
// a file database; no write is lost, none fails with "database is locked".
func TestConcurrentWritersAndReaders(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	const users, each = 20, 25
	ids := make([]int64, users)
	for i := range ids {
		u, err := s.EnsureUser(ctx, UserKey{"console", "w", fmt.Sprint(i)}, "", "", time.Unix(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	var wg sync.WaitGroup
	errs := make(chan error, users*each*2)
	for i := 0; i < users; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < each; k++ {
				if err := recordN(ctx, s, ids[i], fmt.Sprint(k)); err != nil {
					errs <- err
				}
				// Same key again: a duplicate, never a second row.
				if err := recordN(ctx, s, ids[i], fmt.Sprint(k)); !errors.Is(err, ErrDuplicate) {
					errs <- fmt.Errorf("duplicate not detected: %v", err)
				}
			}
		}(i)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < each; k++ {
				if _, err := s.DomainStats(ctx, ids[i]); err != nil {
					errs <- err
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range ids {
		n, err := s.CountAnswers(ctx, UserKey{"console", "w", fmt.Sprint(i)})
		if err != nil || n != each {
			t.Errorf("user %d: %d answers (%v), want %d", i, n, err, each)
		}
	}
}

func TestDeleteUserCascades(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	u, _ := s.EnsureUser(ctx, UserKey{"console", "w", "x"}, "", "", time.Unix(1, 0))
	other, _ := s.EnsureUser(ctx, UserKey{"console", "w", "y"}, "", "", time.Unix(1, 0))
	for _, id := range []int64{u.ID, other.ID} {
		if err := recordN(ctx, s, id, "a"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPlan(ctx, Plan{UserID: id, Cert: "cism", ExamDate: "2027-01-01", PerDay: 5, StartDay: "2026-11-25", Created: time.Unix(1, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := s.CountUserRows(ctx, u.ID)
	if before < 4 {
		t.Fatalf("expected rows before delete, got %d", before)
	}
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountUserRows(ctx, u.ID); n != 0 {
		t.Fatalf("%d rows left", n)
	}
	if n, _ := s.CountUserRows(ctx, other.ID); n != before {
		t.Fatalf("other user lost rows: %d, want %d", n, before)
	}
}

func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	u, _ := s.EnsureUser(ctx, UserKey{"console", "w", "b"}, "", "", time.Unix(1, 0))
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
	if err := b.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity %q, %v", ok, err)
	}
	if err := s.Backup(ctx, dst); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
}

// TestSameAnswerRacing: the same attempt submitted by many goroutines at once
// (a double click landing in one group commit) is stored exactly once.
func TestSameAnswerRacing(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	u, _ := s.EnsureUser(ctx, UserKey{"console", "w", "racer"}, "", "", time.Unix(1, 0))
	var wg sync.WaitGroup
	results := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- recordN(ctx, s, u.ID, "same")
		}()
	}
	wg.Wait()
	close(results)
	ok, dup := 0, 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrDuplicate):
			dup++
		default:
			t.Error(err)
		}
	}
	if ok != 1 || dup != 19 {
		t.Fatalf("%d stored, %d duplicates; want 1 and 19", ok, dup)
	}
	if n, _ := s.CountAnswers(ctx, UserKey{"console", "w", "racer"}); n != 1 {
		t.Fatalf("%d rows", n)
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
	re, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
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
		if _, err := tx.ExecContext(ctx, "INSERT INTO kv (key, value) VALUES ('half', 'done')"); err != nil {
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
