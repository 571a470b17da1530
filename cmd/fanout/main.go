// Command fanout proves that reminders go out once across replicas and
// that the replicas share Discord's global rate limit. It seeds reminders
// all due in the same minute into a fresh PostgreSQL database, starts
// -replicas `certcoach serve` processes on it against a fake Discord REST
// API on loopback, optionally kills one with -9 once -kill-at of the
// messages have arrived (restarting it), and waits until every reminder
// is settled. The fake enforces -limit requests/s across all callers with
// 429 + Retry-After, as Discord's global limit does, and deduplicates
// messages by nonce (enforce_nonce), as Discord does for a few minutes.
//
//	go run ./cmd/fanout -runs 5                                  # 10,000 reminders, a kill mid-fan-out
//	go run ./cmd/fanout -runs 5 -reminders 1500 -limit 50 -kill-at 0   # the shared 50/s budget
//
// Each run reports: reminders due, users who got their message once, twice
// (must be 0) or never (must be 0), resends the fake's nonce check caught,
// 429s, and the accepted request rate while the backlog lasted against the
// limit. It stops by itself (-timeout per run).
package main

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/certcoach/certcoach/internal/proc"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/postgres"
)

type options struct {
	bin       string
	runs      int
	reminders int
	replicas  int
	limit     int
	budget    int
	killAt    float64
	postgres  string
	timeout   time.Duration
	keep      bool
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "", "certcoach binary (default: go build ./cmd/certcoach into a temp dir)")
	flag.IntVar(&o.runs, "runs", 5, "runs, each on a fresh database")
	flag.IntVar(&o.reminders, "reminders", 10000, "reminders due in the same minute")
	flag.IntVar(&o.replicas, "replicas", 3, "serve processes")
	flag.IntVar(&o.limit, "limit", 1000, "the fake's global limit, requests/s across all callers")
	flag.IntVar(&o.budget, "budget", 0, "DISCORD_GLOBAL_RATE for the replicas (default: 96% of -limit)")
	flag.Float64Var(&o.killAt, "kill-at", 0.3, "kill -9 one replica once this share of messages arrived (0: no kill)")
	flag.StringVar(&o.postgres, "postgres", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "server to create each run's database on")
	flag.DurationVar(&o.timeout, "timeout", 6*time.Minute, "bound of one run")
	flag.BoolVar(&o.keep, "keep", false, "keep the temp directories (server logs)")
	flag.Parse()
	if o.budget == 0 {
		o.budget = o.limit * 96 / 100
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	os.Exit(fanout(context.Background(), o, log))
}

// fanout makes the runs and returns the exit code.
func fanout(ctx context.Context, o options, log *slog.Logger) int {
	bin, done, err := proc.Binary(ctx, o.bin)
	if err != nil {
		log.Error("fanout", "err", err)
		return 2
	}
	defer done()
	o.bin = bin
	return proc.Runs(o.runs, func() (result, error) { return runOnce(ctx, o, log) }, result.ok, "", "fanout", os.Stdout, log)
}

type result struct {
	due, once, twice, never int
	nonceCaught             int
	states                  map[string]int
	tooMany                 int
	accepted                int
	backlog                 time.Duration
	limit                   int
	killed                  bool
}

// ok: every user got the message exactly once, and 429s stayed a trickle
// (a few, at most 1% of requests; a storm is many in a row).
func (r result) ok() bool {
	return r.once == r.due && r.twice == 0 && r.never == 0 && r.tooMany <= max(5, r.accepted/100)
}

func (r result) String() string {
	rate := float64(r.accepted) / r.backlog.Seconds()
	kill := "no kill"
	if r.killed {
		kill = "one replica killed mid-fan-out"
	}
	return fmt.Sprintf("%s; %d due: %d sent once, %d twice, %d never; %d resends caught by nonce; send states %v; "+
		"%d requests accepted in %s = %.1f/s of the %d/s limit (%.0f%% busy), %d answered 429",
		kill, r.due, r.once, r.twice, r.never, r.nonceCaught, r.states, r.accepted, r.backlog.Round(time.Millisecond),
		rate, r.limit, 100*rate/float64(r.limit), r.tooMany)
}

