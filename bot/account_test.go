package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// TestForgetConfirm: forget deletes only on an explicit confirmation, the
// button or the typed `forget yes` (for the CLI and consoles without
// buttons); the question says how to type it, and a bare `yes` after
// something else confirms nothing.
func TestForgetConfirm(t *testing.T) {
	t.Parallel()
	const (
		clickConfirm = "<click confirm>"
		clickCancel  = "<click cancel>"
	)
	for _, c := range []struct {
		name    string
		steps   []string // after setting a plan; the last step's reply is checked
		want    string
		deleted bool
	}{
		{"asks first", []string{"forget"}, "type `forget yes`", false},
		{"typed yes", []string{"forget", "forget yes"}, "Done: all your certcoach data", true},
		{"typed confirm", []string{"forget", "forget CONFIRM"}, "Done: all your certcoach data", true},
		{"typed without asking", []string{"forget yes"}, "Done: all your certcoach data", true},
		{"button", []string{"forget", clickConfirm}, "Done: all your certcoach data", true},
		{"button cancel", []string{"forget", clickCancel}, "Nothing was deleted", false},
		// A second click (a double click, a stale prompt) neither stores the
		// forgotten user again nor says the button is someone else's.
		{"button twice", []string{"forget", clickConfirm, clickConfirm}, "already deleted", true},
		{"cancel after the delete", []string{"forget", clickConfirm, clickCancel}, "already deleted", true},
		{"bare yes", []string{"forget", "yes"}, "A typed `yes` confirms nothing here: to delete your data, type `forget yes`.", false},
		{"yes after another command", []string{"forget", "progress", "yes"}, "A typed `yes` confirms nothing here", false},
		{"forget no", []string{"forget", "forget no"}, "Unknown argument \"no\"", false},
		{"more words", []string{"forget", "forget yes please"}, "Unknown argument \"please\"", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			if r := h.do(t, "pat", "plan cism 2027-03-01"); r.Outcome != bot.OutcomeOK {
				t.Fatalf("plan: %s", all(r))
			}
			u, err := h.store.UserByKey(ctx, h.userKey("pat"))
			if err != nil {
				t.Fatal(err)
			}
			var r, asked bot.Reply
			for _, s := range c.steps {
				switch s {
				case clickConfirm:
					r = h.click(t, "pat", mustButton(t, asked, "forget:confirm:"))
				case clickCancel:
					r = h.click(t, "pat", mustButton(t, asked, "forget:cancel:"))
				default:
					r = h.do(t, "pat", s)
				}
				if s == "forget" {
					asked = r
				}
			}
			if !strings.Contains(all(r), c.want) {
				t.Errorf("last reply lacks %q:\n%s", c.want, all(r))
			}
			rows, err := h.store.CountUserRows(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if deleted := rows == 0; deleted != c.deleted {
				t.Errorf("deleted: %v (%d rows), want %v", deleted, rows, c.deleted)
			}
			if _, err := h.store.UserByKey(ctx, h.userKey("pat")); c.deleted && !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("the forgotten user is stored again: %v", err)
			}
		})
	}
}

// TestSettingsExtraArgument: a value followed by more words is refused as
// an unknown argument and changes nothing; one word is set.
func TestSettingsExtraArgument(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text, want string
		outcome    string
	}{
		{"settings timezone Europe/Berlin extra", "Unknown argument \"extra\". Usage: `settings retention 0.9", bot.OutcomeUserError},
		{"settings retention 0.8 x", "Unknown argument \"x\"", bot.OutcomeUserError},
		{"settings leaderboard off now please", "Unknown argument \"now\"", bot.OutcomeUserError},
		{"settings timezone Europe/Berlin", "Time zone set to Europe/Berlin.", bot.OutcomeOK},
		{"settings retention 0.8", "Retention set to 0.80", bot.OutcomeOK},
		// A city in words is one zone.
		{"settings timezone los angeles", "Time zone set to America/Los_Angeles.", bot.OutcomeOK},
		{"settings timezone los angeles now", "Unknown argument \"angeles\"", bot.OutcomeUserError},
	} {
		t.Run(c.text, func(t *testing.T) {
			h := newHarness(t)
			r := h.do(t, "pat", c.text)
			if r.Outcome != c.outcome || !strings.Contains(all(r), c.want) {
				t.Fatalf("got %s %q, want %s with %q", r.Outcome, all(r), c.outcome, c.want)
			}
			u, err := h.store.UserByKey(context.Background(), h.userKey("pat"))
			if err != nil {
				t.Fatal(err)
			}
			changed := u.TZ != "" || u.Retention == 0.8 || !u.Leaderboard
			if changed != (c.outcome == bot.OutcomeOK) {
				t.Errorf("settings changed: %v (tz %q, retention %v, leaderboard %v)", changed, u.TZ, u.Retention, u.Leaderboard)
			}
		})
	}
}

