// Command soak measures certcoach over time and at start-up, on loopback
// only, and stops by itself.
//
// Soak (default): starts `certcoach serve` with both adapters' HTTP paths
// (Slack slash commands and block_actions signed with
// SLACK_SIGNING_SECRET, Discord interactions signed with the key behind
// DISCORD_PUBLIC_KEY) and a fake Slack/Discord API, sends a steady open-loop
// rate of mixed requests for -duration, and prints per minute: requests,
// errors, p50/p99 latency, RSS (/proc/<pid>/status VmRSS) and goroutines
// (go_goroutines from /metrics), then start-to-end growth.
//
//	go run ./cmd/soak -duration 10m -rate 50
//
// Generate a large database (bulk transactions of users, answers, cards):
//
//	go run ./cmd/soak -gen-db /tmp/big.db -gen-size 1GB
//
// Start-up: time from exec to /readyz 200 on a database, and idle RSS:
//
//	go run ./cmd/soak -startup /tmp/big.db
package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certcoach/certcoach/internal/proc"
	"github.com/certcoach/certcoach/internal/wire"
)

func main() {
	var (
		bin      = flag.String("bin", "", "certcoach binary (default: go build ./cmd/certcoach into a temp dir)")
		duration = flag.Duration("duration", 10*time.Minute, "soak length")
		rate     = flag.Float64("rate", 50, "requests per second, steady (open loop)")
		users    = flag.Int("users", 400, "distinct users per platform")
		spaces   = flag.Int("workspaces", 20, "workspaces (Slack teams, Discord guilds) per platform")
		db       = flag.String("db", "", "database to soak on (default: a fresh temp file)")
		genDB    = flag.String("gen-db", "", "generate a large database at this path and exit")
		genSize  = flag.String("gen-size", "1GB", "target size for -gen-db (e.g. 200MB, 1GB)")
		startup  = flag.String("startup", "", "measure start-up (exec to /readyz 200) and idle RSS on this database and exit")
		runs     = flag.Int("startup-runs", 3, "start-up measurements to take")
	)
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx := context.Background()
	if *genDB != "" {
		size, err := parseSize(*genSize)
		if err == nil {
			err = generate(ctx, *genDB, size, os.Stdout)
		}
		if err != nil {
			log.Error("gen-db", "err", err)
			os.Exit(1)
		}
		return
	}
	path, done, err := proc.Binary(ctx, *bin)
	if err == nil {
		if *startup != "" {
			err = measureStartup(ctx, path, *startup, *runs, os.Stdout)
		} else {
			err = soak(ctx, soakOptions{bin: path, duration: *duration, rate: *rate, users: *users, spaces: *spaces, db: *db}, os.Stdout)
		}
		done()
	}
	if err != nil {
		log.Error("soak", "err", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, suf := range []struct {
		s string
		m int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if strings.HasSuffix(u, suf.s) {
			u, mult = strings.TrimSuffix(u, suf.s), suf.m
			break
		}
	}
	n, err := strconv.ParseFloat(u, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("size %q: want e.g. 1GB or 500MB", s)
	}
	return int64(n * float64(mult)), nil
}

// fakeAPI stands in for slack.com, discord.com and response_url: it
// accepts everything, so the server's outbound calls are fast and local.
func fakeAPI() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 4<<20))
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/auth.test"):
			_, _ = io.WriteString(w, `{"ok":true,"team_id":"T0","user_id":"B1","bot_id":"B1"}`)
		case strings.HasSuffix(r.URL.Path, "/users.info"):
			_, _ = io.WriteString(w, `{"ok":true,"user":{"id":"U1","name":"u","tz":"UTC"}}`)
		case strings.HasPrefix(r.URL.Path, "/api/v"):
			_, _ = io.WriteString(w, `{"id":"1","channel_id":"1"}`)
		default:
			_, _ = io.WriteString(w, `{"ok":true}`)
		}
	}))
}

type soakOptions struct {
	bin           string
	duration      time.Duration
	rate          float64
	users, spaces int
	db            string
}

// minute is one sampling window.
type minute struct {
	n, errs, limited int
	lat              []time.Duration
}

type recorder struct {
	mu  sync.Mutex
	cur *minute
}

func (r *recorder) add(d time.Duration, err bool, limited bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cur.n++
	r.cur.lat = append(r.cur.lat, d)
	if err {
		r.cur.errs++
	}
	if limited {
		r.cur.limited++
	}
}

func (r *recorder) swap() *minute {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.cur
	r.cur = &minute{}
	return m
}

func pct(l []time.Duration, p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	slices.Sort(l)
	return l[min(len(l)-1, int(float64(len(l))*p))]
}

