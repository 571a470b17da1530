package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage/sqlite"
	"github.com/certcoach/certcoach/storage/sqlite/sqlitetest"
)

// call is one REST request the fake Discord received.
type call struct {
	Method, Path, ContentType string
	Body                      []byte
}

// JSON decodes the call's JSON body, or the payload_json part of a multipart one.
func (c call) JSON(t *testing.T, v any) {
	t.Helper()
	b := c.Body
	if strings.HasPrefix(c.ContentType, "multipart/") {
		i := strings.Index(string(b), `name="payload_json"`)
		if i < 0 {
			t.Fatalf("%s %s: multipart body without payload_json", c.Method, c.Path)
		}
		rest := string(b[i:])
		rest = rest[strings.Index(rest, "\r\n\r\n")+4:]
		b = []byte(rest[:strings.Index(rest, "\r\n--")])
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s %s: decode body %q: %v", c.Method, c.Path, truncate(string(b), 300), err)
	}
}

// fakeDiscord is Discord on 127.0.0.1: REST calls are recorded and answered
// plausibly; /ws is a gateway (Hello, Identify, READY, dispatches, heartbeats).
type fakeDiscord struct {
	t   *testing.T
	srv *httptest.Server

	mu              sync.Mutex
	calls           []call
	notify          chan struct{}
	identify        map[string]any
	conn            *websocket.Conn
	wmu             sync.Mutex
	seq             int
	beats           atomic.Int32
	fail429         atomic.Int32 // answer the next n channel-message posts with 429
	long429         atomic.Bool  // those 429s ask for an hour's wait, not 10 ms
	hangUp          atomic.Bool  // drop the connection on webhook calls (a transport error)
	refuseFollowUps atomic.Bool  // webhook POSTs (follow-ups) get a 400
	refuseDMs       atomic.Bool  // posts to the DM channel get 403 50007, as for a user who takes no DMs
	spend           atomic.Bool  // every answer says its route's rate-limit bucket is spent for an hour
	spendGlobal     atomic.Bool  // every answer says the global rate limit is spent for an hour
	failGateway     atomic.Int32 // answer the next n GET /gateway with 500 (Discord down at start)
	failRegister    atomic.Int32 // answer the next n command registrations with 500
	gatewayAsks     atomic.Int32
	// stall, when set, holds webhook calls (deferred replies) until the
	// client gives up on them, telling it on the channel it holds.
	stall  atomic.Pointer[chan struct{}]
	nonces map[string]string
	msgID  atomic.Int64
}

const fakeBotID = "900000000000000001"

// fakeDMChannel is the DM channel the fake opens for every user.
const fakeDMChannel = "700000000000000001"

func newFakeDiscord(t *testing.T) *fakeDiscord {
	t.Helper()
	f := &fakeDiscord{t: t, notify: make(chan struct{}, 1), nonces: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v9/gateway", func(w http.ResponseWriter, r *http.Request) {
		f.gatewayAsks.Add(1)
		if f.failGateway.Load() > 0 {
			f.failGateway.Add(-1)
			http.Error(w, `{"message":"down"}`, http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, `{"url":"ws://%s/ws"}`, r.Host)
	})
	mux.HandleFunc("GET /ws/", f.gateway) // discordgo adds a trailing slash
	mux.HandleFunc("/", f.rest)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.mu.Lock()
		if f.conn != nil {
			f.conn.Close()
		}
		f.mu.Unlock()
		f.srv.Close()
	})
	return f
}

