package remind

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// Options tune a Scheduler; zero values give the defaults in brackets.
type Options struct {
	// Clock is the scheduler's time [the engine's clock, with real tickers].
	Clock Clock
	// Logger [slog.Default()].
	Logger *slog.Logger
	// Workers is how many sends run at once [8]. Platforms queue and
	// rate-limit per route; more workers only lengthen those queues.
	Workers int
	// Interval is how often the due set is checked [5s]. The check is one
	// indexed query, so it is cheap when nothing is due.
	Interval time.Duration
	// Lease is how long a claim holds before it counts as abandoned [10m].
	Lease time.Duration
	// SendTimeout bounds one Notifier call, its own 429 waits included [2m].
	SendTimeout time.Duration
	// MaxDelay is how late a message may still go out, after downtime or
	// while retrying; later it is recorded missed or skipped [3h].
	MaxDelay time.Duration
	// PageSize is how many due rows are read per query [500].
	PageSize int
	// Platforms, if set, are the only platforms whose reminders this
	// scheduler takes; others are left to another process (a console
	// delivers its own user's reminders, serve those of Slack and Discord).
	Platforms []string
}

func (o *Options) defaults(e *bot.Engine) {
	if o.Clock == nil {
		o.Clock = clockOf(e.Clock())
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Interval <= 0 {
		o.Interval = 5 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 10 * time.Minute
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = 2 * time.Minute
	}
	if o.Lease < o.SendTimeout+time.Minute {
		o.Lease = o.SendTimeout + time.Minute // a live send must never look abandoned
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 3 * time.Hour
	}
	if o.PageSize <= 0 {
		o.PageSize = 500
	}
}

// Scheduler delivers due reminders and channel questions through the
// platforms' notifiers, exactly once per reminder and local day as long as
// it stops gracefully (see ClaimReminder for what a crash costs).
type Scheduler struct {
	store     Store
	kb        *knowledge.Base
	e         *bot.Engine // names commands in messages (Say)
	study     *study.Service
	notifiers map[string]Notifier
	opts      Options
	log       *slog.Logger
	owner     string
	zones     *zones
	pruned    string // local day of the last prune; only Run's goroutine touches it
}

// New returns a scheduler over d's store and knowledge base that sends
// through notifiers, keyed by platform name ("slack", "discord").
func New(d Deps, notifiers map[string]Notifier, opts Options) *Scheduler {
	opts.defaults(d.Engine)
	var b [8]byte
	_, _ = rand.Read(b[:])
	owner := hex.EncodeToString(b[:])
	return &Scheduler{store: d.Store, kb: d.KB, e: d.Engine, study: d.study(), notifiers: notifiers, opts: opts,
		log: opts.Logger.With("component", "remind", "owner", owner), owner: owner, zones: &zones{}}
}

// Stats count what one pass over the due set did.
type Stats struct {
	Sent     int // delivered
	Retrying int // failed, to be retried later
	Missed   int // failed for too long, refused for good, or no notifier for the platform
	Idle     int // due rows that needed no send (taken elsewhere, day done, too old)
	Released int // claims given back because the scheduler is stopping
	Errors   int // store errors (the row stays due and is tried again)
}

type counters struct{ sent, retrying, missed, idle, released, errors atomic.Int64 }

func (c *counters) stats() Stats {
	return Stats{Sent: int(c.sent.Load()), Retrying: int(c.retrying.Load()), Missed: int(c.missed.Load()),
		Idle: int(c.idle.Load()), Released: int(c.released.Load()), Errors: int(c.errors.Load())}
}

// Run checks the due set every Interval until ctx ends. On stop it lets
// sends in progress finish (each within SendTimeout), gives back claims it
// had not started sending, and returns nil.
func (s *Scheduler) Run(ctx context.Context) error {
	ticks, stop := s.opts.Clock.Ticks(s.opts.Interval)
	defer stop()
	s.log.Info("reminder scheduler started", "workers", s.opts.Workers, "interval", s.opts.Interval.String())
	// While the database is down every pass fails the same way: the first
	// failure is logged, the rest at debug, and the recovery once.
	var failed int
	var since time.Time
	for {
		st, err := s.RunDue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			if failed == 0 {
				since = s.opts.Clock.Now()
				s.log.Error("reminder pass failed", "err", err, "note", "logged once until a pass succeeds")
			} else {
				s.log.Debug("reminder pass failed", "err", err, "failed_passes", failed+1)
			}
			failed++
		case err == nil && failed > 0:
			s.log.Info("reminder passes recovered", "failed_passes", failed, "since", since.UTC().Format(time.RFC3339))
			failed = 0
		}
		if st != (Stats{}) {
			s.log.Info("reminder pass", "sent", st.Sent, "retrying", st.Retrying, "missed", st.Missed,
				"idle", st.Idle, "released", st.Released, "errors", st.Errors)
		}
		s.prune(ctx)
		select {
		case <-ctx.Done():
			s.log.Info("reminder scheduler stopped")
			return nil
		case <-ticks:
		}
	}
}

