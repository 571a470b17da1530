package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// testKey is a fixed key pair (seed of 32 bytes) so fixtures stay stable.
var testKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

func sign(priv ed25519.PrivateKey, ts string, body []byte) string { return Sign(priv, ts, body) }

type httpEnv struct {
	*env
	srv *httptest.Server
}

func newHTTPEnv(t *testing.T) *httpEnv {
	ev := newEnv(t, "")
	srv := httptest.NewServer(ev.a.HTTPHandler(testKey.Public().(ed25519.PublicKey)))
	t.Cleanup(srv.Close)
	return &httpEnv{env: ev, srv: srv}
}

// post sends a body signed at ts with priv (nil: unsigned).
func (h *httpEnv) post(t *testing.T, body []byte, ts time.Time, priv ed25519.PrivateKey) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", h.srv.URL, bytes.NewReader(body))
	s := strconv.FormatInt(ts.Unix(), 10)
	if priv != nil {
		req.Header.Set("X-Signature-Ed25519", sign(priv, s, body))
		req.Header.Set("X-Signature-Timestamp", s)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestHTTPInteractions(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	now := time.Now()

	// PING gets PONG, and nothing is stored for it.
	code, body := h.post(t, []byte(`{"id":"1","application_id":"app1","type":1,"token":"t","version":1}`), now, testKey)
	if code != 200 || strings.TrimSpace(string(body)) != `{"type":1}` {
		t.Fatalf("PING: %d %s", code, body)
	}

	// A command answers in the body with embeds within limits.
	code, body = h.post(t, mustJSON(command("600000000000000001", member, "compare")), now, testKey)
	var r wireResponse
	if code != 200 || json.Unmarshal(body, &r) != nil || r.Type != 4 || r.Data == nil {
		t.Fatalf("compare: %d %s", code, truncate(string(body), 200))
	}
	checkLimits(t, "compare", r.Data.Content, r.Data.Embeds, r.Data.components())
	if r.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 || len(r.Data.Embeds[0].Fields) < 6 {
		t.Errorf("compare: flags %d, %d fields", r.Data.Flags, len(r.Data.Embeds[0].Fields))
	}

	// A quiz, then a click on its first answer button updates the message.
	_, body = h.post(t, mustJSON(command("600000000000000002", member, "quiz cert=cissp domain=7 count=2")), now, testKey)
	var q wireResponse
	_ = json.Unmarshal(body, &q)
	if q.Data == nil || len(q.Data.buttonIDs()) == 0 {
		t.Fatalf("quiz: no buttons: %s", truncate(string(body), 300))
	}
	code, body = h.post(t, mustJSON(button("600000000000000003", member, q.Data.buttonIDs()[0])), now, testKey)
	var b wireResponse
	if code != 200 || json.Unmarshal(body, &b) != nil || b.Type != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("button: %d %s", code, truncate(string(body), 200))
	}
	n, err := h.store.CountAnswers(context.Background(), storage.UserKey{Platform: "discord", Workspace: member.guild, User: member.user})
	if err != nil || n != 1 {
		t.Fatalf("answers stored: %d, %v", n, err)
	}

	// Export is slow: deferred in the body, the file follows by webhook edit.
	code, body = h.post(t, mustJSON(command("600000000000000004", member, "export")), now, testKey)
	if code != 200 || !strings.HasPrefix(string(body), `{"type":5`) {
		t.Fatalf("export: %d %s", code, body)
	}
	h.fake.wait(0, func(c call) bool { return c.Method == "PATCH" && strings.Contains(c.Path, "tok-600000000000000004") })
	// compare is read-only: a repeat of it is answered again, so it is not
	// recorded; the quiz, the click and the export are.
	if got := h.seen.stored.Load(); got != 3 {
		t.Errorf("%d interactions recorded, want 3", got)
	}
}

