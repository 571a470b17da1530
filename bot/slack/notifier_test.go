package slack

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/jobs"
)

// notifierEnv is an adapter whose Web API is slacktest with the given
// chat.postMessage behaviour; back-off waits are recorded, not slept.
func notifierEnv(t *testing.T, post http.HandlerFunc) (*Adapter, *recorder, *[]time.Duration) {
	t.Helper()
	st, _ := openStore(t)
	eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	rec := newRecorder()
	extra := map[string]http.HandlerFunc{}
	if post != nil {
		extra["/chat.postMessage"] = func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			rec.add(recorded{Path: r.URL.Path, Form: r.PostForm})
			post(w, r)
		}
	}
	api := newFakeSlack(t, rec, extra)
	a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: "s", BotToken: "xoxb-test", APIURL: api.GetAPIURL(),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	var mu sync.Mutex
	waits := &[]time.Duration{}
	a.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		*waits = append(*waits, d)
		return ctx.Err()
	}
	return a, rec, waits
}

func reminder() bot.Reply {
	return bot.Reply{Title: "Time for today's question", Body: "**Which** control...?", Private: true,
		Buttons: []bot.Button{{ID: "quiz:answer:s1:0:0", Label: "A"}, {ID: "quiz:answer:s1:0:1", Label: "B"}}}
}

func TestSendDM(t *testing.T) {
	t.Parallel()
	a, rec, _ := notifierEnv(t, nil)
	ctx := context.Background()
	if err := a.SendDM(ctx, testTeam, testUser, reminder()); err != nil {
		t.Fatal(err)
	}
	got := rec.all()
	if len(got) != 2 || got[0].Path != "/conversations.open" || got[0].Form.Get("users") != testUser {
		t.Fatalf("want conversations.open for %s then a post, got %+v", testUser, got)
	}
	p := got[1]
	if p.Path != "/chat.postMessage" || p.Form.Get("channel") != "D0DM" {
		t.Fatalf("post: %s %v", p.Path, p.Form)
	}
	checkLimits(t, p.message(t))
	if !strings.Contains(p.Form.Get("blocks"), "quiz:answer:s1:0:1") || strings.Contains(p.Form.Get("blocks"), ShareActionID) {
		t.Errorf("DM blocks: %s", p.Form.Get("blocks"))
	}
	// The DM channel is remembered.
	if err := a.SendDM(ctx, testTeam, testUser, reminder()); err != nil {
		t.Fatal(err)
	}
	if got := rec.all(); len(got) != 3 || got[2].Path != "/chat.postMessage" {
		t.Errorf("second DM: %d calls", len(got))
	}
	if err := a.PostChannel(ctx, testTeam, "C0QOTD", reminder()); err != nil {
		t.Fatal(err)
	}
	if got := rec.all(); got[3].Form.Get("channel") != "C0QOTD" {
		t.Errorf("channel post went to %q", got[3].Form.Get("channel"))
	}
}

