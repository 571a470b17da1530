package slack

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slacktest"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage/sqlite"
	"github.com/certcoach/certcoach/storage/sqlite/sqlitetest"
)

const (
	testSecret = "test-signing-secret"
	testTeam   = "T0TEST"
	testUser   = "U0ALICE"
	testAdmin  = "U0ADMIN"
	botUser    = "U0BOT"
)

// loadKB is the embedded knowledge base, loaded once per test binary.
func loadKB(t testing.TB) *knowledge.Base {
	t.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatalf("knowledge base: %v", err)
	}
	return kb
}

// openStore opens a real SQLite store in a temp dir.
func openStore(t testing.TB) (*sqlite.Store, string) {
	t.Helper()
	path := sqlitetest.File(t, "certcoach.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// recorder collects requests made to a fake endpoint.
type recorder struct {
	mu    sync.Mutex
	items []recorded
	ch    chan struct{}
}

type recorded struct {
	Path string
	Form url.Values     // Web API calls
	JSON map[string]any // response_url posts
	Raw  []byte
}

func newRecorder() *recorder { return &recorder{ch: make(chan struct{}, 1000)} }

func (r *recorder) add(it recorded) {
	r.mu.Lock()
	r.items = append(r.items, it)
	r.mu.Unlock()
	r.ch <- struct{}{}
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.items...)
}

// wait returns once n items are recorded, failing after 5 seconds.
func (r *recorder) wait(t testing.TB, n int) []recorded {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if it := r.all(); len(it) >= n {
			return it
		}
		select {
		case <-r.ch:
		case <-deadline:
			t.Fatalf("timed out waiting for %d recorded requests, have %d", n, len(r.all()))
		}
	}
}

// env is an adapter over a real engine and SQLite store, served over HTTP on
// 127.0.0.1, with a fake Slack Web API (slacktest) and a response_url sink.
type env struct {
	t       *testing.T
	a       *Adapter
	eng     *bot.Engine
	store   *sqlite.Store
	dbPath  string
	srv     *httptest.Server
	api     *slacktest.Server
	web     *recorder // Web API calls: chat.*, conversations.open, files.*, views.publish
	hooks   *recorder // response_url posts
	hookURL string
	n       int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvAt(t, nil)
}

// newEnvAt is newEnv with the adapter on the clock now (nil: the real one).
func newEnvAt(t *testing.T, now func() time.Time) *env {
	t.Helper()
	return newEnvClocks(t, now, nil)
}

// newEnvOn is newEnv with the engine on clock (the adapter on the real
// one, which request signatures are checked against).
func newEnvOn(t *testing.T, clock bot.Clock) *env {
	t.Helper()
	return newEnvClocks(t, nil, clock)
}

func newEnvClocks(t *testing.T, now func() time.Time, clock bot.Clock) *env {
	t.Helper()
	return newEnvFake(t, now, clock, nil)
}

