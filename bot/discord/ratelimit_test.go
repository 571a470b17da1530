package discord

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// rateLimitHook forwards RateLimitWait calls, made from the goroutine
// that waits.
type rateLimitHook chan string

func (h rateLimitHook) RateLimitWait(platform string, d time.Duration) {
	h <- platform + " " + d.String()
}

// TestRateLimitHook: a 429 from Discord's REST API, which the Notifier
// waits out and retries, is reported to the metrics hook with its
// retry_after, once.
func TestRateLimitHook(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "fake-bot-token")
	hook := make(rateLimitHook, 4)
	ev.fake.fail429.Store(1) // retry_after 0.01
	if err := NewNotifier(ev.s, hook).PostChannel(context.Background(), "800000000000000001", "500000000000000001", replyFixture()); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-hook:
		if got != "discord 10ms" {
			t.Errorf("RateLimitWait(%s), want discord 10ms", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no RateLimitWait call for the 429")
	}
	select {
	case got := <-hook:
		t.Errorf("extra RateLimitWait(%s) for one 429", got)
	default:
	}
}

// TestRateLimitWaitEndsWithContext: a 429 asking for an hour's wait holds
// a Notifier's post (as it would a deferred reply) only until the call's
// context is cancelled: the call then returns the context's error, and
// nothing was posted. discordgo's own retry would sleep the hour out.
func TestRateLimitWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "fake-bot-token")
	hook := make(rateLimitHook, 4)
	ev.fake.long429.Store(true)
	ev.fake.fail429.Store(1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		errc <- NewNotifier(ev.s, hook).PostChannel(ctx, "800000000000000001", "500000000000000001", replyFixture())
	}()
	select {
	case got := <-hook: // the 429 came back and its wait has begun
		if got != "discord 1h0m0s" {
			t.Errorf("RateLimitWait(%s), want discord 1h0m0s", got)
		}
	case err := <-errc:
		t.Fatalf("post returned (%v) before its 429", err)
	case <-time.After(time.Minute): // a guard against a hang, not a bound
		t.Fatal("no 429 reported")
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("post after cancellation: %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute): // a guard against a hang, not a bound
		t.Fatal("the post still waits out the 429 after its context was cancelled")
	}
	if n := countPosts(ev.fake, "/api/v9/channels/500000000000000001/messages"); n != 1 {
		t.Errorf("%d posts reached Discord, want the one refused with 429 and no retry", n)
	}
}

func countPosts(f *fakeDiscord, path string) int {
	n := 0
	for _, c := range f.Calls() {
		if c.Method == "POST" && c.Path == path {
			n++
		}
	}
	return n
}

