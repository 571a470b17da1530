package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
)

// TestHelpArguments: help names a command that does not exist, refuses
// words after the command it explains as other commands do, and on the
// console leaves out the commands the console refuses (group: no channels).
func TestHelpArguments(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	console := bot.Actor{Platform: bot.PlatformConsole, Workspace: "local", User: "me", Channel: "console", DM: true}
	slack := bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", Channel: "C1", CanManage: true}
	for _, c := range []struct {
		actor   bot.Actor
		text    string
		outcome string
		want    []string
		not     []string
	}{
		{slack, "help bogus", bot.OutcomeOK, []string{"No command `bogus`.\n\n- `ask <question>`"}, []string{"did you mean"}},
		{slack, "help quizz", bot.OutcomeOK, []string{"No command `quizz`: did you mean `/cert help quiz`?\n\n- `ask"}, nil},
		{slack, "help me please", bot.OutcomeOK, []string{"- `quiz "}, []string{"No command"}},
		{slack, "help quiz extra", bot.OutcomeUserError, []string{"Unknown argument \"extra\". Usage: `/cert help [command]`, e.g. `/cert help quiz`."}, nil},
		{slack, "help Quiz EXTRA words", bot.OutcomeUserError, []string{"Unknown argument \"EXTRA\"."}, nil},
		{slack, "help group daily", bot.OutcomeOK, []string{"help: group", "- `group off`"}, nil},
		{slack, "help group daily now", bot.OutcomeUserError, []string{"Unknown argument \"now\"."}, nil},
		{slack, "help", bot.OutcomeOK, []string{"- `group daily", "- `quiz "}, nil},
		{console, "help", bot.OutcomeOK, []string{"- `quiz ", "- `remind "}, []string{"group"}},
		{console, "start", bot.OutcomeOK, []string{"- `quiz "}, []string{"group"}},
		{console, "help group", bot.OutcomeOK, []string{"help: group", "The console has no channels: `group` works in a Slack or Discord channel."}, nil},
		{slack, "help group", bot.OutcomeOK, []string{"help: group"}, []string{"console"}},
		// compare's help lists its topics, as compare <unknown topic> does.
		{console, "help compare", bot.OutcomeOK, []string{"help: compare", "\n\nTopics: incident-response, ", ", cost."}, nil},
		{slack, "help quiz", bot.OutcomeOK, []string{"help: quiz"}, []string{"Topics:"}},
	} {
		r := h.e.Handle(context.Background(), bot.Request{Actor: c.actor, Text: c.text})
		got := r.Title + "\n" + r.Body
		if r.Outcome != c.outcome {
			t.Errorf("%s %q: outcome %s, want %s:\n%s", c.actor.Platform, c.text, r.Outcome, c.outcome, got)
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %q: want %q in:\n%s", c.actor.Platform, c.text, w, got)
			}
		}
		for _, w := range c.not {
			if strings.Contains(got, w) {
				t.Errorf("%s %q: want no %q in:\n%s", c.actor.Platform, c.text, w, got)
			}
		}
	}
}

