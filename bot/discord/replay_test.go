package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// clock is a settable time source for adapters under test.
type clock struct{ unix atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.unix.Store(t.Unix())
	return c
}

func (c *clock) now() time.Time      { return time.Unix(c.unix.Load(), 0) }
func (c *clock) add(d time.Duration) { c.unix.Add(int64(d / time.Second)) }

// guarded is one "process": an adapter with its replay guard on store,
// serving HTTP interactions.
type guarded struct {
	a   *Adapter
	srv *httptest.Server
}

func startGuarded(t *testing.T, ev *env, c *clock) *guarded {
	t.Helper()
	return startGuardedOn(t, ev, c, ev.store)
}

// startGuardedOn is startGuarded with the guard's records kept in store.
func startGuardedOn(t *testing.T, ev *env, c *clock, store ReplayStore) *guarded {
	t.Helper()
	a, err := New(Options{Engine: ev.eng, Seen: ev.store, Session: ev.s, Logger: quietLogger(), Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.StartReplayGuard(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.HTTPHandler(testKey.Public().(ed25519.PublicKey)))
	t.Cleanup(srv.Close)
	return &guarded{a: a, srv: srv}
}

// close stops g cleanly, as serve does at SIGTERM.
func (g *guarded) close(t *testing.T) {
	t.Helper()
	if err := g.a.Close(); err != nil {
		t.Fatal(err)
	}
}

// crash stops g as a killed process would: its write-behind loop ends
// without a last flush and the lock is released (the kernel does that).
func (g *guarded) crash() {
	close(g.a.guard.stop)
	<-g.a.guard.done
	_ = g.a.guard.release()
}

// stopFlushing makes g keep accepted IDs queued (as a process about to be
// killed has not written its last ones yet).
func (g *guarded) stopFlushing() {
	close(g.a.guard.stop)
	<-g.a.guard.done
	g.a.guard.stop, g.a.guard.done = make(chan struct{}), make(chan struct{})
	close(g.a.guard.done)
}

func (g *guarded) post(t *testing.T, id string, signed time.Time) int {
	t.Helper()
	body := mustJSON(command(id, member, "help"))
	req, _ := http.NewRequest("POST", g.srv.URL, bytes.NewReader(body))
	ts := strconv.FormatInt(signed.Unix(), 10)
	req.Header.Set("X-Signature-Ed25519", sign(testKey, ts, body))
	req.Header.Set("X-Signature-Timestamp", ts)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

type delivery struct {
	id     string
	signed time.Duration // from the clock's now
	want   int
}

func (g *guarded) expect(t *testing.T, c *clock, step string, ds ...delivery) {
	t.Helper()
	for _, d := range ds {
		if got := g.post(t, d.id, c.now().Add(d.signed)); got != d.want {
			t.Errorf("%s: %s signed %+v: status %d, want %d", step, d.id, d.signed, got, d.want)
		}
	}
}

// TestReplayGuardRestarts: an interaction counts once in memory, across a
// clean restart (its record was written behind and is reloaded), and
// across a crash (unknown IDs signed before the restart are refused for
// the few seconds it takes for them to become impossible).
func TestReplayGuardRestarts(t *testing.T) {
	ev := newEnv(t, "")
	c := newClock(time.Now())
	p1 := startGuarded(t, ev, c)
	p1.expect(t, c, "first process",
		delivery{"630000000000000001", 0, 200},
		delivery{"630000000000000001", 0, 409},
		delivery{"630000000000000002", -3 * time.Second, 200}, // in flight for a while: still in memory
		delivery{"630000000000000003", -time.Minute, 200},     // far from now: durable record first
		delivery{"630000000000000003", -time.Minute, 409},
		delivery{"630000000000000004", time.Minute, 200}, // a clock ahead: durable record first
		delivery{"630000000000000004", time.Minute, 409},
	)
	p1.close(t)
	if state, _ := ev.store.GetKV(context.Background(), cleanKV); state != "clean" {
		t.Fatalf("state after Close: %q, want clean", state)
	}

	c.add(time.Second)
	p2 := startGuarded(t, ev, c)
	p2.expect(t, c, "after a clean restart",
		delivery{"630000000000000001", -time.Second, 409}, // the same signed time as before
		delivery{"630000000000000002", -4 * time.Second, 409},
		delivery{"630000000000000003", -time.Minute - time.Second, 409},
		delivery{"630000000000000004", time.Minute - time.Second, 409},
		delivery{"630000000000000005", 0, 200},
	)
	if !p2.a.guard.flush() {
		t.Fatal("flush failed")
	}
	p2.stopFlushing()
	p2.expect(t, c, "accepted but not yet written", delivery{"630000000000000006", 0, 200})
	p2.crash()

	c.add(time.Second)
	p3 := startGuarded(t, ev, c)
	p3.expect(t, c, "after a crash",
		delivery{"630000000000000005", -time.Second, 409}, // written behind before the crash
		delivery{"630000000000000006", -time.Second, 409}, // lost in the crash: refused by the fence
		delivery{"630000000000000007", 0, 409},            // new, but signed inside the fence
	)
	c.add((nearFuture + 1) * time.Second)
	p3.expect(t, c, "once the fence has passed",
		delivery{"630000000000000008", 0, 200},
		delivery{"630000000000000008", 0, 409},
	)
	p3.close(t)
}

// TestReplayGuardOneProcess: a second process on the same database cannot
// serve HTTP interactions while the first does (its memory would not see
// the first one's), and can once the first has stopped.
func TestReplayGuardOneProcess(t *testing.T) {
	ev := newEnv(t, "")
	c := newClock(time.Now())
	p1 := startGuarded(t, ev, c)
	a, err := New(Options{Engine: ev.eng, Seen: ev.store, Session: ev.s, Logger: quietLogger(), Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := a.StartReplayGuard(ctx, ev.store); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second process started its guard: %v", err)
	}
	p1.close(t)
	if err := a.StartReplayGuard(context.Background(), ev.store); err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestReplayGuardForgetsOnlyWhatIsWritten: memory lets an ID go once a
// replay of it can no longer be decided in memory, and never before its
// record is committed; the durable record then refuses the replay.
func TestReplayGuardForgetsOnlyWhatIsWritten(t *testing.T) {
	ev := newEnv(t, "")
	c := newClock(time.Now())
	p := startGuarded(t, ev, c)
	p.stopFlushing()
	g := p.a.guard
	ctx := context.Background()
	const n = 100
	for i := range n {
		if first, err := g.check(ctx, 640000000000000000+int64(i), c.now().Unix()); err != nil || !first {
			t.Fatalf("check %d: %v %v", i, first, err)
		}
	}
	c.add(time.Minute)
	g.check(ctx, 650000000000000000, c.now().Unix()) // sweeps
	kept := g.size()
	if kept != n+1 {
		t.Fatalf("%d IDs in memory, want all %d: none is written yet", kept, n+1)
	}
	if !g.flush() {
		t.Fatal("flush failed")
	}
	c.add(time.Minute)
	if !g.flush() { // an empty flush, as every tick makes: what was taken before is now known written
		t.Fatal("flush failed")
	}
	g.check(ctx, 650000000000000001, c.now().Unix())
	if kept, gens := g.size(), len(g.gens); kept != 1 || gens != 1 {
		t.Fatalf("%d IDs in %d generations left, want only the newest", kept, gens)
	}
	// A replay of a forgotten ID is signed two minutes ago now: the durable
	// record decides, and has it.
	if first, err := g.check(ctx, 640000000000000007, c.now().Add(-2*time.Minute).Unix()); err != nil || first {
		t.Fatalf("replay after memory forgot: first=%v err=%v", first, err)
	}
	if recs, err := ev.store.RecentInteractions(ctx, 0); err != nil || len(recs) != n+1 {
		t.Fatalf("%d records, %v; want the %d written", len(recs), err, n+1)
	}
	p.close(t)
	if recs, err := ev.store.RecentInteractions(ctx, 0); err != nil || len(recs) != n+2 {
		t.Fatalf("after Close: %d records, %v; want the last one written too", len(recs), err)
	}
}

// TestReplayGuardClockSteps: a clock stepped back does not let a forgotten
// ID be decided in memory again, and a clock jumping years ahead sweeps by
// bucket instead of by second.
func TestReplayGuardClockSteps(t *testing.T) {
	ev := newEnv(t, "")
	c := newClock(time.Now())
	p := startGuarded(t, ev, c)
	p.stopFlushing()
	g := p.a.guard
	ctx := context.Background()
	t0 := c.now().Unix()
	const x = 660000000000000001
	if first, err := g.check(ctx, x, t0); err != nil || !first {
		t.Fatalf("first: %v %v", first, err)
	}
	c.add(time.Minute)
	if !g.flush() {
		t.Fatal("flush failed")
	}
	if first, _ := g.check(ctx, x+1, c.now().Unix()); !first {
		t.Fatal("a new ID was refused")
	}
	g.mu.Lock()
	kept := g.knownLocked(x)
	g.mu.Unlock()
	if kept {
		t.Fatal("x should be forgotten by now (written, and signed a minute ago)")
	}
	c.add(-59 * time.Second) // the clock is stepped back to one second after x was signed
	if first, err := g.check(ctx, x, t0); err != nil || first {
		t.Fatalf("replay after the clock stepped back: first=%v err=%v; want refused", first, err)
	}
	c.add(10 * 365 * 24 * time.Hour)
	if !g.flush() {
		t.Fatal("flush failed")
	}
	if first, _ := g.check(ctx, x+2, c.now().Unix()); !first {
		t.Fatal("a new ID was refused after the jump")
	}
	if n := g.size(); n != 1 {
		t.Fatalf("%d IDs in memory after the jump, want only the newest", n)
	}
	p.close(t)
}

// size is how many IDs g keeps in memory.
func (g *replayGuard) size() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, ids := range g.gens {
		n += len(ids)
	}
	return n
}

// flakyRecords is the real store whose bulk writes fail while fail is set
// (a full disk, a locked file).
type flakyRecords struct {
	*storage.Store
	fail atomic.Bool
}

func (f *flakyRecords) RecordInteractions(ctx context.Context, ins []storage.Interaction) error {
	if f.fail.Load() {
		return errors.New("disk I/O error")
	}
	return f.Store.RecordInteractions(ctx, ins)
}

// TestReplayGuardWriteFailures: while its records cannot be written, an
// accepted ID stays in memory however old it gets (a replay is still
// refused), and it is written once the database is back.
func TestReplayGuardWriteFailures(t *testing.T) {
	ev := newEnv(t, "")
	c := newClock(time.Now())
	store := &flakyRecords{Store: ev.store}
	p := startGuardedOn(t, ev, c, store)
	p.stopFlushing()
	g := p.a.guard
	ctx := context.Background()
	const x = 670000000000000001
	signed := c.now().Unix()
	store.fail.Store(true)
	if first, err := g.check(ctx, x, signed); err != nil || !first {
		t.Fatalf("first: %v %v", first, err)
	}
	for range 3 {
		c.add(time.Minute)
		if g.flush() {
			t.Fatal("flush reported success while writes fail")
		}
		// Signed long ago now, so a replay is decided by the durable record,
		// which does not have x yet: only memory can refuse it.
		if first, err := g.check(ctx, x, signed); err != nil || first {
			t.Fatalf("replay while records cannot be written: first=%v err=%v", first, err)
		}
	}
	store.fail.Store(false)
	if !g.flush() {
		t.Fatal("flush failed after recovery")
	}
	if recs, err := ev.store.RecentInteractions(ctx, signed); err != nil || len(recs) != 1 || recs[0].ID != x {
		t.Fatalf("records after recovery: %+v, %v", recs, err)
	}
	p.close(t)
}

// TestReplayGuardRacingDeliveries: deliveries of the same IDs from many
// goroutines at once, some decided in memory and some by the durable
// record, with flushes running: each ID is first exactly once.
func TestReplayGuardRacingDeliveries(t *testing.T) {
	ev := newEnv(t, "")
	c := newClock(time.Now())
	p := startGuarded(t, ev, c)
	g := p.a.guard
	ctx := context.Background()
	const ids, copies = 200, 8
	now := c.now().Unix()
	var firsts [ids]atomic.Int32
	var wg sync.WaitGroup
	for k := range copies {
		wg.Go(func() {
			for i := range ids {
				signed := now
				if i%3 == 0 {
					signed = now - 60 // decided by the durable record
				}
				first, err := g.check(ctx, 680000000000000000+int64(i), signed)
				if err != nil {
					t.Errorf("copy %d of %d: %v", k, i, err)
					return
				}
				if first {
					firsts[i].Add(1)
				}
			}
		})
	}
	wg.Wait()
	for i := range firsts {
		if n := firsts[i].Load(); n != 1 {
			t.Errorf("ID %d was first %d times", i, n)
		}
	}
	p.close(t)
	if recs, err := ev.store.RecentInteractions(ctx, 0); err != nil || len(recs) != ids {
		t.Fatalf("%d records, %v; want %d", len(recs), err, ids)
	}
}

// TestReplayGuardAfterUpgrade: the first guard on a database whose previous
// version answered interactions lately (recording them as text) refuses
// unknown ones signed before it started, as after a crash; on a database
// without such records it refuses nothing.
func TestReplayGuardAfterUpgrade(t *testing.T) {
	for _, c := range []struct {
		name   string
		legacy bool
		want   int
	}{{"answered by the previous version a minute ago", true, 409}, {"fresh database", false, 200}} {
		t.Run(c.name, func(t *testing.T) {
			ev := newEnv(t, "")
			clk := newClock(time.Now())
			if c.legacy {
				if _, err := ev.store.FirstSeen(context.Background(), scopeInteraction, "700000000000000001", clk.now().Add(-time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
			p := startGuarded(t, ev, clk)
			p.expect(t, clk, "first start", delivery{"700000000000000001", -time.Minute, c.want}, delivery{"700000000000000002", 0, c.want})
			if err := p.a.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
