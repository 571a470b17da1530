package discord

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// TestQuizDomainByNameKeepsCount: /cert quiz with a domain typed by name and
// a count asks that many questions (the name used to overwrite the count,
// leaving the default 5).
func TestQuizDomainByNameKeepsCount(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	for i, c := range []struct{ line, want string }{
		{"quiz cert=cissp domain=iam count=4", "Question 1 of 4"},
		{"quiz cert=cism domain=governance count=3", "Question 1 of 3"},
		{"quiz cert=cissp count=9", "Question 1 of 9"},
	} {
		_, body := h.post(t, mustJSON(command(itoa(int64(610000000000000001+i)), member, c.line)), time.Now(), testKey)
		var r wireResponse
		if err := json.Unmarshal(body, &r); err != nil || r.Data == nil {
			t.Fatalf("%s: %v %s", c.line, err, truncate(string(body), 300))
		}
		if text := r.Data.allText(); !strings.Contains(text, c.want) {
			t.Errorf("%s: want %q in:\n%s", c.line, c.want, truncate(text, 300))
		}
	}
}

// TestDefinitionsFollowDeclarations: each /cert sub-command's options are
// the engine command's declared parameters, in order, with their required
// flags, and nothing else (no free-text stand-in, no filler); a parameter
// that does something on another platform only (progress's chart file, on
// the console) is left out.
func TestDefinitionsFollowDeclarations(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "")
	cmds := ev.engine.Commands()
	defs := Definitions(cmds)
	subs := map[string]*discordgo.ApplicationCommandOption{}
	for _, o := range defs[0].Options {
		subs[o.Name] = o
	}
	check := func(where string, opts []*discordgo.ApplicationCommandOption, all []bot.Param) {
		var params []bot.Param
		for _, p := range all {
			if p.ShownOn(bot.PlatformDiscord) {
				params = append(params, p)
			}
		}
		if len(opts) != len(params) {
			t.Errorf("%s: %d options for %d parameters", where, len(opts), len(params))
			return
		}
		for i, p := range params {
			o := opts[i]
			if o.Name != p.Name || o.Required != p.Required || o.Description == "" {
				t.Errorf("%s: option %d is %s (required %v), declared %s (required %v)", where, i, o.Name, o.Required, p.Name, p.Required)
			}
			if p.Kind == bot.KindCount && (o.Type != discordgo.ApplicationCommandOptionInteger || o.MaxValue != float64(p.Max)) {
				t.Errorf("%s: %s is not an integer up to %d", where, p.Name, p.Max)
			}
			if p.Kind == bot.KindExam && len(o.Choices) != 2 {
				t.Errorf("%s: %s has %d choices", where, p.Name, len(o.Choices))
			}
		}
	}
	// Declarations that changed for typed text: review takes an exam, and
	// a time has room for "12:30 a.m.".
	for _, c := range []struct {
		path   []string
		option string
		exam   bool
		maxLen int
	}{
		{[]string{"review"}, "cert", true, 0},
		{[]string{"remind", "set"}, "time", false, len("12:30 a.m.")},
		{[]string{"group", "daily"}, "time", false, len("12:30 a.m.")},
	} {
		opts := subs[c.path[0]].Options
		for _, name := range c.path[1:] {
			for _, o := range opts {
				if o.Name == name {
					opts = o.Options
				}
			}
		}
		var found *discordgo.ApplicationCommandOption
		for _, o := range opts {
			if o.Name == c.option {
				found = o
			}
		}
		switch {
		case found == nil:
			t.Errorf("%v: no %s option", c.path, c.option)
		case c.exam && len(found.Choices) != 2:
			t.Errorf("%v: %s has %d choices", c.path, c.option, len(found.Choices))
		case c.maxLen > 0 && found.MaxLength != c.maxLen:
			t.Errorf("%v: %s max length %d, want %d", c.path, c.option, found.MaxLength, c.maxLen)
		}
	}
	for _, c := range cmds {
		sub, ok := subs[c.Name]
		if !ok {
			t.Errorf("no sub-command for %s", c.Name)
			continue
		}
		if len(c.Subs) == 0 {
			check(c.Name, sub.Options, c.Params)
			continue
		}
		for i, g := range c.Subs {
			check(c.Name+" "+g.Name, sub.Options[i].Options, g.Params)
		}
	}
}

// TestAnotherQuizFromResults: /cert quiz answered to the end shows the
// results with an Another quiz button; clicking it starts a quiz of the
// same exam and domain with as many questions, as a new message (the
// results stay), not an update of the results.
func TestAnotherQuizFromResults(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	post := func(id string, payload map[string]any) wireResponse {
		t.Helper()
		code, body := h.post(t, mustJSON(payload), time.Now(), testKey)
		var r wireResponse
		if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
			t.Fatalf("%s: %d %s", id, code, truncate(string(body), 300))
		}
		return r
	}
	find := func(r wireResponse, prefix string) string {
		for _, id := range r.Data.buttonIDs() {
			if strings.HasPrefix(id, prefix) {
				return id
			}
		}
		return ""
	}
	q := post("quiz", command("640000000000000001", member, "quiz cert=cissp domain=7 count=1"))
	done := post("answer", button("640000000000000002", member, find(q, "quiz:answer:")))
	again := find(done, "quiz:again:")
	if again == "" || !strings.Contains(done.Data.allText(), "Score: ") {
		t.Fatalf("results without an Another quiz button (%v): %s", done.Data.buttonIDs(), truncate(done.Data.allText(), 400))
	}
	next := post("again", button("640000000000000003", member, again))
	if next.Type != discordgo.InteractionResponseChannelMessageWithSource || !strings.Contains(next.Data.allText(), "CISSP D7 · Question 1 of 1") || find(next, "quiz:answer:") == "" {
		t.Fatalf("another quiz: response type %d: %s", next.Type, truncate(next.Data.allText(), 400))
	}
}
