package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/storage"
)

// TestStopBudgetShares: the stages share one budget in order, and a
// reminder send begun at the signal ends inside the drain stage, for every
// budget CERTCOACH_SHUTDOWN_TIMEOUT accepts; the default leaves room under
// Kubernetes' default grace period of 30 s.
func TestStopBudgetShares(t *testing.T) {
	t.Parallel()
	def, err := Config{ShutdownTimeout: defaultShutdownTimeout}.shutdownTimeout()
	if err != nil {
		t.Fatal(err)
	}
	if def >= 30*time.Second {
		t.Errorf("default budget %s, want under Kubernetes' 30 s", def)
	}
	for _, total := range []time.Duration{minShutdownTimeout, def, maxShutdownTimeout} {
		b := newStopBudget(total)
		if !(0 < b.sendTimeout() && b.sendTimeout() < b.drain && b.drain < b.adapters && b.adapters < b.cancelled && b.cancelled < b.total) {
			t.Errorf("budget %s: send %s, drain %s, adapters %s, cancelled %s: want 0 < send < drain < adapters < cancelled < total",
				total, b.sendTimeout(), b.drain, b.adapters, b.cancelled)
		}
		if b.metrics <= 0 || b.metrics > b.adapters-b.drain {
			t.Errorf("budget %s: metrics %s, want within the adapters' stage (%s)", total, b.metrics, b.adapters-b.drain)
		}
	}
}

// record is what happened during a stop, in order.
type record struct {
	mu  sync.Mutex
	seq []string
}

func (r *record) add(what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq = append(r.seq, what)
}

func (r *record) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seq)
}

// waitOr fails the test if ch does not close: a guard against a hang, not a
// bound on how long anything takes.
func waitOr(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("%s: still waiting after a minute", what)
	}
}

