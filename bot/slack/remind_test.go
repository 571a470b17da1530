package slack

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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

// TestRemindChecksDM: `/cert remind` in a channel, turning a reminder on,
// DMs the asker through the fake Slack (conversations.open, then
// chat.postMessage to the DM channel) so that a refusal is told at once:
// when conversations.open answers cannot_dm_bot the reply says the DM was
// refused and what to change. A reminder already on is not checked again.
func TestRemindChecksDM(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		refuse  bool
		want    string // in the reply
		wantDMs int    // check DMs posted
	}{
		{name: "delivered", want: "Daily reminder set for 07:30", wantDMs: 1},
		{name: "refused", refuse: true, want: "the DM I just sent you was refused", wantDMs: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var extra map[string]http.HandlerFunc
			opened := make(chan struct{}, 4)
			if tc.refuse {
				extra = map[string]http.HandlerFunc{"/conversations.open": func(w http.ResponseWriter, _ *http.Request) {
					opened <- struct{}{}
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, `{"ok":false,"error":"cannot_dm_bot"}`)
				}}
			}
			e := newEnvFake(t, nil, nil, extra)
			dms := func() []recorded {
				var out []recorded
				for _, r := range e.web.all() {
					if r.Path == "/chat.postMessage" && r.Form.Get("channel") == "D0DM" {
						out = append(out, r)
					}
				}
				return out
			}
			status, m := e.slash(testUser, "remind 07:30 Europe/Berlin")
			if status != 200 || !strings.Contains(string(m.raw), tc.want) {
				t.Fatalf("/cert remind: status %d, want %q: %.600s", status, tc.want, m.raw)
			}
			if tc.refuse {
				if len(opened) != 1 {
					t.Errorf("conversations.open called %d times, want 1", len(opened))
				}
				if !strings.Contains(string(m.raw), "Slack refused it") {
					t.Errorf("refusal not explained: %.600s", m.raw)
				}
			} else if strings.Contains(string(m.raw), "refused") {
				t.Errorf("a delivered check DM reported refused: %.600s", m.raw)
			}
			got := dms()
			if len(got) != tc.wantDMs {
				t.Fatalf("%d check DMs posted, want %d", len(got), tc.wantDMs)
			}
			if tc.wantDMs > 0 && !strings.Contains(got[0].Form.Get("text")+got[0].Form.Get("blocks"), "Your daily reminder is on") {
				t.Errorf("check DM: %v", got[0].Form)
			}
			if tc.refuse {
				return
			}
			if status, m := e.slash(testUser, "remind 08:00 Europe/Berlin"); status != 200 || !strings.Contains(string(m.raw), "08:00") {
				t.Fatalf("/cert remind again: status %d: %.600s", status, m.raw)
			}
			if n := len(dms()); n != tc.wantDMs {
				t.Errorf("%d check DMs after changing a reminder already on, want still %d", n, tc.wantDMs)
			}
		})
	}
}

// TestGroupChecksMembership: `/cert group daily` in a channel the bot is
// not in (chat.postEphemeral answers not_in_channel) tells the admin to
// invite it and sets nothing; where it can post, the question is set.
func TestGroupChecksMembership(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		refuse    bool
		want      string
		reminders int
	}{
		{name: "member", want: "set for this channel", reminders: 1},
		{name: "not a member", refuse: true, want: "/invite @certcoach", reminders: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var extra map[string]http.HandlerFunc
			if tc.refuse {
				extra = map[string]http.HandlerFunc{"/chat.postEphemeral": func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, `{"ok":false,"error":"not_in_channel"}`)
				}}
			}
			e := newEnvFake(t, nil, nil, extra)
			status, m := e.slash(testAdmin, "group daily 09:00 Europe/Berlin")
			if status != 200 || !strings.Contains(string(m.raw), tc.want) {
				t.Fatalf("status %d, want %q: %.400s", status, tc.want, m.raw)
			}
			if tc.refuse && strings.Contains(string(m.raw), "set for this channel") {
				t.Errorf("claims it is set: %.400s", m.raw)
			}
			if n := e.count("reminders"); n != tc.reminders {
				t.Errorf("%d reminders stored, want %d", n, tc.reminders)
			}
		})
	}
}

// TestFirstRemindUsesProfileZone: a new user's first `/cert remind 07:30`
// waits for users.info and takes the profile's zone instead of asking.
func TestFirstRemindUsesProfileZone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, m := e.slash(testUser, "remind 07:30")
	if status != 200 || !strings.Contains(string(m.raw), "07:30") || !strings.Contains(string(m.raw), "Europe/Paris") {
		t.Fatalf("status %d: %.400s", status, m.raw)
	}
	if n := e.count("reminders"); n != 1 {
		t.Errorf("%d reminders stored, want 1", n)
	}
}

// TestGroupRoleUnknown: when users.info does not answer in time, an admin
// is told the role could not be checked, not that only admins may; a
// member who is not an admin is told Slack's rule only.
func TestGroupRoleUnknown(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	e := newEnvFake(t, nil, nil, map[string]http.HandlerFunc{"/users.info": func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		u := r.PostForm.Get("user")
		if u == testAdmin {
			<-release // slower than the command may wait
		}
		_, _ = fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":"n","tz":"Europe/Paris","is_admin":%t}}`, u, u == testAdmin)
	}})
	t.Cleanup(func() { close(release) }) // before the fake Slack stops
	_, m := e.slash(testAdmin, "group daily 09:00 Europe/Berlin")
	if raw := string(m.raw); !strings.Contains(raw, "could not check your role") || strings.Contains(raw, "Only people") {
		t.Errorf("admin, role unknown: %.400s", raw)
	}
	_, m = e.slash(testUser, "group daily 09:00 Europe/Berlin")
	if raw := string(m.raw); !strings.Contains(raw, "workspace admins and owners") || strings.Contains(raw, "Discord") {
		t.Errorf("member: %.400s", raw)
	}
	if n := e.count("reminders"); n != 0 {
		t.Errorf("%d reminders stored, want 0", n)
	}
}
