package remind

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
)

// TestReminderExamMatchesBareProgress: the reminder is about the exam a bare
// `progress` shows (README: plan's, else the one answered more, else an open
// session's, else CISSP), so a new user's first reminder is about CISSP.
func TestReminderExamMatchesBareProgress(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		setup []string // commands before the reminder; "a" answers the open question
		want  string
	}{
		{"new user", nil, "CISSP"},
		{"cism plan", []string{"plan cism 2027-06-01"}, "CISM"},
		{"cissp plan over cism answers", []string{"quiz cism 1 1", "a", "plan cissp 2027-06-01"}, "CISSP"},
		{"more cism answered", []string{"quiz cism 1 1", "a"}, "CISM"},
		{"one each is a tie", []string{"quiz cism 1 1", "a", "quiz cissp 1 1", "a"}, "CISSP"},
		{"open cism quiz, nothing answered", []string{"quiz cism 2"}, "CISM"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, utc("2027-03-26T06:00:00Z"))
			me := dmActor("u1")
			var last bot.Reply
			for _, cmd := range c.setup {
				e.clock.Add(time.Minute) // each command later than the last, as typed
				if cmd == "a" {          // press the open question's A button
					if len(last.Buttons) == 0 {
						t.Fatalf("no button to answer with after %q", last.Body)
					}
					last = e.click(me, last.Buttons[0].ID)
					if !strings.Contains(last.Body, "card comes back") {
						t.Fatalf("answer not recorded: %q", last.Body)
					}
					continue
				}
				last = e.do(me, cmd)
				if last.Outcome == bot.OutcomeUserError {
					t.Fatalf("%q: %q", cmd, last.Body)
				}
			}
			if got := e.do(me, "progress").Title; !strings.Contains(got, "Your "+c.want+" progress") {
				t.Errorf("bare progress title %q, want %s", got, c.want)
			}
			mustContain(t, e.do(me, "remind 07:30 UTC").Body, "07:30 UTC")
			n := &fakeNotifier{clock: e.clock}
			e.clock.Set(utc("2027-03-26T07:30:00Z"))
			if _, err := e.scheduler(n, Options{}).RunDue(context.Background()); err != nil {
				t.Fatal(err)
			}
			dms := n.all()
			if len(dms) != 1 {
				t.Fatalf("%d DMs, want 1", len(dms))
			}
			if got, want := dms[0].reply.Title, "Your daily "+c.want+" study reminder"; got != want {
				t.Errorf("reminder title %q, want %q", got, want)
			}
		})
	}
}
