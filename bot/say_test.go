package bot_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
)

// TestSay: a command named in a reply is the /cert form, with options as
// Discord shows them, wherever only /cert reaches the bot (a Discord
// server, by /cert or a mention; a Discord DM's /cert); on Slack outside a
// DM's messages it is the typed words after /cert (a channel's messages
// reach the bot only when they mention it); a DM's messages and the console
// keep the typed words. A placeholder (<n>, <zone>) is the value of the
// option the other words leave empty.
func TestSay(t *testing.T) {
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	server := bot.Request{Actor: bot.Actor{Platform: bot.PlatformDiscord, Workspace: "G1", User: "U1", Channel: "C1"}}
	mention := server
	mention.Conversational, mention.Public = true, true
	dmSlash := bot.Request{Actor: bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:U1", User: "U1", Channel: "D1", DM: true}}
	dmText := dmSlash
	dmText.Conversational = true
	slack := bot.Request{Actor: bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", Channel: "C1"}}
	slackDM := bot.Request{Actor: bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", Channel: "D1", DM: true}, Conversational: true}
	console := bot.Request{Actor: bot.Actor{Platform: bot.PlatformConsole, Workspace: "local", User: "me", DM: true}, Conversational: true}
	for _, c := range []struct{ text, slash string }{
		{"domains cissp", "/cert domains cert:cissp"},
		{"domains cism 2022", "/cert domains cert:cism version:2022"},
		{"domain cissp <n>", "/cert domain cert:cissp domain:<n>"},
		{"compare <topic>", "/cert compare topic:<topic>"},
		{"compare which-first", "/cert compare topic:which-first"},
		{"ask <question>", "/cert ask question:<question>"},
		{"plan <cism|cissp> <YYYY-MM-DD>", "/cert plan cert:<cism|cissp> date:<YYYY-MM-DD>"},
		{"plan cism <YYYY-MM-DD>", "/cert plan cert:cism date:<YYYY-MM-DD>"},
		{"settings leaderboard off", "/cert settings key:leaderboard value:off"},
		{"settings timezone Europe/Berlin", "/cert settings key:timezone value:Europe/Berlin"},
		{"help quiz", "/cert help command:quiz"},
		{"remind 07:30 <zone>", "/cert remind set time:07:30 zone:<zone>"},
		{"remind 07:30 Europe/Berlin", "/cert remind set time:07:30 zone:Europe/Berlin"},
		{"remind pause <days>", "/cert remind pause days:<days>"},
		{"remind weekends on", "/cert remind weekends mode:on"},
		{"remind off", "/cert remind off"},
		{"group daily 09:00 Europe/Berlin", "/cert group daily time:09:00 zone:Europe/Berlin"},
		{"group off", "/cert group off"},
		// No command, or words that are no arguments of it: as written.
		{"how long is the cissp exam?", "how long is the cissp exam?"},
		{"domain cissp <n> <m> <k>", "domain cissp <n> <m> <k>"},
		{"quiz bogus words 1 2 3", "quiz bogus words 1 2 3"},
	} {
		slackWant := c.text
		if h.e.Known(c.text) {
			slackWant = "/cert " + c.text
		}
		for _, r := range []struct {
			name string
			req  bot.Request
			want string
		}{
			{"server", server, c.slash}, {"mention", mention, c.slash}, {"DM /cert", dmSlash, c.slash},
			{"DM message", dmText, c.text}, {"slack", slack, slackWant}, {"slack DM message", slackDM, c.text}, {"console", console, c.text},
		} {
			if got := h.e.Say(r.req, c.text); got != r.want {
				t.Errorf("%s %q: %q, want %q", r.name, c.text, got, r.want)
			}
		}
	}
}

// TestRepliesNameFormsWhereTheyRun: every reply that names a command to
// run names it as the asker can run it: on a Discord server (and a DM's
// /cert) the /cert form with its options, and no typed command left over;
// in a Slack channel the typed words after /cert; in a DM's messages and on
// the console the typed words.
func TestRepliesNameFormsWhereTheyRun(t *testing.T) {
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	ctx := context.Background()
	places := []struct {
		name  string
		slash bool
		req   func(user string) bot.Request
	}{
		{"discord server", true, func(u string) bot.Request {
			return bot.Request{Actor: bot.Actor{Platform: bot.PlatformDiscord, Workspace: "G1", User: u, Channel: "C1", CanManage: true}}
		}},
		{"discord DM /cert", true, func(u string) bot.Request {
			return bot.Request{Actor: bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:" + u, User: u, Channel: "D" + u, DM: true}}
		}},
		{"discord DM message", false, func(u string) bot.Request {
			return bot.Request{Actor: bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:" + u, User: u, Channel: "D" + u, DM: true}, Conversational: true}
		}},
		{"slack channel", false, func(u string) bot.Request {
			return bot.Request{Actor: bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: u, Channel: "C1", CanManage: true}}
		}},
		{"slack DM message", false, func(u string) bot.Request {
			return bot.Request{Actor: bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: u, Channel: "D" + u, DM: true}, Conversational: true}
		}},
		{"console", false, func(u string) bot.Request {
			return bot.Request{Actor: bot.Actor{Platform: bot.PlatformConsole, Workspace: "local", User: u, Channel: "console"}}
		}},
	}
	backticked := regexp.MustCompile("`([^`]+)`")
	for i, c := range []struct {
		setup        []string
		text         string
		channel      bool // a channel's command: not run in a DM or on the console
		slash, typed []string
		skip         string // a place where the text is another request (a DM's message: a question)
	}{
		{nil, "domains cissp", false, []string{"`/cert domain cert:cissp domain:<n>` for objectives", "other versions: `/cert domains cert:cissp version:2021`"},
			[]string{"`domain cissp <n>` for objectives", "other versions: `domains cissp 2021`"}, ""},
		{nil, "domains cissp 1999", false, []string{"Versions: `/cert domains cert:cissp version:"}, []string{"Versions: `domains cissp "}, ""},
		{nil, "domain cissp 9", false, []string{"see `/cert domains cert:cissp`."}, []string{"see `domains cissp`."}, ""},
		{nil, "domain cissp 7", false, []string{"drill it: `/cert quiz cert:cissp domain:7`"}, []string{"drill it: `quiz cissp 7`"}, ""},
		{nil, "compare", false, []string{"Many take both: `/cert compare topic:which-first`.", "`/cert ask question:<question>`", "`/cert compare topic:<topic>` for a topic"},
			[]string{"Many take both: `compare which-first`.", "`ask <question>`", "`compare <topic>` for a topic"}, ""},
		{nil, "compare incident-response timeline", false, []string{"Usage: `/cert compare [topic]`, e.g. `/cert compare topic:incident-response`."},
			[]string{"Usage: `compare [topic]`, e.g. `compare incident-response`."}, ""},
		// A Discord DM has no leaderboard (TestLeaderboardScopes has its reply).
		{nil, "leaderboard", false, []string{"Be the first: `/cert quiz`."}, []string{"Be the first: `quiz`."}, "discord DM"},
		{[]string{"quiz cissp 7 1", "a"}, "leaderboard", false, []string{"`/cert settings key:leaderboard value:off` hides you."}, []string{"`settings leaderboard off` hides you."}, "discord DM"},
		{[]string{"settings leaderboard off"}, "leaderboard", false, []string{"`/cert settings key:leaderboard value:on` to show them"}, []string{"`settings leaderboard on` to show them"}, "discord DM"},
		{nil, "settings", false, []string{"Change with `/cert settings key:retention value:0.9`, `/cert settings key:leaderboard value:off`, `/cert settings key:timezone value:Europe/Berlin`."},
			[]string{"Change with `settings retention 0.9`, `settings leaderboard off`, `settings timezone Europe/Berlin`."}, ""},
		{nil, "settings bogus", false, []string{"Unknown argument \"bogus\". Usage: `/cert settings"},
			[]string{"Unknown argument \"bogus\". Usage: `settings retention 0.9 | leaderboard on|off | timezone <IANA zone>`, e.g. `settings retention 0.9`."}, ""},
		{nil, "settings leaderboard maybe", false, []string{"Say `/cert settings key:leaderboard value:on` or `/cert settings key:leaderboard value:off`."},
			[]string{"Say `settings leaderboard on` or `settings leaderboard off`."}, ""},
		{nil, "plan", false, []string{"No plan yet. Usage: `/cert plan cert:<cism|cissp> date:<YYYY-MM-DD>`, e.g. `/cert plan cert:cissp date:2027-05-01`."},
			[]string{"No plan yet. Usage: `plan <cism|cissp> <YYYY-MM-DD>`, e.g. `plan cissp 2027-05-01`."}, ""},
		{nil, "plan cism", false, []string{"When is your exam? Usage: `/cert plan cert:cism date:<YYYY-MM-DD>`."}, []string{"When is your exam? Usage: `plan cism <YYYY-MM-DD>`."}, ""},
		{nil, "plan off", false, []string{"Set one with `/cert plan cert:<cism|cissp> date:<YYYY-MM-DD>`."}, []string{"Set one with `plan <cism|cissp> <YYYY-MM-DD>`."}, ""},
		{nil, "plan cissp 2027-03-01", false, []string{"`/cert quiz cert:cissp domain:1`", "`/cert progress` shows whether you are ahead or behind. `/cert remind set time:07:30 zone:<zone>` for a daily nudge."},
			[]string{"`quiz cissp 1`", "`progress` shows whether you are ahead or behind. `remind 07:30 <zone>` for a daily nudge."}, ""},
		{[]string{"plan cissp 2027-03-01"}, "plan off", false, []string{"`/cert progress` no longer shows", "any time with `/cert plan cert:<cism|cissp> date:<YYYY-MM-DD>`."},
			[]string{"`progress` no longer shows", "any time with `plan <cism|cissp> <YYYY-MM-DD>`."}, ""},
		{nil, "progress cism", false, []string{"No answers yet: start with `/cert quiz cert:cism` or set a date with `/cert plan cert:cism date:<YYYY-MM-DD>`."},
			[]string{"No answers yet: start with `quiz cism` or set a date with `plan cism <YYYY-MM-DD>`."}, ""},
		{nil, "help quizz", false, []string{"did you mean `/cert help command:quiz`?"}, []string{"did you mean `help quiz`?"}, ""},
		{nil, "quizz cissp 7 5", false, []string{"did you mean `/cert quiz cert:cissp domain:7 count:5`? `/cert help` lists them all."},
			[]string{"did you mean `quiz cissp 7 5`? `help` lists them all."}, ""},
		{nil, "hello", false, []string{"or try `/cert compare`, `/cert quiz cert:cissp` or `/cert help`."}, []string{"or try `compare`, `quiz cissp` or `help`."}, ""},
		{nil, "bogus", false, []string{"Try `/cert help`, `/cert compare`, `/cert compare topic:<topic>`, `/cert domains cert:cissp`, `/cert ask question:<question>` or `/cert quiz cert:cism`."},
			[]string{"Try `help`, `compare`, `compare <topic>`, `domains cissp`, `ask <question>` or `quiz cism`."}, "DM"},
		// Help's examples of sub-commands, from their declarations (help
		// on Discord, a DM's messages too, shows what /cert takes).
		{nil, "help remind", false, []string{"Examples: `/cert remind set time:07:30 zone:Europe/Paris`, `/cert remind pause days:3`, `/cert remind weekends mode:off`"}, nil, "DM message"},
		{nil, "help group", false, []string{"Examples: `/cert group daily time:09:00 zone:Europe/Berlin`, `/cert group daily time:09:00 zone:Europe/Berlin cert:cissp`"}, nil, "DM message"},
		{nil, "ask how long to study for cism with ~8 yrs in security? ballpark", false,
			[]string{"`/cert plan cert:<cism|cissp> date:<YYYY-MM-DD>` turns your exam date", "`/cert progress` shows which domains"},
			[]string{"`plan <cism|cissp> <YYYY-MM-DD>` turns your exam date", "`progress` shows which domains"}, ""},
		{nil, "ask best book for cissp", false, []string{"(`/cert domains cert:cism`, `/cert domains cert:cissp`); `/cert quiz`, `/cert review` and `/cert exam` (a timed"},
			[]string{"(`domains cism`, `domains cissp`); `quiz`, `review` and `exam` (a timed"}, ""},
		{nil, "ask how hard is cissp for me", false, []string{"`/cert quiz` and `/cert progress` show where you stand, and `/cert compare topic:which-first` compares"},
			[]string{"`quiz` and `progress` show where you stand, and `compare which-first` compares"}, ""},
		{nil, "ask what are the domains of both exams", false, []string{"`/cert domains cert:cism` or `/cert domains cert:cissp` for what each covers."},
			[]string{"`domains cism` or `domains cissp` for what each covers."}, ""},
		{nil, "ask cissp objective 9.9", false, []string{"`/cert domains cert:cissp` lists the domains and `/cert domain cert:cissp domain:<n>` a domain's objectives."},
			[]string{"`domains cissp` lists the domains and `domain cissp <n>` a domain's objectives."}, ""},
		{nil, "ask xyzzy plugh frobnicate", false, []string{"try `/cert compare`, `/cert domains cert:cism`, `/cert domains cert:cissp` or `/cert help`."},
			[]string{"try `compare`, `domains cism`, `domains cissp` or `help`."}, ""},
		{nil, "remind", false, []string{"Set one with `/cert remind set time:07:30 zone:Europe/Berlin`"}, []string{"Set one with `remind 07:30 Europe/Berlin`"}, ""},
		{[]string{"remind 07:30 Europe/Berlin", "remind pause 2"}, "remind", false,
			[]string{"(`/cert remind resume` to restart now)", "`/cert remind off` stops it; `/cert remind pause days:<days>` takes a break."},
			[]string{"(`remind resume` to restart now)", "`remind off` stops it; `remind pause <days>` takes a break."}, ""},
		{[]string{"remind 07:30 Europe/Berlin"}, "remind off", false, []string{"`/cert remind set time:07:30` turns it back on."}, []string{"`remind 07:30` turns it back on."}, ""},
		{nil, "group", true, []string{"Set one with `/cert group daily time:09:00 zone:Europe/Berlin` (", "add `cert:cism` or `cert:cissp` to keep"},
			[]string{"Set one with `group daily 09:00 Europe/Berlin` (", "add `cism` or `cissp` to keep"}, ""},
		{[]string{"group daily 09:00 Europe/Berlin"}, "group", true, []string{"`/cert group off` stops it."}, []string{"`group off` stops it."}, ""},
	} {
		for _, p := range places {
			if c.channel && (p.name == "console" || strings.Contains(p.name, "DM")) || c.skip != "" && strings.Contains(p.name, c.skip) {
				continue
			}
			user := fmt.Sprintf("u%d", i)
			for _, s := range c.setup {
				req := p.req(user)
				req.Text = s
				if r := h.e.Handle(ctx, req); r.Outcome != bot.OutcomeOK {
					t.Fatalf("%s: setup %q: %s", p.name, s, all(r))
				}
			}
			req := p.req(user)
			req.Text = c.text
			got := all(h.e.Handle(ctx, req))
			want := c.typed
			if p.slash {
				want = c.slash
				// Help's lists name each command as Discord's picker shows
				// it, after /cert (usageOn): its wants pin the rest.
				line := got
				if strings.HasPrefix(c.text, "help") {
					line = ""
				}
				for _, m := range backticked.FindAllStringSubmatch(line, -1) {
					if h.e.Known(m[1]) && !strings.HasPrefix(m[1], "/cert ") && m[1] != "/cert" {
						t.Errorf("%s %q: a typed command `%s` in:\n%s", p.name, c.text, m[1], got)
					}
				}
			} else if p.name == "slack channel" {
				// The typed words after /cert: every command named is so.
				want = slackForms(h.e, want)
				line := got
				if strings.HasPrefix(c.text, "help") {
					line = "" // help lists the commands' words, and says to type them after /cert
					if !h.e.Known(strings.TrimPrefix(c.text, "help ")) {
						want = append(want, "type them after `/cert`")
					} else {
						want = append(want, "type it after `/cert`")
					}
				}
				for _, m := range backticked.FindAllStringSubmatch(line, -1) {
					if h.e.Known(m[1]) && !strings.HasPrefix(m[1], "/cert ") && m[1] != "/cert" {
						t.Errorf("%s %q: a command `%s` without /cert in:\n%s", p.name, c.text, m[1], got)
					}
				}
			} else if strings.Contains(got, "`/cert") {
				t.Errorf("%s %q: a /cert form in:\n%s", p.name, c.text, got)
			}
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("%s %q: want %q in:\n%s", p.name, c.text, w, got)
				}
			}
		}
	}
}

// slackForms puts /cert before each command a want names in backticks, as
// a Slack channel's replies name them.
func slackForms(e *bot.Engine, wants []string) []string {
	span := regexp.MustCompile("`[^`]+(`|$)")
	out := make([]string, len(wants))
	for i, w := range wants {
		out[i] = span.ReplaceAllStringFunc(w, func(m string) string {
			if w := strings.Trim(m, "`"); w != "" && e.Known(w) {
				return "`/cert " + m[1:]
			}
			return m
		})
	}
	return out
}
