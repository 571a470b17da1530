// Command crashtest proves that answers survive a crash: it drives quiz
// answers into `certcoach serve` over the Slack HTTP path (signed
// block_actions, as Slack sends them) from many goroutines, kill -9s the
// server mid-run, restarts it on the same database, and checks that every
// answer the user was told about is stored exactly once.
//
// Everything is on loopback: the server, a fake Slack Web API and the
// response_url receiver. Each run stops by itself.
//
//	go run ./cmd/crashtest -runs 5
//
// Two moments are counted per answer: "acked", the click's HTTP 200, and
// "delivered", its result reaching the user (in the 200 for Discord, through
// response_url for Slack). Both adapters commit an answer before its 200,
// so the check fails on any acked or delivered answer missing, any answer
// stored twice, or a session whose position disagrees with its answers.
// -strict-ack=false tolerates acked-but-missing answers, for an adapter
// that acknowledges before processing.
package main

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // read-only check of the database after the crash

	"github.com/certcoach/certcoach/internal/proc"
	"github.com/certcoach/certcoach/internal/wire"
	"github.com/certcoach/certcoach/storage/sqlite"
)

type options struct {
	bin       string
	runs      int
	users     int
	killAfter time.Duration
	platform  string
	strictAck bool
	keep      bool
	replicas  int
	postgres  string
	killEvery time.Duration
	kills     int
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "", "certcoach binary (default: go build ./cmd/certcoach into a temp dir)")
	flag.IntVar(&o.runs, "runs", 5, "crash/restart cycles, each on a fresh database")
	flag.IntVar(&o.users, "users", 32, "concurrent users answering quizzes")
	flag.DurationVar(&o.killAfter, "kill-after", 4*time.Second, "kill -9 at a random moment between half this and this")
	flag.StringVar(&o.platform, "platform", "slack", "slack (async clicks, response_url) or discord (result in the 200)")
	flag.BoolVar(&o.strictAck, "strict-ack", true, "fail if an answer that got a 200 is missing")
	flag.BoolVar(&o.keep, "keep", false, "keep the temp directories (databases, server logs)")
	flag.IntVar(&o.replicas, "replicas", 0, "run this many serve replicas on one PostgreSQL database instead, killing one with -9 every -kill-every and restarting it")
	flag.StringVar(&o.postgres, "postgres", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "with -replicas: the server to create each run's database on")
	flag.DurationVar(&o.killEvery, "kill-every", 10*time.Second, "with -replicas: the time between kills")
	flag.IntVar(&o.kills, "kills", 3, "with -replicas: kills per run")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	os.Exit(crashtest(context.Background(), o, log))
}

// crashtest makes the runs and returns the exit code.
func crashtest(ctx context.Context, o options, log *slog.Logger) int {
	bin, done, err := proc.Binary(ctx, o.bin)
	if err != nil {
		log.Error("crashtest", "err", err)
		return 2
	}
	defer done()
	o.bin = bin
	run := runOnce
	if o.replicas > 0 {
		run = runReplicas
	}
	return proc.Runs(o.runs, func() (result, error) { return run(ctx, o, log) },
		func(r result) bool { return r.ok(o.strictAck) }, " lost or duplicated answers", "crashtest", os.Stdout, log)
}

// result is one run's tally.
type result struct {
	kills                                    int // replicas mode: replicas killed (one every killedAfter)
	requests, acked, confirmed, doubleClicks int
	busy                                     int
	killedAfter                              time.Duration
	storedRows, ackedMissing                 int
	confirmedMissing, duplicates, badPos     int
	restartReady                             time.Duration
}

func (r result) ok(strict bool) bool {
	return r.confirmedMissing == 0 && r.duplicates == 0 && r.badPos == 0 && (!strict || r.ackedMissing == 0)
}

func (r result) String() string {
	killed := "killed after " + r.killedAfter.Round(time.Millisecond).String()
	if r.kills > 0 {
		killed = fmt.Sprintf("%d replicas killed, one every %s", r.kills, r.killedAfter)
	}
	return fmt.Sprintf("%s; %d requests (%d answered busy), %d answer clicks got 200 (+%d double clicks), %d results delivered; "+
		"after restart (ready in %s): %d answers stored, acked-but-missing %d, delivered-but-missing %d, stored twice %d, session position mismatches %d",
		killed, r.requests, r.busy, r.acked, r.doubleClicks, r.confirmed, r.restartReady.Round(time.Millisecond),
		r.storedRows, r.ackedMissing, r.confirmedMissing, r.duplicates, r.badPos)
}