// sendRetention is how long personal send rows are kept: they only stop a
// day from being sent twice, and a day cannot come back after MaxDelay.
const sendRetention = 35 * 24 * time.Hour

// prune drops old personal send rows once a day.
func (s *Scheduler) prune(ctx context.Context) {
	day := s.opts.Clock.Now().UTC().Format(time.DateOnly)
	if day == s.pruned || ctx.Err() != nil {
		return
	}
	s.pruned = day
	n, err := s.store.PruneSends(ctx, s.opts.Clock.Now().Add(-sendRetention).UTC().Format(time.DateOnly))
	if err != nil {
		s.log.Warn("prune reminder sends", "err", err)
		return
	}
	if n > 0 {
		s.log.Info("pruned reminder sends", "rows", n)
	}
}

// RunDue sends everything due now and returns when done (or, after ctx is
// cancelled, once in-flight sends have settled). It pages through the due
// index with a keyset cursor into a bounded worker pool, so memory does not
// grow with the due set.
func (s *Scheduler) RunDue(ctx context.Context) (Stats, error) {
	now := s.opts.Clock.Now()
	var c counters
	work := make(chan int64, s.opts.Workers)
	var wg sync.WaitGroup
	for range s.opts.Workers {
		wg.Go(func() {
			for id := range work {
				s.deliver(ctx, id, &c)
			}
		})
	}
	var err error
	var cur storage.DueRef
feed:
	for {
		page, perr := s.store.DueReminders(ctx, now, cur, s.opts.PageSize, s.opts.Platforms...)
		if perr != nil {
			if ctx.Err() == nil {
				err = perr
			}
			break
		}
		for _, d := range page {
			select {
			case work <- d.ID:
			case <-ctx.Done():
				break feed
			}
		}
		if len(page) < s.opts.PageSize {
			break
		}
		cur = page[len(page)-1]
	}
	close(work)
	wg.Wait()
	return c.stats(), err
}

func (s *Scheduler) claimOptions() storage.ClaimOptions {
	return storage.ClaimOptions{Owner: s.owner, Lease: s.opts.Lease, MaxAge: s.opts.MaxDelay, Next: s.zones.next, Resend: s.keyed}
}

// keyed reports whether the platform's notifier deduplicates sends by key.
func (s *Scheduler) keyed(platform string) bool {
	_, ok := s.notifiers[platform].(KeyedNotifier)
	return ok
}

// sendKey is a claim's deduplication key: the same for every attempt of
// one (reminder, local day), and short enough for a Discord nonce.
func sendKey(c storage.Claim) string { return "r" + strconv.FormatInt(c.SendID, 36) }

// deliver claims one due reminder, composes and sends its message, and
// records the outcome. Once claimed, the claim is always settled, on a
// context that outlives a stop, so a graceful stop never strands one.
func (s *Scheduler) deliver(ctx context.Context, id int64, c *counters) {
	if ctx.Err() != nil {
		return
	}
	claim, err := s.store.ClaimReminder(ctx, id, s.opts.Clock.Now(), s.claimOptions())
	if errors.Is(err, storage.ErrNotClaimed) {
		c.idle.Add(1)
		return
	}
	if err != nil {
		if ctx.Err() != nil {
			return // stopping: the claim rolled back, the row stays due
		}
		c.errors.Add(1)
		s.log.Error("claim reminder", "reminder", id, "err", err)
		return
	}
	settle := context.WithoutCancel(ctx)
	log := s.log.With("reminder", id, "kind", claim.Reminder.Kind, "day", claim.Day, "attempt", claim.Attempt)
	if ctx.Err() != nil {
		s.release(settle, claim, c, log)
		return
	}
	msg, qid, err := s.compose(ctx, claim)
	if err != nil {
		if ctx.Err() != nil {
			s.release(settle, claim, c, log)
			return
		}
		s.failed(settle, claim, qid, fmt.Errorf("compose: %w", err), c, log)
		return
	}
	n := s.notifiers[claim.Reminder.Platform]
	if n == nil {
		if err := s.store.FailSend(settle, claim, qid, "no notifier for platform "+claim.Reminder.Platform, s.opts.Clock.Now(), time.Time{}, s.zones.next); err != nil {
			c.errors.Add(1)
			log.Error("record missed reminder", "err", err)
			return
		}
		c.missed.Add(1)
		log.Warn("reminder missed: platform not connected", "platform", claim.Reminder.Platform)
		return
	}
	kn, keyed := n.(KeyedNotifier)
	if keyed && qid != claim.QuestionID {
		// Recorded before sending: a resend after this process dies must
		// carry the same question the message may already have shown.
		if err := s.store.SetSendQuestion(settle, claim, qid); err != nil {
			s.release(settle, claim, c, log)
			return
		}
	}
	sctx, cancel := context.WithTimeout(settle, s.opts.SendTimeout)
	r := claim.Reminder
	switch {
	case keyed && r.Kind == storage.ReminderChannel:
		err = kn.PostChannelKeyed(sctx, sendKey(claim), r.Workspace, r.Target, msg)
	case keyed:
		err = kn.SendDMKeyed(sctx, sendKey(claim), r.Workspace, r.Target, msg)
	case r.Kind == storage.ReminderChannel:
		err = n.PostChannel(sctx, r.Workspace, r.Target, msg)
	default:
		err = n.SendDM(sctx, r.Workspace, r.Target, msg)
	}
	cancel()
	if refusedDM(err) && r.Kind == storage.ReminderUser {
		s.stop(settle, claim, qid, err, c, log)
		return
	}
	if err != nil {
		s.failed(settle, claim, qid, err, c, log)
		return
	}
	if err := s.store.FinishSend(settle, claim, qid, s.opts.Clock.Now(), s.zones.next); err != nil {
		c.errors.Add(1)
		log.Error("record sent reminder", "err", err)
		return
	}
	c.sent.Add(1)
}

