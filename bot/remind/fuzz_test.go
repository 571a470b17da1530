package remind

import (
	"context"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

// FuzzRemindGroup: any remind or group text, and any time or zone given as
// a named option, gets a reply to show and never an internal error (a
// handler panic is answered as one).
func FuzzRemindGroup(f *testing.F) {
	for _, s := range []string{"", "07:30 Europe/Berlin", "7am", "7 pm pm", "12:05 a.m.", "pause 3", "pause 99999999999999999999",
		"pause -1", "weekends OFF", "off now", "daily 9 am cism", "daily 09:00 UTC cissp extra", "daily 24:00", "set",
		"daily 1:00 ../../etc/passwd", "7:30 Local", "show", "stop", "on", "daily 12pm america/new_york CISM", "\u00a0daily"} {
		f.Add(s)
	}
	e := newEnv(f, utc("2027-03-26T10:00:00Z"))
	admin := bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1", User: "adm", CanManage: true}
	check := func(t *testing.T, req bot.Request) {
		t.Helper()
		r := e.eng.Handle(context.Background(), req)
		if strings.TrimSpace(r.Body) == "" && strings.TrimSpace(r.Title) == "" {
			t.Fatalf("%q %q %v: empty reply %+v", req.Text, req.Command, req.Options, r)
		}
		if r.Outcome == bot.OutcomeError {
			t.Fatalf("%q %q %v: internal error %q", req.Text, req.Command, req.Options, r.Body)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		check(t, bot.Request{Actor: dmActor("fuzz"), Text: "remind " + s})
		check(t, bot.Request{Actor: admin, Text: "group " + s})
		time, zone, _ := strings.Cut(s, " ")
		check(t, bot.Request{Actor: dmActor("fuzz"), Command: "remind set", Options: map[string]string{"time": time, "zone": zone}})
		check(t, bot.Request{Actor: admin, Command: "group daily", Options: map[string]string{"time": time, "zone": zone, "cert": zone}})
		check(t, bot.Request{Actor: dmActor("fuzz"), Command: "remind pause", Options: map[string]string{"days": time}})
	})
}