// TestStopServing: the stages of the graceful stop, with budgets injected.
// The background tasks are told to stop at the signal, beside the requests'
// drain, and a task that outlasts the requests (a reminder send finishing)
// is waited for before the adapters close; a Socket Mode or gateway event
// in flight at the signal finishes on a context that lasts the drain;
// adapters' jobs outlasting their share are cancelled and waited for;
// requests, events, tasks and adapters that outrun their share are given
// up on, saying so, and the stop still ends.
func TestStopServing(t *testing.T) {
	t.Parallel()
	// Nothing here is asserted on elapsed time: a long share is one only a
	// part that never ends could use up, a short one is used up on purpose.
	const short, long = 20 * time.Millisecond, time.Minute
	// What stopServing logs when a share runs out.
	allStopWarnings := []string{"requests did not finish in time", "background tasks did not stop in time", "adapter did not close in time"}
	tests := []struct {
		name string
		// request: "" none in flight at the signal; "until told" ends once
		// the background task has been told to stop; "held" ends only when
		// the stop cuts it.
		request string
		// task: "outlasts" stops after the request has finished (a reminder
		// send still going); "never" does not stop.
		task string
		// event: "" none in flight at the signal; "finishes" ends once the
		// background task has been told to stop; "held" ends only when the
		// stop cuts it.
		event string
		// adapter: "" closes at once; "jobs outlast" has jobs running until
		// its close context ends; "hung" has a job that ignores it.
		adapter string
		budget  stopBudget
		// warn must be logged; quiet must not. A warning that a short share
		// could cause on a loaded machine is in neither.
		warn, quiet []string
		before      [][2]string // each pair: the first recorded before the second
	}{
		{name: "nothing in flight", budget: stopBudget{drain: long, adapters: long, cancelled: long, metrics: long}, quiet: allStopWarnings,
			before: [][2]string{{"task stopped", "adapter closed"}}},
		{name: "request in flight while the tasks wind down, a send outlasting it", request: "until told", task: "outlasts",
			budget: stopBudget{drain: long, adapters: long, cancelled: long, metrics: long}, quiet: allStopWarnings,
			before: [][2]string{{"task told to stop", "request done"}, {"request done", "task stopped"}, {"task stopped", "adapter closed"}}},
		{name: "request held past the drain is cut", request: "held", budget: stopBudget{drain: short, adapters: long, cancelled: long, metrics: long},
			warn: []string{"requests did not finish in time"}, quiet: []string{"adapter did not close in time"}},
		{name: "event in flight at the signal finishes after it", event: "finishes",
			budget: stopBudget{drain: long, adapters: long, cancelled: long, metrics: long}, quiet: allStopWarnings,
			before: [][2]string{{"task told to stop", "event answered"}, {"event answered", "adapter closed"}}},
		{name: "event held past the drain is cut", event: "held", budget: stopBudget{drain: short, adapters: long, cancelled: long, metrics: long},
			warn: []string{"background tasks did not stop in time"}, quiet: []string{"adapter did not close in time"}},
		{name: "task that never stops", task: "never", budget: stopBudget{drain: short, adapters: long, cancelled: long, metrics: long},
			warn: []string{"background tasks did not stop in time"}, quiet: []string{"requests did not finish in time", "adapter did not close in time"}},
		{name: "adapter jobs outlasting their share are cancelled and waited for", adapter: "jobs outlast",
			budget: stopBudget{drain: long, adapters: short, cancelled: long, metrics: long},
			warn:   []string{"close adapter"}, quiet: []string{"requests did not finish in time", "adapter did not close in time"},
			before: [][2]string{{"task stopped", "adapter jobs cancelled"}}},
		{name: "adapter whose job ignores its cancellation", adapter: "hung", budget: stopBudget{drain: short, adapters: short, cancelled: short, metrics: short},
			warn: []string{"adapter did not close in time"}, quiet: []string{"requests did not finish in time"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec record
			release := make(chan struct{}) // ends what never ends by itself
			defer close(release)
			told := make(chan struct{})
			requestDone := make(chan struct{})
			inFlight := make(chan struct{})
			mux := http.NewServeMux()
			mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
				close(inFlight)
				defer close(requestDone)
				if tc.request == "until told" {
					<-told
					rec.add("request done")
					return
				}
				select {
				case <-r.Context().Done():
					rec.add("request cut")
				case <-release:
				}
			})
			srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go func() { _ = srv.Serve(ln) }()
			defer srv.Close()
			if tc.request != "" {
				go func() {
					if res, err := http.Get("http://" + ln.Addr().String() + "/slow"); err == nil {
						res.Body.Close()
					}
				}()
				<-inFlight
			}

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			inflight, cutInflight := context.WithCancel(context.Background())
			defer cutInflight()
			var wg sync.WaitGroup
			eventDone := make(chan struct{})
			if tc.event != "" {
				// A Socket Mode runner with an event in flight: it stops taking
				// events at the signal and returns once that one is answered.
				wg.Go(func() {
					defer close(eventDone)
					if tc.event == "held" {
						<-inflight.Done()
						rec.add("event cut")
						return
					}
					<-told
					if inflight.Err() == nil { // the reply still has a live context
						rec.add("event answered")
					}
				})
			}
			wg.Go(func() {
				<-ctx.Done()
				rec.add("task told to stop")
				close(told)
				switch tc.task {
				case "never":
					<-release
					return
				case "outlasts":
					<-requestDone
				}
				rec.add("task stopped")
			})
			adapter := adapterCloser{name: "fake", close: func(ctx context.Context) error {
				switch tc.adapter {
				case "hung":
					<-release
				case "jobs outlast":
					<-ctx.Done() // its jobs are cancelled, and return
					rec.add("adapter jobs cancelled")
					return errors.New("jobs cancelled")
				}
				rec.add("adapter closed")
				return nil
			}}

			var logs bytes.Buffer
			stopServing(slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil)), srv, nil, cancel, cutInflight, &wg, []adapterCloser{adapter}, tc.budget)
			if tc.adapter == "jobs outlast" && !slices.Contains(rec.all(), "adapter jobs cancelled") {
				t.Errorf("the stop did not wait for the adapter's cancelled jobs: %q", rec.all())
			}
			if tc.event == "held" {
				waitOr(t, eventDone, "the held event")
				if !slices.Contains(rec.all(), "event cut") {
					t.Errorf("the held event's context did not end: %q", rec.all())
				}
			}
			if tc.request == "held" {
				waitOr(t, requestDone, "the held request")
				if !slices.Contains(rec.all(), "request cut") {
					t.Errorf("the held request's context did not end: %q", rec.all())
				}
			}

			got := logs.String()
			for _, w := range tc.warn {
				if !strings.Contains(got, w) {
					t.Errorf("%q not logged:\n%s", w, got)
				}
			}
			for _, w := range tc.quiet {
				if strings.Contains(got, w) {
					t.Errorf("%q logged:\n%s", w, got)
				}
			}
			seq := rec.all()
			for _, p := range tc.before {
				i, j := slices.Index(seq, p[0]), slices.Index(seq, p[1])
				if i < 0 || j < 0 || i > j {
					t.Errorf("want %q before %q, got %q", p[0], p[1], seq)
				}
			}
		})
	}
}