func TestNotifierRetries(t *testing.T) {
	t.Parallel()
	const ok = `{"ok":true,"channel":"C0QOTD","ts":"1.2"}`
	for _, tc := range []struct {
		name     string
		replies  []func(http.ResponseWriter) // one per call; the last repeats
		wantErr  bool
		wantPost int // calls to chat.postMessage
		waits    []time.Duration
	}{
		{name: "accepted", replies: []func(http.ResponseWriter){body(200, ok)}, wantPost: 1},
		{name: "429 then accepted", replies: []func(http.ResponseWriter){limited("7"), limited("1"), body(200, ok)},
			wantPost: 3, waits: []time.Duration{7 * time.Second, time.Second}},
		{name: "429 without Retry-After", replies: []func(http.ResponseWriter){limited("0"), body(200, ok)},
			wantPost: 2, waits: []time.Duration{time.Second}},
		{name: "huge Retry-After is capped", replies: []func(http.ResponseWriter){limited("3600"), body(200, ok)},
			wantPost: 2, waits: []time.Duration{maxRetryAfter}},
		{name: "always 429 gives up", replies: []func(http.ResponseWriter){limited("2")}, wantErr: true,
			wantPost: maxAttempts, waits: []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second}},
		{name: "500 is not retried", replies: []func(http.ResponseWriter){body(500, "oops")}, wantErr: true, wantPost: 1},
		{name: "slack error is not retried", replies: []func(http.ResponseWriter){body(200, `{"ok":false,"error":"channel_not_found"}`)}, wantErr: true, wantPost: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			calls := 0
			a, rec, waits := notifierEnv(t, func(w http.ResponseWriter, _ *http.Request) {
				mu.Lock()
				i := min(calls, len(tc.replies)-1)
				calls++
				mu.Unlock()
				tc.replies[i](w)
			})
			hook := &rateLimitRecorder{}
			a.cfg.RateLimits = hook
			err := a.PostChannel(context.Background(), testTeam, "C0QOTD", reminder())
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if n := len(rec.all()); n != tc.wantPost {
				t.Errorf("%d posts, want %d", n, tc.wantPost)
			}
			if len(*waits) != len(tc.waits) {
				t.Fatalf("waited %v, want %v", *waits, tc.waits)
			}
			for i := range tc.waits {
				if (*waits)[i] != tc.waits[i] {
					t.Errorf("wait %d = %v, want %v", i, (*waits)[i], tc.waits[i])
				}
			}
			// Each back-off is reported to the metrics hook, with the
			// Retry-After Slack sent (as capped).
			var want []string
			for _, d := range tc.waits {
				want = append(want, "slack "+d.String())
			}
			if got := hook.all(); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("RateLimitWait calls %v, want %v", got, want)
			}
		})
	}
}

// rateLimitRecorder records RateLimitWait calls as "platform duration".
type rateLimitRecorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *rateLimitRecorder) RateLimitWait(platform string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, platform+" "+d.String())
}

func (r *rateLimitRecorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func TestNotifierRetryStopsWithContext(t *testing.T) {
	t.Parallel()
	a, rec, _ := notifierEnv(t, func(w http.ResponseWriter, _ *http.Request) { limited("30")(w) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The 30 s Retry-After is waited out for real and the context ends
	// during the wait (a timer can run out on a busy machine before the
	// first post has gone): only the context can end the wait, and the
	// error says so.
	a.sleep = func(ctx context.Context, d time.Duration) error {
		if d != 30*time.Second {
			t.Errorf("waits %v, want the Retry-After's 30s", d)
		}
		go cancel()
		return jobs.Sleep(ctx, d)
	}
	if err := a.PostChannel(ctx, testTeam, "C0QOTD", reminder()); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want the context's", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d posts", n)
	}
}

func body(status int, s string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, s)
	}
}

func limited(retryAfter string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", retryAfter)
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
	}
}

// TestSendDMRefused: conversations.open errors that no retry gets past
// (cannot_dm_bot and the like) are marked DMRefused, so the scheduler turns
// the reminder off; token and passing errors are not.
func TestSendDMRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		slackErr string
		refused  bool
	}{
		{"cannot_dm_bot", true},
		{"user_not_found", true},
		{"user_disabled", true},
		{"account_inactive", false}, // the workspace's token, not the user
		{"invalid_auth", false},
		{"internal_error", false},
	} {
		t.Run(tc.slackErr, func(t *testing.T) {
			t.Parallel()
			st, _ := openStore(t)
			eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
			rec := newRecorder()
			api := newFakeSlack(t, rec, map[string]http.HandlerFunc{"/conversations.open": func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"ok":false,"error":"`+tc.slackErr+`"}`)
			}})
			a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: "s", BotToken: "xoxb-test", APIURL: api.GetAPIURL(), Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close(context.Background()) })
			err = a.SendDM(context.Background(), testTeam, testUser, reminder())
			if err == nil {
				t.Fatal("SendDM succeeded")
			}
			dr, ok := errors.AsType[interface {
				error
				DMRefused() bool
			}](err)
			if got := ok && dr.DMRefused(); got != tc.refused {
				t.Errorf("%v: DMRefused %v, want %v", err, got, tc.refused)
			}
			for _, c := range rec.all() {
				if c.Path == "/chat.postMessage" {
					t.Errorf("posted after conversations.open failed")
				}
			}
		})
	}
}
