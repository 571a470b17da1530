package discord

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
)

// TestRepliesNameSlashForms: through /cert, a refused argument's usage
// line and the replies of a quiz or mock exam that name a command give the
// form /cert takes (`/cert exam action:resume`, `/cert quiz cert:cissp
// domain:7 count:5`), not typed words, which it cannot take; in a server
// and in a DM alike, since both are /cert there.
func TestRepliesNameSlashForms(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	n := 0
	run := func(w who, line string) *wireData {
		t.Helper()
		n++
		code, body := h.post(t, mustJSON(command(fmt.Sprint(640000000000000000+n), w, line)), time.Now(), testKey)
		var r wireResponse
		if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
			t.Fatalf("%s: %d %s", line, code, truncate(string(body), 300))
		}
		return r.Data
	}
	click := func(w who, id string) *wireData {
		t.Helper()
		n++
		code, body := h.post(t, mustJSON(button(fmt.Sprint(640000000000000000+n), w, id)), time.Now(), testKey)
		var r wireResponse
		if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
			t.Fatalf("%s: %d %s", id, code, truncate(string(body), 300))
		}
		return r.Data
	}
	check := func(what, got string, want []string) {
		t.Helper()
		for _, s := range want {
			if !strings.Contains(got, s) {
				t.Errorf("%s: want %q in:\n%s", what, s, truncate(got, 600))
			}
		}
	}
	for _, w := range []who{member, dmUser} {
		for _, c := range []struct {
			line string
			want []string
		}{
			{`settings key=retention value="0.9 extra"`, []string{"Usage: `/cert settings <key> <value>`, e.g. `/cert settings key:retention value:0.9`."}},
			{"plan cert=cissp date=2027-02-30", []string{"e.g. `/cert plan cert:cissp date:"}},
			{"quiz action=resume", []string{"`/cert quiz` starts one, e.g. `/cert quiz cert:cissp domain:7 count:5`."}},
			{"quiz cert=cissp domain=bogus", []string{"Usage: `/cert quiz [cert] [domain] [count] [action]`; see `/cert domains cert:cissp`."}},
			{"exam", []string{"`/cert exam cert:cism` (150 items", "`/cert exam action:pause`, `/cert exam action:resume` and `/cert exam action:stop` while one is open."}},
			{"exam action=pause", []string{"start one with `/cert exam cert:cism` or `/cert exam cert:cissp`."}},
			{"quiz", []string{"A CISSP quiz: `/cert quiz cert:cism` for CISM."}},
			{"exam cert=cism", []string{"CISM mock exam"}},
			{"exam action=pause", []string{"Resume any time with `/cert exam action:resume`."}},
			{"exam action=pause", []string{"already paused: `/cert exam action:resume` to continue."}},
			{"exam", []string{"Your exam is paused at question 1 of 150: `/cert exam action:resume` to continue."}},
			{"exam cert=cissp action=stop", []string{"Your open exam is the CISM one: `/cert exam action:stop`."}},
		} {
			got := run(w, c.line).allText()
			check(w.guild+" "+c.line, got, c.want)
			if strings.Contains(got, "`exam ") || strings.Contains(got, "`quiz ") || strings.Contains(got, "`settings ") {
				t.Errorf("%s %s: a typed form in:\n%s", w.guild, c.line, truncate(got, 600))
			}
		}
		// The results of a quiz stopped name the commands to go on with.
		var stop string
		for _, id := range run(w, "quiz cert=cissp count=1").buttonIDs() {
			if strings.HasPrefix(id, "quiz:stop:") {
				stop = id
			}
		}
		check(w.guild+" quiz stopped", click(w, stop).allText(), []string{"Next: `/cert review` for due cards, `/cert progress` for your standing."})
	}
}