// TestHTTPBadRequests: each bad request gets its status, reaches no
// handler and stores nothing.
func TestHTTPBadRequests(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	now := time.Now()
	_, wrong, _ := ed25519.GenerateKey(nil)
	good := mustJSON(command("610000000000000001", member, "quiz cert=cism"))
	if code, _ := h.post(t, good, now, testKey); code != 200 {
		t.Fatalf("setup: %d", code)
	}
	stored, runs := h.seen.stored.Load(), h.eng.runs.Load()

	tampered := bytes.Replace(mustJSON(command("610000000000000002", member, "help")), []byte("help"), []byte("plan"), 1)
	cases := []struct {
		name string
		send func() (int, []byte)
		want int
	}{
		{"no signature", func() (int, []byte) {
			return h.post(t, mustJSON(command("610000000000000003", member, "help")), now, nil)
		}, 401},
		{"wrong key", func() (int, []byte) {
			return h.post(t, mustJSON(command("610000000000000004", member, "help")), now, wrong)
		}, 401},
		{"tampered body", func() (int, []byte) {
			ts := strconv.FormatInt(now.Unix(), 10)
			sig := sign(testKey, ts, mustJSON(command("610000000000000002", member, "help")))
			req, _ := http.NewRequest("POST", h.srv.URL, bytes.NewReader(tampered))
			req.Header.Set("X-Signature-Ed25519", sig)
			req.Header.Set("X-Signature-Timestamp", ts)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode, nil
		}, 401},
		{"stale timestamp", func() (int, []byte) {
			return h.post(t, mustJSON(command("610000000000000005", member, "help")), now.Add(-6*time.Minute), testKey)
		}, 401},
		{"future timestamp", func() (int, []byte) {
			return h.post(t, mustJSON(command("610000000000000006", member, "help")), now.Add(6*time.Minute), testKey)
		}, 401},
		{"replayed interaction", func() (int, []byte) { return h.post(t, good, now, testKey) }, 409},
		{"malformed JSON", func() (int, []byte) { return h.post(t, []byte(`{"id":"610000000000000007","type":2,`), now, testKey) }, 400},
		{"unknown interaction type", func() (int, []byte) {
			return h.post(t, mustJSON(interaction("610000000000000008", 99, member, map[string]any{})), now, testKey)
		}, 400},
		{"modal submit", func() (int, []byte) {
			return h.post(t, mustJSON(interaction("610000000000000009", 5, member, map[string]any{"custom_id": "x"})), now, testKey)
		}, 400},
		{"user command type", func() (int, []byte) {
			return h.post(t, mustJSON(interaction("610000000000000010", 2, member, map[string]any{"name": "cert", "type": 2})), now, testKey)
		}, 400},
		{"other command", func() (int, []byte) {
			return h.post(t, mustJSON(interaction("610000000000000011", 2, member, map[string]any{"name": "other", "type": 1})), now, testKey)
		}, 400},
		{"no user", func() (int, []byte) {
			m := command("610000000000000012", member, "help")
			delete(m, "member")
			return h.post(t, mustJSON(m), now, testKey)
		}, 400},
		{"body over 1 MiB", func() (int, []byte) {
			return h.post(t, append(good, bytes.Repeat([]byte(" "), MaxBody)...), now, testKey)
		}, 413},
		{"GET", func() (int, []byte) {
			resp, err := http.Get(h.srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode, nil
		}, 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code, body := c.send(); code != c.want {
				t.Errorf("status %d (%s), want %d", code, strings.TrimSpace(string(body)), c.want)
			}
			if s, r := h.seen.stored.Load(), h.eng.runs.Load(); s != stored || r != runs {
				t.Errorf("stored %d / ran %d new interactions, want none", s-stored, r-runs)
			}
		})
	}
	if calls := h.fake.Calls(); len(calls) != 0 {
		t.Errorf("Discord was called: %+v", calls[0].Path)
	}
}

// TestHTTPReplayRefused: every ID spelling is its own record, and each
// refuses its replay (a snowflake and its zero-padded spelling are
// different IDs).
func TestHTTPReplayRefused(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	now := time.Now()
	for _, id := range []string{"620000000000000001", "not-a-snowflake", "0620000000000000001", "-5"} {
		body := mustJSON(command(id, member, "quiz cert=cism"))
		if code, b := h.post(t, body, now, testKey); code != 200 {
			t.Fatalf("%s: first delivery got %d %s", id, code, b)
		}
		if code, _ := h.post(t, body, now, testKey); code != 409 {
			t.Fatalf("%s: replay got %d, want 409", id, code)
		}
	}
	if n := h.seen.stored.Load(); n != 4 {
		t.Errorf("%d records stored, want 4", n)
	}
}

// TestHTTPReplayOfReadOnly: a repeated read-only command is answered again
// and recorded nowhere; a command or button that changes something is
// recorded once and its repeat refused.
func TestHTTPReplayOfReadOnly(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	now := time.Now()
	for i, c := range []struct {
		line string
		want int // the repeat's status
	}{
		{"help", 200},
		{"compare", 200},
		{"compare topic=incident-response", 200},
		{"domains cert=cissp", 200},
		{"domain cert=cism domain=1", 200},
		{"ask question=how long is the cissp exam", 200},
		{"quiz cert=cissp", 409},
		{"settings", 409},
		{"progress", 409},
	} {
		body := mustJSON(command(fmt.Sprintf("63000000000000000%d", i), member, c.line))
		stored := h.seen.stored.Load()
		code, first := h.post(t, body, now, testKey)
		if code != 200 {
			t.Fatalf("%s: first delivery got %d %s", c.line, code, first)
		}
		code, again := h.post(t, body, now, testKey)
		if code != c.want {
			t.Errorf("%s: repeat got %d, want %d", c.line, code, c.want)
		}
		recorded := h.seen.stored.Load() - stored
		switch {
		case c.want == 200 && (recorded != 0 || !bytes.Equal(first, again)):
			t.Errorf("%s: %d records, repeat answered %s, want none and the same answer", c.line, recorded, truncate(string(again), 100))
		case c.want == 409 && recorded != 1:
			t.Errorf("%s: %d records, want 1", c.line, recorded)
		}
	}
}

