package remind

import (
	"context"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

// TestRemindTextParsedOnce: remind text is typed by the engine into a
// sub-command and its arguments (typed text leaves out "set"); a bad time,
// zone, number or sub-command gets one line naming it; zones keep their
// case. Each accepted text gives what the same named options give.
func TestRemindTextParsedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-03-26T10:00:00Z")) // a Friday
	ctx := context.Background()
	for _, c := range []struct {
		text    string
		cmd     string            // the same as a sub-command path and options, when set
		opts    map[string]string //
		outcome string
		want    string // the whole reply, or its start when it ends in "…"
	}{
		{"remind 7", "", nil, bot.OutcomeUserError, "Give the time as HH:MM (24-hour) or like 7:30am, e.g. `/cert remind set time:07:30 zone:Europe/Paris`."},
		{"remind 25:00 Europe/Berlin", "remind set", map[string]string{"time": "25:00", "zone": "Europe/Berlin"}, bot.OutcomeUserError, "Give the time as HH:MM (24-hour) or like 7:30am, e.g. `/cert remind set time:07:30 zone:Europe/Paris`."},
		{"remind 07:30 Mars/Base", "remind set", map[string]string{"time": "07:30", "zone": "Mars/Base"}, bot.OutcomeUserError, "\"Mars/Base\" is not an IANA time zone: give one such as `Europe/Berlin` or `America/New_York`."},
		{"remind 07:30 Europe/Berlin extra", "", nil, bot.OutcomeUserError, "Unknown argument \"extra\". Usage: `/cert remind set <time> [zone]`, e.g. `/cert remind set time:07:30 zone:Europe/Paris`."},
		{"remind blah", "remind blah", nil, bot.OutcomeUserError, "Unknown sub-command \"blah\". Usage: `/cert remind set <time> [zone] | /cert remind show | /cert remind off | /cert remind pause <days> | /cert remind resume | /cert remind weekends <mode>`."},
		{"remind off now", "", nil, bot.OutcomeUserError, "Unknown argument \"now\". Usage: `/cert remind off`."},
		{"remind pause 3", "remind pause", map[string]string{"days": "3"}, bot.OutcomeUserError, "You have no daily reminder on. Set one with…"},
		{"remind", "remind show", nil, bot.OutcomeOK, "You have no daily reminder. Set one with `/cert remind set time:07:30 zone:Europe/Berlin`…"},
		{"remind 07:30", "remind set", map[string]string{"time": "07:30"}, bot.OutcomeUserError, "Which time zone are you in? Say `/cert remind set time:07:30 zone:Europe/Berlin`…"},
		{"remind 07:30 America/New_York", "remind set", map[string]string{"time": "07:30", "zone": "America/New_York"}, bot.OutcomeOK, "Daily reminder set for 07:30 America/New_York. Next: Fri 26 Mar 2027 07:30 EDT."},
		{"remind 7:05 america/new_york", "remind set", map[string]string{"time": "7:05", "zone": "america/new_york"}, bot.OutcomeOK, "Daily reminder set for 07:05 America/New_York. Next: Fri 26 Mar 2027 07:05 EDT."},
		{"remind set 08:00", "remind set", map[string]string{"time": "08:00"}, bot.OutcomeOK, "Daily reminder set for 08:00 America/New_York. Next: Fri 26 Mar 2027 08:00 EDT."},
		{"remind 7am", "remind set", map[string]string{"time": "7am"}, bot.OutcomeOK, "Daily reminder set for 07:00 America/New_York.…"},
		{"remind 7 am", "remind set", map[string]string{"time": "7 am"}, bot.OutcomeOK, "Daily reminder set for 07:00 America/New_York.…"},
		{"remind 7:30PM", "remind set", map[string]string{"time": "7:30pm"}, bot.OutcomeOK, "Daily reminder set for 19:30 America/New_York.…"},
		{"remind 7:30 pm Europe/Berlin", "remind set", map[string]string{"time": "7:30 pm", "zone": "Europe/Berlin"}, bot.OutcomeOK, "Daily reminder set for 19:30 Europe/Berlin.…"},
		{"remind 12am America/New_York", "remind set", map[string]string{"time": "12am", "zone": "America/New_York"}, bot.OutcomeOK, "Daily reminder set for 00:00 America/New_York.…"},
		{"remind 12pm", "remind set", map[string]string{"time": "12pm"}, bot.OutcomeOK, "Daily reminder set for 12:00 America/New_York.…"},
		{"remind 12:05 a.m.", "remind set", map[string]string{"time": "12:05 a.m."}, bot.OutcomeOK, "Daily reminder set for 00:05 America/New_York.…"},
		{"remind 19h", "remind set", map[string]string{"time": "19h"}, bot.OutcomeUserError, "Give the time as HH:MM (24-hour) or like 7:30am, e.g. `/cert remind set time:07:30 zone:Europe/Paris`."},
		{"remind 13pm", "remind set", map[string]string{"time": "13pm"}, bot.OutcomeUserError, "Give the time as HH:MM (24-hour) or like 7:30am…"},
		{"remind 0am", "remind set", map[string]string{"time": "0am"}, bot.OutcomeUserError, "Give the time as HH:MM (24-hour) or like 7:30am…"},
		{"remind 7 pm pm", "", nil, bot.OutcomeUserError, "\"pm\" is not an IANA time zone…"},
		{"remind set 08:00", "remind set", map[string]string{"time": "08:00"}, bot.OutcomeOK, "Daily reminder set for 08:00 America/New_York. Next: Fri 26 Mar 2027 08:00 EDT."},
		{"remind show", "remind show", nil, bot.OutcomeOK, "Daily reminder at 08:00 America/New_York. Next: Fri 26 Mar 2027 08:00 EDT.…"},
		{"remind pause x", "", nil, bot.OutcomeUserError, "Unknown argument \"x\". Usage: `/cert remind pause <days>`, e.g. `/cert remind pause days:3`."},
		{"remind pause 3 4", "", nil, bot.OutcomeUserError, "Too many numbers. Usage: `/cert remind pause <days>`, e.g. `/cert remind pause days:3`."},
		{"remind pause", "", nil, bot.OutcomeUserError, "Say how many days to pause, e.g. `/cert remind pause days:3` (1 to 365)."},
		{"remind pause 400", "remind pause", map[string]string{"days": "400"}, bot.OutcomeUserError, "…1 to 365…"},
		{"remind pause 400", "", nil, bot.OutcomeUserError, "A pause is 1 to 365 days (you asked for 400), e.g. `/cert remind pause days:3`."},
		{"remind pause 0", "", nil, bot.OutcomeUserError, "A pause is 1 to 365 days (you asked for 0), e.g. `/cert remind pause days:3`."},
		{"remind pause 2", "remind pause", map[string]string{"days": "2"}, bot.OutcomeOK, "Paused for 2 days.…"},
		{"remind weekends maybe", "remind weekends", map[string]string{"mode": "maybe"}, bot.OutcomeUserError, "…`/cert remind weekends mode:off`…"},
		{"remind weekends", "", nil, bot.OutcomeUserError, "Say `/cert remind weekends mode:off` for quiet weekends, or `/cert remind weekends mode:on`."},
		{"remind weekend OFF", "remind weekends", map[string]string{"mode": "off"}, bot.OutcomeOK, "Quiet weekends: no reminders on Saturday and Sunday.…"},
		{"remind on", "remind resume", nil, bot.OutcomeOK, "Daily reminder on. Next: Fri 26 Mar 2027 08:00 EDT."},
		{"remind stop", "remind off", nil, bot.OutcomeOK, "Daily reminder off. `/cert remind set time:08:00` turns it back on."},
		// A city in words is one zone.
		{"remind 7:30 los angeles", "remind set", map[string]string{"time": "7:30", "zone": "los angeles"}, bot.OutcomeOK, "Daily reminder set for 07:30 America/Los_Angeles.…"},
		{"remind 7:30 pm New York", "remind set", map[string]string{"time": "7:30 pm", "zone": "New York"}, bot.OutcomeOK, "Daily reminder set for 19:30 America/New_York.…"},
	} {
		forms := []bot.Request{{Actor: dmActor("text"), Text: c.text}}
		if c.cmd != "" {
			forms = append(forms, bot.Request{Actor: dmActor("named"), Command: c.cmd, Options: c.opts})
		}
		for _, req := range forms {
			r := e.eng.Handle(ctx, req)
			if r.Outcome != c.outcome || !matches(r.Body, c.want) || strings.Count(r.Body, "\n") > 0 && r.Outcome != bot.OutcomeOK {
				t.Errorf("%q %q %v: want %s %q, got %s %q", req.Text, req.Command, req.Options, c.outcome, c.want, r.Outcome, r.Body)
			}
		}
	}
}

