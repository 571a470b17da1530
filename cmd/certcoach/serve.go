package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/metrics"
	"github.com/certcoach/certcoach/bot/remind"
)

// platform is what serve needs from one chat adapter's wiring (see slack.go,
// discord.go): HTTP routes, long-lived connections, readiness and a notifier.
type platform struct {
	name   string
	routes map[string]http.Handler
	// run serves the long-lived connections (Socket Mode, gateway) until ctx
	// ends, the events in flight then finishing on inflight; nil if none.
	run      func(ctx, inflight context.Context) error
	ready    func(ctx context.Context) error // nil means always ready
	notifier remind.Notifier                 // nil if the adapter cannot send
	// close waits for the adapter's own jobs until ctx ends, then cancels
	// them and returns once they have returned.
	close func(ctx context.Context) error
}

// deps are the shared parts handed to each adapter's setup.
type deps struct {
	cfg   Config
	app   *app
	log   *slog.Logger
	ready *readiness
	// metrics satisfies the small interfaces adapters and the scheduler
	// declare for what only they can see (SignatureFailure, RateLimitWait,
	// ReminderSent, ReminderFailed).
	metrics *metrics.Metrics
	stop    stopBudget
}

// readiness collects named checks for /readyz.
type readiness struct {
	mu     sync.Mutex
	checks map[string]func(ctx context.Context) error
}

func (r *readiness) add(name string, f func(ctx context.Context) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks[name] = f
}

func (r *readiness) check(ctx context.Context) map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]string{}
	for name, f := range r.checks {
		if err := f(ctx); err != nil {
			out[name] = err.Error()
		}
	}
	return out
}

// stopBudget shares the one overall budget of a graceful stop
// (CERTCOACH_SHUTDOWN_TIMEOUT, docs/operations.md) between its stages. Each
// stage ends at a fixed share of the budget counted from the signal, so
// what one stage leaves unused passes to the next, and the whole stop ends
// inside the budget (the process exits at total whatever is left).
type stopBudget struct {
	// drain: in-flight requests and Socket Mode or gateway events finish
	// and the background tasks wind down, side by side (a reminder send in
	// progress finishes and is recorded).
	drain time.Duration
	// adapters: the adapters' own jobs (follow-ups, deferred replies) run
	// on; then they are cancelled.
	adapters time.Duration
	// cancelled: the cancelled jobs return; the database is not closed
	// under one still running before this.
	cancelled time.Duration
	// metrics: a scrape in progress when the metrics listener closes.
	metrics time.Duration
	// total: the rest, to the end of the budget, closes the database.
	total time.Duration
}

func newStopBudget(total time.Duration) stopBudget {
	return stopBudget{drain: total * 3 / 5, adapters: total * 4 / 5, cancelled: total * 9 / 10, metrics: time.Second, total: total}
}

// sendTimeout bounds one reminder send: a send begun just before the signal
// ends, and its outcome is recorded, well inside the drain stage.
func (b stopBudget) sendTimeout() time.Duration { return b.total / 5 }

func serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	log.Info("starting", "config", cfg.String())
	if os.Getenv("GOGC") == "" {
		// The live heap is small and every request allocates a little, so
		// the default GC target makes the collector a large share of CPU per
		// request; doubling it costs a few MB of RSS for less CPU
		// (docs/performance.md).
		debug.SetGCPercent(200)
	}
	total, err := cfg.shutdownTimeout()
	if err != nil {
		return err // refused before the start, too
	}
	m := metrics.New()
	lim, err := newLimiter(cfg, m.Limited)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, log, bot.Options{Limiter: lim, Observer: m.Observe})
	if err != nil {
		return err
	}
	a.store.OnError(m.DBError)
	var overBudget *time.Timer // set at the signal
	defer func() {
		// Last: after the HTTP server, adapters and reminders have stopped
		// writing. Close checkpoints the WAL into the main file.
		err := a.Close()
		if overBudget != nil {
			overBudget.Stop()
		}
		if err != nil {
			m.DBError("close")
			log.Error("close database", "err", err)
			return
		}
		log.Info("database closed")
	}()
	go func() { _ = a.kb.WarmSearch(ctx) }()

	rd := &readiness{checks: map[string]func(context.Context) error{"database": pingCounted(m, a.store.Ping)}}
	d := deps{cfg: cfg, app: a, log: log, ready: rd, metrics: m, stop: newStopBudget(total)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		failed := rd.check(ctx)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if len(failed) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			for k, v := range failed {
				fmt.Fprintf(w, "%s: %s\n", k, v)
			}
			return
		}
		fmt.Fprintln(w, "ready")
	})

	var platforms []*platform
	for _, setup := range []func(context.Context, deps) (*platform, error){setupSlack, setupDiscord} {
		p, err := setup(ctx, d)
		if errors.Is(err, errNotConfigured) {
			continue
		}
		if err != nil {
			return err
		}
		platforms = append(platforms, p)
		for path, h := range p.routes {
			mux.Handle(path, countSignatureFailures(m, p.name, h))
		}
		if p.ready != nil {
			rd.add(p.name, p.ready)
		}
	}
	if len(platforms) == 0 {
		log.Warn("no Slack or Discord credentials: serving only /healthz, /readyz and /metrics; set SLACK_* or DISCORD_* (see certcoach --help), or run certcoach console")
	}
	notifiers := map[string]remind.Notifier{}
	for _, p := range platforms {
		if p.notifier != nil {
			notifiers[p.name] = counting(p.notifier, p.name, m)
		}
	}

	var metricsSrv *http.Server
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", m.Handler())
	} else {
		mm := http.NewServeMux()
		mm.Handle("GET /metrics", m.Handler())
		// The separate metrics listener is the operator's private port, so it
		// also carries the profiler (never on the public listener).
		mm.HandleFunc("GET /debug/pprof/", pprof.Index)
		mm.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mm.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		metricsSrv = &http.Server{Addr: cfg.MetricsAddr, Handler: mm, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 2 * time.Minute}
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s (CERTCOACH_METRICS_ADDR): %w", cfg.MetricsAddr, err)
		}
		log.Info("metrics listening", "addr", mln.Addr().String())
		go func() {
			if err := metricsSrv.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics server", "err", err)
			}
		}()
	}

	srv := &http.Server{Addr: cfg.Addr, Handler: m.HTTP(withRequestBasics(log, mux)), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (CERTCOACH_ADDR): %w", cfg.Addr, err)
	}
	log.Info("listening", "addr", ln.Addr().String())

	// The background tasks end at the signal (runCtx is a child of ctx),
	// beside the requests' drain rather than after it: Socket Mode and the
	// gateway are front doors like the listener, and a reminder pass stops
	// claiming, finishes the sends it has begun and gives back the rest. What
	// in-flight requests need (the store, the adapters) closes only once
	// both have ended (stopServing).
	//
	// A Socket Mode or gateway event being handled at the signal finishes on
	// inflight, which lasts until the requests' drain ends, as an HTTP
	// request does.
	var wg sync.WaitGroup
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	inflight, cutInflight := context.WithCancel(context.WithoutCancel(ctx))
	defer cutInflight()
	background := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(runCtx); err != nil && runCtx.Err() == nil {
				log.Error("background task stopped", "task", name, "err", err)
			}
		}()
	}
	for _, p := range platforms {
		if p.run != nil {
			background(p.name, func(ctx context.Context) error { return p.run(ctx, inflight) })
		}
	}
	background("prune deliveries", pruneDeliveries(a.store, log, time.Hour))
	if runReminders, err := setupReminders(ctx, d, notifiers); err != nil && !errors.Is(err, errNotConfigured) {
		return err
	} else if err == nil {
		background("reminders", runReminders)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	forceOnInterrupt(log)
	overBudget = exitAfter(log, d.stop.total, os.Exit)
	log.Info("shutting down", "budget", d.stop.total.String())
	var closers []adapterCloser
	for _, p := range platforms {
		if p.close != nil {
			closers = append(closers, adapterCloser{name: p.name, close: p.close})
		}
	}
	stopServing(log, srv, metricsSrv, cancelRun, cutInflight, &wg, closers, d.stop)
	log.Info("stopped")
	return nil
}

// adapterCloser is one adapter's Close, which waits for its own jobs until
// its context ends, then cancels them.
type adapterCloser struct {
	name  string
	close func(ctx context.Context) error
}

// stopServing is the graceful stop, within b counted from its call:
//   - the listener closes and in-flight requests finish, while the
//     background tasks are told to stop (cancel) and waited for (wg), both
//     until b.drain; requests still running then are cut, and so are the
//     Socket Mode and gateway events still being handled (cutInflight);
//   - the metrics listener, up until then so that a scrape sees the stop,
//     closes within b.metrics;
//   - beside it the adapters close, waiting for their jobs until
//     b.adapters, then cancelling them; they are waited for until
//     b.cancelled.
//
// The database is closed after it returns. metricsSrv may be nil.
func stopServing(log *slog.Logger, srv, metricsSrv *http.Server, cancel, cutInflight context.CancelFunc, wg *sync.WaitGroup, adapters []adapterCloser, b stopBudget) {
	drain, cancelDrain := context.WithTimeout(context.Background(), b.drain)
	defer cancelDrain()
	closing, cancelClosing := context.WithTimeout(context.Background(), b.adapters)
	defer cancelClosing()
	unwound, cancelUnwound := context.WithTimeout(context.Background(), b.cancelled)
	defer cancelUnwound()

	cancel()
	tasks := make(chan struct{})
	go func() { wg.Wait(); close(tasks) }()
	if err := srv.Shutdown(drain); err != nil {
		log.Warn("requests did not finish in time: cut", "waited", b.drain.String(), "err", err)
		_ = srv.Close() // ends the handlers' contexts
	}
	select {
	case <-tasks:
	case <-drain.Done():
		select {
		case <-tasks: // stopped just as the drain ended
		default:
			log.Warn("background tasks did not stop in time", "waited", b.drain.String())
		}
	}
	// Once the tasks have stopped no event is in flight; otherwise the
	// drain is over for events as for requests.
	cutInflight()

	metricsClosed := make(chan struct{})
	go func() {
		defer close(metricsClosed)
		if metricsSrv == nil {
			return
		}
		ctx, cancel := context.WithTimeout(closing, b.metrics)
		defer cancel()
		if err := metricsSrv.Shutdown(ctx); err != nil {
			_ = metricsSrv.Close() // a long profile or a stuck scrape
		}
	}()
	closeAdapters(closing, unwound, log, adapters, b.cancelled)
	<-metricsClosed
}

