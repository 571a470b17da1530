package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/storage"
)

// TestRemindFormsOnDiscord: Discord has no profile time zone, so a first
// /cert remind set is asked for one; the reply gives the form /cert takes
// there (sub-command and options), and that form sets the reminder; off
// says how to turn it back on in that form. The channel's question of the
// day is asked the same way.
func TestRemindFormsOnDiscord(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	n := 0
	run := func(w who, line string) string {
		t.Helper()
		n++
		code, body := h.post(t, mustJSON(command(fmt.Sprint(650000000000000000+n), w, line)), time.Now(), testKey)
		var r wireResponse
		if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
			t.Fatalf("%s: %d %s", line, code, truncate(string(body), 300))
		}
		return r.Data.allText()
	}
	for _, c := range []struct {
		who        who
		line, want string
	}{
		{member, "remind show", "`/cert remind set time:07:30 zone:Europe/Berlin`"},
		{member, "remind set time=7:30", "`/cert remind set time:07:30 zone:Europe/Berlin`"},
		{member, "remind set time=7:30 zone=Europe/Berlin", "Daily reminder set for 07:30 Europe/Berlin"},
		{member, "remind off", "`/cert remind set time:07:30` turns it back on"},
		{admin, "group show", "`/cert group daily time:09:00 zone:Europe/Berlin`"},
		{admin, "group daily time=9:00", "`/cert group daily time:09:00 zone:Europe/Berlin`"},
	} {
		if got := run(c.who, c.line); !strings.Contains(got, c.want) || strings.Contains(got, "`remind 07:30") || strings.Contains(got, "`group daily 09:00") {
			t.Errorf("/cert %s: %s, want %q", c.line, truncate(got, 300), c.want)
		}
	}
}

// TestReminderDMNamesWhereToChangeIt: a reminder set by /cert on a server
// arrives as a DM whose footer names /cert on that server to stop or pause
// it (typed words in the DM, and its own /cert, reach the DM's scope, not
// the server's); one set in a DM names the words the DM reads. Set through
// the interactions endpoint, sent by the Notifier to the fake Discord.
func TestReminderDMNamesWhereToChangeIt(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "fake-bot-token")
	srv := httptest.NewServer(ev.a.HTTPHandler(testKey.Public().(ed25519.PublicKey)))
	t.Cleanup(srv.Close)
	h := &httpEnv{env: ev, srv: srv}
	ctx := context.Background()
	var due time.Time
	for i, w := range []who{member, dmUser} {
		code, body := h.post(t, mustJSON(command(fmt.Sprint(670000000000000000+i), w, "remind set time=07:30 zone=Europe/Berlin")), time.Now(), testKey)
		if code != 200 || !strings.Contains(string(body), "Daily reminder set") {
			t.Fatalf("%s: %d %s", w.guild, code, truncate(string(body), 300))
		}
		ws := w.guild
		if ws == "" {
			ws = "dm:" + w.user
		}
		r, err := ev.store.ReminderFor(ctx, storage.ReminderUser, bot.PlatformDiscord, ws, w.user)
		if err != nil {
			t.Fatal(err)
		}
		due = r.DueAt // both at the same local time
	}
	s := remind.New(remind.Deps{Engine: ev.engine, Store: ev.store, KB: ev.kb}, map[string]remind.Notifier{bot.PlatformDiscord: ev.a.Notifier()},
		remind.Options{Clock: fixedClock{due.Add(time.Minute)}, Logger: quietLogger()})
	if _, err := s.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	var dms []string
	for _, c := range ev.fake.Calls() {
		if c.Method == "POST" && c.Path == "/api/v9/channels/700000000000000001/messages" {
			var m wireData
			c.JSON(t, &m)
			if text := m.allText(); !strings.Contains(text, "Your daily reminder is on") { // not the DM that set checks with
				dms = append(dms, text)
			}
		}
	}
	server, own := "`/cert remind off` on the server stops these · `/cert remind pause days:<days>` on the server takes a break",
		"`remind off` stops these · `remind pause <days>` takes a break"
	if len(dms) != 2 || !strings.Contains(strings.Join(dms, "\n"), server) || !strings.Contains(strings.Join(dms, "\n"), own) {
		t.Errorf("want a DM with %q and one with %q, got %d:\n%s", server, own, len(dms), strings.Join(dms, "\n---\n"))
	}
}

// fixedClock is a remind.Clock that stays at one time and never ticks.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func (fixedClock) Ticks(time.Duration) (<-chan time.Time, func()) { return nil, func() {} }