// fakeSlack is the Web API and response_url receiver. Posts to
// /r/<user>/... are handed to that user's goroutine.
type fakeSlack struct {
	srv   *httptest.Server
	mu    sync.Mutex
	inbox map[string]chan []byte
}

func newFakeSlack() *fakeSlack {
	f := &fakeSlack{inbox: map[string]chan []byte{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/r/"):
			user, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/r/"), "/")
			select {
			case f.box(user) <- body:
			default: // the user's goroutine is gone (after the kill)
			}
			_, _ = io.WriteString(w, "ok")
		case r.URL.Path == "/api/auth.test":
			_, _ = io.WriteString(w, `{"ok":true,"team_id":"T1","user_id":"B1","bot_id":"B1"}`)
		case r.URL.Path == "/api/users.info":
			_ = r.ParseForm()
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "user": map[string]any{"id": r.Form.Get("user"), "name": "u", "tz": "UTC"}})
		default:
			_, _ = io.WriteString(w, `{"ok":true}`)
		}
	}))
	return f
}

func (f *fakeSlack) box(user string) chan []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.inbox[user]
	if !ok {
		c = make(chan []byte, 16)
		f.inbox[user] = c
	}
	return c
}

// tally collects what the drivers saw; keys are attempt keys s:<session>:<pos>.
type tally struct {
	mu        sync.Mutex
	acked     map[string]bool
	confirmed map[string]bool
	requests  atomic.Int64
	doubles   atomic.Int64
	busy      atomic.Int64
}

func (t *tally) mark(m map[string]bool, key string) {
	t.mu.Lock()
	m[key] = true
	t.mu.Unlock()
}

func runOnce(ctx context.Context, o options, log *slog.Logger) (result, error) {
	dir, done, err := proc.RunDir("crashtest-", o.keep, log)
	if err != nil {
		return result{}, err
	}
	defer done()
	db := filepath.Join(dir, "certcoach.db")
	fake := newFakeSlack()
	defer fake.srv.Close()
	env, priv, err := serverEnv(o, db, fake)
	if err != nil {
		return result{}, err
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	srv, err := proc.StartReady(sctx, o.bin, filepath.Join(dir, "server.log"), env)
	if err != nil {
		return result{}, err
	}

	t := &tally{acked: map[string]bool{}, confirmed: map[string]bool{}}
	runCtx, stopDrivers := context.WithCancel(ctx)
	wait := drive(runCtx, o, t, fake, priv, srv.Base, nil)
	killAt := o.killAfter/2 + time.Duration(rand.Int64N(int64(o.killAfter/2)+1))
	time.Sleep(killAt)
	srv.Kill() // SIGKILL: no shutdown, no checkpoint
	stopDrivers()
	wait()
	r := result{killedAfter: killAt, requests: int(t.requests.Load()), acked: len(t.acked), confirmed: len(t.confirmed), doubleClicks: int(t.doubles.Load()), busy: int(t.busy.Load())}

	// Restart on the same file: recovery from the WAL, then a clean stop.
	start := time.Now()
	srv2, err := proc.StartReady(sctx, o.bin, filepath.Join(dir, "server.log"), env)
	if err != nil {
		return r, fmt.Errorf("restart after kill: %w", err)
	}
	r.restartReady = time.Since(start)
	if code, err := srv2.Stop(30 * time.Second); err != nil || code != 0 {
		return r, fmt.Errorf("restarted server did not stop cleanly: code %d, %v", code, err)
	}
	if err := check(ctx, db, t, &r); err != nil {
		return r, err
	}
	return r, nil
}

// serverEnv is the environment of `serve` on db for o.platform, its
// outbound Slack calls going to fake; priv signs the Discord interactions.
func serverEnv(o options, db string, fake *fakeSlack) (env []string, priv ed25519.PrivateKey, err error) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("discord key: %w", err)
	}
	env = []string{"CERTCOACH_DB=" + db, "CERTCOACH_LOG_LEVEL=info", "CERTCOACH_RATE_LIMIT=0", "CERTCOACH_WORKSPACE_RATE_LIMIT=0"}
	if o.platform == "discord" {
		return append(env, "DISCORD_PUBLIC_KEY="+hex.EncodeToString(pub)), priv, nil
	}
	return append(env, "SLACK_SIGNING_SECRET="+signingSecret, "SLACK_BOT_TOKEN=xoxb-crashtest", "SLACK_API_URL="+fake.srv.URL+"/api/"), priv, nil
}