// load is the traffic mix: per platform, half typed commands, half clicks
// on the user's current quiz question.
type load struct {
	slack   wire.Slack
	discord *wire.Discord
	respURL string
	users   int
	spaces  int
	mu      sync.Mutex
	buttons map[string]string // platform/user -> an answer button of their open quiz
}

var slackTexts = []string{"compare", "compare incident-response", "domains cissp", "domain cism 2", "ask what is a BIA?",
	"quiz cissp 5", "progress", "help", "review", "leaderboard"}

var discordCmds = []struct {
	sub  string
	opts map[string]string
}{
	{"compare", nil}, {"domains", map[string]string{"cert": "cism"}}, {"ask", map[string]string{"question": "what is RTO?"}},
	{"quiz", map[string]string{"cert": "cism", "count": "5"}}, {"progress", nil}, {"help", nil},
}

func (l *load) one(ctx context.Context, rnd *rand.Rand) (ok, limited bool) {
	u := rnd.IntN(l.users)
	team := fmt.Sprintf("T%03d", u%l.spaces)
	user := fmt.Sprintf("U%05d", u)
	var (
		res wire.Response
		err error
	)
	switch op := rnd.IntN(4); op {
	case 0, 1: // Slack
		key := "s/" + user
		l.mu.Lock()
		btn := l.buttons[key]
		l.mu.Unlock()
		if op == 1 && btn != "" {
			res, err = l.slack.Action(ctx, team, user, "C1", btn, l.respURL)
			l.forget(key)
			break
		}
		text := slackTexts[rnd.IntN(len(slackTexts))]
		res, err = l.slack.Command(ctx, team, user, "C1", text, l.respURL)
		l.remember(key, res.Body)
	default: // Discord
		guild := fmt.Sprintf("5%017d", u%l.spaces)
		duser := fmt.Sprintf("6%017d", u)
		key := "d/" + duser
		l.mu.Lock()
		btn := l.buttons[key]
		l.mu.Unlock()
		if op == 3 && btn != "" {
			res, err = l.discord.Button(ctx, guild, duser, "tok", btn)
			l.forget(key)
			break
		}
		c := discordCmds[rnd.IntN(len(discordCmds))]
		res, err = l.discord.Command(ctx, guild, duser, "tok", c.sub, c.opts)
		l.remember(key, res.Body)
	}
	return err == nil && res.Status == 200, strings.Contains(string(res.Body), "Slow down")
}

func (l *load) remember(key string, body []byte) {
	if id, _, _, ok := wire.QuizButton(body, 1); ok {
		l.mu.Lock()
		l.buttons[key] = id
		l.mu.Unlock()
	}
}

func (l *load) forget(key string) {
	l.mu.Lock()
	delete(l.buttons, key)
	l.mu.Unlock()
}

func soak(ctx context.Context, o soakOptions, out io.Writer) error {
	dir, err := os.MkdirTemp("", "soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.db == "" {
		o.db = filepath.Join(dir, "certcoach.db")
	}
	fake := fakeAPI()
	defer fake.Close()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return err
	}
	const secret = "soak-signing-secret"
	env := []string{"CERTCOACH_DB=" + o.db, "CERTCOACH_LOG_LEVEL=info",
		"SLACK_SIGNING_SECRET=" + secret, "SLACK_BOT_TOKEN=xoxb-soak", "SLACK_API_URL=" + fake.URL + "/api/",
		"DISCORD_PUBLIC_KEY=" + hex.EncodeToString(pub), "DISCORD_API_URL=" + fake.URL}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	srv, err := proc.Start(sctx, o.bin, filepath.Join(dir, "server.log"), env)
	if err != nil {
		return err
	}
	defer func() {
		code, err := srv.Stop(30 * time.Second)
		fmt.Fprintf(out, "server stopped: exit code %d %v\n", code, errText(err))
	}()
	if err := srv.WaitStatus(sctx, "/readyz", 200); err != nil {
		return err
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	l := &load{
		slack:   wire.Slack{URL: srv.Base + "/slack/events", Secret: secret, Client: hc},
		discord: wire.NewDiscord(srv.Base+"/discord/interactions", priv, strconv.FormatInt(time.Now().UnixNano(), 10)),
		respURL: fake.URL + "/response", users: o.users, spaces: o.spaces, buttons: map[string]string{},
	}
	l.discord.Client = hc

	sample := func() (rss, heap, goroutines float64) {
		r, _ := srv.RSS()
		h, _ := srv.Gauge("go_memstats_heap_inuse_bytes")
		g, _ := srv.Gauge("go_goroutines")
		return float64(r) / (1 << 20), h / (1 << 20), g
	}
	rss0, heap0, g0 := sample()
	fmt.Fprintf(out, "soak: %s at %.0f req/s, %d users and %d workspaces per platform; idle at start: RSS %.1f MiB, heap %.1f MiB, %.0f goroutines\n",
		o.duration, o.rate, o.users, o.spaces, rss0, heap0, g0)
	fmt.Fprintf(out, "%-6s %8s %6s %8s %9s %9s %9s %8s %9s %10s\n", "minute", "requests", "errors", "limited", "p50", "p99", "max", "RSS MiB", "heap MiB", "goroutines")

	rec := &recorder{cur: &minute{}}
	jobs := make(chan struct{}, 1024)
	var dropped atomic.Int64
	var wg sync.WaitGroup
	runCtx, stop := context.WithTimeout(ctx, o.duration)
	defer stop()
	for w := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for range jobs {
				start := time.Now()
				ok, limited := l.one(context.Background(), rnd)
				rec.add(time.Since(start), !ok, limited)
			}
		}()
	}
	// Open loop: requests leave on the clock whether or not earlier ones
	// have finished, so a slow server shows as latency, not as a lower rate.
	// Sampling runs in its own goroutine so it never delays a tick.
	var (
		rowsMu      sync.Mutex
		n           int
		first, last [3]float64
	)
	report := func() {
		m := rec.swap()
		rss, heap, g := sample()
		rowsMu.Lock()
		defer rowsMu.Unlock()
		n++
		if n == 1 {
			first = [3]float64{rss, heap, g}
		}
		last = [3]float64{rss, heap, g}
		fmt.Fprintf(out, "%-6d %8d %6d %8d %9s %9s %9s %8.1f %9.1f %10.0f\n", n, m.n, m.errs, m.limited,
			pct(m.lat, .50).Round(10*time.Microsecond), pct(m.lat, .99).Round(10*time.Microsecond), pct(m.lat, 1).Round(10*time.Microsecond), rss, heap, g)
	}
	samplerDone := make(chan struct{})
	go func() {
		defer close(samplerDone)
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-t.C:
				report()
			}
		}
	}()
	tick := time.NewTicker(time.Duration(float64(time.Second) / o.rate))
	defer tick.Stop()
