package discord

import (
	"context"
	"testing"
	"time"
)

// rateLimitHook forwards RateLimitWait calls, which discordgo makes from
// an event goroutine of its own.
type rateLimitHook chan string

func (h rateLimitHook) RateLimitWait(platform string, d time.Duration) {
	h <- platform + " " + d.String()
}

// TestRateLimitHook: a 429 from Discord's REST API, which discordgo waits
// out and retries, is reported to the metrics hook with its retry_after.
func TestRateLimitHook(t *testing.T) {
	ev := newEnv(t, "fake-bot-token")
	hook := make(rateLimitHook, 4)
	if _, err := New(Options{Engine: ev.eng, Seen: ev.seen, Session: ev.s, Logger: quietLogger(), RateLimits: hook}); err != nil {
		t.Fatal(err)
	}
	ev.fake.fail429.Store(1) // retry_after 0.01
	if err := NewNotifier(ev.s).PostChannel(context.Background(), "800000000000000001", "500000000000000001", replyFixture()); err != nil {
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