// newEnvFake is newEnvClocks with extra handlers on the fake Slack (see
// newFakeSlack).
func newEnvFake(t *testing.T, now func() time.Time, clock bot.Clock, extra map[string]http.HandlerFunc) *env {
	t.Helper()
	e := &env{t: t, web: newRecorder(), hooks: newRecorder()}
	e.store, e.dbPath = openStore(t)
	kb := loadKB(t)
	e.eng = bot.NewEngine(kb, e.store, bot.Options{Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	// As the real binary: remind and group are commands on every front door.
	remind.Register(remind.Deps{Engine: e.eng, Store: e.store, KB: kb})
	e.api = newFakeSlack(t, e.web, extra)
	e.hookURL = newHookServer(t, e.hooks)
	a, err := New(Config{Engine: e.eng, Dedup: e.store, SigningSecret: testSecret, BotToken: "xoxb-test",
		APIURL: e.api.GetAPIURL(), Logger: slog.New(slog.DiscardHandler), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	e.a = a
	e.srv = httptest.NewServer(a)
	t.Cleanup(func() {
		e.srv.Close()
		if err := a.Close(context.Background()); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return e
}

// newHookServer starts a response_url sink on 127.0.0.1 and returns its URL.
func newHookServer(t testing.TB, rec *recorder) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Errorf("response_url got invalid JSON: %v", err)
		}
		rec.add(recorded{Path: r.URL.Path, JSON: m, Raw: raw})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// newFakeSlack starts slacktest with handlers that record posts and serve
// conversations.open, users.info, auth.test, the upload flow, files.delete and
// views.publish the way the tests need.
// extra handlers (path -> handler) take precedence.
func newFakeSlack(t testing.TB, rec *recorder, extra map[string]http.HandlerFunc) *slacktest.Server {
	t.Helper()
	record := func(reply string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if err := r.ParseForm(); err != nil {
				t.Errorf("fake slack: %v", err)
			}
			rec.add(recorded{Path: r.URL.Path, Form: r.PostForm})
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, reply)
		}
	}
	var serverRef **slacktest.Server
	s := slacktest.NewTestServer(func(c slacktest.Customize) {
		for p, h := range extra {
			c.Handle(p, h)
		}
		c.Handle("/auth.test", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = fmt.Fprintf(w, `{"ok":true,"url":"https://x.slack.com/","team":"Test","user":"certcoach","team_id":%q,"user_id":%q,"bot_id":"B0BOT"}`, testTeam, botUser)
		})
		c.Handle("/users.info", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			u := r.PostForm.Get("user")
			_, _ = fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":"user-%s","tz":"Europe/Paris","is_admin":%t,"profile":{"display_name":"Alice"}}}`, u, u, u == testAdmin)
		})
		c.Handle("/chat.postMessage", record(`{"ok":true,"channel":"C0CHAN","ts":"1700000000.000100"}`))
		c.Handle("/chat.postEphemeral", record(`{"ok":true,"message_ts":"1700000000.000200"}`))
		c.Handle("/conversations.open", record(`{"ok":true,"channel":{"id":"D0DM"}}`))
		c.Handle("/files.delete", record(`{"ok":true}`))
		c.Handle("/views.publish", func(w http.ResponseWriter, r *http.Request) { // a JSON body
			raw, _ := io.ReadAll(r.Body)
			rec.add(recorded{Path: r.URL.Path, Raw: raw})
			_, _ = io.WriteString(w, `{"ok":true,"view":{"id":"V1"}}`)
		})
		// The external upload flow: an upload URL (on this server), the
		// bytes posted there, then the completion that shares the file.
		// Each upload is a new file, as on Slack: F0FILE, then F0FILE2, ...
		var s *slacktest.Server
		var uploads atomic.Int64
		c.Handle("/files.getUploadURLExternal", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			rec.add(recorded{Path: r.URL.Path, Form: r.PostForm})
			id := "F0FILE"
			if n := uploads.Add(1); n > 1 {
				id += strconv.FormatInt(n, 10)
			}
			_, _ = fmt.Fprintf(w, `{"ok":true,"upload_url":%q,"file_id":%q}`, s.GetAPIURL()+"upload/"+id, id)
		})
		c.Handle("/upload/", func(w http.ResponseWriter, r *http.Request) {
			f, _, err := r.FormFile("file")
			if err != nil {
				t.Errorf("upload without a file part: %v", err)
				return
			}
			raw, _ := io.ReadAll(f)
			rec.add(recorded{Path: r.URL.Path, Raw: raw})
			_, _ = io.WriteString(w, "OK - "+strconv.Itoa(len(raw)))
		})
		c.Handle("/files.completeUploadExternal", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			rec.add(recorded{Path: r.URL.Path, Form: r.PostForm})
			var files []struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			}
			if err := json.Unmarshal([]byte(r.PostForm.Get("files")), &files); err != nil || len(files) != 1 {
				t.Errorf("files.completeUploadExternal: files %q (%v)", r.PostForm.Get("files"), err)
				return
			}
			_, _ = fmt.Fprintf(w, `{"ok":true,"files":[{"id":%q,"title":%q}]}`, files[0].ID, files[0].Title)
		})
		serverRef = &s
	})
	*serverRef = s
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// post sends a body signed with secret at ts to the adapter.
func (e *env) post(contentType string, body []byte, secret string, ts int64) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/slack/events", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if secret != "" {
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-Slack-Signature", Sign(secret, ts, body))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// deliverEvent posts a signed Events API body to url as Slack does; a
// retry above 0 carries Slack's retry headers. Anything but a 200 fails t.
func deliverEvent(t *testing.T, url string, body []byte, retry int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", fmt.Sprint(ts))
	req.Header.Set("X-Slack-Signature", Sign(testSecret, ts, body))
	if retry > 0 {
		req.Header.Set("X-Slack-Retry-Num", fmt.Sprint(retry))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("delivery %d: %d", retry, res.StatusCode)
	}
}