func TestFreshTimestamp(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	for _, c := range []struct {
		h    string
		want bool
	}{{"1800000000", true}, {"1799999700", true}, {"1799999699", false}, {"1800000300", true}, {"1800000301", false}, {"", false}, {"x", false}, {fmt.Sprint(int64(1) << 62), false}} {
		if got := fresh(c.h, now); got != c.want {
			t.Errorf("%q: %v, want %v", c.h, got, c.want)
		}
	}
}

func TestNotifier(t *testing.T) {
	t.Parallel()
	if n := newEnv(t, "").a.Notifier(); n != nil {
		t.Error("an adapter without a bot token has a notifier; DMs and channel posts need the token")
	}
	ev := newEnv(t, "fake-bot-token")
	n := ev.a.Notifier() // the one serve gives the scheduler, and commands DM through
	if n == nil {
		t.Fatal("an adapter with a bot token has no notifier")
	}
	ctx := context.Background()
	r := replyFixture()
	ev.fake.fail429.Store(1) // the first post is rate limited: discordgo waits and retries
	if err := n.SendDM(ctx, "800000000000000001", "600000000000000001", r); err != nil {
		t.Fatal(err)
	}
	if err := n.PostChannel(ctx, "800000000000000001", "500000000000000001", r); err != nil {
		t.Fatal(err)
	}
	// A retry by the caller of the same message carries the same nonce.
	if err := n.PostChannel(ctx, "800000000000000001", "500000000000000001", r); err != nil {
		t.Fatal(err)
	}
	var paths []string
	nonces := map[string]int{}
	for _, c := range ev.fake.Calls() {
		paths = append(paths, c.Method+" "+strings.TrimPrefix(c.Path, "/api/v9"))
		if strings.HasSuffix(c.Path, "/messages") {
			var m struct {
				Nonce        string                    `json:"nonce"`
				EnforceNonce bool                      `json:"enforce_nonce"`
				Embeds       []*discordgo.MessageEmbed `json:"embeds"`
			}
			c.JSON(t, &m)
			if !m.EnforceNonce || m.Nonce == "" || len(m.Nonce) > 25 || len(m.Embeds) == 0 {
				t.Errorf("message without an enforced nonce of <= 25 chars or embeds: %+v", m)
			}
			nonces[m.Nonce]++
		}
	}
	want := "POST /users/@me/channels POST /channels/700000000000000001/messages POST /channels/700000000000000001/messages " +
		"POST /channels/500000000000000001/messages POST /channels/500000000000000001/messages"
	if strings.Join(paths, " ") != want {
		t.Errorf("calls:\n%s\nwant\n%s", strings.Join(paths, " "), want)
	}
	if len(nonces) != 2 {
		t.Errorf("nonces %v: want one per (channel, message)", nonces)
	}
	if got := ev.fake.msgID.Load(); got != 2 {
		t.Errorf("Discord created %d messages, want 2 (the retry deduplicated)", got)
	}
}

func replyFixture() bot.Reply {
	return bot.Reply{Title: "Time to study", Body: "Your daily question is ready: `quiz`", Footer: "certcoach"}
}

// gatedEngine holds every Handle until release is closed.
type gatedEngine struct {
	Engine
	release chan struct{}
}

func (g gatedEngine) Handle(ctx context.Context, req bot.Request) bot.Reply {
	<-g.release
	return g.Engine.Handle(ctx, req)
}

