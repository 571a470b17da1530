package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/storage"
)

func (e *Engine) leaderboard(ctx context.Context, req Request, _ Args) (Reply, error) {
	if req.Actor.Platform == PlatformDiscord && strings.HasPrefix(userKey(req.Actor).Workspace, "dm:") {
		// A Discord user's own space (their DMs, servers that did not add
		// certcoach) holds their answers alone: a board of it would rank
		// one person. The server boards are in the servers.
		return e.ownSpaceLeaderboard(req), nil
	}
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	// The week starts on Monday 00:00 in the viewer's zone.
	loc := study.Location(u)
	lt := e.clock.Now().In(loc)
	start := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -((int(lt.Weekday()) + 6) % 7))
	rows, err := e.store.Leaderboard(ctx, u.Key.Platform, u.Key.Workspace, start, 10)
	if err != nil {
		return Reply{}, err
	}
	hidden := ""
	if !u.Leaderboard {
		hidden = "You are hidden from the leaderboard, so your answers are not counted here: `" + e.Say(req, "settings leaderboard on") + "` to show them."
	}
	if len(rows) == 0 {
		body := "No answers this week yet. Be the first: `" + e.Say(req, "quiz") + "`."
		if hidden != "" {
			body = "No answers on the board this week. " + hidden
		}
		return Reply{Kind: "leaderboard", Title: "This week's leaderboard", Private: true, Body: body}, nil
	}
	var sb strings.Builder
	for i, r := range rows {
		name := r.Display
		if name == "" {
			name = r.User
		}
		me := ""
		if r.UserID == u.ID {
			me = " (you)"
		}
		fmt.Fprintf(&sb, "%d. %s%s: %d points (%d correct, %s)\n", i+1, name, me, r.Correct*10+r.Days*5, r.Correct, Plural(r.Days, "active day"))
	}
	if hidden != "" {
		sb.WriteString("\n" + hidden)
	}
	return Reply{Kind: "leaderboard", Title: "This week's leaderboard", Body: strings.TrimRight(sb.String(), "\n"), Private: true,
		Footer: "10 points a correct answer, 5 a day you studied; since Monday. `" + e.Say(req, "settings leaderboard off") + "` hides you."}, nil
}

// ownSpaceLeaderboard is leaderboard's reply in a Discord user's own
// space: there is no group to rank, and where there is one.
func (e *Engine) ownSpaceLeaderboard(req Request) Reply {
	where := "A DM has no group to rank, so there is no leaderboard here."
	if !req.Actor.DM {
		where = "certcoach is not added to this server (you reach it through your own install), so it has no leaderboard of the server's members here."
	}
	body := where + " Each Discord server that added certcoach has its own: run `/cert leaderboard` in one of its channels. " +
		"Your answers here count in your own space (your DMs with certcoach), where you are the only one; `" + e.Say(req, "progress") + "` shows your standing."
	return Reply{Kind: "leaderboard", Title: "No leaderboard here", Private: true, Body: body}
}