// syncWriter lets a handler goroutine log while the test reads.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestStopServingMetrics: the metrics listener answers while requests are
// still draining, so a scrape sees the stop, then closes within its own
// share, cutting a scrape (or profile) that would hold the stop up.
func TestStopServingMetrics(t *testing.T) {
	t.Parallel()
	listen := func(h http.Handler) (*http.Server, string) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = s.Serve(ln) }()
		t.Cleanup(func() { s.Close() })
		return s, "http://" + ln.Addr().String()
	}
	release := make(chan struct{})
	inFlight := make(chan struct{})
	srv, base := listen(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(inFlight)
		<-release
	}))
	began := make(chan struct{})
	srv.RegisterOnShutdown(func() { close(began) }) // after the listener has closed

	scraping := make(chan struct{})
	scrapeCut := make(chan struct{})
	mm := http.NewServeMux()
	mm.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "up") })
	mm.HandleFunc("GET /debug/pprof/profile", func(_ http.ResponseWriter, r *http.Request) {
		close(scraping)
		<-r.Context().Done()
		close(scrapeCut)
	})
	metricsSrv, metricsBase := listen(mm)

	go func() {
		if res, err := http.Get(base + "/slow"); err == nil {
			res.Body.Close()
		}
	}()
	<-inFlight
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		stopServing(slog.New(slog.DiscardHandler), srv, metricsSrv, func() {}, func() {}, &sync.WaitGroup{}, nil,
			stopBudget{drain: time.Minute, adapters: time.Minute, cancelled: time.Minute, metrics: 20 * time.Millisecond})
	}()
	<-began

	res, err := http.Get(metricsBase + "/metrics")
	if err != nil {
		t.Fatalf("metrics while requests drain: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(body) != "up" {
		t.Fatalf("metrics while requests drain: %d %q", res.StatusCode, body)
	}
	go func() {
		if res, err := http.Get(metricsBase + "/debug/pprof/profile"); err == nil {
			res.Body.Close()
		}
	}()
	<-scraping

	close(release) // the requests have drained
	waitOr(t, stopped, "stopServing with a scrape that never ends")
	waitOr(t, scrapeCut, "the scrape's context")
	if res, err := http.Get(metricsBase + "/metrics"); err == nil {
		res.Body.Close()
		t.Errorf("metrics still answer after the stop: %d", res.StatusCode)
	}
}

// TestExitAfter: a stop that outlives its budget ends the process, saying
// which setting bounds it.
func TestExitAfter(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	code := make(chan int, 1)
	exitAfter(slog.New(slog.NewTextHandler(&logs, nil)), time.Millisecond, func(c int) { code <- c })
	if c := <-code; c != exitOverBudget { // logged before exit is called
		t.Errorf("exit code %d, want %d", c, exitOverBudget)
	}
	if got := logs.String(); !strings.Contains(got, "graceful stop over its budget") || !strings.Contains(got, "CERTCOACH_SHUTDOWN_TIMEOUT") {
		t.Errorf("log:\n%s", got)
	}
}

// stopClock is a fixed time whose ticks never come: each scheduler runs
// the one pass it starts with.
type stopClock struct{ now time.Time }

func (c stopClock) Now() time.Time { return c.now }

