package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// TestRenderEveryCommand renders every command's reply from the real engine
// over the embedded knowledge base and checks each Discord limit.
func TestRenderEveryCommand(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "")
	ctx := context.Background()
	actor := bot.Actor{Platform: bot.PlatformDiscord, Workspace: member.guild, User: member.user, Channel: "c1", Name: "Learner", CanManage: true}
	lines := []string{"help", "compare", "domains cism", "domains cissp", "domains cism 2022", "domains cissp 2021",
		"ask how long is the cissp exam", "ask what is risk appetite", "ask zzzz qqqq", "quiz cissp 7 2", "quiz cism", "exam cism",
		"review", "progress", "plan cissp 2027-06-01", "remind 07:30 Europe/Paris", "leaderboard", "group daily 08:00 UTC",
		"export", "settings retention 0.9", "forget", "nonsense-command", "domain cissp 99"}
	for _, topic := range ev.engine.TopicIDs() {
		lines = append(lines, "compare "+topic)
	}
	for _, c := range []string{"cism", "cissp"} {
		for n := 1; n <= 8; n++ {
			lines = append(lines, fmt.Sprintf("domain %s %d", c, n))
		}
	}
	for _, line := range lines {
		t.Run(line, func(t *testing.T) {
			r := ev.engine.Handle(ctx, bot.Request{Actor: actor, Text: line, ID: "t"})
			m := Render(r)
			checkLimits(t, line, m.Content, m.Embeds, m.Components)
			if r.Private != m.Ephemeral {
				t.Errorf("private %v rendered ephemeral %v", r.Private, m.Ephemeral)
			}
			if r.Table != nil {
				inline := 0
				for _, e := range m.Embeds {
					for _, f := range e.Fields {
						if f.Inline {
							inline++
						}
					}
				}
				if inline < 2*len(r.Table.Rows) {
					t.Errorf("comparison table of %d rows gave %d inline fields", len(r.Table.Rows), inline)
				}
			}
			if r.Attachment != nil && len(m.Files) != 1 {
				t.Errorf("attachment %q not rendered as a file", r.Attachment.Name)
			}
			// The whole response must encode to what Discord accepts.
			if _, err := json.Marshal(response(r, false)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestRenderHugeReply(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("word 🙂 ", 3000) // astral runes count twice in UTF-16
	r := bot.Reply{Title: long, Body: long + "\n" + long, Footer: long, Private: true}
	for i := 0; i < 60; i++ {
		r.Fields = append(r.Fields, bot.Field{Name: long, Value: long, Inline: i%2 == 0})
	}
	r.Table = &bot.Table{Left: long, Right: long}
	for i := 0; i < 30; i++ {
		r.Table.Rows = append(r.Table.Rows, bot.Row{Label: long, Left: long, Right: long})
	}
	for i := 0; i < 40; i++ {
		r.Buttons = append(r.Buttons, bot.Button{ID: fmt.Sprintf("quiz:answer:s:%d", i), Label: long})
	}
	r.Buttons = append(r.Buttons, bot.Button{ID: strings.Repeat("x", 101), Label: "too long id"}, bot.Button{ID: "quiz:answer:s:0", Label: "dup"})
	m := Render(r)
	checkLimits(t, "huge", m.Content, m.Embeds, m.Components)
	if !m.Ephemeral {
		t.Error("private reply not ephemeral")
	}
	if !strings.HasSuffix(m.Embeds[0].Title, ellipsis) {
		t.Errorf("truncated title lacks %q: ...%q", ellipsis, m.Embeds[0].Title[len(m.Embeds[0].Title)-10:])
	}
	var cut bool
	for _, e := range m.Embeds {
		for _, f := range e.Fields {
			cut = cut || strings.HasSuffix(f.Value, ellipsis)
		}
	}
	if !cut {
		t.Error("no field shows the cut with …")
	}
	if n := countButtons(m.Components); n != 25 {
		t.Errorf("%d buttons, want 25", n)
	}
}

func TestRenderSplitsLongBody(t *testing.T) {
	t.Parallel()
	var lines []string
	for i := 0; len(strings.Join(lines, "\n")) < 5000; i++ {
		lines = append(lines, fmt.Sprintf("- line %d of a long answer", i))
	}
	m := Render(bot.Reply{Title: "Long", Body: strings.Join(lines, "\n")})
	checkLimits(t, "long body", m.Content, m.Embeds, m.Components)
	if len(m.Embeds) != 2 {
		t.Fatalf("%d embeds, want the body split over 2", len(m.Embeds))
	}
	if !strings.HasPrefix(m.Embeds[1].Description, "- line") {
		t.Errorf("split mid-line: %q", m.Embeds[1].Description[:20])
	}
	got := m.Embeds[0].Description + "\n" + m.Embeds[1].Description
	if got != strings.Join(lines, "\n") {
		t.Error("split lost text")
	}
}

func TestRenderSmall(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		in    bot.Reply
		check func(t *testing.T, m Message)
	}{
		{"empty reply", bot.Reply{}, func(t *testing.T, m Message) {
			if m.Content == "" || len(m.Embeds) != 0 {
				t.Errorf("got %+v", m)
			}
		}},
		{"error is red", bot.Reply{Body: "no", Outcome: bot.OutcomeUserError, Private: true}, func(t *testing.T, m Message) {
			if m.Embeds[0].Color != colorError || !m.Ephemeral {
				t.Errorf("got colour %x ephemeral %v", m.Embeds[0].Color, m.Ephemeral)
			}
		}},
		{"footer and fields", bot.Reply{Title: "T", Fields: []bot.Field{{Name: "", Value: ""}}, Footer: "Sources: x"}, func(t *testing.T, m Message) {
			if m.Embeds[0].Footer == nil || m.Embeds[0].Footer.Text != "Sources: x" || m.Embeds[0].Fields[0].Name != blank {
				t.Errorf("got %+v", m.Embeds[0])
			}
		}},
		{"button styles and rows", bot.Reply{Buttons: []bot.Button{{ID: "a", Label: "A", Style: bot.StylePrimary}, {ID: "b", Label: "B", Style: bot.StyleDanger},
			{ID: "c", Label: "C"}, {ID: "d", Label: "D"}, {ID: "e", Label: "E"}, {ID: "f", Label: "F"}}}, func(t *testing.T, m Message) {
			if len(m.Components) != 2 {
				t.Fatalf("%d rows, want 2", len(m.Components))
			}
			row, _ := asRow(m.Components[0])
			if row[0].Style != discordgo.PrimaryButton || row[1].Style != discordgo.DangerButton || row[2].Style != discordgo.SecondaryButton {
				t.Errorf("styles %v %v %v", row[0].Style, row[1].Style, row[2].Style)
			}
		}},
		{"attachment", bot.Reply{Attachment: &bot.Attachment{Name: "me.json", MIME: "application/json", Content: []byte("{}")}}, func(t *testing.T, m Message) {
			if len(m.Files) != 1 || m.Files[0].Name != "me.json" || !strings.Contains(m.Embeds[0].Description, "me.json") {
				t.Errorf("got %+v", m)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Render(c.in)
			checkLimits(t, c.name, m.Content, m.Embeds, m.Components)
			c.check(t, m)
		})
	}
}

func countButtons(rows []discordgo.MessageComponent) int {
	n := 0
	for _, r := range rows {
		b, _ := asRow(r)
		n += len(b)
	}
	return n
}

var nameRe = regexp.MustCompile(`^[-_a-z0-9]{1,32}$`)

// TestDefinitionsWithinLimits checks the registration payload against
// Discord's rules for names, descriptions, options and choices.
func TestDefinitionsWithinLimits(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "")
	defs := Definitions(ev.engine.Commands())
	if len(defs) != 1 || defs[0].Name != CommandName {
		t.Fatalf("want one /%s command, got %d", CommandName, len(defs))
	}
	var walk func(path string, opts []*discordgo.ApplicationCommandOption)
	walk = func(path string, opts []*discordgo.ApplicationCommandOption) {
		if len(opts) > maxOptions {
			t.Errorf("%s: %d options", path, len(opts))
		}
		required := true
		for _, o := range opts {
			p := path + " " + o.Name
			if !nameRe.MatchString(o.Name) {
				t.Errorf("%s: bad name", p)
			}
			if n := width(o.Description); n < 1 || n > maxCommandDesc {
				t.Errorf("%s: description length %d", p, n)
			}
			if len(o.Choices) > maxChoices || (len(o.Choices) > 0 && o.Autocomplete) {
				t.Errorf("%s: %d choices (autocomplete %v)", p, len(o.Choices), o.Autocomplete)
			}
			for _, c := range o.Choices {
				if width(c.Name) > maxChoiceName {
					t.Errorf("%s: choice %q too long", p, c.Name)
				}
			}
			if o.Type != discordgo.ApplicationCommandOptionSubCommand && o.Type != discordgo.ApplicationCommandOptionSubCommandGroup {
				if o.Required && !required {
					t.Errorf("%s: required option after an optional one", p)
				}
				required = o.Required
			}
			walk(p, o.Options)
		}
	}
	walk("/"+CommandName, defs[0].Options)
	var subs []string
	for _, o := range defs[0].Options {
		subs = append(subs, o.Name)
	}
	for _, want := range []string{"compare", "domains", "domain", "ask", "quiz", "review", "progress", "plan", "remind",
		"leaderboard", "group", "export", "forget", "help", "settings"} {
		if !strings.Contains(" "+strings.Join(subs, " ")+" ", " "+want+" ") {
			t.Errorf("sub-command %q missing from %v", want, subs)
		}
	}
	if _, err := json.Marshal(defs); err != nil {
		t.Fatal(err)
	}
	if Hash(defs) != Hash(Definitions(ev.engine.Commands())) {
		t.Error("hash not stable")
	}
}

// TestCommandOptions: a /cert interaction reaches the engine as a command
// path and named options, which the engine parses once into the same
// arguments typed text gives, with no filler for options left out.
func TestCommandOptions(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "")
	cases := []struct{ line, text, path string }{
		{"help", "help", "help"},
		{"help command=quiz", "help quiz", "help"},
		{"compare", "compare", "compare"},
		{"compare topic=incident-response", "compare incident-response", "compare"},
		{"domains cert=cissp", "domains cissp", "domains"},
		{"domain cert=cissp domain=7", "domain cissp 7", "domain"},
		{`domain cert=cism domain="cism 3"`, "domain cism 3", "domain"},
		{`ask question="how long is the exam?"`, "ask how long is the exam?", "ask"},
		{"quiz cert=cissp domain=7 count=5", "quiz cissp 7 5", "quiz"},
		{"quiz cert=cissp count=5", "quiz cissp 5", "quiz"},
		{`quiz domain="cism 2" count=3`, "quiz cism 2 3", "quiz"},
		{"quiz", "quiz", "quiz"},
		{"plan cert=cism date=2027-01-31", "plan cism 2027-01-31", "plan"},
		{"remind set time=07:30 zone=Europe/Paris", "remind set 07:30 Europe/Paris", "remind set"},
		{"remind set time=7:30 zone=america/new_york", "remind set 07:30 America/New_York", "remind set"},
		{"remind show", "remind show", "remind show"},
		{"remind off", "remind off", "remind off"},
		{"remind pause days=3", "remind pause 3", "remind pause"},
		{"remind resume", "remind resume", "remind resume"},
		{"remind weekends mode=off", "remind weekends off", "remind weekends"},
		{"group daily time=08:00 zone=UTC", "group daily 08:00 UTC", "group daily"},
		{"group daily time=08:00 zone=UTC cert=cissp", "group daily 08:00 UTC cissp", "group daily"},
		{"group show", "group show", "group show"},
		{"group off", "group off", "group off"},
		{"settings key=retention value=0.85", "settings retention 0.85", "settings"},
		{"exam action=pause", "exam pause", "exam"},
		{"export", "export", "export"},
	}
	for _, c := range cases {
		t.Run(c.line, func(t *testing.T) {
			raw, _ := json.Marshal(command("1", member, c.line))
			var i discordgo.Interaction
			if err := json.Unmarshal(raw, &i); err != nil {
				t.Fatal(err)
			}
			path, opts := request(i.ApplicationCommandData())
			if path != c.path {
				t.Errorf("path %q, want %q", path, c.path)
			}
			for _, v := range opts {
				if v == "0" {
					t.Errorf("filler option in %v", opts)
				}
			}
			p := ev.engine.Prepare(bot.Request{Command: path, Options: opts})
			name, _, _ := strings.Cut(c.text, " ")
			if p.Info.Name != name || strings.TrimSpace(name+" "+p.Req.ArgsText()) != c.text {
				t.Errorf("engine got %q %q, want %q", p.Info.Name, p.Req.ArgsText(), c.text)
			}
		})
	}
}

// TestSubCommandDefinitions: a command with sub-commands is a sub-command
// group on Discord (which cannot mix sub-commands and options), one
// sub-command per declared sub with its options, so every text form of
// remind and group has a slash form.
func TestSubCommandDefinitions(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "")
	byName := map[string]*discordgo.ApplicationCommandOption{}
	for _, o := range Definitions(ev.engine.Commands())[0].Options {
		byName[o.Name] = o
	}
	for _, c := range []struct {
		cmd  string
		subs string // "sub:option,option" by declaration order; * required
	}{
		{"remind", "set:*time,zone show: off: pause:*days resume: weekends:*mode"},
		{"group", "daily:*time,zone,cert show: off:"},
	} {
		g := byName[c.cmd]
		if g == nil || g.Type != discordgo.ApplicationCommandOptionSubCommandGroup {
			t.Fatalf("%s: not a sub-command group: %+v", c.cmd, g)
		}
		var got []string
		for _, s := range g.Options {
			var opts []string
			for _, o := range s.Options {
				if o.Required {
					opts = append(opts, "*"+o.Name)
				} else {
					opts = append(opts, o.Name)
				}
			}
			got = append(got, s.Name+":"+strings.Join(opts, ","))
		}
		if strings.Join(got, " ") != c.subs {
			t.Errorf("%s: sub-commands %q, want %q", c.cmd, strings.Join(got, " "), c.subs)
		}
	}
	// Declared kinds become Discord types: days a bounded integer, the exam
	// and the weekend mode choices, zones autocompleted.
	pause := byName["remind"].Options[3].Options[0]
	if pause.Type != discordgo.ApplicationCommandOptionInteger || *pause.MinValue != 1 || pause.MaxValue != 365 {
		t.Errorf("remind pause days: %+v", pause)
	}
	if z := byName["remind"].Options[0].Options[1]; !z.Autocomplete {
		t.Errorf("remind set zone not autocompleted: %+v", z)
	}
	if cert := byName["group"].Options[0].Options[2]; len(cert.Choices) != 2 {
		t.Errorf("group daily cert choices: %+v", cert.Choices)
	}
	if mode := byName["remind"].Options[5].Options[0]; len(mode.Choices) != 2 {
		t.Errorf("remind weekends mode choices: %+v", mode.Choices)
	}
}