// closeAdapters closes the adapters side by side, each waiting for its jobs
// until closing ends and then cancelling them, and waits for them until
// unwound ends: one whose jobs are still running then (a job that ignored
// its cancellation) is left to finish on its own, saying so, so that the
// stop stays within its budget.
func closeAdapters(closing, unwound context.Context, log *slog.Logger, adapters []adapterCloser, budget time.Duration) {
	type closed struct {
		name string
		err  error
	}
	done := make(chan closed, len(adapters))
	pending := map[string]bool{}
	for _, a := range adapters {
		pending[a.name] = true
		go func() { done <- closed{a.name, a.close(closing)} }()
	}
	for len(pending) > 0 {
		select {
		case c := <-done:
			delete(pending, c.name)
			if c.err != nil {
				log.Warn("close adapter", "adapter", c.name, "err", c.err)
			}
		case <-unwound.Done():
			for name := range pending {
				log.Warn("adapter did not close in time: its jobs may still be running", "adapter", name, "waited", budget.String())
			}
			return
		}
	}
}

// exitForced is the exit code of a stop forced by a second Ctrl-C: 130,
// 128 plus SIGINT, as a shell reports a process an interrupt ended.
const exitForced = 130

// forceOnInterrupt makes a SIGINT during the graceful stop (a second
// Ctrl-C) end the process at once, saying so, without waiting for the rest
// of the stop's budget (docs/operations.md). What is committed stays;
// SQLite recovers from its WAL at the next start, as after a kill.
func forceOnInterrupt(log *slog.Logger) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		<-sig
		log.Warn("second interrupt: exiting now, without waiting for the graceful stop")
		os.Exit(exitForced)
	}()
}

// exitOverBudget is the exit code of a graceful stop that outlived its
// budget (something hung): the process ends before an orchestrator's kill.
const exitOverBudget = 1

// exitAfter ends the process through exit once total has passed, unless
// the returned timer is stopped first (by serve, once the database is closed).
func exitAfter(log *slog.Logger, total time.Duration, exit func(code int)) *time.Timer {
	return time.AfterFunc(total, func() {
		log.Error("graceful stop over its budget: exiting now", "budget", total.String(), "setting", "CERTCOACH_SHUTDOWN_TIMEOUT")
		exit(exitOverBudget)
	})
}

// deliveryPruner forgets old delivery records and idle rate budgets.
type deliveryPruner interface {
	PruneSeen(ctx context.Context, before time.Time) (int64, error)
	PruneBudgets(ctx context.Context, before time.Time) (int64, error)
}

// deliveryRetention is how long the records that make each Slack event and
// Discord interaction count once are kept: Slack stops retrying an event
// within the hour, and a Discord interaction older than five minutes is
// refused by its timestamp, so a day is ample. A Slack share's record must
// last slack.ShareWindow.
const deliveryRetention = 24 * time.Hour

// pruneDeliveries drops expired delivery records at start and then every
// interval, so that the table (one row per inbound request) stays the size
// of a day's traffic.
func pruneDeliveries(store deliveryPruner, log *slog.Logger, every time.Duration) func(context.Context) error {
	return func(ctx context.Context) error {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			n, err := store.PruneSeen(ctx, time.Now().Add(-deliveryRetention))
			switch {
			case err != nil && ctx.Err() == nil:
				log.Warn("prune delivery records", "err", err)
			case n > 0:
				log.Info("pruned delivery records", "rows", n)
			}
			// A budget idle for an hour has long refilled: its row can go.
			if _, err := store.PruneBudgets(ctx, time.Now().Add(-time.Hour)); err != nil && ctx.Err() == nil {
				log.Warn("prune rate budgets", "err", err)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	}
}