// fakeDiscord is the REST API the replicas' notifiers call.
type fakeDiscord struct {
	srv   *httptest.Server
	limit int

	mu         sync.Mutex
	window     []time.Time // accepted requests in the last second
	first      time.Time
	last       time.Time
	accepted   int
	acceptedAt []time.Time
	tooMany    int
	delivered  map[string]int      // channel (= user) -> messages created
	nonces     map[string]struct{} // channel + nonce
	caught     int
	messages   atomic.Int64
}

func newFakeDiscord(limit int) *fakeDiscord {
	f := &fakeDiscord{limit: limit, delivered: map[string]int{}, nonces: map[string]struct{}{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// admit applies the global limit: at most limit requests in any second.
func (f *fakeDiscord) admit(now time.Time) (bool, time.Duration) {
	cut := now.Add(-time.Second)
	i := 0
	for i < len(f.window) && !f.window[i].After(cut) {
		i++
	}
	f.window = f.window[i:]
	if len(f.window) >= f.limit {
		return false, f.window[0].Add(time.Second).Sub(now)
	}
	f.window = append(f.window, now)
	if f.first.IsZero() {
		f.first = now
	}
	f.last = now
	f.accepted++
	f.acceptedAt = append(f.acceptedAt, now)
	return true, 0
}

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	ok, wait := f.admit(time.Now())
	if !ok {
		f.tooMany++
		f.mu.Unlock()
		secs := wait.Seconds()
		w.Header().Set("Retry-After", fmt.Sprintf("%.3f", secs))
		w.Header().Set("X-RateLimit-Global", "true")
		w.Header().Set("X-RateLimit-Scope", "global")
		w.WriteHeader(http.StatusTooManyRequests)
		_ = json.NewEncoder(w).Encode(map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": true})
		return
	}
	f.mu.Unlock()
	switch {
	case r.URL.Path == "/api/v9/users/@me/channels":
		var in struct {
			RecipientID string `json:"recipient_id"`
		}
		_ = json.Unmarshal(body, &in)
		_ = json.NewEncoder(w).Encode(map[string]any{"id": in.RecipientID, "type": 1})
	case strings.HasPrefix(r.URL.Path, "/api/v9/channels/") && strings.HasSuffix(r.URL.Path, "/messages"):
		ch := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v9/channels/"), "/messages")
		var in struct {
			Nonce        string `json:"nonce"`
			EnforceNonce bool   `json:"enforce_nonce"`
		}
		_ = json.Unmarshal(body, &in)
		f.mu.Lock()
		key := ch + "\x00" + in.Nonce
		if _, seen := f.nonces[key]; seen && in.EnforceNonce && in.Nonce != "" {
			f.caught++ // Discord returns the first message: nothing new is posted
		} else {
			f.nonces[key] = struct{}{}
			f.delivered[ch]++
			f.messages.Add(1)
		}
		f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "1", "channel_id": ch, "content": ""})
	default:
		_, _ = io.WriteString(w, `{}`)
	}
}

func runOnce(ctx context.Context, o options, log *slog.Logger) (result, error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	dir, done, err := proc.RunDir("fanout-", o.keep, log)
	if err != nil {
		return result{}, err
	}
	defer done()
	dbURL, drop, err := proc.CreateDatabase(ctx, o.postgres, "certcoach_fanout")
	if err != nil {
		return result{}, err
	}
	defer drop()
	users, err := seed(ctx, dbURL, o.reminders)
	if err != nil {
		return result{}, err
	}
	fake := newFakeDiscord(o.limit)
	defer fake.srv.Close()
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		return result{}, err
	}
	env := []string{"CERTCOACH_DB=" + dbURL, "CERTCOACH_LOG_LEVEL=info", "DISCORD_PUBLIC_KEY=" + hex.EncodeToString(pub),
		"DISCORD_BOT_TOKEN=fanout-bot-token", "DISCORD_API_URL=" + fake.srv.URL, fmt.Sprintf("DISCORD_GLOBAL_RATE=%d", o.budget)}
	var servers []*proc.Server
	defer func() {
		for _, s := range servers {
			s.Kill()
		}
	}()
	start := func(n int) (*proc.Server, error) {
		return proc.StartReady(ctx, o.bin, filepath.Join(dir, fmt.Sprintf("server-%d.log", n)), env)
	}
	for i := range o.replicas {
		s, err := start(i)
		if err != nil {
			return result{}, err
		}
		servers = append(servers, s)
	}
	r := result{due: o.reminders, limit: o.limit}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return r, err
	}
	defer db.Close()
	killAt := int64(o.killAt * float64(o.reminders))
	backlogEnd := time.Time{}
	for {
		select {
		case <-ctx.Done():
			return r, fmt.Errorf("not settled in %s: %d messages arrived", o.timeout, fake.messages.Load())
		case <-time.After(100 * time.Millisecond):
		}
		if o.killAt > 0 && !r.killed && fake.messages.Load() >= killAt {
			servers[0].Kill() // SIGKILL mid-fan-out: its claims in flight are abandoned
			r.killed = true
			s, err := start(len(servers))
			if err != nil {
				return r, fmt.Errorf("restart after kill: %w", err)
			}
			servers[0] = s
		}
		if backlogEnd.IsZero() && fake.messages.Load() >= int64(o.reminders)*99/100 {
			backlogEnd = time.Now() // the last 1% waits on abandoned claims, not on the budget
		}
		var open int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM reminders r WHERE NOT EXISTS
			(SELECT 1 FROM reminder_sends s WHERE s.reminder_id = r.id AND s.state IN ('sent', 'unknown', 'missed', 'skipped'))`).Scan(&open); err != nil {
			return r, err
		}
		if open == 0 {
			break
		}
	}
	for _, s := range servers {
		if code, err := s.Stop(30 * time.Second); err != nil || code != 0 {
			return r, fmt.Errorf("a replica did not stop cleanly: code %d, %v", code, err)
		}
	}
	servers = nil
	r.states = map[string]int{}
	rows, err := db.QueryContext(ctx, "SELECT state, count(*) FROM reminder_sends GROUP BY state")
	if err != nil {
		return r, err
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return r, err
		}
		r.states[st] = n
	}
	rows.Close()
	fake.mu.Lock()
	defer fake.mu.Unlock()
	for _, u := range users {
		switch n := fake.delivered[u]; {
		case n == 1:
			r.once++
		case n > 1:
			r.twice++
		default:
			r.never++
		}
	}
	r.nonceCaught, r.tooMany = fake.caught, fake.tooMany
	if backlogEnd.IsZero() {
		backlogEnd = fake.last
	}
	r.backlog = backlogEnd.Sub(fake.first)
	// The rate while the backlog lasted: requests after its end are left out.
	r.accepted = countUntil(fake, backlogEnd)
	return r, nil
}

// countUntil counts the requests the fake accepted up to end.
func countUntil(f *fakeDiscord, end time.Time) int {
	n := 0
	for _, t := range f.acceptedAt {
		if !t.After(end) {
			n++
		}
	}
	return n
}

// seed creates n users with a Discord reminder each, all due at the start
// of the current minute, through the store itself.
func seed(ctx context.Context, dbURL string, n int) ([]string, error) {
	st, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	now := time.Now().UTC()
	due := now.Truncate(time.Minute)
	next := func(r storage.Reminder, after time.Time, lastDay string) (time.Time, string, bool) {
		return due, due.Format(time.DateOnly), true
	}
	users := make([]string, n)
	work := make(chan int)
	errc := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range work {
				id := fmt.Sprintf("7%017d", i+1) // snowflake-shaped user IDs
				users[i] = id
				u, err := st.EnsureUser(ctx, storage.UserKey{Platform: "discord", Workspace: "g1", User: id}, "u", "UTC", now)
				if err == nil {
					_, err = st.SaveReminder(ctx, storage.Reminder{Kind: storage.ReminderUser, UserID: u.ID, Platform: "discord", Workspace: "g1",
						Target: id, Minute: due.Hour()*60 + due.Minute(), TZ: "UTC"}, now, next)
				}
				if err != nil {
					select {
					case errc <- err:
					default:
					}
					return
				}
			}
		})
	}
	for i := range n {
		select {
		case work <- i:
		case err := <-errc:
			close(work)
			wg.Wait()
			return nil, err
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	return users, nil
}
