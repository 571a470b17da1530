package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// TestDeliverErrorLogsNoToken: when the deferred-reply edit fails in
// transport, the logged error must not quote the webhook URL, whose path
// carries the interaction token.
func TestDeliverErrorLogsNoToken(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "")
	var buf bytes.Buffer
	ev.a.log = slog.New(slog.NewJSONHandler(&buf, nil))
	ev.fake.hangUp.Store(true)
	const token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQtdG9rZW4"
	i := &discordgo.Interaction{ID: "620000000000000001", AppID: "app1", Token: token, Type: discordgo.InteractionApplicationCommand}

	ev.a.deliver(context.Background(), i, replyFixture(), false)

	ev.fake.wait(0, func(c call) bool { return strings.Contains(c.Path, token) }) // edit, or follow-up for a public reply
	out := buf.String()
	if !strings.Contains(out, "deliver deferred reply") || !strings.Contains(out, `"err":`) {
		t.Fatalf("error path not logged: %s", out)
	}
	if strings.Contains(out, token) || strings.Contains(out, "/webhooks/") {
		t.Errorf("log leaks the webhook URL or token: %s", out)
	}
}

// blockingEngine is an engine whose every command is slow and runs until
// release is closed.
type blockingEngine struct {
	Engine
	started chan struct{}
	release chan struct{}
}

func (b *blockingEngine) Prepare(req bot.Request) bot.Prepared {
	p := b.Engine.Prepare(req)
	p.Info.Slow = true
	return p
}

func (b *blockingEngine) Handle(ctx context.Context, req bot.Request) bot.Reply {
	b.started <- struct{}{}
	<-b.release
	return b.Engine.Handle(ctx, req)
}

// TestCloseWaitsForDeferredEdit: Close, called while a slow command is
// still running after its deferred response, returns only once the edit
// carrying the reply has reached Discord; interactions after Close are
// refused without reaching the engine.
func TestCloseWaitsForDeferredEdit(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "")
	eng := &blockingEngine{Engine: ev.engine, started: make(chan struct{}, 1), release: make(chan struct{})}
	ev.a.engine = eng
	var sent []*discordgo.InteractionResponse
	r := responder{respond: func(_ context.Context, resp *discordgo.InteractionResponse) error {
		sent = append(sent, resp)
		return nil
	}}
	interact := func(id string) *discordgo.Interaction {
		t.Helper()
		var i discordgo.Interaction
		if err := json.Unmarshal(mustJSON(command(id, member, "help")), &i); err != nil {
			t.Fatal(err)
		}
		return &i
	}
	if err := ev.a.handle(context.Background(), interact("630000000000000001"), r); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("initial response: %+v, want one deferred response", sent)
	}
	<-eng.started

	closed := make(chan error, 1)
	go func() { closed <- ev.a.Close(context.Background()) }()
	for !closing(ev.a) { // Close has begun before the command may finish
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while the command was still running", err)
	default:
	}
	close(eng.release)
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the command finished")
	}
	edited := false
	for _, c := range ev.fake.Calls() { // no waiting: Close has returned
		edited = edited || c.Method == "PATCH" && strings.Contains(c.Path, "/tok-630000000000000001/messages/@original")
	}
	if !edited {
		t.Errorf("deferred edit not sent before Close returned; calls %+v", ev.fake.Calls())
	}

	if err := ev.a.handle(context.Background(), interact("630000000000000002"), r); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || sent[1].Type != discordgo.InteractionResponseChannelMessageWithSource ||
		!strings.Contains(sent[1].Data.Embeds[0].Description, "restarting") {
		t.Errorf("after Close: %+v, want the restarting notice", sent[1:])
	}
	select {
	case <-eng.started:
		t.Error("a command reached the engine after Close")
	default:
	}
}

func closing(a *Adapter) bool { return a.jobs.Closing() }