// TestGroupTextParsedOnce: group text is typed by the engine into a
// sub-command, a time, a zone (case kept) and an exam, in any order after
// the time; bad input gets one line naming it.
func TestGroupTextParsedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, utc("2027-03-26T10:00:00Z"))
	ctx := context.Background()
	admin := bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", Channel: "C1", User: "adm", CanManage: true}
	for _, c := range []struct {
		text    string
		cmd     string
		opts    map[string]string
		outcome string
		want    string
	}{
		{"group", "group show", nil, bot.OutcomeOK, "No question of the day here. Set one with `/cert group daily 09:00 Europe/Berlin`…"},
		{"group weekly 09:00", "group weekly", nil, bot.OutcomeUserError, "Unknown sub-command \"weekly\". Usage: `/cert group daily <HH:MM> [IANA zone] [cism|cissp] | /cert group off`."},
		{"group 09:00", "", nil, bot.OutcomeUserError, "Unknown sub-command \"09:00\". Usage: `/cert group daily <HH:MM> [IANA zone] [cism|cissp] | /cert group off`."},
		{"group daily", "", nil, bot.OutcomeUserError, "What time? Say `/cert group daily 09:00 Europe/Berlin`…"},
		{"group daily 9", "", nil, bot.OutcomeUserError, "Give the time as HH:MM (24-hour) or like 7:30am, e.g. `/cert group daily 09:00 Europe/Berlin`."},
		{"group daily 25:00 UTC", "group daily", map[string]string{"time": "25:00", "zone": "UTC"}, bot.OutcomeUserError, "Give the time as HH:MM (24-hour) or like 7:30am, e.g. `/cert group daily 09:00 Europe/Berlin`."},
		{"group daily 09:00 Mars/Base", "group daily", map[string]string{"time": "09:00", "zone": "Mars/Base"}, bot.OutcomeUserError, "\"Mars/Base\" is not an IANA time zone: give one such as `Europe/Berlin` or `America/New_York`."},
		{"group daily 09:00 cisp", "group daily", map[string]string{"time": "09:00", "cert": "cisp"}, bot.OutcomeUserError, "Unknown exam \"cisp\": say `cism` or `cissp`, e.g. `/cert group daily 09:00 Europe/Berlin cissp`."},
		{"group daily 09:00 UTC cissp extra", "", nil, bot.OutcomeUserError, "Unknown argument \"extra\". Usage: `/cert group daily <HH:MM> [IANA zone] [cism|cissp]`, e.g. `/cert group daily 09:00 Europe/Berlin`."},
		{"group daily 9:00", "group daily", map[string]string{"time": "9:00"}, bot.OutcomeUserError, "Which time zone should the channel use?…"},
		{"group daily 09:00 CISSP america/new_york", "group daily", map[string]string{"time": "09:00", "zone": "america/new_york", "cert": "cissp"}, bot.OutcomeOK,
			"Question of the day (CISSP) set for this channel at 09:00 America/New_York. Next: Fri 26 Mar 2027 09:00 EDT.…"},
		{"group daily 9 am cism", "group daily", map[string]string{"time": "9 am", "cert": "cism"}, bot.OutcomeOK, "Question of the day (CISM) set for this channel at 09:00 America/New_York.…"},
		{"group daily 08:15", "group daily", map[string]string{"time": "08:15"}, bot.OutcomeOK, "Question of the day (CISM and CISSP) set for this channel at 08:15 America/New_York.…"},
		{"group show", "group show", nil, bot.OutcomeOK, "Question of the day at 08:15 America/New_York. Next: Fri 26 Mar 2027 08:15 EDT. `/cert group off` stops it."},
		{"group stop", "", nil, bot.OutcomeOK, "Question of the day off for this channel."},
		{"group off", "group off", nil, bot.OutcomeOK, "This channel has no question of the day."},
		{"group daily 09:00 hong kong cissp", "group daily", map[string]string{"time": "09:00", "zone": "hong kong", "cert": "cissp"}, bot.OutcomeOK,
			"Question of the day (CISSP) set for this channel at 09:00 Asia/Hong_Kong.…"},
	} {
		forms := []bot.Request{{Actor: admin, Text: c.text}}
		if c.cmd != "" {
			forms = append(forms, bot.Request{Actor: admin, Command: c.cmd, Options: c.opts})
		}
		for _, req := range forms {
			r := e.eng.Handle(ctx, req)
			if r.Outcome != c.outcome || !matches(r.Body, c.want) {
				t.Errorf("%q %q %v: want %s %q, got %s %q", req.Text, req.Command, req.Options, c.outcome, c.want, r.Outcome, r.Body)
			}
		}
	}
}

// matches is body == want, where a leading or trailing "…" in want
// stands for any text.
func matches(body, want string) bool {
	pre, suf := strings.HasPrefix(want, "…"), strings.HasSuffix(want, "…")
	w := strings.TrimSuffix(strings.TrimPrefix(want, "…"), "…")
	switch {
	case pre && suf:
		return strings.Contains(body, w)
	case pre:
		return strings.HasSuffix(body, w)
	case suf:
		return strings.HasPrefix(body, w)
	}
	return body == w
}