// gatewayUsageForms: typed text mentioned in a server gets the usage line
// /cert takes (a mention runs none of the asker's own commands); a DM reads
// typed words, so its usage line and exam replies stay the typed forms.
func gatewayUsageForms(t *testing.T, ev *env) {
	m := ev.mention(t, "210000000000000800", "quiz cissp 7 5 9")
	if got := m.allText(); !strings.Contains(got,
		"Too many numbers. Usage: `/cert quiz [cert] [domain] [count] [action]`, e.g. `/cert quiz cert:cissp domain:7 count:5`.") {
		t.Errorf("mention: %s", truncate(got, 400))
	}
	user := "600000000000000008"
	say := func(id, content string) string {
		t.Helper()
		m := ev.dm(t, "700000000000000008", user, "erin", id, content)
		return m.allText()
	}
	for i, c := range []struct{ line, want string }{
		{"quiz cissp 7 5 9", "Too many numbers. Usage: `quiz [cism|cissp] [domain] [count 1-20]`, e.g. `quiz cissp 7 5`."},
		{"exam", "`exam cism` (150 items, 4 hours) or `exam cissp` (100-150 adaptive items, 3 hours); `exam pause`, `exam resume` and `exam stop` while one is open."},
	} {
		if got := say(fmt.Sprint(210000000000000810+i), c.line); !strings.Contains(got, c.want) || strings.Contains(got, "/cert") {
			t.Errorf("DM %q: want %q in:\n%s", c.line, c.want, truncate(got, 400))
		}
	}
}

// TestFootersNameSlashForms: through /cert, in a server and in a DM, the
// footers and hints that name a command (domains, compare, leaderboard,
// settings, plan, ask, remind, group) give the form /cert takes, and none
// is left as typed words; help shows remind's and group's examples so.
func TestFootersNameSlashForms(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	n := 0
	post := func(payload func(id string) map[string]any) *wireData {
		t.Helper()
		n++
		code, body := h.post(t, mustJSON(payload(fmt.Sprint(660000000000000000+n))), time.Now(), testKey)
		var r wireResponse
		if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
			t.Fatalf("%d %s", code, truncate(string(body), 300))
		}
		return r.Data
	}
	for _, w := range []who{member, dmUser} {
		// One answer puts the asker on the board, under its footer.
		for _, id := range post(func(id string) map[string]any { return command(id, w, "quiz cert=cissp count=1") }).buttonIDs() {
			if strings.HasPrefix(id, "quiz:answer:") {
				post(func(n string) map[string]any { return button(n, w, id) })
				break
			}
		}
	}
	for _, c := range []struct {
		w    []who
		line string
		want []string
	}{
		{[]who{member, dmUser}, "domains cert=cissp", []string{"`/cert domain cert:cissp domain:<n>` for objectives", "other versions: `/cert domains cert:cissp version:2021`"}},
		{[]who{member, dmUser}, "compare", []string{"Many take both: `/cert compare topic:which-first`.", "`/cert compare topic:<topic>` for a topic"}},
		{[]who{member, dmUser}, `compare topic="incident-response timeline"`, []string{"Usage: `/cert compare [topic]`, e.g. `/cert compare topic:incident-response`."}},
		{[]who{member, dmUser}, "settings", []string{"Change with `/cert settings key:retention value:0.9`, `/cert settings key:leaderboard value:off`, `/cert settings key:timezone value:Europe/Berlin`."}},
		{[]who{member}, "leaderboard", []string{"`/cert settings key:leaderboard value:off` hides you."}},
		{[]who{dmUser}, "leaderboard", []string{"run `/cert leaderboard` in one of its channels", "`/cert progress` shows your standing."}},
		{[]who{member, dmUser}, "plan", []string{"No plan yet. Usage: `/cert plan cert:<cism|cissp> date:<YYYY-MM-DD>`, e.g. `/cert plan cert:cissp date:"}},
		{[]who{member, dmUser}, "plan cert=cissp date=" + time.Now().AddDate(1, 0, 0).Format(time.DateOnly), []string{"`/cert quiz cert:cissp domain:1`",
			"`/cert progress` shows whether you are ahead or behind. `/cert remind set time:07:30 zone:<zone>` for a daily nudge."}},
		{[]who{member, dmUser}, `ask question="how hard is cissp for me"`, []string{"`/cert quiz` and `/cert progress` show where you stand, and `/cert compare topic:which-first` compares"}},
		{[]who{member, dmUser}, `ask question="xyzzy plugh frobnicate"`, []string{"try `/cert compare`, `/cert domains cert:cism`, `/cert domains cert:cissp` or `/cert help`."}},
		{[]who{member, dmUser}, "remind pause days=2", []string{"Set one with `/cert remind set time:07:30 zone:Europe/Berlin`"}},
		{[]who{admin}, "group show", []string{"Set one with `/cert group daily time:09:00 zone:Europe/Berlin` (", "add `cert:cism` or `cert:cissp`"}},
		{[]who{member}, "help command=remind", []string{"Examples: `/cert remind set time:07:30 zone:Europe/Paris`, `/cert remind pause days:3`, `/cert remind weekends mode:off`"}},
		{[]who{member}, "help command=group", []string{"Examples: `/cert group daily time:09:00 zone:Europe/Berlin`, `/cert group daily time:09:00 zone:Europe/Berlin cert:cissp`"}},
	} {
		for _, w := range c.w {
			got := post(func(id string) map[string]any { return command(id, w, c.line) }).allText()
			for _, s := range c.want {
				if !strings.Contains(got, s) {
					t.Errorf("%s %s: want %q in:\n%s", w.guild, c.line, s, truncate(got, 800))
				}
			}
			// Help's lists are the picker's forms (usageOn), after /cert.
			if typed := typedCommand(h.engine, got); typed != "" && !strings.HasPrefix(c.line, "help") {
				t.Errorf("%s %s: a typed command `%s` in:\n%s", w.guild, c.line, typed, truncate(got, 800))
			}
		}
	}
}

