package bot_test

import (
	"testing"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
)

// TestSay: a command named in a reply is the /cert form, with options as
// Discord shows them, wherever only /cert reaches the bot (a Discord
// server, by /cert or a mention; a Discord DM's /cert); a Discord DM's
// messages, Slack and the console keep the typed words. A placeholder
// (<n>, <zone>) is the value of the option the other words leave empty.
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
		for _, r := range []struct {
			name string
			req  bot.Request
			want string
		}{
			{"server", server, c.slash}, {"mention", mention, c.slash}, {"DM /cert", dmSlash, c.slash},
			{"DM message", dmText, c.text}, {"slack", slack, c.text}, {"console", console, c.text},
		} {
			if got := h.e.Say(r.req, c.text); got != r.want {
				t.Errorf("%s %q: %q, want %q", r.name, c.text, got, r.want)
			}
		}
	}
}
