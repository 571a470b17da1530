package slack

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
)

type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stepClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *stepClock) Ticks(time.Duration) (<-chan time.Time, func()) {
	return make(chan time.Time), func() {}
}

// TestReminderDeliveredThroughSlack: a reminder set with `/cert remind` is
// delivered once as a Slack DM (conversations.open + chat.postMessage on a
// fake Slack on 127.0.0.1) at 07:30 Berlin time, with answer buttons.
func TestReminderDeliveredThroughSlack(t *testing.T) {
	t.Parallel()
	clk := &stepClock{t: time.Date(2027, 3, 27, 5, 0, 0, 0, time.UTC)}
	st, _ := openStore(t)
	kb := loadKB(t)
	eng := bot.NewEngine(kb, st, bot.Options{Clock: clk, Logger: slog.New(slog.DiscardHandler)})
	remind.Register(remind.Deps{Engine: eng, Store: st, KB: kb})
	rec := newRecorder()
	api := newFakeSlack(t, rec, nil)
	a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: "s", BotToken: "xoxb-test", APIURL: api.GetAPIURL(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	ctx := context.Background()
	actor := bot.Actor{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser, Channel: "C1"}
	if r := eng.Handle(ctx, bot.Request{Actor: actor, Text: "remind 07:30 Europe/Berlin"}); r.Outcome != bot.OutcomeOK {
		t.Fatalf("remind: %s", r.Body)
	}
	s := remind.New(remind.Deps{Engine: eng, Store: st, KB: kb}, map[string]remind.Notifier{bot.PlatformSlack: a}, remind.Options{Clock: clk, Logger: slog.New(slog.DiscardHandler)})
	posts := func() []recorded {
		var out []recorded
		for _, r := range rec.all() {
			if r.Path == "/chat.postMessage" {
				out = append(out, r)
			}
		}
		return out
	}
	clk.Set(time.Date(2027, 3, 27, 6, 29, 59, 0, time.UTC)) // 07:29:59 CET
	if _, err := s.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(posts()); n != 0 {
		t.Fatalf("%d posts before 07:30", n)
	}
	clk.Set(time.Date(2027, 3, 27, 6, 30, 0, 0, time.UTC)) // 07:30 CET
	for range 2 {
		if _, err := s.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	p := posts()
	if len(p) != 1 {
		t.Fatalf("%d posts at 07:30, want exactly 1", len(p))
	}
	if ch := p[0].Form.Get("channel"); ch != "D0DM" {
		t.Errorf("posted to %q, want the DM channel from conversations.open", ch)
	}
	if blocks := p[0].Form.Get("blocks"); !strings.Contains(blocks, "remind:answer:") {
		t.Errorf("reminder DM has no answer buttons: %s", blocks)
	}
}

// TestRemindThroughSlashCommand: newEnv registers remind and group as the
// real binary does, so `/cert remind` and `/cert group` are commands, not
// unknown words, through the slash command handler.
func TestRemindThroughSlashCommand(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, c := range []struct{ text, want string }{
		{"remind 07:30 Europe/Berlin", "07:30"},
		{"remind", "07:30"},
		{"help remind", "remind pause"},
		{"group", "channel"},
	} {
		status, m := e.slash(testUser, c.text)
		if status != 200 || !strings.Contains(string(m.raw), c.want) || strings.Contains(string(m.raw), "Unknown command") {
			t.Errorf("/cert %s: status %d, want %q: %.400s", c.text, status, c.want, m.raw)
		}
	}
}
