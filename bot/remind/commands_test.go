package remind

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

func TestRemindCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-03-26T10:00:00Z")) // a Friday
	disc := dmActor("d1")
	// Discord users with no zone are asked for one, in /cert's form.
	r := e.do(disc, "remind 07:30")
	mustContain(t, r.Body, "Which time zone", "`/cert remind set time:07:30 zone:Europe/Berlin`")
	if r.Outcome != bot.OutcomeUserError || !r.Private {
		t.Errorf("no-zone reply %+v", r)
	}
	for _, bad := range []string{"remind 7", "remind 25:00 Europe/Berlin", "remind 07:30 Mars/Base", "remind 07:30 Europe/Berlin extra", "remind pause x"} {
		r := e.do(disc, bad)
		if r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, "`") {
			t.Errorf("%q: %+v", bad, r)
		}
	}
	mustContain(t, e.do(disc, "remind 07:30 europe/berlin").Body, "07:30 Europe/Berlin", "Next: Sat 27 Mar 2027 07:30 CET")
	mustContain(t, e.do(disc, "remind").Body, "Daily reminder at 07:30 Europe/Berlin", "Next: Sat 27 Mar 2027 07:30 CET")
	// Changing the time keeps the zone.
	mustContain(t, e.do(disc, "remind 06:00").Body, "06:00 Europe/Berlin", "Next: Sat 27 Mar 2027 06:00 CET")
	mustContain(t, e.do(disc, "remind weekends off").Body, "Quiet weekends", "Next: Mon 29 Mar 2027 06:00 CEST")
	// Friday's reminder is past: Saturday to Monday are paused.
	mustContain(t, e.do(disc, "remind pause 3").Body, "Paused for 3 days", "Next: Tue 30 Mar 2027 06:00 CEST")
	mustContain(t, e.do(disc, "remind").Body, "resume on 2027-03-30", "Quiet weekends")
	mustContain(t, e.do(disc, "remind resume").Body, "Next: Mon 29 Mar 2027 06:00 CEST")
	mustContain(t, e.do(disc, "remind weekends on").Body, "weekends too", "Next: Sat 27 Mar 2027 06:00 CET")
	mustContain(t, e.do(disc, "remind off").Body, "Daily reminder off")
	mustContain(t, e.do(disc, "remind").Body, "no daily reminder")
	mustContain(t, e.do(disc, "remind on").Body, "Daily reminder on", "Sat 27 Mar 2027 06:00 CET")
	e.do(disc, "remind off")
	if r := e.do(disc, "remind pause 2"); !strings.Contains(r.Body, "no daily reminder on") {
		t.Errorf("pause when off: %q", r.Body)
	}
	// A Slack user's profile zone is the default.
	sl := bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", TimeZone: "America/New_York", DM: true}
	mustContain(t, e.do(sl, "remind 8:05").Body, "08:05 America/New_York", "profile", "Next: Fri 26 Mar 2027 08:05 EDT")
	// The console's zone is the machine's: it has no profile.
	con := bot.Actor{Platform: bot.PlatformConsole, Workspace: "local", User: "me", TimeZone: "Europe/Paris", DM: true}
	if r := e.do(con, "remind 8:05"); !strings.Contains(r.Body, "08:05 Europe/Paris (this computer's time zone;") || strings.Contains(r.Body, "profile") {
		t.Errorf("console reminder in the machine's zone: %q", r.Body)
	}
	// The zone a user gives becomes theirs.
	u, err := e.eng.User(context.Background(), disc)
	if err != nil || u.TZ != "Europe/Berlin" || u.TZSource != "user" {
		t.Errorf("user zone %q %q %v", u.TZ, u.TZSource, err)
	}
}

func TestReminderAnswerRecordsOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	me := dmActor("ans")
	e.do(me, "remind 07:30 UTC")
	n := &fakeNotifier{clock: e.clock}
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	if _, err := e.scheduler(n, Options{}).RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	dm := n.all()[0].reply
	if !strings.HasPrefix(dm.Buttons[0].ID, "remind:answer:") {
		t.Fatalf("button %q", dm.Buttons[0].ID)
	}
	first := e.click(me, dm.Buttons[1].ID)
	if first.Outcome != bot.OutcomeOK || !(strings.Contains(first.Body, "Correct") || strings.Contains(first.Body, "Not quite")) {
		t.Fatalf("answer reply %+v", first)
	}
	again := e.click(me, dm.Buttons[0].ID)
	mustContain(t, again.Body, "already answered", "(B)")
	// Someone else cannot answer my reminder.
	if r := e.click(dmActor("other"), dm.Buttons[0].ID); r.Outcome != bot.OutcomeUserError {
		t.Errorf("other user's click: %+v", r)
	}
	key := storage.UserKey{Platform: "discord", Workspace: "g1", User: "ans"}
	if c, _ := e.store.CountAnswers(context.Background(), key); c != 1 {
		t.Errorf("%d answers recorded", c)
	}
	// After `forget` the button is stale, and clicking it stores nothing.
	e.do(me, "forget yes")
	if r := e.click(me, dm.Buttons[2].ID); r.Outcome != bot.OutcomeUserError {
		t.Errorf("click after forget: %+v", r)
	}
	if _, err := e.store.UserByKey(context.Background(), key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the forgotten user is stored again: %v", err)
	}
}

func TestGroupQuestionOfTheDay(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-05-30T12:00:00Z")) // Sunday
	ch := func(user string, admin bool) bot.Actor {
		return bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1", User: user, Name: "Member " + user, CanManage: admin}
	}
	if r := e.do(ch("m1", false), "group daily 09:00 Europe/Berlin"); !r.Private || !strings.Contains(r.Body, "Only") {
		t.Errorf("non-admin: %+v", r)
	}
	if r := e.do(ch("m1", false), "group off"); !strings.Contains(r.Body, "Only") {
		t.Errorf("non-admin off: %+v", r)
	}
	if r := e.do(ch("admin", true), "group daily 9:00"); r.Outcome != bot.OutcomeUserError {
		t.Errorf("no zone: %+v", r)
	}
	mustContain(t, e.do(ch("admin", true), "group daily 09:00 Europe/Berlin").Body, "09:00 Europe/Berlin", "Next: Mon 31 May 2027 09:00 CEST")
	n := &fakeNotifier{clock: e.clock}
	s := e.scheduler(n, Options{})
	ctx := context.Background()
	post := func(day string) bot.Reply {
		t.Helper()
		e.clock.Set(utc(day + "T07:00:00Z")) // 09:00 CEST
		before := len(n.all())
		if _, err := s.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		all := n.all()
		if len(all) != before+1 || all[len(all)-1].target != "ch:C1" {
			t.Fatalf("%s: %d posts", day, len(all)-before)
		}
		return all[len(all)-1].reply
	}
	// Members answer every day for a week; mN gets it right on N of the days.
	days := []string{"2027-05-31", "2027-06-01", "2027-06-02", "2027-06-03", "2027-06-04", "2027-06-05", "2027-06-06"}
	var lastDist map[int]int
	var lastQ string
	for di, day := range days {
		p := post(day)
		if di > 0 {
			mustContain(t, p.Body, "Yesterday's question", fmt.Sprintf("%d in all", sum(lastDist)), "Correct: **"+lastQ)
			for c, k := range lastDist {
				mustContain(t, p.Body, fmt.Sprintf("%c %d (", letters[c], k))
			}
		}
		if strings.Contains(p.Body, "top 5") {
			t.Errorf("%s: top 5 on a non-Monday", day)
		}
		right := correctChoice(t, p)
		lastDist = map[int]int{}
		for m := 1; m <= 7; m++ {
			choice := (right + 1) % len(p.Buttons)
			if m > di { // member m is right on the first m days
				choice = right
			}
			r := e.click(ch(fmt.Sprintf("m%d", m), false), fmt.Sprintf("%s%d", p.Buttons[0].ID[:len(p.Buttons[0].ID)-1], choice))
			if r.Outcome != bot.OutcomeOK {
				t.Fatalf("answer: %+v", r)
			}
			lastDist[choice]++
		}
		// m1 answers twice: nothing changes.
		if r := e.click(ch("m1", false), p.Buttons[0].ID); !strings.Contains(r.Body, "already answered") {
			t.Errorf("second answer: %q", r.Body)
		}
		lastQ = string(letters[right]) + ")"
	}
	monday := post("2027-06-07")
	mustContain(t, monday.Body, "Last week's top 5:", "1. Member m7: 7 correct of 7", "2. Member m6: 6 correct of 7", "5. Member m3: 3 correct of 7")
	if strings.Contains(monday.Body, "Member m2:") {
		t.Error("top 5 lists a sixth member")
	}
	// A post is closed once the next one is out.
	if r := e.click(ch("m1", false), "qotd:answer:1:0"); r.Outcome != bot.OutcomeUserError {
		t.Errorf("closed post: %+v", r)
	}
	// Another workspace cannot answer.
	other := bot.Actor{Platform: bot.PlatformSlack, Workspace: "T2", Channel: "C1", User: "x"}
	if r := e.click(other, monday.Buttons[0].ID); r.Outcome != bot.OutcomeUserError {
		t.Errorf("other workspace: %+v", r)
	}
	// Each member's answers count for their own progress: 7 days each.
	if c, _ := e.store.CountAnswers(ctx, storage.UserKey{Platform: "slack", Workspace: "T1", User: "m1"}); c != 7 {
		t.Errorf("m1 has %d answers", c)
	}
	mustContain(t, e.do(ch("admin", true), "group off").Body, "off")
	e.clock.Set(utc("2027-06-08T07:00:00Z"))
	s.RunDue(ctx)
	if got := len(n.all()); got != 8 {
		t.Errorf("posts after off: %d", got)
	}
}