func (f *fakeDiscord) rest(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := call{Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"), Body: body}
	w.Header().Set("Content-Type", "application/json")
	if f.spend.Load() || f.spendGlobal.Load() {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset-After", "3600")
		if f.spendGlobal.Load() {
			w.Header().Set("X-RateLimit-Global", "true")
		}
	}
	p := strings.TrimPrefix(r.URL.Path, "/api/v9")
	switch {
	case r.Method == "POST" && strings.HasPrefix(p, "/channels/") && strings.HasSuffix(p, "/messages"):
		if f.fail429.Load() > 0 {
			f.fail429.Add(-1)
			f.record(c) // recorded, but not accepted
			after := "0.01"
			if f.long429.Load() {
				after = "3600"
			}
			w.Header().Set("Retry-After", after)
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, `{"message":"You are being rate limited.","retry_after":%s,"global":false}`, after)
			return
		}
		if f.refuseDMs.Load() && p == "/channels/"+fakeDMChannel+"/messages" {
			f.record(c)
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"Cannot send messages to this user","code":50007}`)
			return
		}
		var m struct {
			Nonce        string `json:"nonce"`
			EnforceNonce bool   `json:"enforce_nonce"`
		}
		_ = json.Unmarshal(body, &m)
		f.mu.Lock()
		id, dup := f.nonces[m.Nonce]
		if !dup || !m.EnforceNonce || m.Nonce == "" {
			id = fmt.Sprint(1000 + f.msgID.Add(1))
			if m.Nonce != "" {
				f.nonces[m.Nonce] = id
			}
		}
		f.mu.Unlock()
		f.record(c)
		fmt.Fprintf(w, `{"id":%q,"channel_id":"c"}`, id)
	case r.Method == "POST" && strings.HasSuffix(p, "/callback"):
		f.record(c)
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "PUT" && strings.HasSuffix(p, "/commands"):
		f.record(c)
		if f.failRegister.Load() > 0 {
			f.failRegister.Add(-1)
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"message":"down"}`)
			return
		}
		w.Write(body)
	case r.Method == "POST" && p == "/users/@me/channels":
		f.record(c)
		fmt.Fprintf(w, `{"id":%q,"type":1}`, fakeDMChannel)
	case strings.HasPrefix(p, "/webhooks/"):
		f.record(c)
		if held := f.stall.Load(); held != nil {
			*held <- struct{}{}
			<-r.Context().Done()
			*held <- struct{}{}
			return
		}
		if r.Method == "POST" && f.refuseFollowUps.Load() {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"Invalid Form Body","code":50035}`)
			return
		}
		if f.hangUp.Load() {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		fmt.Fprintf(w, `{"id":"%d","channel_id":"c"}`, 2000+f.msgID.Add(1))
	default:
		f.record(c)
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Unknown route","code":0}`)
	}
}

func (f *fakeDiscord) record(c call) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	select {
	case f.notify <- struct{}{}:
	default:
	}
}

// Calls returns the recorded calls.
func (f *fakeDiscord) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// wait returns the first recorded call at or after index from matching ok.
func (f *fakeDiscord) wait(from int, ok func(call) bool) (call, int) {
	f.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		calls := f.Calls()
		for i := from; i < len(calls); i++ {
			if ok(calls[i]) {
				return calls[i], i
			}
		}
		select {
		case <-f.notify:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			var paths []string
			for _, c := range calls[from:] {
				paths = append(paths, c.Method+" "+c.Path)
			}
			f.t.Fatalf("no matching Discord call after #%d; got %v", from, paths)
		}
	}
}

var upgrader = websocket.Upgrader{}

func (f *fakeDiscord) gateway(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("fake gateway: upgrade: %v", err)
		return
	}
	f.send(c, map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}})
	var id struct {
		Op int            `json:"op"`
		D  map[string]any `json:"d"`
	}
	if err := c.ReadJSON(&id); err != nil || id.Op != 2 {
		f.t.Errorf("fake gateway: want Identify (op 2), got op %d, err %v", id.Op, err)
		c.Close()
		return
	}
	f.mu.Lock()
	f.identify, f.conn = id.D, c
	f.mu.Unlock()
	f.dispatch("READY", map[string]any{"v": 10, "session_id": "fake-session", "resume_gateway_url": "ws://" + r.Host + "/ws",
		"user": map[string]any{"id": fakeBotID, "username": "certcoach", "bot": true}, "guilds": []any{}, "private_channels": []any{},
		"application": map[string]any{"id": "app1"}})
	for { // drain heartbeats, acknowledging them
		var m struct {
			Op int `json:"op"`
		}
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		if m.Op == 1 {
			f.beats.Add(1)
			f.send(c, map[string]any{"op": 11})
		}
	}
}