// TestHTTPSlowReplyDeferred: a fast command that overruns DeferAfter gets
// its deferred ack in the HTTP response while the engine is still running
// (the engine is held until the client has read the ack, so an ack that
// waited for the handler would never arrive), then the reply by edit.
func TestHTTPSlowReplyDeferred(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	gate := gatedEngine{Engine: h.eng, release: make(chan struct{})}
	h.a.engine, h.a.deferAfter = gate, 20*time.Millisecond
	type result struct {
		code int
		body []byte
	}
	got := make(chan result, 1)
	go func() {
		code, body := h.post(t, mustJSON(command("610000000000000001", member, "compare")), time.Now(), testKey)
		got <- result{code, body}
	}()
	var r result
	select {
	case r = <-got:
	case <-time.After(10 * time.Second): // liveness bound, not a performance check
		close(gate.release)
		t.Fatal("no deferred ack while the engine was still running")
	}
	close(gate.release)
	if r.code != 200 || !strings.HasPrefix(string(r.body), `{"type":5`) {
		t.Fatalf("slow compare: %d %s", r.code, r.body)
	}
	c, _ := h.fake.wait(0, func(c call) bool { return c.Method == "PATCH" && strings.Contains(c.Path, "tok-610000000000000001") })
	var d wireData
	c.JSON(t, &d)
	if len(d.Embeds) == 0 || !strings.Contains(d.allText(), "CISSP") {
		t.Fatalf("edit after the deferral lacks the comparison: %s", truncate(d.allText(), 200))
	}
	checkLimits(t, "slow compare edit", d.Content, d.Embeds, d.components())
}

// idEngine records the request IDs the engine is given.
type idEngine struct {
	Engine
	ids chan string
}

func (e idEngine) Handle(ctx context.Context, req bot.Request) bot.Reply {
	e.ids <- req.ID
	return e.Engine.Handle(ctx, req)
}

// TestHTTPRequestIDReachesEngine: the HTTP layer's X-Request-ID is the ID
// the engine logs the interaction under; without one it is the
// interaction's own.
func TestHTTPRequestIDReachesEngine(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	ids := make(chan string, 2)
	h.a.engine = idEngine{Engine: h.eng, ids: ids}
	for _, c := range []struct{ header, id, want string }{
		{"req-abc123", "640000000000000001", "req-abc123"},
		{"", "640000000000000002", "discord-640000000000000002"},
	} {
		body := mustJSON(command(c.id, member, "help"))
		req, _ := http.NewRequest("POST", h.srv.URL, bytes.NewReader(body))
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set("X-Signature-Ed25519", sign(testKey, ts, body))
		req.Header.Set("X-Signature-Timestamp", ts)
		if c.header != "" {
			req.Header.Set("X-Request-ID", c.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := <-ids; got != c.want {
			t.Errorf("engine saw request ID %q, want %q", got, c.want)
		}
	}
}

// TestHTTPLateReadOnlyReplayDeliversOnce: an `ask` that overruns the
// watchdog is delivered with the interaction's token (an edit of the
// deferred placeholder, or for a public reply a follow-up), not in the HTTP
// body; a replay of it that reaches another replica (one database) and is
// late too delivers nothing more. The engine is held until both deliveries
// have had their deferred ack, so both are late whatever the machine's
// speed.
func TestHTTPLateReadOnlyReplayDeliversOnce(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	gate := gatedEngine{Engine: h.eng, release: make(chan struct{})}
	h.a.engine, h.a.deferAfter = gate, 20*time.Millisecond
	b, err := New(Options{Engine: gate, Seen: h.seen, Session: h.s, Logger: quietLogger(), Domains: kbDomains(h.kb), DeferAfter: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srvB := httptest.NewServer(b.HTTPHandler(testKey.Public().(ed25519.PublicKey)))
	replicaB := &httpEnv{env: h.env, srv: srvB}
	body := mustJSON(command("650000000000000001", member, `ask "question=how long is the cissp exam"`))
	acks := make(chan string, 2)
	for _, r := range []*httpEnv{h, replicaB} {
		go func() {
			code, ack := r.post(t, body, time.Now(), testKey)
			acks <- fmt.Sprint(code, " ", string(ack))
		}()
	}
	for range 2 {
		select {
		case ack := <-acks:
			if !strings.HasPrefix(ack, `200 {"type":5`) {
				close(gate.release)
				t.Fatalf("late ask: %s, want a deferred ack", ack)
			}
		case <-time.After(10 * time.Second): // liveness bound, not a performance check
			close(gate.release)
			t.Fatal("no deferred ack while the engine was held")
		}
	}
	close(gate.release)
	// Both handlers and everything they started have finished.
	h.srv.Close()
	srvB.Close()
	for _, a := range []*Adapter{h.a, b} {
		if err := a.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var deliveries []string
	for _, c := range h.fake.Calls() {
		if (c.Method == "POST" || c.Method == "PATCH") && strings.Contains(c.Path, "tok-650000000000000001") {
			var d wireData
			c.JSON(t, &d)
			deliveries = append(deliveries, c.Method+" "+truncate(d.allText(), 80))
		}
	}
	if len(deliveries) != 1 || !strings.Contains(deliveries[0], "hours") {
		t.Fatalf("deliveries: %q, want the answer once", deliveries)
	}
	if n := h.seen.stored.Load(); n != 1 {
		t.Errorf("%d records, want 1 (the late delivery's)", n)
	}
}
