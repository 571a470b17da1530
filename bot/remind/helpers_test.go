package remind

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/sqlite"
	"github.com/certcoach/certcoach/storage/sqlite/sqlitetest"
)

// fakeClock is moved by the test; its ticks are sent by the test too.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	ticks chan time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t, ticks: make(chan time.Time)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *fakeClock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

func (c *fakeClock) Ticks(time.Duration) (<-chan time.Time, func()) { return c.ticks, func() {} }

// The knowledge base is read-only once loaded; tests share one.
func testKB(t testing.TB) *knowledge.Base {
	t.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Skipf("knowledge base does not load yet (content still landing): %v", err)
	}
	return kb
}

// env is one "process": a store, an engine with the commands, a clock.
type env struct {
	t     testing.TB
	path  string
	store *sqlite.Store
	eng   *bot.Engine
	clock *fakeClock
	logTo io.Writer // the engine's log, when a test reads it (else none)
}

func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(discard{}, &slog.HandlerOptions{Level: slog.LevelError + 1}))
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func newEnv(t testing.TB, start time.Time) *env {
	t.Helper()
	e := &env{t: t, path: sqlitetest.File(t, "certcoach.db"), clock: newFakeClock(start)}
	e.open()
	t.Cleanup(func() { e.store.Close() })
	return e
}

// open (re)opens the database and builds a fresh engine: a process start.
func (e *env) open() {
	e.t.Helper()
	st, err := sqlite.Open(context.Background(), e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.store = st
	log := quietLog()
	if e.logTo != nil {
		log = slog.New(slog.NewTextHandler(e.logTo, nil))
	}
	e.eng = bot.NewEngine(testKB(e.t), st, bot.Options{Clock: e.clock, Logger: log})
	Register(e.deps())
}

// deps are what the commands and schedulers of this "process" work with.
func (e *env) deps() Deps {
	return Deps{Engine: e.eng, Store: e.store, KB: testKB(e.t)}
}

// restart closes the database and opens it again.
func (e *env) restart() {
	e.t.Helper()
	if err := e.store.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

func (e *env) scheduler(n *fakeNotifier, opts Options) *Scheduler {
	opts.Clock = e.clock
	opts.Logger = quietLog()
	return New(e.deps(), map[string]Notifier{bot.PlatformDiscord: n, bot.PlatformSlack: n}, opts)
}

func dmActor(user string) bot.Actor {
	return bot.Actor{Platform: bot.PlatformDiscord, Workspace: "g1", User: user, Name: "name-" + user, DM: true}
}

func (e *env) do(a bot.Actor, text string) bot.Reply {
	e.t.Helper()
	return e.eng.Handle(context.Background(), bot.Request{Actor: a, Text: text})
}

func (e *env) click(a bot.Actor, action string) bot.Reply {
	e.t.Helper()
	return e.eng.Handle(context.Background(), bot.Request{Actor: a, Action: action})
}

// seed creates n Discord users with a reminder at hh:mm in zone, straight
// through the store (the command path is covered elsewhere).
func (e *env) seed(n int, minute int, tzs ...string) {
	e.t.Helper()
	ctx := context.Background()
	z := &zones{}
	for i := range n {
		zone := tzs[i%len(tzs)]
		key := storage.UserKey{Platform: bot.PlatformDiscord, Workspace: "g1", User: fmt.Sprintf("u%05d", i)}
		u, err := e.store.EnsureUser(ctx, key, key.User, zone, e.clock.Now())
		if err != nil {
			e.t.Fatal(err)
		}
		r := storage.Reminder{Kind: storage.ReminderUser, UserID: u.ID, Platform: key.Platform, Workspace: key.Workspace, Target: key.User, Minute: minute, TZ: zone}
		if _, err := e.store.SaveReminder(ctx, r, e.clock.Now(), z.next); err != nil {
			e.t.Fatal(err)
		}
	}
}

// sent is one delivered message.
type sent struct {
	target string
	at     time.Time
	reply  bot.Reply
}

// fakeNotifier records deliveries; fail, when set, decides per call whether
// the platform refuses it (before anything is recorded, as a 429 would).
type fakeNotifier struct {
	clock  *fakeClock
	mu     sync.Mutex
	sent   []sent
	calls  int
	fail   func(target string, call int) error
	onSend func(n int) // after each recorded delivery, with the count so far
}

func (f *fakeNotifier) deliver(target string, r bot.Reply) error {
	f.mu.Lock()
	f.calls++
	call := f.calls
	fail := f.fail
	f.mu.Unlock()
	if fail != nil {
		if err := fail(target, call); err != nil {
			return err
		}
	}
	f.mu.Lock()
	f.sent = append(f.sent, sent{target: target, at: f.clock.Now(), reply: r})
	n := len(f.sent)
	hook := f.onSend
	f.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return nil
}

func (f *fakeNotifier) SendDM(_ context.Context, _, user string, r bot.Reply) error {
	return f.deliver("dm:"+user, r)
}

func (f *fakeNotifier) PostChannel(_ context.Context, _, channel string, r bot.Reply) error {
	return f.deliver("ch:"+channel, r)
}

func (f *fakeNotifier) all() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.sent...)
}

// perTarget counts deliveries per target.
func (f *fakeNotifier) perTarget() map[string]int {
	out := map[string]int{}
	for _, s := range f.all() {
		out[s.target]++
	}
	return out
}

// rateLimited is a 429 with Retry-After.
type rateLimited struct{ after time.Duration }

func (e rateLimited) Error() string             { return fmt.Sprintf("429 rate limited, retry after %s", e.after) }
func (e rateLimited) RetryAfter() time.Duration { return e.after }

func mustContain(t testing.TB, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%q does not contain %q", s, sub)
		}
	}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// exactlyOnce checks that each of n seeded users got one DM.
func exactlyOnce(t testing.TB, f *fakeNotifier, n int) {
	t.Helper()
	per := f.perTarget()
	if len(per) != n {
		t.Errorf("%d users got a DM, want %d", len(per), n)
	}
	dups := 0
	for _, c := range per {
		if c != 1 {
			dups++
		}
	}
	if dups > 0 {
		t.Errorf("%d users got more than one DM", dups)
	}
}