// TestBucketPauseEndsWithContext: once Discord's answers have spent a
// rate-limit bucket (or the global limit) for an hour, a call certcoach
// makes on it with its context cancelled, as at a stop, returns that
// context's error instead of sleeping the pause out in discordgo, and
// sends nothing. Each case runs one of the adapter's or the notifier's
// call sites twice, so a bucket key that drifted from discordgo's would
// hang here (in discordgo's uninterruptible sleep), not pass.
func TestBucketPauseEndsWithContext(t *testing.T) {
	t.Parallel()
	inter := func(t *testing.T, id string, component bool) *discordgo.Interaction {
		p := command(id, member, "help")
		if component {
			p = button(id, member, "help")
		}
		var i discordgo.Interaction
		if err := json.Unmarshal(mustJSON(p), &i); err != nil {
			t.Fatal(err)
		}
		return &i
	}
	private := bot.Reply{Body: "only for you", Private: true}
	public := bot.Reply{Body: "for everyone"}
	for _, tc := range []struct {
		name   string
		global bool
		// first spends the bucket; then runs into its pause, cancelling the
		// context it is given itself when cancelInside is set (past the work the
		// context must outlive, such as recording the delivery).
		first, then  func(t *testing.T, ev *env, ctx context.Context, cancel func()) error
		cancelInside bool
	}{
		{name: "DM (the bucket of opening DMs)",
			first: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				return ev.a.Notifier().SendDM(ctx, member.guild, member.user, private)
			},
			then: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				return ev.a.Notifier().SendDM(ctx, member.guild, "600000000000000009", private)
			}},
		{name: "channel post",
			first: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				return ev.a.Notifier().PostChannel(ctx, member.guild, "500000000000000001", public)
			},
			then: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				return ev.a.Notifier().PostChannel(ctx, member.guild, "500000000000000001", public)
			}},
		{name: "deferred private reply (the bucket every edit shares)",
			first: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				ev.a.deliver(ctx, inter(t, "650000000000000001", false), private, false)
				return nil
			},
			then: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				ev.a.deliver(ctx, inter(t, "650000000000000002", false), private, false)
				return nil
			}},
		{name: "deferred public reply",
			first: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				ev.a.deliver(ctx, inter(t, "650000000000000003", false), public, false)
				return nil
			},
			then: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				ev.a.deliver(ctx, inter(t, "650000000000000003", false), public, false)
				return nil
			}},
		{name: "button's follow-up",
			first: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				ev.a.deliver(ctx, inter(t, "650000000000000004", true), private, true)
				return nil
			},
			then: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				ev.a.deliver(ctx, inter(t, "650000000000000004", true), private, true)
				return nil
			}},
		{name: "gateway message reply", cancelInside: true,
			first: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				ev.a.onMessage(ctx, dmMessage("210000000000000801"))
				return nil
			},
			then: func(t *testing.T, ev *env, ctx context.Context, cancel func()) error {
				ev.a.engine = cancelling{Engine: ev.a.engine, cancel: cancel}
				ev.a.onMessage(ctx, dmMessage("210000000000000802"))
				return nil
			}},
		{name: "gateway interaction response, global limit", global: true, cancelInside: true,
			first: func(t *testing.T, ev *env, ctx context.Context, _ func()) error {
				return ev.a.Notifier().PostChannel(ctx, member.guild, "500000000000000001", public)
			},
			then: func(t *testing.T, ev *env, ctx context.Context, cancel func()) error {
				ev.a.engine = cancelling{Engine: ev.a.engine, cancel: cancel}
				ev.a.onInteraction(ctx, inter(t, "650000000000000005", false))
				return nil
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev := newEnv(t, "fake-bot-token")
			logs := &errLog{}
			ev.a.log = slog.New(logs)
			ev.s.State.User = &discordgo.User{ID: fakeBotID}
			if tc.global {
				ev.fake.spendGlobal.Store(true)
			} else {
				ev.fake.spend.Store(true)
			}
			if err := tc.first(t, ev, context.Background(), nil); err != nil || len(logs.all()) > 0 {
				t.Fatalf("first call: %v, logged %v", err, logs.all())
			}
			sent := len(ev.fake.Calls())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if !tc.cancelInside {
				cancel()
			}
			done := make(chan error, 1)
			go func() { done <- tc.then(t, ev, ctx, cancel) }()
			var errs []error
			select {
			case err := <-done:
				errs = append(logs.all(), err)
			case <-time.After(time.Minute): // a guard against a hang, not a bound
				t.Fatal("the call still waits out the bucket's pause after its context was cancelled")
			}
			paused := false
			for _, err := range errs {
				paused = paused || errors.Is(err, context.Canceled) && strings.Contains(err.Error(), "rate-limit pause")
			}
			if !paused {
				t.Errorf("errors %v, want the context's, from the rate-limit pause", errs)
			}
			if n := len(ev.fake.Calls()); n != sent {
				t.Errorf("%d calls reached Discord after the cancellation: %+v", n-sent, ev.fake.Calls()[sent:])
			}
		})
	}
}

// dmMessage is a DM to the bot from member, asking for help.
func dmMessage(id string) *discordgo.Message {
	return &discordgo.Message{ID: id, ChannelID: "500000000000000003", Content: "help",
		Author: &discordgo.User{ID: member.user, Username: "alice"}}
}

// cancelling is an engine that cancels the request's context as it
// handles it: past the delivery's record, before its reply is sent.
type cancelling struct {
	Engine
	cancel func()
}

func (c cancelling) Handle(ctx context.Context, req bot.Request) bot.Reply {
	c.cancel()
	return c.Engine.Handle(context.WithoutCancel(ctx), req)
}

// errLog is a slog handler keeping the errors logged.
type errLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errLog) Enabled(context.Context, slog.Level) bool { return true }

func (l *errLog) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if err, ok := a.Value.Any().(error); ok {
			l.mu.Lock()
			l.errs = append(l.errs, err)
			l.mu.Unlock()
		}
		return true
	})
	return nil
}

func (l *errLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *errLog) WithGroup(string) slog.Handler      { return l }

func (l *errLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.errs)
}