loop:
	for {
		select {
		case <-runCtx.Done():
			break loop
		case <-tick.C:
			select {
			case jobs <- struct{}{}:
			default:
				dropped.Add(1)
			}
		}
	}
	<-samplerDone
	close(jobs)
	wg.Wait()
	if len(rec.cur.lat) > 0 {
		report() // the last (partial) minute
	}
	// Close the client's keep-alive connections (each holds server
	// goroutines) and let background follow-ups finish before the idle sample.
	hc.CloseIdleConnections()
	time.Sleep(2 * time.Second)
	rssEnd, heapEnd, gEnd := sample()
	fmt.Fprintf(out, "dropped (client could not keep the rate): %d\n", dropped.Load())
	if n > 0 {
		fmt.Fprintf(out, "under load: minute 1 RSS %.1f MiB, heap %.1f MiB, %.0f goroutines -> minute %d RSS %.1f MiB, heap %.1f MiB, %.0f goroutines\n",
			first[0], first[1], first[2], n, last[0], last[1], last[2])
	}
	fmt.Fprintf(out, "idle: start RSS %.1f MiB, heap %.1f MiB, %.0f goroutines -> end RSS %.1f MiB, heap %.1f MiB, %.0f goroutines\n",
		rss0, heap0, g0, rssEnd, heapEnd, gEnd)
	return nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func measureStartup(ctx context.Context, bin, db string, runs int, out io.Writer) error {
	st, err := os.Stat(db)
	if err != nil {
		return fmt.Errorf("startup database: %w", err)
	}
	dir, err := os.MkdirTemp("", "startup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// HTTP-only Discord: no outbound connection gates readiness, so the
	// figure is certcoach's own start (open, migrate check, knowledge load).
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		return err
	}
	env := []string{"CERTCOACH_DB=" + db, "CERTCOACH_LOG_LEVEL=info", "DISCORD_PUBLIC_KEY=" + hex.EncodeToString(pub)}
	fmt.Fprintf(out, "start-up on %s (%.2f GiB)\n", db, float64(st.Size())/(1<<30))
	for i := 1; i <= runs; i++ {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		srv, err := proc.StartReady(sctx, bin, filepath.Join(dir, "server.log"), env)
		cancel()
		if err != nil {
			return err
		}
		ready := time.Since(srv.Started)
		time.Sleep(5 * time.Second) // settle: background search warm-up, GC
		rss, _ := srv.RSS()
		code, err := srv.Stop(30 * time.Second)
		fmt.Fprintf(out, "run %d: exec to /readyz 200 in %s; idle RSS after 5s %.1f MiB; SIGTERM exit code %d %s\n",
			i, ready.Round(time.Millisecond), float64(rss)/(1<<20), code, errText(err))
	}
	return nil
}