func (stopClock) Ticks(time.Duration) (<-chan time.Time, func()) {
	return make(chan time.Time), func() {}
}

// gateNotifier records the users it sent to; while gate is open (not yet
// closed) a send waits for it, as a send still on its way to Slack.
type gateNotifier struct {
	gate    chan struct{}
	waiting chan struct{} // receives once per send that reached the gate
	mu      sync.Mutex
	sent    []string
}

func (n *gateNotifier) SendDM(ctx context.Context, _, user string, _ bot.Reply) error {
	select {
	case n.waiting <- struct{}{}:
	default:
	}
	select {
	case <-n.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, user)
	return nil
}

func (n *gateNotifier) PostChannel(ctx context.Context, workspace, channel string, r bot.Reply) error {
	return n.SendDM(ctx, workspace, channel, r)
}

func (n *gateNotifier) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.sent)
}

// TestStopFinishesReminderPass: a stop while serve's reminder pass has
// sends on their way lets those finish and records them, and gives back
// the reminders it had not begun: another serve on the same database then
// sends exactly those, so every reminder goes out once, none twice.
func TestStopFinishesReminderPass(t *testing.T) {
	ctx := context.Background()
	clock := stopClock{now: time.Date(2027, 6, 1, 7, 31, 0, 0, time.UTC)}
	log := slog.New(slog.DiscardHandler)
	a, err := openApp(ctx, Config{DB: filepath.Join(t.TempDir(), "c.db"), DBFrom: "CERTCOACH_DB"}, log, bot.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// More reminders due than the scheduler sends at once, so that some
	// are not begun when the stop comes.
	const count = 40
	dueAt := func(storage.Reminder, time.Time, string) (time.Time, string, bool) {
		return clock.now.Add(-time.Minute), "2027-06-01", true
	}
	var want []string
	for i := range count {
		key := storage.UserKey{Platform: bot.PlatformSlack, Workspace: "T1", User: fmt.Sprintf("U%03d", i)}
		u, err := a.store.EnsureUser(ctx, key, key.User, "UTC", clock.now)
		if err != nil {
			t.Fatal(err)
		}
		r := storage.Reminder{Kind: storage.ReminderUser, UserID: u.ID, Platform: key.Platform, Workspace: key.Workspace, Target: key.User, Minute: 7*60 + 30, TZ: "UTC"}
		if _, err := a.store.SaveReminder(ctx, r, clock.now, dueAt); err != nil {
			t.Fatal(err)
		}
		want = append(want, key.User)
	}

	first := &gateNotifier{gate: make(chan struct{}), waiting: make(chan struct{})}
	d := deps{cfg: Config{}, app: a, log: log, stop: newStopBudget(time.Minute)}
	run, err := setupReminders(ctx, d, map[string]remind.Notifier{bot.PlatformSlack: first})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancelRun := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = run(runCtx) })
	<-first.waiting // a send is on its way

	srv := &http.Server{ReadHeaderTimeout: time.Second}
	signal := func() {
		cancelRun()
		close(first.gate) // the sends on their way arrive after the signal
	}
	b := newStopBudget(time.Minute) // only a hung pass could use it up
	var logs bytes.Buffer
	stopServing(slog.New(slog.NewTextHandler(&logs, nil)), srv, nil, signal, func() {}, &wg, nil, b)
	if strings.Contains(logs.String(), "did not") {
		t.Fatalf("the stop gave up on something:\n%s", logs.String())
	}
	sentFirst := first.all()
	if len(sentFirst) == 0 || len(sentFirst) == count {
		t.Fatalf("the first serve sent %d of %d: want the sends begun before the stop, not all", len(sentFirst), count)
	}

	// Another serve over the same database: the reminders given back are
	// due again, the ones sent are not.
	second := &gateNotifier{gate: make(chan struct{}), waiting: make(chan struct{})}
	close(second.gate)
	s := remind.New(a.remindDeps(), map[string]remind.Notifier{bot.PlatformSlack: second}, remind.Options{Clock: clock, Logger: log})
	if _, err := s.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	got := append(sentFirst, second.all()...)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("sent %d messages to %q over both serves, want each of %d users once", len(got), got, count)
	}
}
