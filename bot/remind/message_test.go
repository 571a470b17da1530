package remind

import (
	"context"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

// TestReminderNamesCommandsWhereTheyRun: a reminder DM names the commands
// that change it as its owner can run them on it: a Discord server's
// reminder by /cert on that server (the DM, and its /cert, are a scope of
// their own); one set in a Discord DM, and a Slack one, by the words typed
// in the DM.
func TestReminderNamesCommandsWhereTheyRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-03-25T12:00:00Z"))
	server := []string{"`/cert plan cert:cissp date:<YYYY-MM-DD>` on the server sets a daily target",
		"`/cert remind off` on the server stops these · `/cert remind pause days:<days>` on the server takes a break"}
	typed := []string{"`plan cissp <YYYY-MM-DD>` sets a daily target", "`remind off` stops these · `remind pause <days>` takes a break"}
	cases := []struct {
		who  bot.Actor
		want []string
	}{
		{bot.Actor{Platform: bot.PlatformDiscord, Workspace: "g1", User: "server"}, server},
		{bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:own", User: "own", DM: true}, typed},
		{bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "slack"}, typed},
	}
	for _, c := range cases {
		if r := e.do(c.who, "remind 07:30 Europe/Berlin"); r.Outcome != bot.OutcomeOK {
			t.Fatalf("%s: %s", c.who.Workspace, r.Body)
		}
	}
	n := &fakeNotifier{clock: e.clock}
	e.clock.Set(utc("2027-03-26T06:31:00Z")) // 07:31 in Berlin
	if _, err := e.scheduler(n, Options{}).RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	sent := map[string]string{}
	for _, s := range n.all() {
		sent[s.target] = s.reply.Body + "\n" + s.reply.Footer
	}
	for _, c := range cases {
		got, ok := sent["dm:"+c.who.User] // the fake notifier's target of a DM
		if !ok {
			t.Errorf("%s: no reminder sent (sent: %v)", c.who.User, n.all())
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: want %q in:\n%s", c.who.User, w, got)
			}
		}
	}
}
