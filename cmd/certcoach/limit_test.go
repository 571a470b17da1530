package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
)

// fakeNow is a clock the test moves by hand.
type fakeNow struct{ t time.Time }

func (f *fakeNow) now() time.Time { return f.t }

func newTestLimiter(t *testing.T, user, ws string) (*limiter, *fakeNow, map[string]int) {
	t.Helper()
	cfg := Config{RateLimit: user, RateBurst: "3", WorkspaceRateLimit: ws, WorkspaceRateBurst: "5"}
	refused := map[string]int{}
	l, err := newLimiter(cfg, func(_, scope string) { refused[scope]++ })
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeNow{t: time.Unix(1_800_000_000, 0)}
	lim := l.(*limiter)
	lim.now = clk.now
	return lim, clk, refused
}

func TestLimiterUserBucket(t *testing.T) {
	t.Parallel()
	l, clk, refused := newTestLimiter(t, "60", "0")
	alice := bot.Actor{Platform: "slack", Workspace: "T1", User: "alice"}
	bob := bot.Actor{Platform: "slack", Workspace: "T1", User: "bob"}
	for i := range 3 {
		if !l.Allow(alice) {
			t.Fatalf("request %d within the burst refused", i)
		}
	}
	if l.Allow(alice) {
		t.Fatal("fourth request in the same instant allowed past a burst of 3")
	}
	if !l.Allow(bob) {
		t.Fatal("another user was limited by alice's bucket")
	}
	clk.t = clk.t.Add(time.Second) // 60/min refills one token a second
	if !l.Allow(alice) {
		t.Fatal("no token after the refill interval")
	}
	if refused["user"] != 1 {
		t.Fatalf("refusals counted %v, want user=1", refused)
	}
}

func TestLimiterWorkspaceBucket(t *testing.T) {
	t.Parallel()
	l, _, refused := newTestLimiter(t, "60", "60")
	allowed := 0
	for i := range 10 {
		if l.Allow(bot.Actor{Platform: "discord", Workspace: "G1", User: fmt.Sprint("u", i)}) {
			allowed++
		}
	}
	if allowed != 5 {
		t.Fatalf("workspace burst 5 let %d distinct users through", allowed)
	}
	if !l.Allow(bot.Actor{Platform: "discord", Workspace: "G2", User: "u0"}) {
		t.Fatal("another workspace was limited by G1's bucket")
	}
	if refused["workspace"] != 5 {
		t.Fatalf("refusals counted %v, want workspace=5", refused)
	}
}

func TestLimiterEvictsIdleAndBoundsMemory(t *testing.T) {
	t.Parallel()
	l, clk, _ := newTestLimiter(t, "60", "0")
	l.max = 100
	for i := range 1000 {
		l.Allow(bot.Actor{Platform: "slack", Workspace: "T", User: fmt.Sprint("u", i)})
	}
	if n := l.size(); n > l.max {
		t.Fatalf("%d buckets held, cap %d", n, l.max)
	}
	clk.t = clk.t.Add(time.Minute) // every bucket refilled: all idle
	l.Allow(bot.Actor{Platform: "slack", Workspace: "T", User: "fresh"})
	if n := l.size(); n != 1 {
		t.Fatalf("%d buckets after all went idle, want 1", n)
	}
}

func TestLimiterConfig(t *testing.T) {
	t.Parallel()
	if l, err := newLimiter(Config{RateLimit: "0", RateBurst: "1", WorkspaceRateLimit: "0", WorkspaceRateBurst: "1"}, nil); err != nil || l != nil {
		t.Fatalf("both disabled: got %v, %v; want nil limiter", l, err)
	}
	if _, err := newLimiter(Config{RateLimit: "lots", RateBurst: "1", WorkspaceRateLimit: "0", WorkspaceRateBurst: "1"}, nil); err == nil {
		t.Fatal("a non-numeric CERTCOACH_RATE_LIMIT was accepted")
	}
}