// TestCompareArguments: a topic argument with no words names no topic
// (not the overview); a topic named by its ID, title or an alias may have
// harmless words beside it ("basics", "in general"), but words that mean
// something of their own are refused rather than ignored.
func TestCompareArguments(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct {
		text    string
		outcome string
		want    string // in the title and body
	}{
		{"compare 🤖", bot.OutcomeUserError, "No comparison for \"🤖\". Topics: incident-response, "},
		{"compare ??", bot.OutcomeUserError, "No comparison for \"??\". Topics: "},
		{"compare cost extra", bot.OutcomeUserError, "Unknown argument \"extra\". Usage: `compare [topic]`, e.g. `compare cost`."},
		{"compare Incident-Response timeline", bot.OutcomeUserError, "Unknown argument \"timeline\". Usage: `compare [topic]`, e.g. `compare incident-response`."},
		{"compare cost", bot.OutcomeOK, "CISM vs CISSP: Cost"},
		{"compare cost for cism", bot.OutcomeOK, "CISM vs CISSP: Cost"},
		{"compare crypto basics", bot.OutcomeOK, "CISM vs CISSP: Cryptography"},
		{"compare cryptography basics", bot.OutcomeOK, "CISM vs CISSP: Cryptography"},
		{"compare Cryptography overview please", bot.OutcomeOK, "CISM vs CISSP: Cryptography"},
		{"compare cryptography stuff", bot.OutcomeOK, "CISM vs CISSP: Cryptography"},
		{"compare iam in general", bot.OutcomeOK, "CISM vs CISSP: Identity"},
		{"compare bcp basics", bot.OutcomeOK, "CISM vs CISSP: Business continuity"},
		{"compare risk management basics for cism", bot.OutcomeOK, "CISM vs CISSP: Risk"},
		{"compare cryptograhpy basics", bot.OutcomeOK, "CISM vs CISSP: Cryptography"},
		{"compare crypto timeline", bot.OutcomeUserError, "Unknown argument \"timeline\". Usage: `compare [topic]`, e.g. `compare cryptography`."},
		{"compare incident response plan", bot.OutcomeOK, "CISM vs CISSP: Incident response"},
		{"compare cism vs cissp", bot.OutcomeOK, "CISM vs CISSP\n**Which is for you?**"},
		{"compare", bot.OutcomeOK, "CISM vs CISSP\n**Which is for you?**"},
	} {
		for _, req := range []bot.Request{
			{Actor: actor("cmp"), Text: c.text},
			{Actor: actor("cmp"), Command: "compare", Options: map[string]string{"topic": strings.TrimSpace(strings.TrimPrefix(c.text, "compare"))}},
		} {
			r := h.e.Handle(context.Background(), req)
			if r.Outcome != c.outcome || !strings.Contains(r.Title+"\n"+r.Body, c.want) {
				t.Errorf("%q %v: want %s with %q, got %s:\n%s", req.Text, req.Options, c.outcome, c.want, r.Outcome, all(r))
			}
		}
	}
}

// TestStartOverWithNoButton: typed "start over" with no Start over button to
// press (the CLI's one-shot `ask`) says how to start the open review or
// exam over, and leaves it open.
func TestStartOverWithNoButton(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		open, text, want string
	}{
		{"review", "start over", "Nothing is asking to start over. Your review is open at question 1 of 10: `stop` ends it (its answers count), then `review` starts a new one; `review` goes on."},
		{"exam cism", "restart", "Nothing is asking to start over. Your CISM mock exam is open at question 1 of 150: `exam stop` ends it with a score, then `exam cism` starts a new one; `exam resume` goes on."},
		{"quiz cissp 1 3", "start over", "Nothing is asking to start over. Your quiz is at question 1 of 3"},
	} {
		h := newHarness(t)
		h.do(t, "nb", c.open)
		h.do(t, "nb", c.open) // the prompt, whose buttons are not pressed
		if r := h.do(t, "nb", c.text); r.Outcome != bot.OutcomeUserError || !strings.HasPrefix(r.Body, c.want) {
			t.Errorf("%q with a %s open: want %q, got %s %q", c.text, c.open, c.want, r.Outcome, r.Body)
		}
		kind, _, _ := strings.Cut(c.open, " ")
		if r := h.do(t, "nb", h.letter(t, "nb", kind, true)); r.Outcome != bot.OutcomeOK {
			t.Errorf("%q with a %s open: the session no longer takes an answer: %s", c.text, c.open, all(r))
		}
	}
}