// TestForgetPromptFromBefore: the confirm button of a prompt shown before
// an earlier `forget` deletes nothing of the user stored since, and says
// so in their terms (only they see the prompt).
func TestForgetPromptFromBefore(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	old := h.do(t, "pat", "forget")
	h.do(t, "pat", "forget yes")
	h.do(t, "sam", "plan cism 2027-03-01") // takes the freed ID
	if r := h.do(t, "pat", "plan cism 2027-03-01"); r.Outcome != bot.OutcomeOK {
		t.Fatalf("plan: %s", all(r))
	}
	r := h.click(t, "pat", mustButton(t, old, "forget:confirm:"))
	if r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, "earlier `forget`") {
		t.Errorf("old confirm:\n%s", all(r))
	}
	u, err := h.store.UserByKey(ctx, h.userKey("pat"))
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := h.store.CountUserRows(ctx, u.ID); err != nil || rows == 0 {
		t.Errorf("pat's new data: %d rows, %v", rows, err)
	}
}

// TestButtonsAfterForget: a quiz's buttons and a resume prompt's left on
// screen after `forget` refer to nothing: clicking one says so and does
// not store the forgotten user again.
func TestButtonsAfterForget(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	q := h.do(t, "fy", "review")
	h.click(t, "fy", h.answerButton(t, q, true))
	prompt := h.do(t, "fy", "review") // offers to resume or start over
	q2 := h.do(t, "fy", "quiz cissp 1 2")
	ids := []string{h.answerButton(t, q2, true), mustButton(t, q2, "quiz:stop:"),
		mustButton(t, prompt, "quiz:next:"), mustButton(t, prompt, "review:restart:")}
	h.do(t, "fy", "forget yes")
	for _, id := range ids {
		if r := h.click(t, "fy", id); r.Outcome != bot.OutcomeUserError {
			t.Errorf("%s after forget:\n%s", id, all(r))
		}
		if _, err := h.store.UserByKey(ctx, h.userKey("fy")); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("%s stored the forgotten user again: %v", id, err)
		}
	}
}

// TestLeaderboardScopes: a Discord server's leaderboard ranks its members;
// in a Discord user's own space (a DM, a server that did not add
// certcoach) there is no group, and the reply says so and where a board is
// instead of ranking the user alone; a Slack DM shows the workspace's.
func TestLeaderboardScopes(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ann := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "g1", User: "ann", Name: "Ann", Channel: "c1"}
	bob := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "g1", User: "bob", Name: "Bob", Channel: "c1"}
	annDM := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:ann", User: "ann", Name: "Ann", Channel: "d1", DM: true}
	annOwnInstall := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:ann", User: "ann", Name: "Ann", Channel: "c9"}
	slackDM := bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", Name: "Una", Channel: "D1", DM: true}
	// One right answer each: Ann in the server and in her DM, Bob in the
	// server, Una in a Slack DM.
	for _, a := range []bot.Actor{ann, bob, annDM, slackDM} {
		r := h.e.Handle(ctx, bot.Request{Actor: a, Text: "quiz cissp 1 1"})
		if r = h.e.Handle(ctx, bot.Request{Actor: a, Action: h.answerButton(t, r, true)}); r.Outcome != bot.OutcomeOK {
			t.Fatalf("%s %s: %s", a.Workspace, a.User, all(r))
		}
	}
	for _, c := range []struct {
		name      string
		req       bot.Request
		want, not []string
	}{
		{"server", bot.Request{Actor: bob, Text: "leaderboard"}, []string{"1. Ann: 15 points", "2. Bob (you): 15 points"}, []string{"No leaderboard"}},
		{"DM slash", bot.Request{Actor: annDM, Text: "leaderboard"},
			[]string{"A DM has no group to rank", "run `/cert leaderboard` in one of its channels", "`/cert progress` shows your standing"}, []string{"1. ", "points", "(you)"}},
		{"DM message", bot.Request{Actor: annDM, Text: "leaderboard", Conversational: true},
			[]string{"A DM has no group to rank", "`/cert leaderboard`", "`progress` shows your standing"}, []string{"1. ", "points"}},
		{"server without certcoach", bot.Request{Actor: annOwnInstall, Text: "leaderboard"},
			[]string{"certcoach is not added to this server", "your DMs with certcoach"}, []string{"A DM", "1. ", "points"}},
		{"Slack DM", bot.Request{Actor: slackDM, Text: "leaderboard"}, []string{"1. Una (you): 15 points"}, []string{"No leaderboard"}},
	} {
		r := h.e.Handle(ctx, c.req)
		got := all(r)
		if r.Outcome != bot.OutcomeOK || !r.Private {
			t.Errorf("%s: outcome %s, private %v:\n%s", c.name, r.Outcome, r.Private, got)
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: want %q in:\n%s", c.name, w, got)
			}
		}
		for _, w := range c.not {
			if strings.Contains(got, w) {
				t.Errorf("%s: %q in:\n%s", c.name, w, got)
			}
		}
	}
	// Asked in a DM by someone never seen, it stores nothing.
	carol := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:carol", User: "carol", DM: true}
	h.e.Handle(ctx, bot.Request{Actor: carol, Text: "leaderboard"})
	if _, err := h.store.UserByKey(ctx, storage.UserKey{Platform: bot.PlatformDiscord, Workspace: "dm:carol", User: "carol"}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the DM leaderboard stored its asker: %v", err)
	}
}