// TestRefusedDMTurnsReminderOff: Discord answers a reminder's DM with 403
// code 50007 (the user takes no DMs from the bot). The scheduler, with a
// real SQLite store, tries once, does not retry, turns the reminder off,
// and /cert remind says why and how to turn it back on.
func TestRefusedDMTurnsReminderOff(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	ctx := context.Background()
	code, body := h.post(t, mustJSON(command("680000000000000001", member, "remind set time=07:30 zone=Europe/Berlin")), time.Now(), testKey)
	if code != 200 || !strings.Contains(string(body), "Daily reminder set") {
		t.Fatalf("set: %d %s", code, truncate(string(body), 300))
	}
	r, err := h.store.ReminderFor(ctx, storage.ReminderUser, bot.PlatformDiscord, member.guild, member.user)
	if err != nil {
		t.Fatal(err)
	}
	h.fake.refuseDMs.Store(true)
	posts := func() int {
		n := 0
		for _, c := range h.fake.Calls() {
			if c.Method == "POST" && c.Path == "/api/v9/channels/"+fakeDMChannel+"/messages" {
				n++
			}
		}
		return n
	}
	for _, at := range []time.Time{r.DueAt.Add(time.Minute), r.DueAt.Add(time.Hour), r.DueAt.Add(24 * time.Hour)} {
		s := remind.New(remind.Deps{Engine: h.engine, Store: h.store, KB: h.kb}, map[string]remind.Notifier{bot.PlatformDiscord: NewNotifier(h.s, nil)},
			remind.Options{Clock: fixedClock{at}, Logger: quietLogger()})
		st, err := s.RunDue(ctx)
		if err != nil || st.Retrying != 0 {
			t.Fatalf("pass at %s: %+v %v", at, st, err)
		}
	}
	if n := posts(); n != 1 {
		t.Fatalf("%d DM posts, want 1 (no retry, no next day)", n)
	}
	got, err := h.store.ReminderByID(ctx, r.ID)
	if err != nil || !got.NextFire.IsZero() || got.Stopped != storage.StopDMRefused {
		t.Fatalf("reminder after refusal: %+v %v", got, err)
	}
	code, body = h.post(t, mustJSON(command("680000000000000002", member, "remind show")), time.Now(), testKey)
	var resp wireResponse
	if code != 200 || json.Unmarshal(body, &resp) != nil || resp.Data == nil {
		t.Fatalf("show: %d %s", code, truncate(string(body), 300))
	}
	text := resp.Data.allText()
	for _, want := range []string{"could not be delivered by DM", "direct messages from this server's members", "`/cert remind resume`"} {
		if !strings.Contains(text, want) {
			t.Errorf("remind show: %s, want %q", truncate(text, 400), want)
		}
	}
}

// TestRemindSetChecksDMs: setting a reminder through /cert sends the user
// a DM saying it is on; when Discord refuses that DM (403 50007) the reply
// to the setting says so at once, with what to change, and the reminder
// stays set. Only a reminder newly on is checked: resuming one already on
// sends nothing. Without a bot token (HTTP interactions only) nothing is
// sent.
func TestRemindSetChecksDMs(t *testing.T) {
	t.Parallel()
	const set = "remind set time=07:30 zone=Europe/Berlin"
	for _, tc := range []struct {
		name          string
		token         string
		refuse        bool
		before        []string // run first
		line          string
		dmPosts       int
		want, wantNot string
	}{
		{name: "DMs open", token: "fake-bot-token", line: "remind set time=07:30 zone=Europe/Berlin", dmPosts: 1,
			want: "Daily reminder set for 07:30 Europe/Berlin", wantNot: "refused"},
		{name: "DMs refused", token: "fake-bot-token", refuse: true, line: "remind set time=07:30 zone=Europe/Berlin", dmPosts: 1,
			want: "the DM I just sent you was refused, so reminders cannot reach you yet. Discord refused it: allow direct messages from this server's members"},
		{name: "refused on resume", token: "fake-bot-token", refuse: true, before: []string{set, "remind off"}, line: "remind resume", dmPosts: 2,
			want: "Daily reminder on. Next:"},
		{name: "resume while on", token: "fake-bot-token", refuse: true, before: []string{set}, line: "remind resume", dmPosts: 1,
			want: "Daily reminder on. Next:", wantNot: "refused"},
		{name: "no bot token", token: "", refuse: true, line: "remind set time=07:30 zone=Europe/Berlin", dmPosts: 0,
			want: "Daily reminder set for 07:30 Europe/Berlin", wantNot: "refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := newEnv(t, tc.token)
			srv := httptest.NewServer(ev.a.HTTPHandler(testKey.Public().(ed25519.PublicKey)))
			t.Cleanup(srv.Close)
			h := &httpEnv{env: ev, srv: srv}
			ev.fake.refuseDMs.Store(tc.refuse)
			n := 0
			run := func(line string) string {
				t.Helper()
				n++
				code, body := h.post(t, mustJSON(command(fmt.Sprint(690000000000000000+n), member, line)), time.Now(), testKey)
				var r wireResponse
				if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
					t.Fatalf("%s: %d %s", line, code, truncate(string(body), 300))
				}
				return r.Data.allText()
			}
			for _, line := range tc.before {
				run(line)
			}
			got := run(tc.line)
			if !strings.Contains(got, tc.want) || tc.wantNot != "" && strings.Contains(got, tc.wantNot) {
				t.Errorf("/cert %s: %s\nwant %q, not %q", tc.line, truncate(got, 500), tc.want, tc.wantNot)
			}
			if tc.refuse && tc.token != "" && tc.wantNot == "" && !strings.Contains(got, "refused") {
				t.Errorf("/cert %s: the refused DM is not mentioned: %s", tc.line, truncate(got, 500))
			}
			if n := countPosts(ev.fake, "/api/v9/channels/"+fakeDMChannel+"/messages"); n != tc.dmPosts {
				t.Errorf("%d DMs posted, want %d", n, tc.dmPosts)
			}
			r, err := ev.store.ReminderFor(context.Background(), storage.ReminderUser, bot.PlatformDiscord, member.guild, member.user)
			if err != nil || r.NextFire.IsZero() {
				t.Errorf("reminder after the check: %+v %v, want it set", r, err)
			}
		})
	}
}