func (s *Scheduler) release(ctx context.Context, claim storage.Claim, c *counters, log *slog.Logger) {
	if err := s.store.ReleaseClaim(ctx, claim, s.opts.Clock.Now()); err != nil {
		c.errors.Add(1)
		log.Error("release reminder claim", "err", err)
		return
	}
	c.released.Add(1)
}

// failed schedules a retry after a backoff, or records the occurrence missed
// once the retry would land more than MaxDelay after it was due.
func (s *Scheduler) failed(ctx context.Context, claim storage.Claim, qid string, sendErr error, c *counters, log *slog.Logger) {
	now := s.opts.Clock.Now()
	retryAt := now.Add(backoff(claim.Attempt, sendErr))
	if retryAt.Sub(claim.DueAt) > s.opts.MaxDelay {
		retryAt = time.Time{}
	}
	if md, ok := errors.AsType[maybeDelivered](sendErr); ok && md.MaybeDelivered() {
		// The platform may have taken the message before the error: a retry
		// could deliver it twice, so it is recorded and not retried.
		retryAt = time.Time{}
	}
	if err := s.store.FailSend(ctx, claim, qid, truncateErr(sendErr), now, retryAt, s.zones.next); err != nil {
		c.errors.Add(1)
		log.Error("record failed reminder", "err", err, "send_err", sendErr)
		return
	}
	if retryAt.IsZero() {
		c.missed.Add(1)
		log.Warn("reminder missed after retries", "err", sendErr)
		return
	}
	c.retrying.Add(1)
	log.Info("reminder send failed, will retry", "err", sendErr, "retry_at", retryAt)
}

// stop records a DM the platform refused for good (the user does not take
// DMs from the bot) and turns the reminder off, so it does not fail again
// every day; `remind` tells the user why and how to turn it back on.
func (s *Scheduler) stop(ctx context.Context, claim storage.Claim, qid string, sendErr error, c *counters, log *slog.Logger) {
	if err := s.store.StopSend(ctx, claim, qid, truncateErr(sendErr), storage.StopDMRefused, s.opts.Clock.Now()); err != nil {
		c.errors.Add(1)
		log.Error("record refused reminder", "err", err, "send_err", sendErr)
		return
	}
	c.missed.Add(1)
	log.Warn("reminder DM refused by the platform; reminder turned off until the user sets it again", "err", sendErr)
}

// dmRefused marks a notifier error after which no DM to that user can get
// through until they change a setting (Discord 50007, Slack cannot_dm_bot):
// retrying only fails again.
type dmRefused interface {
	error
	DMRefused() bool
}

// refusedDM reports whether err is such a refusal.
func refusedDM(err error) bool {
	dr, ok := errors.AsType[dmRefused](err)
	return ok && dr.DMRefused()
}

// maybeDelivered marks a notifier error that may have come after the
// platform accepted the message (a timeout, a dropped connection).
type maybeDelivered interface {
	error
	MaybeDelivered() bool
}

// retryAfter is what a notifier error may offer when the platform said when
// to come back (HTTP 429 Retry-After).
type retryAfter interface {
	error
	RetryAfter() time.Duration
}

// backoff is the wait before retry number attempt+1: the platform's
// Retry-After when given, else 30 s doubling to at most 15 min.
func backoff(attempt int, err error) time.Duration {
	if ra, ok := errors.AsType[retryAfter](err); ok && ra.RetryAfter() > 0 {
		return ra.RetryAfter()
	}
	d := 30 * time.Second
	for i := 1; i < attempt && d < 15*time.Minute; i++ {
		d *= 2
	}
	return min(d, 15*time.Minute)
}

func truncateErr(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}