func sum(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// correctChoice finds the right answer of a posted question through the KB.
func correctChoice(t *testing.T, p bot.Reply) int {
	t.Helper()
	kb := testKB(t)
	// Today's question comes last; yesterday's stem may also be in the body.
	best, at := -1, -1
	for _, q := range kb.Questions {
		if i := strings.LastIndex(p.Body, q.Stem); i > at {
			best, at = q.AnswerIndex(), i
		}
	}
	if at < 0 {
		t.Fatal("posted question not in the knowledge base")
	}
	return best
}

// Export lists a user's reminder rows and forget removes them.
func TestExportAndForget(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T00:00:00Z"))
	me := dmActor("gdpr")
	e.do(me, "remind 07:30 UTC")
	e.clock.Set(utc("2027-06-01T07:30:00Z"))
	e.scheduler(&fakeNotifier{clock: e.clock}, Options{}).RunDue(context.Background())
	u, _ := e.eng.User(context.Background(), me)
	data, err := e.store.ExportUser(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(data["reminders"]) != 1 || len(data["reminder_sends"]) != 1 {
		t.Errorf("export: reminders %d, sends %d", len(data["reminders"]), len(data["reminder_sends"]))
	}
	if err := e.store.DeleteUser(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.store.CountUserRows(context.Background(), u.ID); n != 0 {
		t.Errorf("%d rows left after forget", n)
	}
	_ = time.Second
}

// A week's top 5 is not lost when its Monday post is skipped (downtime): the
// first post of the new week carries it.
func TestWeeklyTopFiveAfterSkippedMonday(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-05T12:00:00Z")) // Saturday
	ch := func(user string) bot.Actor {
		return bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1", User: user, Name: "Member " + user, CanManage: true}
	}
	e.do(ch("admin"), "group daily 09:00 Europe/Berlin")
	n := &fakeNotifier{clock: e.clock}
	s := e.scheduler(n, Options{})
	ctx := context.Background()
	e.clock.Set(utc("2027-06-06T07:00:00Z")) // Sunday 09:00 CEST
	if _, err := s.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	sunday := n.all()[0].reply
	right := correctChoice(t, sunday)
	if r := e.click(ch("ann"), fmt.Sprintf("%s%d", sunday.Buttons[0].ID[:len(sunday.Buttons[0].ID)-1], right)); r.Outcome != bot.OutcomeOK {
		t.Fatalf("answer: %+v", r)
	}
	// Down all Monday; back on Tuesday morning.
	e.clock.Set(utc("2027-06-08T07:00:00Z"))
	if _, err := s.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	all := n.all()
	tuesday := all[len(all)-1].reply
	if len(all) != 2 {
		t.Fatalf("%d posts, want Sunday's and Tuesday's", len(all))
	}
	mustContain(t, tuesday.Body, "Last week's top 5:", "1. Member ann: 1 correct of 1")
}

// A reminder set in the Slack profile's zone follows the profile when the
// user moves; one set with an explicit zone stays put.
func TestReminderFollowsProfileZone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-06-01T12:00:00Z"))
	slackUser := func(user, tz string) bot.Actor {
		return bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: user, TimeZone: tz, DM: true}
	}
	mustContain(t, e.do(slackUser("traveller", "Europe/Berlin"), "remind 07:30").Body, "07:30 Europe/Berlin", "profile")
	mustContain(t, e.do(slackUser("fixed", "Europe/Berlin"), "remind 07:30 Asia/Tokyo").Body, "07:30 Asia/Tokyo")
	// Both users' profiles now say New York.
	mustContain(t, e.do(slackUser("traveller", "America/New_York"), "remind").Body, "07:30 America/New_York", "EDT")
	mustContain(t, e.do(slackUser("fixed", "America/New_York"), "remind").Body, "07:30 Asia/Tokyo")
	r, err := e.store.ReminderFor(context.Background(), storage.ReminderUser, bot.PlatformSlack, "T1", "traveller")
	if err != nil {
		t.Fatal(err)
	}
	if want := utc("2027-06-02T11:30:00Z"); !r.NextFire.Equal(want) { // 07:30 EDT
		t.Fatalf("next fire %s, want %s", r.NextFire, want)
	}
}

// dmFunc is a bot.DMSender: an adapter's way of DMing the asker.
type dmFunc func(workspace, user string, r bot.Reply) error

func (f dmFunc) SendDM(_ context.Context, workspace, user string, r bot.Reply) error {
	return f(workspace, user, r)
}

// TestRemindChecksDMs: where the adapter can DM the asker, setting or
// resuming a reminder that was not on (new, off, or stopped by a refused
// DM) sends them one saying it is on, to the reminder's own workspace and
// user; a reminder already on, or a request said in a DM, sends none. Only
// a refusal for good (DMRefused) changes the reply, which then says so and
// how to fix it, and the reminder stays on; another failure is logged.
func TestRemindChecksDMs(t *testing.T) {
	t.Parallel()
	const set = "remind 07:30 Europe/Berlin"
	for _, tc := range []struct {
		name     string
		before   []string // lines run first, their DMs delivered
		stopped  bool     // then the scheduler's DM is refused, which stops the reminder
		send     error    // the check's DM: nil, delivered
		noSender bool
		inDM     bool // the request is said in a DM with the bot
		line     string
		want     []string
		wantNot  string
		sent     int    // DMs the commands sent, all lines counted
		logged   string // in the engine's log
	}{
		{name: "delivered", line: set, want: []string{"Daily reminder set for 07:30 Europe/Berlin"}, wantNot: "refused", sent: 1},
		{name: "refused", send: fmt.Errorf("discord: DM d1: %w", dmRefusedErr{}), line: set,
			want: []string{"Daily reminder set for 07:30 Europe/Berlin", "the DM I just sent you was refused", "Discord refused it: allow direct messages"}, sent: 1},
		{name: "refused on resume after off", before: []string{set, "remind off"}, send: dmRefusedErr{}, line: "remind resume",
			want: []string{"Daily reminder on.", "was refused"}, sent: 2},
		{name: "resume after a refused DM stopped it", before: []string{set}, stopped: true, line: "remind resume",
			want: []string{"Daily reminder on."}, wantNot: "refused", sent: 2},
		{name: "set again while on", before: []string{set}, send: dmRefusedErr{}, line: set, want: []string{"Daily reminder set"}, wantNot: "refused", sent: 1},
		{name: "resume while on", before: []string{set}, send: dmRefusedErr{}, line: "remind resume", want: []string{"Daily reminder on."}, wantNot: "refused", sent: 1},
		{name: "resume while paused", before: []string{set, "remind pause 3"}, send: dmRefusedErr{}, line: "remind resume",
			want: []string{"Daily reminder on."}, wantNot: "refused", sent: 1},
		{name: "said in a DM", inDM: true, send: dmRefusedErr{}, line: set, want: []string{"Daily reminder set"}, wantNot: "refused"},
		{name: "other failure left to the scheduler", send: errors.New("503 upstream"), line: set,
			want: []string{"Daily reminder set"}, wantNot: "refused", sent: 1, logged: "503 upstream"},
		{name: "no sender", noSender: true, line: set, want: []string{"Daily reminder set"}, wantNot: "refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, utc("2027-03-26T10:00:00Z"))
			var logs strings.Builder
			e.logTo = &logs
			e.restart()
			me := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "g1", User: "d1", Channel: "c1", Name: "name-d1", DM: tc.inDM}
			var got []string
			var fail error // what the DM sender returns now
			send := dmFunc(func(ws, user string, r bot.Reply) error {
				got = append(got, ws+"/"+user+": "+r.Body)
				return fail
			})
			do := func(line string) bot.Reply {
				req := bot.Request{ID: "r1", Actor: me, Text: line, DM: send}
				if tc.noSender {
					req.DM = nil
				}
				return e.eng.Handle(context.Background(), req)
			}
			ctx := context.Background()
			for _, line := range tc.before {
				do(line)
			}
			if tc.stopped {
				rem, err := e.store.ReminderFor(ctx, storage.ReminderUser, me.Platform, me.Workspace, me.User)
				if err != nil {
					t.Fatal(err)
				}
				n := &fakeNotifier{clock: e.clock, fail: func(string, int) error { return dmRefusedErr{} }}
				e.clock.Set(rem.DueAt)
				if st, err := e.scheduler(n, Options{}).RunDue(ctx); err != nil || st.Missed != 1 {
					t.Fatalf("the refused DM: %+v %v, want it missed", st, err)
				}
			}
			fail = tc.send
			r := do(tc.line)
			mustContain(t, r.Body, tc.want...)
			if tc.wantNot != "" && strings.Contains(r.Body, tc.wantNot) {
				t.Errorf("%s: %q, want no %q", tc.line, r.Body, tc.wantNot)
			}
			if len(got) != tc.sent {
				t.Fatalf("%d DMs sent, want %d: %q", len(got), tc.sent, got)
			}
			for _, dm := range got {
				if !strings.HasPrefix(dm, me.Workspace+"/"+me.User+": Your daily reminder is on: 07:30 Europe/Berlin") {
					t.Errorf("DM %q, want the reminder's own workspace and user told it is on", dm)
				}
			}
			if tc.logged != "" && (!strings.Contains(logs.String(), tc.logged) || !strings.Contains(logs.String(), "request_id=r1")) {
				t.Errorf("log %q, want %q with the request ID", logs.String(), tc.logged)
			}
			if tc.logged == "" && strings.Contains(logs.String(), "check DM") {
				t.Errorf("log %q, want no failed check", logs.String())
			}
			rem, err := e.store.ReminderFor(ctx, storage.ReminderUser, me.Platform, me.Workspace, me.User)
			if err != nil || rem.NextFire.IsZero() {
				t.Errorf("reminder after the check: %+v %v, want it on", rem, err)
			}
		})
	}
}