func (e *Engine) settings(ctx context.Context, req Request, args Args) (Reply, error) {
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	key, val := args.Named["key"], strings.TrimSpace(args.Named["value"])
	if key == "" && val == "" {
		tz := u.TZ
		if tz == "" {
			tz = "not set"
		}
		lb := "on"
		if !u.Leaderboard {
			lb = "off"
		}
		return Reply{Kind: "settings", Title: "Your settings", Private: true,
			Body:   fmt.Sprintf("- retention: %.2f (FSRS target recall)\n- leaderboard: %s\n- timezone: %s", u.Retention, lb, tz),
			Footer: fmt.Sprintf("Change with `%s`, `%s`, `%s`.", e.Say(req, "settings retention 0.9"), e.Say(req, "settings leaderboard off"), e.Say(req, "settings timezone Europe/Berlin"))}, nil
	}
	if key == "" || val == "" {
		return Reply{}, Errorf("Usage: `%s`.", e.usageOf(req, "settings"))
	}
	// Every value is one word but a zone's city ("los angeles"): more is a
	// mistake, refused as other commands refuse an extra argument rather
	// than set half of what was meant.
	words := strings.Fields(val)
	if len(words) > 1 {
		if _, err := ParseZone(val); key != "timezone" || err != nil {
			c, _ := e.lookup("settings")
			return Reply{}, Errorf("Unknown argument %q. %s", truncate(words[1], 30), e.usageText(req, c.CommandInfo))
		}
	} else {
		val = words[0]
	}
	switch key {
	case "retention":
		r, err := strconv.ParseFloat(val, 64)
		if err != nil || r < 0.7 || r > 0.99 {
			return Reply{}, Errorf("Retention is the recall rate FSRS aims for: a number from 0.70 to 0.99 (default 0.9).")
		}
		if err := e.store.SetRetention(ctx, u.ID, r); err != nil {
			return Reply{}, err
		}
		return Reply{Kind: "settings", Private: true, Body: fmt.Sprintf("Retention set to %.2f: new reviews are scheduled for that recall rate.", r)}, nil
	case "leaderboard":
		val = strings.ToLower(val)
		if val != "on" && val != "off" {
			return Reply{}, Errorf("Say `%s` or `%s`.", e.Say(req, "settings leaderboard on"), e.Say(req, "settings leaderboard off"))
		}
		if err := e.store.SetLeaderboard(ctx, u.ID, val == "on"); err != nil {
			return Reply{}, err
		}
		return Reply{Kind: "settings", Private: true, Body: "Leaderboard visibility: " + val + "."}, nil
	case "timezone":
		loc, err := ParseZone(val) // any case: europe/berlin is Europe/Berlin
		if err != nil {
			return Reply{}, err // it names the problem: an abbreviation, or no such zone
		}
		if err := e.store.SetTimeZone(ctx, u.ID, loc.String(), "user"); err != nil {
			return Reply{}, err
		}
		return Reply{Kind: "settings", Private: true, Body: "Time zone set to " + loc.String() + "."}, nil
	}
	return Reply{}, Errorf("Unknown setting %q. Settings: retention, leaderboard, timezone.", truncate(key, 20))
}

func (e *Engine) export(ctx context.Context, req Request, _ Args) (Reply, error) {
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	data, err := e.store.ExportUser(ctx, u.ID)
	if err != nil {
		return Reply{}, err
	}

	doc := map[string]any{"exported_at": e.clock.Now().UTC().Format(time.RFC3339), "format": "certcoach-export-v3", "data": data}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return Reply{}, fmt.Errorf("export: %w", err)
	}
	var parts []string
	for t, rows := range data {
		if len(rows) > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", t, len(rows)))
		}
	}
	return Reply{Kind: "export", Title: "Your data", Private: true,
		Body:       "Everything certcoach stores about you " + dataScope(u.Key) + ", as JSON (" + strings.Join(slices.Sorted(slices.Values(parts)), ", ") + ").",
		Attachment: &Attachment{Name: "certcoach-export.json", MIME: "application/json", Content: b}}, nil
}

// forget asks before deleting; `forget yes` is the typed answer, for the
// CLI and consoles that have no buttons to press, and for chats.
func (e *Engine) forget(ctx context.Context, req Request, args Args) (Reply, error) {
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	if args.Named["confirm"] != "" {
		return e.deleteAll(ctx, u)
	}
	id := strconv.FormatInt(u.ID, 10)
	how := "press the button or type `" + confirmForm(req) + "`"
	if req.Actor.Platform == PlatformConsole {
		how = "type `forget yes`" // no button to press: the console's keys, `certcoach ask`
	}
	charts := ""
	if req.Actor.Platform == PlatformSlack {
		charts = ", and the progress charts uploaded to Slack for you" // the adapter deletes them (Reply.PlatformFiles)
	}
	// The button says what the title and the outcome say: the asker's own
	// data in this scope, not everything certcoach holds here.
	return Reply{Kind: "forget", Title: "Delete your data?", Private: true,
		Body: "This deletes everything certcoach stores about you " + dataScope(u.Key) + ": your answers, cards, sessions, plan, reminders and settings" + charts + ". It cannot be undone. Consider `" + e.Say(req, "export") + "` first.\n\nTo delete, " + how + ".",
		Buttons: []Button{
			{ID: "forget:confirm:" + id, Label: "Yes, delete my data", Style: StyleDanger},
			{ID: "forget:cancel:" + id, Label: "Cancel"},
		}}, nil
}