func (f *fakeDiscord) send(c *websocket.Conn, v any) {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	if err := c.WriteJSON(v); err != nil {
		f.t.Logf("fake gateway: write: %v", err)
	}
}

// dispatch sends an op 0 event to the connected client.
func (f *fakeDiscord) dispatch(event string, d any) {
	f.mu.Lock()
	c := f.conn
	f.seq++
	seq := f.seq
	f.mu.Unlock()
	if c == nil {
		f.t.Fatalf("fake gateway: dispatch %s before a client connected", event)
	}
	f.send(c, map[string]any{"op": 0, "t": event, "s": seq, "d": d})
}

// env is a wired adapter over a real SQLite file and the embedded knowledge base.
type env struct {
	store  *sqlite.Store
	engine *bot.Engine
	kb     *knowledge.Base
	seen   *countingSeen
	eng    *countingEngine
	a      *Adapter
	fake   *fakeDiscord
	s      *discordgo.Session
}

// countingSeen counts deliveries recorded as new.
type countingSeen struct {
	Deduper
	stored atomic.Int32
}

func (c *countingSeen) FirstSeen(ctx context.Context, scope, key string, now time.Time) (bool, error) {
	first, err := c.Deduper.FirstSeen(ctx, scope, key, now)
	if first {
		c.stored.Add(1)
	}
	return first, err
}

// countingEngine counts requests that reached the engine.
type countingEngine struct {
	Engine
	runs atomic.Int32
}

func (c *countingEngine) Handle(ctx context.Context, req bot.Request) bot.Reply {
	c.runs.Add(1)
	return c.Engine.Handle(ctx, req)
}

var (
	kbOnce sync.Once
	kbBase *knowledge.Base
	kbErr  error
)

func loadKB(tb testing.TB) *knowledge.Base {
	tb.Helper()
	kbOnce.Do(func() {
		if kbBase, kbErr = knowledge.LoadEmbedded(); kbErr == nil {
			// Build the search index now: built inside the first ask, under
			// -race on a busy machine, it can outlast DeferAfter and turn an
			// immediate reply into a deferred one.
			kbErr = kbBase.WarmSearch(context.Background())
		}
	})
	if kbErr != nil {
		tb.Skipf("knowledge base does not validate yet (content lands in parallel): %v", kbErr)
	}
	return kbBase
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newEnv(tb testing.TB, token string) *env {
	tb.Helper()
	kb := loadKB(tb)
	st := sqlitetest.Open(tb, "t.db")
	e := bot.NewEngine(kb, st, bot.Options{Logger: quietLogger()})
	remind.Register(remind.Deps{Engine: e, Store: st, KB: kb})
	ev := &env{store: st, engine: e, kb: kb, seen: &countingSeen{Deduper: st}, eng: &countingEngine{Engine: e}}
	apiURL := ""
	if t, ok := tb.(*testing.T); ok {
		ev.fake = newFakeDiscord(t)
		apiURL = ev.fake.srv.URL
	}
	var err error
	ev.s, err = NewSession(token, apiURL)
	if err != nil {
		tb.Fatal(err)
	}
	// Commands must not be deferred by a loaded machine: tests of the
	// deferral set a short deferAfter themselves.
	ev.a, err = New(Options{Engine: ev.eng, Seen: ev.seen, Session: ev.s, Logger: quietLogger(), Domains: kbDomains(kb), DeferAfter: time.Hour})
	if err != nil {
		tb.Fatal(err)
	}
	return ev
}

func kbDomains(kb *knowledge.Base) func(string) []Choice {
	return func(cert string) []Choice {
		o := kb.OutlineFor(cert, time.Now())
		if o == nil {
			return nil
		}
		var out []Choice
		for _, d := range o.Domains {
			out = append(out, Choice{Name: fmt.Sprintf("%d. %s", d.N, d.Name), Value: fmt.Sprint(d.N)})
		}
		return out
	}
}
