package discord

import (
	"context"
	"errors"
	"testing"
	"time"
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