// TestHelpOnDiscord: Discord's /cert always names a sub-command and takes
// options, so help shows `remind set <time> [zone]`, not `remind 07:30`.
func TestHelpOnDiscord(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	discord := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "g1", User: "u1"}
	list := h.e.Handle(context.Background(), bot.Request{Actor: discord, Text: "help"})
	if !strings.Contains(list.Body, "`remind set <time> [zone] | remind show | remind off | remind pause <days>") {
		t.Fatalf("help on Discord:\n%s", list.Body)
	}
	one := h.e.Handle(context.Background(), bot.Request{Actor: discord, Text: "help remind"})
	if !strings.Contains(one.Body, "- `remind weekends <mode>`: ") || strings.Contains(one.Body, "`remind <HH:MM> [IANA zone]`") {
		t.Fatalf("help remind on Discord:\n%s", one.Body)
	}
	// Text platforms keep the typed forms.
	if r := h.do(t, "u2", "help remind"); !strings.Contains(r.Body, "`remind <HH:MM> [IANA zone]`") {
		t.Fatalf("help remind as text:\n%s", r.Body)
	}
}

// TestHelpOnDiscordOptionForms: a command without sub-commands is one
// sub-command of Discord's /cert that takes its arguments as options, so
// help there shows `quiz [cert] [domain] [count] [action]` and examples as
// /cert takes them (`/cert exam action:pause`), not the typed forms
// (`forget | forget yes`, `quiz cissp 7 5`); Slack keeps the typed ones.
// The leaderboard's scope, and that of the data export and forget reach,
// is said in each platform's words; a summary or an option true on one
// platform only (a chart file, a reminder by DM) is shown there alone.
func TestHelpOnDiscordOptionForms(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	server := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "g1", User: "u1"}
	dm := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:u1", User: "u1", DM: true}
	slack := bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", Channel: "C1"}
	console := bot.Actor{Platform: bot.PlatformConsole, Workspace: "local", User: "me", Channel: "console", DM: true}
	for _, c := range []struct {
		actor     bot.Actor
		text      string
		want, not []string
	}{
		{server, "help", []string{"- `forget [confirm]`: ", "- `quiz [cert] [domain] [count] [action]`: ", "- `exam [cert] [action]`: ",
			"- `leaderboard`: This week's top 10 on this Discord server", "- `remind set <time> [zone] | remind show"},
			[]string{"forget | forget yes", "exam pause", "in this workspace"}},
		// export and forget act on the asker's data in one scope, which
		// each platform's help names; never "all" of it.
		{server, "help forget", []string{"`forget [confirm]`: Asks, then deletes your data on this Discord server", "`/cert forget confirm:yes`"}, []string{"forget yes", "forget | ", "all your"}},
		{server, "help export", []string{"`export`: Your data as JSON on this Discord server"}, []string{"all your", "All your"}},
		{dm, "help forget", []string{"Asks, then deletes your data in your own space (your DMs with certcoach; each server that added it keeps its own)"}, []string{"on this Discord server", "workspace"}},
		{dm, "help export", []string{"Your data as JSON in your own space (your DMs with certcoach;"}, []string{"on this Discord server", "workspace"}},
		{slack, "help forget", []string{"`forget | forget yes`: Asks, then deletes your data in this workspace"}, []string{"Discord", "all your"}},
		{slack, "help export", []string{"`export`: Your data as JSON in this workspace"}, []string{"Discord", "All your"}},
		{console, "help forget", []string{"`forget | forget yes`: Asks, then deletes your data on the console"}, []string{"workspace", "Discord"}},
		{console, "help export", []string{"`export`: Your data as JSON on the console"}, []string{"workspace", "Discord"}},
		// progress's chart option writes a file on the console alone:
		// chats always carry the chart, and say nothing of the console.
		{console, "help progress", []string{"`progress [cism|cissp] [chart]`: Mastery per domain, streak and readiness (`progress chart` also writes a chart file)",
			"- show: chart: also write the chart to a PNG file"}, []string{"with a chart"}},
		// The console has no DMs: its reminder shows while it is open.
		{console, "help remind", []string{"A daily study reminder with one question, shown while the console is open"}, []string{"DM"}},
		{slack, "help remind", []string{"A daily study reminder by DM, with one question"}, []string{"console"}},
		{slack, "help progress", []string{"`progress [cism|cissp] [chart]`: Mastery per domain, streak and readiness, with a chart"}, []string{"console", "- show"}},
		{server, "help progress", []string{"`progress [cert]`: Mastery per domain, streak and readiness, with a chart", "`/cert progress cert:cism`"}, []string{"console", "- show", "show:chart"}},
		{server, "help quiz", []string{"`/cert quiz cert:cissp domain:7 count:5`", "`/cert quiz cert:cissp domain:iam count:5`", "`/cert quiz action:resume`"}, []string{"`quiz cissp 7 5`"}},
		{server, "help exam", []string{"`exam [cert] [action]`: ", "`/cert exam cert:cism`", "`/cert exam action:pause`"}, []string{"`exam pause`", "| exam stop"}},
		{server, "help settings", []string{"`settings <key> <value>`", "`/cert settings key:timezone value:Europe/Berlin`"}, []string{"`settings retention 0.9`"}},
		{server, "help ask", []string{"`ask <question>`", "`/cert ask question:how long is the cissp exam`"}, nil},
		{server, "help plan", []string{"`/cert plan action:off`"}, []string{"`plan off`"}},
		{server, "help leaderboard", []string{"`leaderboard`: This week's top 10 on this Discord server"}, []string{"Example"}},
		{dm, "help leaderboard", []string{"This week's top 10 of a Discord server that added certcoach (not of your own space"}, []string{"workspace", "on this Discord server"}},
		{slack, "help", []string{"- `forget | forget yes`: ", "- `leaderboard`: This week's top 10 in this workspace"}, []string{"[confirm]", "cert:cissp"}},
		{slack, "help quiz", []string{"Example: `quiz cissp 7 5`"}, []string{"cert:cissp"}},
	} {
		r := h.e.Handle(context.Background(), bot.Request{Actor: c.actor, Text: c.text})
		got := r.Title + "\n" + r.Body
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %s %q: want %q in:\n%s", c.actor.Platform, c.actor.Workspace, c.text, w, got)
			}
		}
		for _, w := range c.not {
			if strings.Contains(got, w) {
				t.Errorf("%s %s %q: want no %q in:\n%s", c.actor.Platform, c.actor.Workspace, c.text, w, got)
			}
		}
	}
}