// signingSecret signs the Slack requests.
const signingSecret = "crashtest-signing-secret"

// drive starts o.users drivers until ctx ends, aimed at the server at base
// or, with pick (base unused), at the replica pick names for each request.
// wait waits for them all to return.
func drive(ctx context.Context, o options, t *tally, fake *fakeSlack, priv ed25519.PrivateKey, base string, pick func() string) (wait func()) {
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.users}}
	var wg sync.WaitGroup
	for u := range o.users {
		wg.Go(func() {
			d := driver{t: t, user: fmt.Sprintf("U%04d", u), rnd: rand.New(rand.NewPCG(uint64(u), uint64(time.Now().UnixNano()))), pick: pick}
			if o.platform == "discord" {
				d.discord = wire.NewDiscord(base+"/discord/interactions", priv, fmt.Sprintf("%d%04d", time.Now().Unix(), u))
				d.discord.Client = hc
			} else {
				d.slack = wire.Slack{URL: base + "/slack/events", Secret: signingSecret, Client: hc}
				d.inbox = fake.box(d.user)
				d.respURL = fake.srv.URL + "/r/" + d.user + "/x"
			}
			d.run(ctx)
		})
	}
	return wg.Wait
}

// check opens the database read-only and compares it with the tally.
func check(ctx context.Context, db string, t *tally, r *result) error {
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		return err
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		st.Close()
		return err
	}
	st.Close()
	raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		return err
	}
	defer raw.Close()
	return compare(ctx, raw, t, r)
}

// compare counts what the database holds against the tally: acknowledged
// or delivered answers missing, answers stored twice, sessions whose
// position disagrees with their answers.
func compare(ctx context.Context, raw *sql.DB, t *tally, r *result) error {
	stored := map[string]int{}
	rows, err := raw.QueryContext(ctx, "SELECT attempt_key, count(*) FROM answers GROUP BY user_id, attempt_key")
	if err != nil {
		return fmt.Errorf("read answers: %w", err)
	}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return err
		}
		stored[k] += n
		r.storedRows += n
		if n > 1 {
			r.duplicates++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for k := range t.acked {
		if stored[k] == 0 {
			r.ackedMissing++
		}
	}
	for k := range t.confirmed {
		if stored[k] == 0 {
			r.confirmedMissing++
		}
	}
	// An answer and its session's advance commit together: the position
	// must equal the number of answers in every session.
	err = raw.QueryRowContext(ctx, `SELECT count(*) FROM sessions s
		WHERE s.position != (SELECT count(*) FROM answers a WHERE a.session_id = s.id)`).Scan(&r.badPos)
	if err != nil {
		return fmt.Errorf("check sessions: %w", err)
	}
	return nil
}

// driver is one user answering quiz after quiz as fast as replies come.
type driver struct {
	t       *tally
	user    string
	rnd     *rand.Rand
	slack   wire.Slack
	inbox   chan []byte
	respURL string
	discord *wire.Discord
	// pick, in replicas mode, names a live replica for each request (the
	// load balancer); a request that finds its replica dead is sent again
	// to another, as a balancer retries.
	pick func() string
}

// retries bounds how often a request is re-sent to another replica.
const retries = 8

// aim returns the clients for the next request: aimed at a replica picked
// now in replicas mode, else the driver's own.
func (d *driver) aim() (wire.Slack, *wire.Discord) {
	if d.pick == nil {
		return d.slack, d.discord
	}
	base := d.pick()
	sl := d.slack
	sl.URL = base + "/slack/events"
	var dc *wire.Discord
	if d.discord != nil {
		dc = d.discord.At(base + "/discord/interactions")
	}
	return sl, dc
}

// again reports whether a failed request should go to another replica,
// after a short pause.
func (d *driver) again(ctx context.Context, attempt int) bool {
	if d.pick == nil || attempt >= retries || ctx.Err() != nil {
		return false
	}
	time.Sleep(time.Duration(20*(attempt+1)) * time.Millisecond)
	return ctx.Err() == nil
}

var errGone = errors.New("server gone")

// quizLength is the questions per quiz (the maximum a quiz allows).
const quizLength = 20

