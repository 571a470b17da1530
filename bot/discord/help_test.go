package discord

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHelpShowsSlashForms: /cert help in a server shows each command as
// /cert takes it (a sub-command with options: `forget [confirm]`, not
// `forget | forget yes`; examples such as `/cert exam action:pause`), and
// the leaderboard's scope in Discord's words in the help; in a DM, which is
// no group, where one is; and in the registered description, which Discord
// shows in servers and DMs alike, words true in both.
func TestHelpShowsSlashForms(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	for i, c := range []struct {
		w         who
		line      string
		want, not []string
	}{
		{member, "help", []string{"`forget [confirm]`", "`quiz [cert] [domain] [count] [action]`", "`exam [cert] [action]`",
			"`leaderboard`: This week's top 10 on this Discord server"}, []string{"forget | forget yes", "exam pause", "in this workspace"}},
		{member, "help command=exam", []string{"`/cert exam cert:cism`", "`/cert exam action:pause`"}, []string{"`exam pause`"}},
		{member, "help command=quiz", []string{"`/cert quiz cert:cissp domain:7 count:5`"}, []string{"`quiz cissp 7 5`"}},
		{member, "help command=forget", []string{"`/cert forget confirm:yes`"}, []string{"`forget yes`"}},
		{member, "help command=export", []string{"`export`: Your data as JSON on this Discord server"}, []string{"All your", "workspace"}},
		{dmUser, "help command=forget", []string{"Asks, then deletes your data in your own space (your DMs with certcoach"}, []string{"on this Discord server", "workspace"}},
		{member, "help command=progress", []string{"`progress [cert]`: Mastery per domain, streak and readiness, with a chart"}, []string{"console", "show"}},
		{dmUser, "help command=leaderboard", []string{"This week's top 10 of a Discord server that added certcoach"}, []string{"in this workspace", "on this Discord server"}},
	} {
		code, body := h.post(t, mustJSON(command(fmt.Sprint(630000000000000000+i), c.w, c.line)), time.Now(), testKey)
		var r wireResponse
		if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
			t.Fatalf("%s: %d %s", c.line, code, truncate(string(body), 300))
		}
		got := r.Data.allText()
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %q: want %q in:\n%s", c.w.guild, c.line, w, got)
			}
		}
		for _, w := range c.not {
			if strings.Contains(got, w) {
				t.Errorf("%s %q: want no %q in:\n%s", c.w.guild, c.line, w, got)
			}
		}
	}
	// Registered, it is shown in DMs as well: no "this server" there.
	for _, o := range Definitions(h.engine.Commands())[0].Options {
		if o.Name == "leaderboard" && o.Description != "This week's top 10 of the server you run it in, if it added certcoach" {
			t.Errorf("leaderboard's description: %q", o.Description)
		}
	}
}