// TestHelpScopeWordsPerPlatform: the summaries that say where data lives
// (export's, forget's, the leaderboard's) are in the words of the platform
// help is read on: never "on the console" in a chat, nor a workspace or a
// Discord server on the console; in the list and in each command's help,
// each of which is there and names its command.
func TestHelpScopeWordsPerPlatform(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	for _, c := range []struct {
		actor bot.Actor
		not   []string
	}{
		{bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", Channel: "C1"}, []string{"console", "Discord"}},
		{bot.Actor{Platform: bot.PlatformDiscord, Workspace: "g1", User: "u1"}, []string{"console", "workspace"}},
		{bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:u1", User: "u1", DM: true}, []string{"console", "workspace"}},
		{bot.Actor{Platform: bot.PlatformConsole, Workspace: "local", User: "me", Channel: "console", DM: true}, []string{"workspace", "Discord server", "in your own space"}},
	} {
		texts := map[string]string{"help": "help"} // help text → a name its reply must mention
		for _, cmd := range h.e.Commands() {
			texts["help "+cmd.Name] = cmd.Name
		}
		for text, name := range texts {
			r := h.e.Handle(context.Background(), bot.Request{Actor: c.actor, Text: text})
			got := r.Title + "\n" + r.Body
			if strings.TrimSpace(r.Body) == "" || !strings.Contains(got, name) {
				t.Errorf("%s %s %q: want help that names %q, got:\n%s", c.actor.Platform, c.actor.Workspace, text, name, got)
			}
			for _, w := range c.not {
				if strings.Contains(got, w) {
					t.Errorf("%s %s %q: want no %q in:\n%s", c.actor.Platform, c.actor.Workspace, text, w, got)
				}
			}
		}
	}
}
