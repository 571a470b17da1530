package discord

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/storage"
)

func TestDefinitionsInstallableToUsers(t *testing.T) {
	t.Parallel()
	defs := Definitions(nil)
	b, err := json.Marshal(defs[0])
	if err != nil {
		t.Fatal(err)
	}
	var wire struct {
		IntegrationTypes []int `json:"integration_types"`
		Contexts         []int `json:"contexts"`
	}
	if err := json.Unmarshal(b, &wire); err != nil {
		t.Fatal(err)
	}
	if len(wire.IntegrationTypes) != 2 || wire.IntegrationTypes[0] != 0 || wire.IntegrationTypes[1] != 1 {
		t.Errorf("integration_types %v, want [0 1]", wire.IntegrationTypes)
	}
	if len(wire.Contexts) != 3 || wire.Contexts[0] != 0 || wire.Contexts[1] != 1 || wire.Contexts[2] != 2 {
		t.Errorf("contexts %v, want [0 1 2]", wire.Contexts)
	}
}

// userInstalled marks a test interaction as arriving through the user's own
// install (authorizing_integration_owners {"1": user}), in context ctx.
func userInstalled(m map[string]any, user string, ctx int) map[string]any {
	m["authorizing_integration_owners"] = map[string]string{"1": user}
	m["context"] = ctx
	return m
}

func TestUserInstallInteractions(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	groupDM := who{user: "600000000000000009"}
	do := func(m map[string]any) (int, wireResponse) {
		code, body := h.post(t, mustJSON(m), time.Now(), testKey)
		var r wireResponse
		if code == 200 {
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatalf("response %s: %v", body, err)
			}
		}
		return code, r
	}
	// A group DM (context 2): no guild, the user's own scope, private
	// replies are ephemeral so the others in the DM do not see them.
	code, r := do(userInstalled(command("u1", groupDM, "progress"), groupDM.user, 2))
	if code != 200 || r.Data == nil || r.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
		t.Fatalf("progress in a group DM: %d %+v", code, r)
	}
	stored := func(workspace, user string) bool {
		_, err := h.store.UserByKey(context.Background(), storage.UserKey{Platform: "discord", Workspace: workspace, User: user})
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	if !stored("dm:"+groupDM.user, groupDM.user) {
		t.Error("group DM user not stored under their own scope")
	}
	// A server that did not install the bot, with a user who could manage
	// it: still the user's own scope, and no channel set-up.
	outsider := who{guild: "800000000000000077", user: "600000000000000008", perms: discordgo.PermissionAdministrator}
	code, r = do(userInstalled(command("u2", outsider, "group daily 09:00"), outsider.user, 0))
	if code != 200 || r.Data == nil || !strings.Contains(r.Data.allText(), "Manage") || r.Data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
		t.Errorf("group set-up through a user install: %d %+v", code, r.Data)
	}
	if code, r = do(userInstalled(command("u3", outsider, "quiz cissp"), outsider.user, 0)); code != 200 || len(r.Data.buttonIDs()) == 0 {
		t.Fatalf("quiz through a user install: %d", code)
	}
	if !stored("dm:"+outsider.user, outsider.user) || stored(outsider.guild, outsider.user) {
		t.Error("user-install user not stored under their own scope only")
	}
	// The same server with the bot installed too: the server's scope.
	both := command("u4", outsider, "progress")
	both["authorizing_integration_owners"] = map[string]string{"0": outsider.guild, "1": outsider.user}
	if code, _ := do(both); code != 200 || !stored(outsider.guild, outsider.user) {
		t.Fatalf("guild-installed progress: %d, stored under the guild: %v", code, stored(outsider.guild, outsider.user))
	}
}

// wireCommand is a command or option as the fake Discord receives it in a
// PUT of application commands: what Discord shows.
type wireCommand struct {
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Contexts    []int         `json:"contexts"`
	Options     []wireCommand `json:"options"`
	Choices     []struct {
		Name string `json:"name"`
	} `json:"choices"`
}