// typedCommand is the first command in backticks in text that is typed
// words, not a /cert form, or "".
func typedCommand(e *bot.Engine, text string) string {
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(text, -1) {
		if e.Known(m[1]) && !strings.HasPrefix(m[1], "/cert") {
			return m[1]
		}
	}
	return ""
}

// gatewayFooterForms: typed text mentioned in a server is told the /cert
// forms in footers, hints and did-you-means (a mention runs none of the
// asker's own commands; /cert runs them all); a DM's messages read typed
// words, so they are told those.
func gatewayFooterForms(t *testing.T, ev *env) {
	for i, c := range []struct {
		line    string
		mention []string
		dm      []string
	}{
		{"domains cissp", []string{"`/cert domain cert:cissp domain:<n>` for objectives"}, []string{"`domain cissp <n>` for objectives"}},
		{"compare", []string{"`/cert compare topic:<topic>` for a topic"}, []string{"`compare <topic>` for a topic"}},
		{"quizz cissp 7 5", []string{"did you mean `/cert quiz cert:cissp domain:7 count:5`? `/cert help` lists them all."},
			[]string{"did you mean `quiz cissp 7 5`? `help` lists them all."}},
		{"hello", []string{"or try `/cert compare`, `/cert quiz cert:cissp` or `/cert help`."}, []string{"or try `compare`, `quiz cissp` or `help`."}},
		{"how hard is cissp for me", []string{"`/cert quiz` and `/cert progress` show where you stand"}, []string{"`quiz` and `progress` show where you stand"}},
		{"settings", nil, []string{"Change with `settings retention 0.9`, `settings leaderboard off`, `settings timezone Europe/Berlin`."}},
		{"plan", nil, []string{"No plan yet. Usage: `plan <cism|cissp> <YYYY-MM-DD>`, e.g. `plan cissp "}},
		{"remind", nil, []string{"Set one with `remind 07:30 Europe/Berlin`"}},
	} {
		if c.mention != nil {
			m := ev.mention(t, fmt.Sprint(210000000000000900+i), c.line)
			got := m.allText()
			for _, s := range c.mention {
				if !strings.Contains(got, s) {
					t.Errorf("mention %q: want %q in:\n%s", c.line, s, truncate(got, 600))
				}
			}
			if typed := typedCommand(ev.engine, got); typed != "" {
				t.Errorf("mention %q: a typed command `%s` in:\n%s", c.line, typed, truncate(got, 600))
			}
		}
		m := ev.dm(t, "700000000000000019", "600000000000000019", "frank", fmt.Sprint(210000000000000950+i), c.line)
		got := m.allText()
		for _, s := range c.dm {
			if !strings.Contains(got, s) {
				t.Errorf("DM %q: want %q in:\n%s", c.line, s, truncate(got, 600))
			}
		}
		if strings.Contains(got, "`/cert") {
			t.Errorf("DM %q: a /cert form in:\n%s", c.line, truncate(got, 600))
		}
	}
}
