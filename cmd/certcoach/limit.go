package main

import (
	"container/list"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/certcoach/certcoach/bot"
)

// Rate-limit defaults: a person studying clicks an answer every few seconds,
// so 30 a minute with a burst of 10 never bites a human; a workspace of a
// large community gets 20 people's worth before it is slowed down.
const (
	defaultUserRate       = "30"
	defaultUserBurst      = "10"
	defaultWorkspaceRate  = "600"
	defaultWorkspaceBurst = "100"
	// maxBuckets bounds the limiter's memory (about 200 bytes a bucket):
	// past it the least recently used bucket goes, which at worst forgives
	// one idle client a burst.
	maxBuckets = 100_000
)

// limitSpec is one token bucket's settings; a zero perMinute disables it.
type limitSpec struct {
	perMinute int
	burst     int
}

// parseLimit reads one bucket's settings; errors name the variable
// (prefix_LIMIT or prefix_BURST) that holds the bad value.
func parseLimit(prefix, perMinute, burst string) (limitSpec, error) {
	n, err := strconv.Atoi(strings.TrimSpace(perMinute))
	if err != nil || n < 0 {
		return limitSpec{}, fmt.Errorf("%s_LIMIT=%q: want a number of commands per minute (0 disables)", prefix, perMinute)
	}
	b, err := strconv.Atoi(strings.TrimSpace(burst))
	if err != nil || b < 1 {
		return limitSpec{}, fmt.Errorf("%s_BURST=%q: want a positive number", prefix, burst)
	}
	return limitSpec{perMinute: n, burst: b}, nil
}

func (s limitSpec) limit() rate.Limit { return rate.Limit(float64(s.perMinute) / 60) }

// idle is how long a bucket takes to refill completely: a bucket unused that
// long is indistinguishable from a new one, so dropping it loses nothing.
func (s limitSpec) idle() time.Duration {
	return time.Duration(float64(s.burst) / float64(s.limit()) * float64(time.Second))
}

// limiter implements bot.Limiter with per-user and per-workspace token
// buckets, kept in an LRU list so memory stays bounded however many
// distinct actors (or forged IDs) show up.
type limiter struct {
	user, workspace limitSpec
	now             func() time.Time
	onLimit         func(platform, scope string)

	mu      sync.Mutex
	buckets map[string]*list.Element
	lru     list.List // front: most recently used *bucket
	max     int
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	idle time.Duration
	last time.Time
}

// newLimiter builds the limiter from the configuration; it returns nil
// (no limits) when both are disabled.
func newLimiter(cfg Config, onLimit func(platform, scope string)) (bot.Limiter, error) {
	user, err := parseLimit("CERTCOACH_RATE", cfg.RateLimit, cfg.RateBurst)
	if err != nil {
		return nil, err
	}
	ws, err := parseLimit("CERTCOACH_WORKSPACE_RATE", cfg.WorkspaceRateLimit, cfg.WorkspaceRateBurst)
	if err != nil {
		return nil, err
	}
	if user.perMinute == 0 && ws.perMinute == 0 {
		return nil, nil
	}
	return &limiter{user: user, workspace: ws, now: time.Now, onLimit: onLimit,
		buckets: map[string]*list.Element{}, max: maxBuckets}, nil
}

// Allow takes a token from the user's bucket, then the workspace's. A user
// refused by their own bucket does not use up the workspace's tokens.
func (l *limiter) Allow(a bot.Actor) bool {
	ws := a.Workspace
	if ws == "" {
		ws = "dm:" + a.User
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evict(now)
	if l.user.perMinute > 0 && !l.take("u\x00"+a.Platform+"\x00"+ws+"\x00"+a.User, l.user, now) {
		l.refused(a.Platform, "user")
		return false
	}
	if l.workspace.perMinute > 0 && !l.take("w\x00"+a.Platform+"\x00"+ws, l.workspace, now) {
		l.refused(a.Platform, "workspace")
		return false
	}
	return true
}

func (l *limiter) refused(platform, scope string) {
	if l.onLimit != nil {
		l.onLimit(platform, scope)
	}
}

func (l *limiter) take(key string, spec limitSpec, now time.Time) bool {
	var b *bucket
	if e, ok := l.buckets[key]; ok {
		b = e.Value.(*bucket)
		l.lru.MoveToFront(e)
	} else {
		b = &bucket{key: key, lim: rate.NewLimiter(spec.limit(), spec.burst), idle: spec.idle()}
		l.buckets[key] = l.lru.PushFront(b)
	}
	b.last = now
	return b.lim.AllowN(now, 1)
}

// evict drops buckets from the cold end while they are idle long enough to
// be full again, or while there are too many. Each call does work
// proportional to what it removes, so the cost is amortised O(1).
func (l *limiter) evict(now time.Time) {
	for {
		e := l.lru.Back()
		if e == nil {
			return
		}
		b := e.Value.(*bucket)
		if l.lru.Len() < l.max && now.Sub(b.last) < b.idle {
			return
		}
		l.lru.Remove(e)
		delete(l.buckets, b.key)
	}
}

// size reports how many buckets are held (tests).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}
