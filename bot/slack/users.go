package slack

import (
	"context"
	"log/slog"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
)

// userInfo is what the adapter needs from users.info.
type userInfo struct {
	tz    string
	name  string
	admin bool // workspace admin or owner: may configure channel posts
}

type userEntry struct {
	info    userInfo
	ok      bool          // info came from a successful lookup
	expires time.Time     // zero while the first lookup runs
	done    chan struct{} // closed when the running lookup ends; nil if none
}

// userCache caches users.info per (team, user) with a TTL. Lookups run in the
// background, at most a few at a time, so a request never waits longer than
// it allows; a failed lookup is remembered for a minute to spare the API.
type userCache struct {
	ttl      time.Duration
	log      *slog.Logger
	mu       sync.Mutex
	m        map[string]*userEntry
	fetchSem chan struct{}
}

const (
	maxCachedUsers = 50000
	failedTTL      = time.Minute
	lookupTimeout  = 5 * time.Second
)

func newUserCache(ttl time.Duration, log *slog.Logger) *userCache {
	return &userCache{ttl: ttl, log: log, m: map[string]*userEntry{}, fetchSem: make(chan struct{}, 4)}
}

// get returns the cached info for a user, starting a lookup when there is
// none or it expired, and waiting up to wait for it.
func (c *userCache) get(ctx context.Context, cl *client, user string, wait time.Duration) (userInfo, bool) {
	if user == "" {
		return userInfo{}, false
	}
	key := cl.key.Workspace() + "/" + user
	now := time.Now()
	c.mu.Lock()
	e := c.m[key]
	if e != nil && e.done == nil && now.Before(e.expires) {
		c.mu.Unlock()
		return e.info, e.ok
	}
	if e == nil {
		if len(c.m) >= maxCachedUsers {
			c.evictLocked(now)
		}
		e = &userEntry{}
		c.m[key] = e
	}
	if e.done == nil {
		select {
		case c.fetchSem <- struct{}{}:
			e.done = make(chan struct{})
			go c.fetch(cl.api, user, e)
		default: // lookups saturated: try again on the next request
		}
	}
	done := e.done
	info, ok := e.info, e.ok
	c.mu.Unlock()
	if done == nil || wait <= 0 {
		return info, ok
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-done:
		c.mu.Lock()
		info, ok = e.info, e.ok
		c.mu.Unlock()
	case <-t.C:
	case <-ctx.Done():
	}
	return info, ok
}

func (c *userCache) fetch(api *slackapi.Client, user string, e *userEntry) {
	defer func() { <-c.fetchSem }()
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	u, err := api.GetUserInfoContext(ctx, user)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.log.Warn("slack users.info failed", "err", err)
		e.expires = time.Now().Add(failedTTL)
	} else {
		name := u.Profile.DisplayName
		if name == "" {
			name = u.RealName
		}
		if name == "" {
			name = u.Name
		}
		e.info = userInfo{tz: u.TZ, name: name, admin: u.IsAdmin || u.IsOwner || u.IsPrimaryOwner}
		e.ok = true
		e.expires = time.Now().Add(c.ttl)
	}
	close(e.done)
	e.done = nil
}

// evictLocked drops expired entries, or everything settled if none expired.
func (c *userCache) evictLocked(now time.Time) {
	for k, e := range c.m {
		if e.done == nil && now.After(e.expires) {
			delete(c.m, k)
		}
	}
	if len(c.m) >= maxCachedUsers {
		for k, e := range c.m {
			if e.done == nil {
				delete(c.m, k)
			}
		}
	}
}
