package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// waitOutRateLimits makes s wait out REST 429s in its transport, where the
// wait ends with the request's context. discordgo (v0.29) sleeps out a 429
// with time.Sleep before retrying, whatever the context passed with
// discordgo.WithContext, so a shutdown or a cancelled request would hang
// behind a long Retry-After. The client's timeout moves into the
// transport, per attempt: as Client.Timeout it would also cut the wait.
// Called again on the same session, it replaces the layer it added.
func waitOutRateLimits(s *discordgo.Session, rl RateLimitObserver) {
	c := *s.Client // the session's own client: nothing else shares the copy
	w := &rateLimitWaiter{next: c.Transport, timeout: c.Timeout, observe: rl}
	if old, ok := c.Transport.(*rateLimitWaiter); ok {
		w.next, w.timeout = old.next, old.timeout
	}
	if w.next == nil {
		w.next = http.DefaultTransport
	}
	c.Transport, c.Timeout = w, 0
	s.Client = &c
	// A 429 the waiter passes on (a body it cannot send again) comes back
	// as an error instead of discordgo's sleep.
	s.ShouldRetryOnRateLimit = false
}

// rateLimitWaiter sends a request again after each 429, once Discord's
// retry_after has passed; a 429 means the request was not taken, so the
// retry cannot post twice.
type rateLimitWaiter struct {
	next    http.RoundTripper
	timeout time.Duration // per attempt; 0: none
	observe RateLimitObserver
}

func (t *rateLimitWaiter) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	for {
		resp, err := t.attempt(r)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || r.Body != nil && r.Body != http.NoBody && r.GetBody == nil {
			return resp, err
		}
		wait := retryAfter(resp)
		if t.observe != nil {
			t.observe.RateLimitWait(bot.PlatformDiscord, wait)
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return nil, fmt.Errorf("waiting out Discord's rate limit (retry after %s): %w", wait, err)
		}
		r = r.Clone(ctx)
		if r.GetBody != nil {
			if r.Body, err = r.GetBody(); err != nil {
				return nil, fmt.Errorf("resend after rate limit: %w", err)
			}
		}
	}
}

// attempt sends r once within the per-attempt timeout, which lasts until
// the response's body is closed.
func (t *rateLimitWaiter) attempt(r *http.Request) (*http.Response, error) {
	if t.timeout <= 0 {
		return t.next.RoundTrip(r)
	}
	ctx, cancel := context.WithTimeout(r.Context(), t.timeout)
	resp, err := t.next.RoundTrip(r.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// retryAfter reads a 429's wait: the body's retry_after (seconds, with a
// fraction), else the Retry-After header; at least a little, so a broken
// answer cannot make a busy loop. It consumes and closes the body.
func retryAfter(resp *http.Response) time.Duration {
	defer resp.Body.Close()
	var body struct {
		RetryAfter float64 `json:"retry_after"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	secs := 0.0
	if json.Unmarshal(b, &body) == nil && body.RetryAfter > 0 {
		secs = body.RetryAfter
	} else if h, err := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); err == nil && h > 0 {
		secs = h
	}
	return max(time.Duration(secs*float64(time.Second)), 10*time.Millisecond)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