// dataScope says where the data forget deletes lives, in the platform's
// words: a Discord server's data and a user's own (their DMs with the bot,
// servers reached only through their own install) are kept apart, and a
// forget in one leaves the other.
func dataScope(k storage.UserKey) string {
	switch {
	case k.Platform == PlatformConsole:
		return "on the console" // no workspace there: the console's user, apart from their chats
	case k.Platform != PlatformDiscord:
		return "in this workspace"
	case strings.HasPrefix(k.Workspace, "dm:"):
		return "in your own space (your DMs with certcoach; each server that added it keeps its own)"
	}
	return "on this Discord server"
}

// confirmForm is forget's typed confirmation as the asker can type it
// where they are: the words in a DM, which reads what is typed (a Slack DM
// or App Home's Messages tab, a Discord DM); elsewhere the slash command,
// since a channel's messages reach the bot only when they mention it (and
// a Discord server mention runs nothing of the asker's own): Slack's
// /cert takes the words, Discord's takes them as an option.
func confirmForm(req Request) string {
	switch {
	case req.Conversational && req.Actor.DM:
		return "forget yes"
	case req.Actor.Platform == PlatformDiscord:
		return "/cert forget confirm:yes"
	}
	return "/cert forget yes"
}

func (e *Engine) forgetAction(ctx context.Context, req Request, parts []string) (Reply, error) {
	if len(parts) != 2 {
		return Reply{}, Errorf("That button is not valid any more.")
	}
	// Looked up, not created: a second click (a double click, the prompt
	// still on screen) must not store the user it has just deleted.
	u, err := e.store.UserByKey(ctx, userKey(req.Actor))
	if errors.Is(err, storage.ErrNotFound) {
		return Reply{Kind: "forget", Private: true, Replace: true, Body: "Your certcoach data " + dataScope(userKey(req.Actor)) + " is already deleted."}, nil
	}
	if err != nil {
		return Reply{}, err
	}
	if parts[1] != strconv.FormatInt(u.ID, 10) {
		// Only its asker sees the prompt (a private reply): it is one from
		// before an earlier `forget`.
		return Reply{}, Errorf("That button is from an earlier `forget`: type `%s` to be asked again.", e.Say(req, "forget"))
	}
	switch parts[0] {
	case "cancel":
		return Reply{Kind: "forget", Private: true, Replace: true, Body: "Nothing was deleted."}, nil
	case "confirm":
		return e.deleteAll(ctx, u)
	}
	return Reply{}, Errorf("That button is not valid any more.")
}

// deleteAll deletes everything stored about u: a confirmed `forget`, by
// button or typed. Replace retires the question's buttons (a chat's
// message, the console's typed keys) either way.
func (e *Engine) deleteAll(ctx context.Context, u storage.User) (Reply, error) {
	// The files' IDs go with the user's rows; the adapter deletes the files
	// on the platform afterwards. Not knowing them must not stop the rest.
	files, err := e.store.PlatformFiles(ctx, u.ID)
	if err != nil {
		e.log.Warn("forget: cannot list the user's platform files", "err", err)
	}
	if err := e.store.DeleteUser(ctx, u.ID); err != nil {
		return Reply{}, err
	}
	e.forgetPlan(u)
	e.charts.forget(u.ID)
	return Reply{Kind: "forget", Private: true, Replace: true, DataDeleted: true, PlatformFiles: files,
		Body: "Done: all your certcoach data " + dataScope(u.Key) + " is deleted."}, nil
}
