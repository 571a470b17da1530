package remind

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// The "done when": remind 07:30 in Europe/Berlin gives exactly one
// DM at 07:30 local each day across the 2027-03-28 DST change, including
// across a process restart at 07:29:59 that morning.
func TestBerlinDailyAcrossDSTAndRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-03-25T12:00:00Z"))
	me := dmActor("berlin")
	r := e.do(me, "remind 07:30 Europe/Berlin")
	mustContain(t, r.Body, "07:30 Europe/Berlin", "Next: Fri 26 Mar 2027 07:30 CET")
	n := &fakeNotifier{clock: e.clock}
	s := e.scheduler(n, Options{})
	ctx := context.Background()
	restartAt := utc("2027-03-28T05:29:59Z") // 07:29:59 CEST
	restarted := false
	for at := utc("2027-03-26T00:00:00Z"); at.Before(utc("2027-03-31T00:00:00Z")); {
		if !restarted && !at.Before(restartAt) {
			e.clock.Set(restartAt)
			if _, err := s.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			e.restart()
			s = e.scheduler(n, Options{})
			restarted = true
			at = restartAt.Add(time.Second)
		}
		e.clock.Set(at)
		if _, err := s.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		step := 30 * time.Minute
		if h := at.UTC().Hour(); h >= 4 && h < 8 {
			step = time.Minute
		}
		at = at.Add(step)
	}
	berlin := mustZone(t, "Europe/Berlin")
	var got []string
	for _, s := range n.all() {
		got = append(got, s.at.In(berlin).Format("2006-01-02 15:04:05 MST"))
	}
	want := []string{"2027-03-26 07:30:00 CET", "2027-03-27 07:30:00 CET", "2027-03-28 07:30:00 CEST", "2027-03-29 07:30:00 CEST", "2027-03-30 07:30:00 CEST"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("DMs at\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(n.all()) > 0 {
		dm := n.all()[0].reply
		mustContain(t, dm.Body, "Streak", "Cards due today", "Today's question")
		if len(dm.Buttons) < 2 {
			t.Errorf("reminder has %d answer buttons", len(dm.Buttons))
		}
		for _, b := range dm.Buttons {
			if len(b.ID) >= 100 {
				t.Errorf("action ID %q is %d bytes", b.ID, len(b.ID))
			}
		}
	}
}