// TestExportIsWhatForgetDeletes: on Discord a server that added certcoach
// and the user's own space keep the user's data apart. export in one
// exports exactly the rows forget there deletes, says which scope, and
// neither reaches the other's.
func TestExportIsWhatForgetDeletes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	server := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "g1", User: "u1", Channel: "c1"}
	own := bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:u1", User: "u1", Channel: "d1", DM: true}
	run := func(a bot.Actor, text string) bot.Reply {
		t.Helper()
		r := h.e.Handle(ctx, bot.Request{Actor: a, Text: text})
		if r.Outcome != bot.OutcomeOK {
			t.Fatalf("%s %q: %s", a.Workspace, text, all(r))
		}
		return r
	}
	exported := func(a bot.Actor, scope string) (int64, int) {
		t.Helper()
		r := run(a, "export")
		if !strings.Contains(r.Body, "Everything certcoach stores about you "+scope) || r.Attachment == nil {
			t.Fatalf("%s export does not name its scope %q:\n%s", a.Workspace, scope, all(r))
		}
		var doc struct {
			Data map[string][]map[string]any `json:"data"`
		}
		if err := json.Unmarshal(r.Attachment.Content, &doc); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, rows := range doc.Data {
			n += len(rows)
		}
		if len(doc.Data["user"]) != 1 || doc.Data["user"][0]["workspace"] != a.Workspace {
			t.Fatalf("%s export holds users %v", a.Workspace, doc.Data["user"])
		}
		return int64(doc.Data["user"][0]["id"].(float64)), n
	}
	run(server, "plan cism 2027-03-01")
	run(server, "settings timezone Europe/Berlin")
	run(own, "plan cissp 2027-05-01")
	serverID, serverRows := exported(server, "on this Discord server")
	ownID, ownRows := exported(own, "in your own space")
	if serverID == ownID {
		t.Fatalf("one user row for both scopes: %d", serverID)
	}
	if n, err := h.store.CountUserRows(ctx, serverID); err != nil || n != serverRows {
		t.Fatalf("server scope: %d rows stored, %d exported (%v)", n, serverRows, err)
	}
	if r := run(server, "forget yes"); !strings.Contains(r.Body, "on this Discord server is deleted") {
		t.Fatalf("forget: %s", all(r))
	}
	if n, err := h.store.CountUserRows(ctx, serverID); err != nil || n != 0 {
		t.Errorf("after forget on the server: %d rows left (%v)", n, err)
	}
	if n, err := h.store.CountUserRows(ctx, ownID); err != nil || n != ownRows {
		t.Errorf("own space after forget on the server: %d rows, exported %d before (%v)", n, ownRows, err)
	}
}

// TestForgetPromptSaysWhatGoes: the confirmation button reads the same on
// every platform and claims what the title and the outcome do (the asker's
// own data in this scope), and the prompt names the scope; on Slack it
// names the uploaded charts, which the adapter deletes with the data.
func TestForgetPromptSaysWhatGoes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	for _, c := range []struct {
		act    bot.Actor
		scope  string
		charts bool
	}{
		{bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", Channel: "C1"}, "in this workspace", true},
		{bot.Actor{Platform: bot.PlatformDiscord, Workspace: "g1", User: "u1", Channel: "c1"}, "on this Discord server", false},
		{bot.Actor{Platform: bot.PlatformDiscord, Workspace: "dm:u1", User: "u1", Channel: "d1", DM: true}, "in your own space", false},
	} {
		r := h.e.Handle(ctx, bot.Request{Actor: c.act, Text: "forget"})
		confirm := mustButton(t, r, "forget:confirm:")
		var label string
		for _, b := range r.Buttons {
			if b.ID == confirm {
				label = b.Label
			}
		}
		if r.Title != "Delete your data?" || label != "Yes, delete my data" {
			t.Errorf("%s/%s: title %q, button %q", c.act.Platform, c.act.Workspace, r.Title, label)
		}
		if !strings.Contains(r.Body, "everything certcoach stores about you "+c.scope) {
			t.Errorf("%s/%s: prompt does not name the scope %q: %s", c.act.Platform, c.act.Workspace, c.scope, r.Body)
		}
		if got := strings.Contains(r.Body, "progress charts"); got != c.charts {
			t.Errorf("%s/%s: names the charts %v, want %v: %s", c.act.Platform, c.act.Workspace, got, c.charts, r.Body)
		}
		done := h.e.Handle(ctx, bot.Request{Actor: c.act, Action: confirm})
		if !strings.Contains(done.Body, "all your certcoach data "+c.scope) || !strings.HasSuffix(done.Body, " is deleted.") {
			t.Errorf("%s/%s: outcome %q", c.act.Platform, c.act.Workspace, done.Body)
		}
	}
}
