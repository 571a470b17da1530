package slack

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/certcoach/certcoach/bot"
)

// holdEngine holds every request in Handle until release is closed or its
// context ends (then it closes cut), and runs it after.
type holdEngine struct {
	Engine
	started chan struct{}
	release chan struct{}
	cut     chan struct{}
}

func (h *holdEngine) Handle(ctx context.Context, req bot.Request) bot.Reply {
	h.started <- struct{}{}
	select {
	case <-h.release:
	case <-ctx.Done():
		close(h.cut)
	}
	return h.Engine.Handle(ctx, req)
}

// guard fails t if ch yields nothing: a guard against a hang, not a bound
// on how long anything takes.
func guard[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("%s: still waiting after a minute", what)
		var zero T
		return zero
	}
}

// TestSocketModeEventInFlightAtStop: a slash command being handled over
// Socket Mode when RunSocketMode's context ends (the signal) goes on, on the
// in-flight context: its reply is delivered when it finishes, and
// RunSocketMode returns once it has; if the in-flight context ends first
// (the drain is over) the handler is cut and RunSocketMode returns all the
// same. No event is taken after the signal.
func TestSocketModeEventInFlightAtStop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cut  bool
	}{{"finishes within the drain", false}, {"cut when the drain ends", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, _ := openStore(t)
			inner := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
			eng := &holdEngine{Engine: inner, started: make(chan struct{}, 2), release: make(chan struct{}), cut: make(chan struct{})}
			f := &fakeSocket{conns: make(chan *websocket.Conn, 4), acks: make(chan map[string]any, 16)}
			hooks := newRecorder()
			api := newFakeSlack(t, newRecorder(), map[string]http.HandlerFunc{"/ws": f.ws})
			hook := newHookServer(t, hooks)
			a, err := New(Config{Engine: eng, Dedup: st, BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: api.GetAPIURL(),
				Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = a.Close(context.Background()) })
			a.Start(context.Background())
			ctx, signal := context.WithCancel(context.Background())
			inflight, endDrain := context.WithCancel(context.Background())
			defer endDrain()
			done := make(chan error, 1)
			go func() { done <- a.RunSocketMode(ctx, inflight) }()
			c := f.conn(t)

			send(t, c, slashEnvelope(hook, "env-1", "domains cism"))
			guard(t, eng.started, "the command reaching the engine")
			signal()
			send(t, c, slashEnvelope(hook, "env-2", "help")) // after the signal: not taken
			if tc.cut {
				endDrain()
				guard(t, eng.cut, "the cut of the command in flight")
			} else {
				close(eng.release)
				p := hooks.wait(t, 1)[0]
				if p.Path != "/commands/env-1" {
					t.Fatalf("reply posted to %s, want env-1's response_url", p.Path)
				}
				raw, _ := json.Marshal(p.JSON)
				if msg := decode(t, raw); msg.ResponseType != "ephemeral" || !strings.Contains(string(raw), "CISM") {
					t.Errorf("reply of the command in flight: %.300s", raw)
				}
			}
			if err := guard(t, done, "RunSocketMode's return"); err != nil {
				t.Errorf("RunSocketMode: %v", err)
			}
			if n := len(eng.started); n != 0 {
				t.Errorf("%d events taken after the signal", n)
			}
		})
	}
}

// TestCloseCancelsAtItsDeadline: an event's reply held up by Slack's Web
// API is waited for while Close's context lasts; when it ends, the reply's
// request is cancelled and Close returns once the job has returned,
// naming it; no job starts after.
func TestCloseCancelsAtItsDeadline(t *testing.T) {
	t.Parallel()
	st, _ := openStore(t)
	eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	held, ended := make(chan struct{}), make(chan struct{})
	api := newFakeSlack(t, newRecorder(), map[string]http.HandlerFunc{"/chat.postMessage": func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server watches the connection, and sees it close
		close(held)
		<-r.Context().Done()
		close(ended)
	}})
	a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: testSecret, BotToken: "xoxb-test", APIURL: api.GetAPIURL(),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	srv := httptest.NewServer(a)
	defer srv.Close()
	deliverEvent(t, srv.URL, eventBody("EvCLOSE1", mention("<@"+botUser+"> compare", "1700000009.1")), 0)
	guard(t, held, "the reply reaching Slack")

	ctx, deadline := context.WithCancel(context.Background())
	closed := make(chan error, 1)
	go func() { closed <- a.Close(ctx) }()
	for !a.spawnsRefused() {
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) before its context ended, the reply still on its way", err)
	default:
	}
	deadline()
	err = guard(t, closed, "Close after its context ended")
	if err == nil || !strings.Contains(err.Error(), "event (1)") {
		t.Errorf("Close: %v, want the cancelled event job named", err)
	}
	guard(t, ended, "the held request's cancellation")
	if a.spawn("late", func(context.Context) { t.Error("a job ran after Close") }) {
		t.Error("a job was accepted after Close")
	}
}

// spawnsRefused reports whether Close has begun.
func (a *Adapter) spawnsRefused() bool {
	return a.jobs.Closing()
}