// Spring forward and fall back in New York, end to end through the store.
func TestNewYorkDSTEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-03-12T12:00:00Z"))
	a, b := dmActor("gap"), dmActor("repeat")
	e.do(a, "remind 02:30 America/New_York")
	e.do(b, "remind 01:30 America/New_York")
	n := &fakeNotifier{clock: e.clock}
	s := e.scheduler(n, Options{})
	run := func(from, to string) {
		for at := utc(from); at.Before(utc(to)); at = at.Add(time.Minute) {
			e.clock.Set(at)
			if _, err := s.RunDue(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	run("2027-03-14T04:00:00Z", "2027-03-14T09:00:00Z")
	// Fall back: set the spring-forward user aside and watch the repeated hour.
	e.clock.Set(utc("2027-11-06T12:00:00Z"))
	e.do(a, "remind off")
	e.do(b, "remind 01:30 America/New_York")
	n.mu.Lock()
	n.sent = nil
	n.mu.Unlock()
	run("2027-11-07T04:00:00Z", "2027-11-07T08:00:00Z")
	got := n.all()
	if len(got) != 1 || !got[0].at.Equal(utc("2027-11-07T05:30:00Z")) {
		t.Errorf("fall back: got %v, want one DM at 01:30 EDT (05:30Z)", got)
	}
}

func TestNewYorkSpringForward(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-03-12T12:00:00Z"))
	e.do(dmActor("gap"), "remind 02:30 America/New_York")
	n := &fakeNotifier{clock: e.clock}
	s := e.scheduler(n, Options{})
	for at := utc("2027-03-14T04:00:00Z"); at.Before(utc("2027-03-14T09:00:00Z")); at = at.Add(time.Minute) {
		e.clock.Set(at)
		if _, err := s.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	got := n.all()
	if len(got) != 1 || !got[0].at.Equal(utc("2027-03-14T07:00:00Z")) {
		t.Errorf("spring forward: got %v, want one DM at 03:00 EDT (07:00Z)", got)
	}
}

// A user who already had today's reminder and moves zones is not reminded
// again on the same local date; a user who moves before it fires gets it at
// the new zone's time.
func TestZoneChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	done, early := dmActor("done"), dmActor("early")
	e.do(done, "remind 07:30 Europe/Berlin")
	e.do(early, "remind 07:30 Europe/Berlin")
	n := &fakeNotifier{clock: e.clock}
	s := e.scheduler(n, Options{})
	ctx := context.Background()
	e.clock.Set(utc("2027-06-01T04:00:00Z"))
	e.do(early, "remind 07:30 America/New_York") // before Berlin's 07:30 (05:30Z)
	e.clock.Set(utc("2027-06-01T05:30:00Z"))
	s.RunDue(ctx)
	e.clock.Set(utc("2027-06-01T06:00:00Z"))
	r := e.do(done, "remind 07:30 America/New_York")
	mustContain(t, r.Body, "Next: Wed 2 Jun 2027 07:30 EDT")
	for at := utc("2027-06-01T06:00:00Z"); at.Before(utc("2027-06-02T12:00:00Z")); at = at.Add(15 * time.Minute) {
		e.clock.Set(at)
		if _, err := s.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, x := range n.all() {
		got = append(got, x.target+"@"+x.at.Format(time.RFC3339))
	}
	want := []string{"dm:done@2027-06-01T05:30:00Z", "dm:done@2027-06-02T11:30:00Z", "dm:early@2027-06-01T11:30:00Z", "dm:early@2027-06-02T11:30:00Z"}
	sort.Strings(got) // workers deliver a minute's reminders in any order
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

// Midnight and leap day: 00:00 and 23:59 reminders land on the right local
// dates around 2028-02-29.
func TestMidnightAndLeapDay(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2028-02-27T12:00:00Z"))
	e.do(dmActor("midnight"), "remind 00:00 Asia/Tokyo")
	e.do(dmActor("late"), "remind 23:59 America/Los_Angeles")
	n := &fakeNotifier{clock: e.clock}
	s := e.scheduler(n, Options{})
	for at := utc("2028-02-27T12:00:00Z"); at.Before(utc("2028-03-02T12:00:00Z")); at = at.Add(time.Minute) {
		if at.Minute()%30 != 0 && at.Minute() != 59 {
			continue
		}
		e.clock.Set(at)
		if _, err := s.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	tokyo, la := mustZone(t, "Asia/Tokyo"), mustZone(t, "America/Los_Angeles")
	var got []string
	for _, x := range n.all() {
		loc := tokyo
		if x.target == "dm:late" {
			loc = la
		}
		got = append(got, x.target+" "+x.at.In(loc).Format("2006-01-02 15:04"))
	}
	// Tokyo's midnight is 15:00Z the day before; LA's 23:59 is 07:59Z the day after.
	want := []string{"dm:midnight 2028-02-28 00:00", "dm:late 2028-02-27 23:59", "dm:midnight 2028-02-29 00:00", "dm:late 2028-02-28 23:59",
		"dm:midnight 2028-03-01 00:00", "dm:late 2028-02-29 23:59", "dm:midnight 2028-03-02 00:00", "dm:late 2028-03-01 23:59"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// size picks a test size: full normally, smaller under -race or -short.
func size(full, reduced int) int {
	if raceEnabled || testing.Short() {
		return reduced
	}
	return full
}

// Ten thousand reminders in the same minute (across zones) go out once each.
func TestTenThousandSameMinute(t *testing.T) {
	t.Parallel()
	count := size(10000, 1000)
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	// 07:30 UTC is 09:30 in Berlin and 03:30 in New York in June.
	e.seed(count/2, 7*60+30, "UTC")
	e.seed2(count-count/2, []int{9*60 + 30, 3*60 + 30}, "Europe/Berlin", "America/New_York")
	n := &fakeNotifier{clock: e.clock}
	s := e.scheduler(n, Options{})
	e.clock.Set(utc("2027-06-01T07:29:00Z"))
	if st, _ := s.RunDue(context.Background()); st.Sent != 0 {
		t.Fatalf("sent %d a minute early", st.Sent)
	}
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	start := time.Now()
	st, err := s.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d reminders delivered in %s (%+v)", count, time.Since(start), st)
	if st.Sent != count {
		t.Errorf("sent %d, want %d (%+v)", st.Sent, count, st)
	}
	e.clock.Set(utc("2027-06-01T07:31:00Z"))
	if st, _ := s.RunDue(context.Background()); st.Sent != 0 {
		t.Errorf("second pass sent %d", st.Sent)
	}
	exactlyOnce(t, n, count)
}

// seed2 seeds users whose local minute differs by zone, so that all fall on
// the same UTC minute.
func (e *env) seed2(count int, minutes []int, tzs ...string) {
	for i := range count {
		e.seedOne(fmt.Sprintf("v%05d", i), minutes[i%len(minutes)], tzs[i%len(tzs)])
	}
}

func (e *env) seedOne(user string, minute int, zone string) {
	e.t.Helper()
	ctx := context.Background()
	key := storage.UserKey{Platform: "discord", Workspace: "g1", User: user}
	u, err := e.store.EnsureUser(ctx, key, user, zone, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	r := storage.Reminder{Kind: storage.ReminderUser, UserID: u.ID, Platform: key.Platform, Workspace: key.Workspace, Target: user, Minute: minute, TZ: zone}
	if _, err := e.store.SaveReminder(ctx, r, e.clock.Now(), (&zones{}).next); err != nil {
		e.t.Fatal(err)
	}
}

// With 30% of sends refused as rate limited (Retry-After 1 s), every
// reminder still goes out exactly once.
func TestRateLimitedStillExactlyOnce(t *testing.T) {
	t.Parallel()
	count := size(2000, 300)
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	e.seed(count, 7*60+30, "UTC")
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	n := &fakeNotifier{clock: e.clock, fail: func(string, int) error {
		mu.Lock()
		defer mu.Unlock()
		if rng.Float64() < 0.3 {
			return rateLimited{after: time.Second}
		}
		return nil
	}}
	s := e.scheduler(n, Options{})
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	retries := 0
	for pass := 0; ; pass++ {
		st, err := s.RunDue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		retries += st.Retrying
		if st.Missed > 0 || st.Errors > 0 {
			t.Fatalf("pass %d: %+v", pass, st)
		}
		if st.Sent == 0 && st.Retrying == 0 && pass > 0 {
			break
		}
		if pass > 50 {
			t.Fatal("still retrying after 50 passes")
		}
		e.clock.Add(time.Second) // Retry-After: 1
	}
	if retries < count/5 {
		t.Errorf("only %d retries for %d sends at 30%% failure", retries, count)
	}
	exactlyOnce(t, n, count)
}

// Stopping in the middle of a fan-out finishes in-flight sends, gives back
// the rest, and a new process over the same database sends what is left:
// no duplicates, no losses.
func TestRestartMidFanOut(t *testing.T) {
	t.Parallel()
	count := size(2000, 300)
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	e.seed(count, 7*60+30, "UTC")
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	ctx, cancel := context.WithCancel(context.Background())
	n := &fakeNotifier{clock: e.clock, onSend: func(k int) {
		if k == count/3 {
			cancel() // SIGTERM mid fan-out
		}
	}}
	st1, _ := e.scheduler(n, Options{}).RunDue(ctx)
	first := len(n.all())
	if first >= count || first < count/3 {
		t.Fatalf("first process sent %d of %d", first, count)
	}
	// Nothing may stay claimed after a graceful stop.
	e.clock.Add(20 * time.Second)
	e.restart()
	st2, err := e.scheduler(n, Options{}).RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first process %+v, second %+v", st1, st2)
	exactlyOnce(t, n, count)
}

// A claim whose owner died mid-send (no graceful stop) is not resent: the
// message may have gone out. The next day is sent as usual.
func TestAbandonedClaimIsNotResent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	e.seed(1, 7*60+30, "UTC")
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	dead := New(e.deps(), nil, Options{Clock: e.clock, Logger: quietLog()})
	refs, err := e.store.DueReminders(context.Background(), e.clock.Now(), storage.DueRef{}, 10)
	if err != nil || len(refs) != 1 {
		t.Fatalf("due: %v %v", refs, err)
	}
	if _, err := e.store.ClaimReminder(context.Background(), refs[0].ID, e.clock.Now(), dead.claimOptions()); err != nil {
		t.Fatal(err)
	}
	n := &fakeNotifier{clock: e.clock}
	s := e.scheduler(n, Options{})
	e.clock.Add(time.Minute) // lease still held: nothing due
	if st, _ := s.RunDue(context.Background()); st != (Stats{}) {
		t.Errorf("during lease: %+v", st)
	}
	e.clock.Add(15 * time.Minute) // lease expired
	s.RunDue(context.Background())
	if len(n.all()) != 0 {
		t.Errorf("abandoned claim resent")
	}
	sends, _ := e.store.SendsOf(context.Background(), refs[0].ID)
	if len(sends) != 1 || sends[0].State != storage.SendUnknown {
		t.Errorf("sends %+v", sends)
	}
	e.clock.Set(utc("2027-06-02T07:30:00Z"))
	s.RunDue(context.Background())
	if len(n.all()) != 1 {
		t.Errorf("next day: %d DMs", len(n.all()))
	}
}

// After downtime: a reminder less than 3 hours late is sent once; an older
// one is skipped to the next day; days of downtime never flood.
func TestDowntimeCatchUp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		start string
		want  int
		state string
	}{
		{"1h30 late: sent", "2027-06-01T09:00:00Z", 1, storage.SendSent},
		{"3h30 late: skipped", "2027-06-01T11:00:00Z", 0, storage.SendSkipped},
		{"three days down, today 30 min late: once", "2027-06-04T08:00:00Z", 1, storage.SendSent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, utc("2027-05-31T12:00:00Z"))
			e.seed(1, 7*60+30, "UTC")
			n := &fakeNotifier{clock: e.clock}
			e.clock.Set(utc(tc.start))
			s := e.scheduler(n, Options{})
			s.RunDue(context.Background())
			s.RunDue(context.Background())
			if len(n.all()) != tc.want {
				t.Fatalf("sent %d, want %d", len(n.all()), tc.want)
			}
			r, _ := e.store.ReminderFor(context.Background(), storage.ReminderUser, "discord", "g1", "u00000")
			sends, _ := e.store.SendsOf(context.Background(), r.ID)
			if len(sends) == 0 || sends[len(sends)-1].State != tc.state {
				t.Errorf("sends %+v", sends)
			}
			next := utc(tc.start).Truncate(24*time.Hour).AddDate(0, 0, 1).Add(7*time.Hour + 30*time.Minute)
			if !r.NextFire.Equal(next) {
				t.Errorf("next fire %s, want %s", r.NextFire, next)
			}
		})
	}
}

// A platform that keeps failing is retried with backoff for 3 hours, then
// the day is recorded missed and the next day is tried afresh.
func TestRetryThenMissed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	e.seed(1, 7*60+30, "UTC")
	down := true
	n := &fakeNotifier{clock: e.clock, fail: func(string, int) error {
		if down {
			return errors.New("503 service unavailable")
		}
		return nil
	}}
	s := e.scheduler(n, Options{})
	ctx := context.Background()
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	var retryTimes []time.Duration
	for range 40 {
		st, _ := s.RunDue(ctx)
		if st.Missed == 1 {
			break
		}
		r, _ := e.store.ReminderFor(ctx, storage.ReminderUser, "discord", "g1", "u00000")
		retryTimes = append(retryTimes, r.NextFire.Sub(e.clock.Now()))
		e.clock.Set(r.NextFire)
	}
	if e.clock.Now().Sub(utc("2027-06-01T07:30:00Z")) > 3*time.Hour {
		t.Errorf("retried until %s", e.clock.Now())
	}
	if len(retryTimes) < 5 || retryTimes[0] != 30*time.Second || retryTimes[1] != time.Minute {
		t.Errorf("backoff %v", retryTimes)
	}
	r, _ := e.store.ReminderFor(ctx, storage.ReminderUser, "discord", "g1", "u00000")
	sends, _ := e.store.SendsOf(ctx, r.ID)
	if len(sends) != 1 || sends[0].State != storage.SendMissed || sends[0].Attempts != len(retryTimes)+1 {
		t.Errorf("sends %+v after %d retries", sends, len(retryTimes))
	}
	down = false
	e.clock.Set(utc("2027-06-02T07:30:00Z"))
	s.RunDue(ctx)
	if len(n.all()) != 1 {
		t.Errorf("next day: %d", len(n.all()))
	}
}

// Run ticks on the clock's channel and returns on cancel.
func TestRunTicksAndStops(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T07:00:00Z"))
	e.seed(3, 7*60+30, "UTC")
	n := &fakeNotifier{clock: e.clock}
	s := e.scheduler(n, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	e.clock.ticks <- e.clock.Now()
	e.clock.ticks <- e.clock.Now() // the second tick is taken after the first pass ends
	if len(n.all()) != 3 {
		t.Errorf("sent %d", len(n.all()))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a log destination the scheduler and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// While the database fails every pass, the failure is logged once, not
// every tick; the recovery is logged once, and the reminders due meanwhile
// go out as soon as it is back.
func TestFailingPassesLoggedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T07:00:00Z"))
	e.seed(3, 7*60+30, "UTC")
	var index string
	if err := e.store.Reader().QueryRow("SELECT sql FROM sqlite_master WHERE name = 'reminders_due'").Scan(&index); err != nil {
		t.Fatal(err)
	}
	// The due query names its index, so without it every pass fails, as
	// with a database that is down.
	raw, err := sql.Open("sqlite", e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var logs syncBuffer
	n := &fakeNotifier{clock: e.clock}
	s := New(e.deps(), map[string]Notifier{bot.PlatformDiscord: n}, Options{Clock: e.clock,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	e.clock.ticks <- e.clock.Now() // the first pass has ended
	if _, err := raw.Exec("DROP INDEX reminders_due"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	for range 5 {
		e.clock.ticks <- e.clock.Now()
	}
	if _, err := raw.Exec(index); err != nil {
		t.Fatal(err)
	}
	e.clock.ticks <- e.clock.Now()
	e.clock.ticks <- e.clock.Now() // the pass after the fix has ended
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if c := strings.Count(out, `"msg":"reminder pass failed"`); c != 1 {
		t.Errorf("%d failure lines in at least 4 failing passes, want 1:\n%s", c, out)
	}
	if c := strings.Count(out, `"msg":"reminder passes recovered"`); c != 1 {
		t.Errorf("%d recovery lines, want 1:\n%s", c, out)
	}
	exactlyOnce(t, n, 3)
}

type ambiguousErr struct{}

func (ambiguousErr) Error() string        { return "timeout after the request was sent" }
func (ambiguousErr) MaybeDelivered() bool { return true }

// A send that may have reached the platform (a timeout after the request went
// out) is recorded and not retried: a retry could deliver it twice.
func TestMaybeDeliveredIsNotRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	e.seed(1, 7*60+30, "UTC")
	n := &fakeNotifier{clock: e.clock, fail: func(string, int) error { return fmt.Errorf("chat.postMessage: %w", ambiguousErr{}) }}
	s := e.scheduler(n, Options{})
	ctx := context.Background()
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	st, err := s.RunDue(ctx)
	if err != nil || st.Missed != 1 {
		t.Fatalf("stats %+v, %v; want 1 missed", st, err)
	}
	e.clock.Set(utc("2027-06-01T08:30:00Z"))
	s.RunDue(ctx)
	if n.calls != 1 {
		t.Fatalf("%d send attempts, want 1 (no retry)", n.calls)
	}
}

// dmRefusedErr is what a notifier returns when the platform refuses a DM
// for good (Discord 50007).
type dmRefusedErr struct{}

func (dmRefusedErr) Error() string   { return "403 Cannot send messages to this user (50007)" }
func (dmRefusedErr) DMRefused() bool { return true }

// A DM refused for good is tried once, not retried, and turns the reminder
// off so it does not fail every day; `remind` says why and how to fix it,
// and `remind resume` brings it back.
func TestDMRefusedStopsReminder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	e.seed(1, 7*60+30, "UTC")
	refuse := true
	n := &fakeNotifier{clock: e.clock, fail: func(string, int) error {
		if refuse {
			return fmt.Errorf("discord: DM u00000: %w", dmRefusedErr{})
		}
		return nil
	}}
	s := e.scheduler(n, Options{})
	ctx := context.Background()
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	if st, err := s.RunDue(ctx); err != nil || st.Missed != 1 || st.Retrying != 0 {
		t.Fatalf("stats %+v, %v; want 1 missed, no retry", st, err)
	}
	r, err := e.store.ReminderFor(ctx, storage.ReminderUser, "discord", "g1", "u00000")
	if err != nil || !r.NextFire.IsZero() || r.Stopped != storage.StopDMRefused {
		t.Fatalf("reminder after refusal: %+v %v", r, err)
	}
	sends, _ := e.store.SendsOf(ctx, r.ID)
	if len(sends) != 1 || sends[0].State != storage.SendMissed || !strings.Contains(sends[0].Error, "50007") {
		t.Errorf("sends %+v", sends)
	}
	for _, day := range []string{"2027-06-01T08:30:00Z", "2027-06-02T07:30:00Z", "2027-06-03T07:30:00Z"} {
		e.clock.Set(utc(day))
		s.RunDue(ctx)
	}
	if n.calls != 1 {
		t.Fatalf("%d send attempts, want 1", n.calls)
	}

	a := dmActor("u00000")
	for _, text := range []string{"remind", "remind show", "remind pause 3"} {
		got := e.do(a, text)
		mustContain(t, got.Body, "could not be delivered by DM", "direct messages from this server's members", "remind resume")
		if strings.Contains(got.Body, "Next:") {
			t.Errorf("%q still promises a next reminder: %s", text, got.Body)
		}
	}

	// Turned off by its owner, it no longer explains the refusal.
	mustContain(t, e.do(a, "remind off").Body, "Daily reminder off.")
	if got := e.do(a, "remind").Body; strings.Contains(got, "could not be delivered") || !strings.Contains(got, "no daily reminder") {
		t.Errorf("after remind off: %s", got)
	}

	refuse = false
	mustContain(t, e.do(a, "remind resume").Body, "Daily reminder on.", "Next: Fri 4 Jun 2027 07:30")
	if got := e.do(a, "remind").Body; strings.Contains(got, "could not be delivered") {
		t.Errorf("still reported refused after resume: %s", got)
	}
	e.clock.Set(utc("2027-06-04T07:30:00Z"))
	if st, err := s.RunDue(ctx); err != nil || st.Sent != 1 {
		t.Fatalf("after resume: %+v %v", st, err)
	}
}

// A channel post is never turned off by a DM refusal (the error is about
// DMs; a channel's failures keep the usual retries).
func TestDMRefusedLeavesChannelsAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	ctx := context.Background()
	if _, err := e.store.SaveReminder(ctx, storage.Reminder{Kind: storage.ReminderChannel, Platform: bot.PlatformDiscord, Workspace: "g1", Target: "c1", Minute: 7*60 + 30, TZ: "UTC"},
		e.clock.Now(), (&zones{}).next); err != nil {
		t.Fatal(err)
	}
	n := &fakeNotifier{clock: e.clock, fail: func(string, int) error { return dmRefusedErr{} }}
	s := e.scheduler(n, Options{})
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	if st, err := s.RunDue(ctx); err != nil || st.Retrying != 1 {
		t.Fatalf("stats %+v, %v; want a retry", st, err)
	}
	if r, _ := e.store.ReminderFor(ctx, storage.ReminderChannel, bot.PlatformDiscord, "g1", "c1"); r.NextFire.IsZero() || r.Stopped != "" {
		t.Errorf("channel reminder stopped: %+v", r)
	}
}
