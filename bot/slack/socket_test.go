package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
)

// fakeSocket is Slack's Socket Mode end: slacktest serves
// apps.connections.open (pointing at its /ws), and this handler takes /ws so
// the test can send envelopes and read acknowledgements on each connection.
type fakeSocket struct {
	conns chan *websocket.Conn
	acks  chan map[string]any
}

func (f *fakeSocket) ws(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	_ = c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
	f.conns <- c
	for {
		var m map[string]any
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		f.acks <- m
	}
}

func newSocketEnv(t *testing.T) (*fakeSocket, *recorder, *recorder, string) {
	t.Helper()
	return newSocketEnvFake(t, nil)
}

// newSocketEnvFake is newSocketEnv with extra handlers on the fake Slack
// and the remind commands registered, as in the real binary.
func newSocketEnvFake(t *testing.T, extra map[string]http.HandlerFunc) (*fakeSocket, *recorder, *recorder, string) {
	t.Helper()
	st, _ := openStore(t)
	kb := loadKB(t)
	eng := bot.NewEngine(kb, st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	if extra != nil {
		remind.Register(remind.Deps{Engine: eng, Store: st, KB: kb})
	}
	f := &fakeSocket{conns: make(chan *websocket.Conn, 4), acks: make(chan map[string]any, 16)}
	web, hooks := newRecorder(), newRecorder()
	handlers := map[string]http.HandlerFunc{"/ws": f.ws}
	for p, h := range extra {
		handlers[p] = h
	}
	api := newFakeSlack(t, web, handlers)
	hook := newHookServer(t, hooks)
	a, err := New(Config{Engine: eng, Dedup: st, BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: api.GetAPIURL(),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(ctx, context.Background()) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("RunSocketMode: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("RunSocketMode did not stop")
		}
		a.Close(context.Background())
	})
	return f, web, hooks, hook
}

func (f *fakeSocket) conn(t *testing.T) *websocket.Conn {
	t.Helper()
	select {
	case c := <-f.conns:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("Socket Mode client did not connect")
		return nil
	}
}

func (f *fakeSocket) ack(t *testing.T, envelope string) map[string]any {
	t.Helper()
	for {
		select {
		case m := <-f.acks:
			if m["envelope_id"] == envelope {
				return m
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no ack for %s", envelope)
			return nil
		}
	}
}

func send(t *testing.T, c *websocket.Conn, v map[string]any) {
	t.Helper()
	if err := c.WriteJSON(v); err != nil {
		t.Fatal(err)
	}
}

func slashEnvelope(hook, id, text string) map[string]any {
	return map[string]any{"envelope_id": id, "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"team_id": testTeam, "channel_id": "C0CHAN", "user_id": testUser, "user_name": "alice",
			"command": "/cert", "text": text, "response_url": hook + "/commands/" + id, "trigger_id": "1.2"}}
}

func TestSocketMode(t *testing.T) {
	t.Parallel()
	f, web, hooks, hook := newSocketEnv(t)
	c := f.conn(t)

	// A slash command is answered in the acknowledgement itself.
	send(t, c, slashEnvelope(hook, "env-1", "compare iam"))
	ack := f.ack(t, "env-1")
	payload, _ := json.Marshal(ack["payload"])
	msg := decode(t, payload)
	if msg.ResponseType != "ephemeral" || len(msg.Blocks.BlockSet) == 0 {
		t.Fatalf("slash ack payload: %s", payload)
	}

	// An event is acknowledged and answered with chat.postMessage.
	send(t, c, map[string]any{"envelope_id": "env-2", "type": "events_api",
		"payload": json.RawMessage(eventBody("EvSOCK1", mention("<@"+botUser+"> compare", "1700000001.1")))})
	if ack := f.ack(t, "env-2"); ack["payload"] != nil {
		t.Errorf("event ack carries a payload: %v", ack)
	}
	if p := web.wait(t, 1)[0]; p.Path != "/chat.postMessage" || p.Form.Get("thread_ts") != "1700000001.1" {
		t.Errorf("event reply: %s %v", p.Path, p.Form.Get("thread_ts"))
	}

	// A button click is acknowledged and completed through response_url.
	var share string
	for _, b := range buttons(msg.Blocks) {
		share = b.Value
	}
	send(t, c, map[string]any{"envelope_id": "env-3", "type": "interactive", "payload": map[string]any{
		"type": "block_actions", "team": map[string]any{"id": testTeam}, "user": map[string]any{"id": testUser},
		"channel": map[string]any{"id": "C0CHAN"}, "response_url": hook + "/actions/env-3",
		"actions": []map[string]any{{"action_id": ShareActionID, "block_id": "b", "value": share, "type": "button"}}}})
	f.ack(t, "env-3")
	if p := hooks.wait(t, 1)[0]; !strings.Contains(string(p.Raw), `"in_channel"`) {
		t.Errorf("share over Socket Mode: %.200s", p.Raw)
	}

	// Slack asks the client to reconnect: it opens a new connection and
	// keeps serving on it.
	send(t, c, map[string]any{"type": "disconnect", "reason": "refresh_requested"})
	c2 := f.conn(t)
	send(t, c2, slashEnvelope(hook, "env-4", "help"))
	if ack := f.ack(t, "env-4"); ack["payload"] == nil {
		t.Error("no reply after reconnecting")
	}

	// A dropped connection is reopened too.
	c2.Close()
	c3 := f.conn(t)
	send(t, c3, slashEnvelope(hook, "env-5", "domains cissp"))
	f.ack(t, "env-5")
}

// A slow envelope does not hold the next: while an admin's `group` waits on
// users.info, another user's `help` is acknowledged first.
func TestSocketModeEnvelopesConcurrent(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	f, _, _, hook := newSocketEnvFake(t, map[string]http.HandlerFunc{
		"/users.info": func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			u := r.PostForm.Get("user")
			if u == testAdmin {
				<-release
			}
			_, _ = fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":"n","tz":"Europe/Paris","is_admin":%t}}`, u, u == testAdmin)
		},
	})
	t.Cleanup(unblock) // before the fake Slack stops (cleanups run last first)
	c := f.conn(t)
	slow := slashEnvelope(hook, "env-slow", "group")
	slow["payload"].(map[string]any)["user_id"] = testAdmin
	send(t, c, slow)
	send(t, c, slashEnvelope(hook, "env-fast", "help"))
	select {
	case m := <-f.acks:
		if m["envelope_id"] != "env-fast" {
			t.Fatalf("first ack is for %v, want env-fast (the slow command held it)", m["envelope_id"])
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no ack")
	}
	unblock()
	f.ack(t, "env-slow")
}
