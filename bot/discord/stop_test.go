package discord

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/jobs"
)

// holdEngine holds every request in Handle until release is closed or its
// context ends (then it reports on cut), and runs it after.
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

// TestGatewayEventInFlightAtStop: a gateway message being answered when
// Run's context ends (the signal) goes on, on the in-flight context: its
// reply reaches Discord when it finishes, and Run returns once it has; if
// the in-flight context ends first (the drain is over) the handler is cut
// and Run returns all the same. No event is taken after the signal.
func TestGatewayEventInFlightAtStop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cut  bool
	}{{"finishes within the drain", false}, {"cut when the drain ends", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev := newEnv(t, "fake-bot-token")
			eng := &holdEngine{Engine: ev.engine, started: make(chan struct{}, 2), release: make(chan struct{}), cut: make(chan struct{})}
			ev.a.engine = eng
			ctx, signal := context.WithCancel(context.Background())
			inflight, endDrain := context.WithCancel(context.Background())
			defer endDrain()
			done := make(chan error, 1)
			go func() { done <- ev.a.Run(ctx, inflight) }()
			waitReady(t, ev)

			from := len(ev.fake.Calls())
			mention := func(id string) {
				ev.fake.dispatch("MESSAGE_CREATE", map[string]any{"id": id, "channel_id": "500000000000000001",
					"guild_id": member.guild, "author": map[string]any{"id": member.user, "username": "alice"},
					"content":  "<@" + fakeBotID + "> domains cism",
					"mentions": []any{map[string]any{"id": fakeBotID, "username": "certcoach", "bot": true}}})
			}
			mention("210000000000000901")
			<-eng.started
			signal()
			mention("210000000000000902") // after the signal: not taken, if it arrives at all
			if tc.cut {
				endDrain()
				<-eng.cut
			} else {
				close(eng.release)
				c, _ := ev.fake.wait(from, func(c call) bool {
					return c.Method == "POST" && c.Path == "/api/v9/channels/500000000000000001/messages"
				})
				var m wireData
				c.JSON(t, &m)
				if txt := m.allText(); !strings.Contains(txt, "CISM domains") {
					t.Errorf("reply of the event in flight: %s", truncate(txt, 300))
				}
			}
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(time.Minute): // a guard against a hang, not a bound
				t.Fatal("Run did not return")
			}
			if n := len(eng.started); n != 0 {
				t.Errorf("%d events taken after the signal", n)
			}
		})
	}
}

// waitReady waits for the gateway's READY.
func waitReady(t *testing.T, ev *env) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ev.s.RLock()
		ready := ev.s.DataReady
		ev.s.RUnlock()
		if ready {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("gateway never became ready")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCloseCancelsAtItsDeadline: a deferred reply held up by Discord is
// waited for while Close's context lasts; when it ends, the reply's
// request is cancelled, Close returns once the job has returned, naming
// it, and nothing starts after.
func TestCloseCancelsAtItsDeadline(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "")
	held := make(chan struct{})
	ev.fake.stall.Store(&held)
	eng := &blockingEngine{Engine: ev.engine, started: make(chan struct{}, 1), release: make(chan struct{})}
	close(eng.release) // a slow command, held up only by Discord
	ev.a.engine = eng
	var i discordgo.Interaction
	if err := json.Unmarshal(mustJSON(command("640000000000000001", member, "help")), &i); err != nil {
		t.Fatal(err)
	}
	r := responder{respond: func(context.Context, *discordgo.InteractionResponse) error { return nil }}
	if err := ev.a.handle(context.Background(), &i, r); err != nil {
		t.Fatal(err)
	}
	<-held // the deferred reply is on its way to Discord, which holds it

	ctx, deadline := context.WithCancel(context.Background())
	closed := make(chan error, 1)
	go func() { closed <- ev.a.Close(ctx) }()
	for !closing(ev.a) {
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) before its context ended, the reply still on its way", err)
	default:
	}
	deadline()
	var err error
	select {
	case err = <-closed:
	case <-time.After(time.Minute): // a guard against a hang, not a bound
		t.Fatal("Close did not return after its context ended")
	}
	if ce, ok := errors.AsType[*jobs.CancelledError](err); !ok || ce.Jobs[jobDeferred] != 1 {
		t.Errorf("Close: %v, want the cancelled deferred reply named", err)
	}
	select {
	case <-held: // the fake saw the request end
	case <-time.After(time.Minute): // a guard against a hang, not a bound
		t.Error("the held request was never cancelled")
	}
	if ev.a.jobs.Start(jobRequest) {
		t.Error("work accepted after Close")
	}
}