// TestDescriptionsTrueInEveryContext: Discord shows one description per
// command, option and choice in every context /cert is registered for (it
// has no per-context descriptions), so none may claim what one of them
// lacks: a server or a channel in a DM, Slack's words, typing, the console,
// all of a user's data (each server and their own space keep theirs apart).
func TestDescriptionsTrueInEveryContext(t *testing.T) {
	t.Parallel()
	ev := newEnv(t, "fake-bot-token")
	if err := Register(context.Background(), ev.s, "app1", "", Definitions(ev.engine.Commands())); err != nil {
		t.Fatal(err)
	}
	var sent []wireCommand
	for _, c := range ev.fake.Calls() {
		if c.Method == "PUT" {
			c.JSON(t, &sent)
		}
	}
	if len(sent) != 1 {
		t.Fatalf("registered %d commands, want 1", len(sent))
	}
	registered := map[int]bool{}
	for _, c := range sent[0].Contexts {
		registered[c] = true
	}
	const guild, botDM, groupDM = 0, 1, 2
	if !registered[guild] || !registered[botDM] || !registered[groupDM] {
		t.Fatalf("contexts %v: want servers, the bot's DM and group DMs", sent[0].Contexts)
	}
	type shown struct{ where, text string }
	var texts []shown
	var walk func(path string, c wireCommand)
	walk = func(path string, c wireCommand) {
		path = strings.TrimSpace(path + " " + c.Name)
		texts = append(texts, shown{path, c.Description})
		for _, ch := range c.Choices {
			texts = append(texts, shown{path + " choice", ch.Name})
		}
		for _, o := range c.Options {
			walk(path, o)
		}
	}
	walk("", sent[0])
	for _, c := range []struct {
		claim   string // a whole word or phrase, any case
		means   string
		wrongIn []int // contexts where the claim is false
	}{
		{"this Discord server", "a server", []int{botDM, groupDM}},
		{"this server", "a server", []int{botDM, groupDM}},
		{"on the server", "a server", []int{botDM, groupDM}},
		{"this channel", "a channel", []int{botDM, groupDM}},
		{"here", "a channel", []int{botDM, groupDM}},
		{"workspace", "Slack's word", []int{guild, botDM, groupDM}},
		{"typed", "typing a command", []int{guild, botDM, groupDM}},
		{"console", "the console, which is not Discord", []int{guild, botDM, groupDM}},
		{"chats", "other platforms", []int{guild, botDM, groupDM}},
		// Each server that added certcoach and the user's own space keep
		// their data apart: export and forget reach one of them.
		{"all your", "every scope's data", []int{guild, botDM, groupDM}},
		{"everything", "every scope's data", []int{guild, botDM, groupDM}},
	} {
		applies := false
		for _, w := range c.wrongIn {
			applies = applies || registered[w]
		}
		if !applies {
			continue
		}
		re := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(c.claim) + `\b`)
		for _, s := range texts {
			if re.MatchString(s.text) {
				t.Errorf("%s: %q claims %s (%q), false in contexts %v", s.where, s.text, c.means, c.claim, c.wrongIn)
			}
		}
	}
	// export and forget say which data they reach, in words true in all
	// contexts; progress has no chart option (chats always carry it).
	for where, want := range map[string]string{
		"cert export": "Your data as JSON from the server you run it in if it added certcoach, else from your DMs",
		"cert forget": "Asks, then deletes your data from the server you run it in if it added certcoach, else from your DMs",
	} {
		if !slices.Contains(texts, shown{where, want}) {
			t.Errorf("%s: want description %q", where, want)
		}
	}
	for _, s := range texts {
		if strings.HasPrefix(s.where, "cert progress show") {
			t.Errorf("%s: %q: an option that does nothing on Discord", s.where, s.text)
		}
	}
	for _, s := range texts {
		if s.text == "" || utf8.RuneCountInString(s.text) > maxCommandDesc || strings.HasSuffix(s.text, "…") {
			t.Errorf("%s: %q: empty, too long or clipped", s.where, s.text)
		}
	}
}