// click sends a button click and returns the reply's body: the 200 itself
// for Discord, the response_url post for Slack. acked is set once the click
// got its 200.
func (d *driver) click(ctx context.Context, id string) (body []byte, acked bool, err error) {
	for attempt := 0; ; attempt++ {
		body, ok, err := d.clickOnce(ctx, id)
		acked = acked || ok
		if err == nil || !d.again(ctx, attempt) {
			return body, acked, err
		}
	}
}

func (d *driver) clickOnce(ctx context.Context, id string) (body []byte, acked bool, err error) {
	d.t.requests.Add(1)
	sl, dc := d.aim()
	if dc != nil {
		res, err := dc.Button(ctx, "G1", d.user, "tok", id)
		if err != nil || res.Status != 200 {
			return nil, false, errGone
		}
		return res.Body, true, nil
	}
	// Drain stale posts so the next one read belongs to this click.
	for len(d.inbox) > 0 {
		<-d.inbox
	}
	res, err := sl.Action(ctx, "T1", d.user, "C1", id, d.respURL)
	if err != nil {
		return nil, false, errGone
	}
	if res.Status == http.StatusServiceUnavailable { // adapter saturated: Slack would retry
		d.t.busy.Add(1)
		time.Sleep(10 * time.Millisecond)
		return nil, false, nil
	}
	if res.Status != 200 {
		return nil, false, fmt.Errorf("click %s: HTTP %d", id, res.Status)
	}
	select {
	case b := <-d.inbox:
		return b, true, nil
	case <-time.After(5 * time.Second):
		return nil, true, errGone
	case <-ctx.Done():
		return nil, true, errGone
	}
}

// doubleClick sends a second click whose reply goes to a separate
// response_url, so it cannot be mistaken for the next question's reply.
func (d *driver) doubleClick(ctx context.Context, id string) {
	d.t.requests.Add(1)
	sl, dc := d.aim()
	if dc != nil {
		_, _ = dc.Button(ctx, "G1", d.user, "tok", id)
		return
	}
	_, _ = sl.Action(ctx, "T1", d.user, "C1", id, strings.Replace(d.respURL, "/r/"+d.user+"/", "/r/"+d.user+"-dbl/", 1))
}

func (d *driver) start(ctx context.Context) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		b, err := d.startOnce(ctx)
		if err == nil || !d.again(ctx, attempt) {
			return b, err
		}
	}
}

func (d *driver) startOnce(ctx context.Context) ([]byte, error) {
	d.t.requests.Add(1)
	sl, dc := d.aim()
	if dc != nil {
		res, err := dc.Command(ctx, "G1", d.user, "tok", "quiz", map[string]string{"cert": "cissp", "count": strconv.Itoa(quizLength)})
		if err != nil || res.Status != 200 {
			return nil, errGone
		}
		return res.Body, nil
	}
	res, err := sl.Command(ctx, "T1", d.user, "C1", fmt.Sprintf("quiz cissp %d", quizLength), d.respURL)
	if err != nil || res.Status != 200 {
		return nil, errGone
	}
	return res.Body, nil
}

func (d *driver) run(ctx context.Context) {
	for ctx.Err() == nil {
		q, err := d.start(ctx)
		if err != nil {
			return
		}
	loop:
		for ctx.Err() == nil {
			choice := d.rnd.IntN(4)
			id, sid, pos, ok := wire.QuizButton(q, choice)
			if !ok {
				break // quiz over (or a reply without buttons): start another
			}
			key := fmt.Sprintf("s:%s:%d", sid, pos)
			if d.rnd.IntN(10) == 0 {
				// A double click: the same answer sent twice at once must be
				// recorded once.
				d.t.doubles.Add(1)
				go d.doubleClick(context.WithoutCancel(ctx), id)
			}
			res, acked, err := d.click(ctx, id)
			if acked {
				d.t.mark(d.t.acked, key)
			}
			if err != nil {
				return
			}
			if res == nil {
				continue // busy: try the same question again
			}
			switch {
			case strings.Contains(string(res), "The answer is"):
				d.t.mark(d.t.confirmed, key)
			case strings.Contains(string(res), "already answered"):
				d.t.mark(d.t.confirmed, key) // the double click won: the same answer
			default:
				break loop
			}
			if pos+1 >= quizLength {
				break
			}
			// Built rather than read from the reply: when the double click
			// won, this reply is "already answered" and has no Next button.
			next := fmt.Sprintf("quiz:next:%s:%d", sid, pos+1)
			if q, _, err = d.click(ctx, next); err != nil {
				return
			}
			if q == nil {
				break
			}
		}
	}
}