func (e *env) signed(contentType string, body []byte) (int, []byte) {
	return e.post(contentType, body, testSecret, time.Now().Unix())
}

const formType = "application/x-www-form-urlencoded"

// slashBody is a slash command form as Slack sends it.
func (e *env) slashBody(user, text string) []byte {
	e.n++
	v := url.Values{
		"token": {"legacy"}, "team_id": {testTeam}, "team_domain": {"test"}, "channel_id": {"C0CHAN"},
		"channel_name": {"general"}, "user_id": {user}, "user_name": {"alice"}, "command": {"/cert"},
		"text": {text}, "response_url": {fmt.Sprintf("%s/commands/%d", e.hookURL, e.n)},
		"trigger_id": {"1.2.3"}, "api_app_id": {"A0APP"},
	}
	return []byte(v.Encode())
}

// message rebuilds a Web API post as message JSON.
func (r recorded) message(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"text": r.Form.Get("text"), "blocks": json.RawMessage(r.Form.Get("blocks"))})
	if err != nil {
		t.Fatalf("posted blocks are not JSON: %v", err)
	}
	return b
}

// wireMsg is a message as Slack receives it.
type wireMsg struct {
	ResponseType    string          `json:"response_type"`
	Text            string          `json:"text"`
	Blocks          slackapi.Blocks `json:"blocks"`
	ReplaceOriginal bool            `json:"replace_original"`
	raw             []byte
}

func decode(t testing.TB, raw []byte) wireMsg {
	t.Helper()
	var m wireMsg
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("invalid message JSON: %v: %.300s", err, raw)
	}
	m.raw = raw
	checkLimits(t, raw)
	return m
}

// slash runs /cert text and decodes the immediate response.
func (e *env) slash(user, text string) (int, wireMsg) {
	e.t.Helper()
	status, body := e.signed(formType, e.slashBody(user, text))
	if status != http.StatusOK {
		return status, wireMsg{raw: body}
	}
	return status, decode(e.t, body)
}

// click sends a block_actions payload for a button of an earlier message.
func (e *env) click(user, actionID, value string) (int, []byte) {
	return e.clickOn("", user, actionID, value)
}

// clickOn is click on the ephemeral message sent at messageTS, which Slack
// names in the payload's container ("" leaves it out).
func (e *env) clickOn(messageTS, user, actionID, value string) (int, []byte) {
	e.n++
	container := map[string]any{"type": "message", "channel_id": "C0CHAN", "is_ephemeral": true}
	if messageTS != "" {
		container["message_ts"] = messageTS
	}
	payload := map[string]any{
		"type": "block_actions", "team": map[string]any{"id": testTeam, "domain": "test"},
		"user":       map[string]any{"id": user, "name": "alice", "team_id": testTeam},
		"api_app_id": "A0APP", "trigger_id": "1.2.3",
		"container":    container,
		"channel":      map[string]any{"id": "C0CHAN", "name": "general"},
		"response_url": fmt.Sprintf("%s/actions/%d", e.hookURL, e.n),
		"actions":      []map[string]any{{"action_id": actionID, "block_id": "b1", "value": value, "type": "button", "action_ts": "1700000000.1"}},
	}
	raw, _ := json.Marshal(payload)
	return e.signed(formType, []byte(url.Values{"payload": {string(raw)}}.Encode()))
}

// stored counts rows in every table the adapter may cause writes to.
func (e *env) stored() int {
	return e.count("users") + e.count("seen") + e.count("answers") + e.count("sessions") +
		e.count("home_views") + e.count("platform_files")
}

// count reads a table's row count straight from the SQLite file.
func (e *env) count(table string) int {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.dbPath+"?mode=ro")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// buttons lists the buttons of rendered blocks.
func buttons(blocks slackapi.Blocks) []*slackapi.ButtonBlockElement {
	var out []*slackapi.ButtonBlockElement
	for _, b := range blocks.BlockSet {
		if ab, ok := b.(*slackapi.ActionBlock); ok {
			for _, el := range ab.Elements.ElementSet {
				if btn, ok := el.(*slackapi.ButtonBlockElement); ok {
					out = append(out, btn)
				}
			}
		}
	}
	return out
}
