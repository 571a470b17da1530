package remind

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// Action ID prefixes, routed by the engine:
// remind:answer:<reminder>:<YYYY-MM-DD>:<choice> and qotd:answer:<post>:<choice>
// (both far below Discord's 100-byte custom_id limit).
const (
	actionRemind = "remind"
	actionQotd   = "qotd"
)

const dayFormat = "Mon 2 Jan 2006 15:04 MST"

// remindForm is how to set a reminder as the asker can run it (Say):
// Discord's /cert names the sub-command and takes the time and zone as
// options (it has no `remind 07:30`, and no profile zone to fall back on);
// a DM's messages, Slack and the console take the words.
func (c *commands) remindForm(req bot.Request) string {
	return "`" + c.e.Say(req, "remind 07:30 Europe/Berlin") + "` (a time such as 07:30 or 7:30am, then an IANA time zone such as America/New_York)"
}

// groupForm is remindForm for a channel's question of the day. One rule
// (bot.SlashForms) holds for both: a Discord server mention runs neither
// (a reminder is the asker's own, withheld there; group needs the Manage
// rights only /cert carries), so the /cert forms are the ones that run.
func (c *commands) groupForm(req bot.Request) string {
	one := "`cism` or `cissp`"
	if bot.SlashForms(req) {
		one = "`cert:cism` or `cert:cissp`"
	}
	return "`" + c.e.Say(req, "group daily 09:00 Europe/Berlin") + "` (a time such as 07:30 or 7:30am, then an IANA time zone; add " + one + " to keep to one exam)"
}

type commands struct {
	e     *bot.Engine
	store Store
	kb    *knowledge.Base
	study *study.Service
	zones *zones
}

// Register adds the reminder and channel question-of-the-day commands and
// their answer buttons to the engine. It needs no platform: settings are
// stored, and whichever process runs a Scheduler delivers them.
func Register(d Deps) {
	e := d.Engine
	c := &commands{e: e, store: d.Store, kb: d.KB, study: d.study(), zones: &zones{}}
	zone := bot.Param{Name: "zone", Kind: bot.KindZone, Desc: "IANA time zone, e.g. Europe/Paris (default: yours)", Example: "remind 07:30 Europe/Paris", MaxLen: 64, Complete: true}
	// Each form is a sub-command, so Discord (which cannot mix sub-commands
	// and options) offers them all; typed text leaves out "set".
	e.Register(bot.CommandInfo{Name: "remind", Usage: "remind <HH:MM> [IANA zone] | remind off | remind pause <days> | remind resume | remind weekends off|on",
		Summary:   "A daily study reminder by DM, with one question",
		SummaryOn: map[string]string{bot.PlatformConsole: "A daily study reminder with one question, shown while the console is open"}, Subs: []bot.Sub{
			{Name: "set", Usage: "remind <HH:MM> [IANA zone]", Summary: "Remind me every day at this time", Implied: true, Params: []bot.Param{
				{Name: "time", Kind: bot.KindTime, Desc: "Time as HH:MM (24-hour) or 7:30am", Example: "remind 07:30 Europe/Paris", Required: true, MaxLen: 10}, zone}},
			{Name: "show", Usage: "remind", Summary: "Show my daily reminder"},
			{Name: "off", Usage: "remind off", Summary: "Stop my daily reminder", Aliases: []string{"stop"}},
			{Name: "pause", Usage: "remind pause <days>", Summary: "Pause my reminder for some days", Params: []bot.Param{
				{Name: "days", Kind: bot.KindCount, Desc: "How many days (1-365)", Example: "remind pause 3", Required: true, Min: 1, Max: 365}}},
			{Name: "resume", Usage: "remind resume", Summary: "Turn my reminder back on", Aliases: []string{"on"}},
			{Name: "weekends", Usage: "remind weekends off|on", Summary: "Quiet weekends, or reminders every day", Aliases: []string{"weekend"}, Params: []bot.Param{
				{Name: "mode", Kind: bot.KindChoice, Desc: "off: none on Saturday and Sunday; on: every day", Example: "remind weekends off", Required: true, Choices: []string{"off", "on"}}}}}},
		c.remind, "reminder", "reminders")
	groupZone := zone
	groupZone.Desc, groupZone.Example = "IANA time zone, e.g. Europe/Berlin (default: the channel's or yours)", "group daily 09:00 Europe/Berlin"
	e.Register(bot.CommandInfo{Name: "group", Usage: "group daily <HH:MM> [IANA zone] [cism|cissp] | group off",
		Summary: "A question of the day for a channel (channel managers)", Who: bot.ChannelManagers, Subs: []bot.Sub{
			{Name: "daily", Usage: "group daily <HH:MM> [IANA zone] [cism|cissp]", Summary: "Post a question every day in the channel you run it in", Params: []bot.Param{
				{Name: "time", Kind: bot.KindTime, Desc: "Time as HH:MM (24-hour) or 9am", Example: "group daily 09:00 Europe/Berlin", Required: true, MaxLen: 10}, groupZone,
				{Name: "cert", Kind: bot.KindExam, Desc: "Keep to one exam (default: both)", Example: "group daily 09:00 Europe/Berlin cissp"}}},
			{Name: "show", Usage: "group", Summary: "Show the channel's question of the day"},
			{Name: "off", Usage: "group off", Summary: "Stop the channel's daily question", Aliases: []string{"stop"}}}}, c.group)
	e.RegisterAction(actionRemind, c.answerReminder)
	e.RegisterAction(actionQotd, c.answerQotd)
	e.OnZoneChange(c.followZone)
}

// followZone moves a personal reminder to the user's new profile zone when
// it was set in the old one (an explicit `remind 07:30 <zone>` stores the
// zone as the user's own, and platform hints never override that).
func (c *commands) followZone(ctx context.Context, u storage.User, previous string) error {
	st := c.store
	r, err := st.ReminderFor(ctx, storage.ReminderUser, u.Key.Platform, u.Key.Workspace, u.Key.User)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if r.TZ != previous || r.NextFire.IsZero() {
		return nil
	}
	r.TZ = u.TZ
	_, err = st.SaveReminder(ctx, r, c.now(), c.zones.next)
	return err
}

func (c *commands) now() time.Time { return c.e.Clock().Now() }

func (c *commands) remind(ctx context.Context, req bot.Request, args bot.Args) (bot.Reply, error) {
	u, err := c.e.User(ctx, req.Actor)
	if err != nil {
		return bot.Reply{}, err
	}
	st := c.store
	cur, err := st.ReminderFor(ctx, storage.ReminderUser, u.Key.Platform, u.Key.Workspace, u.Key.User)
	exists := err == nil
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return bot.Reply{}, err
	}
	needOn := func() error {
		if exists && cur.NextFire.IsZero() && cur.Stopped == storage.StopDMRefused {
			return bot.Errorf("%s", c.refusedText(req, cur))
		}
		if !exists || cur.NextFire.IsZero() {
			return bot.Errorf("You have no daily reminder on. Set one with %s.", c.remindForm(req))
		}
		return nil
	}
	on := c.zones.next
	switch args.Sub {
	case "", "show":
		return c.showReminder(req, cur, exists), nil
	case "off":
		// A reminder the scheduler stopped is off already; saving it off
		// still clears why, so `remind` stops explaining the refusal.
		if !exists || (cur.NextFire.IsZero() && cur.Stopped == "") {
			return private("You have no daily reminder on."), nil
		}
		if _, err := st.SaveReminder(ctx, cur, c.now(), nil); err != nil {
			return bot.Reply{}, err
		}
		return private(fmt.Sprintf("Daily reminder off. `%s` turns it back on.", c.e.Say(req, "remind "+clockText(cur.Minute)))), nil
	case "pause":
		if err := needOn(); err != nil {
			return bot.Reply{}, err
		}
		n, err := strconv.Atoi(args.Named["days"])
		if err != nil {
			return bot.Reply{}, bot.Errorf("Say how many days to pause, e.g. `%s` (1 to 365).", c.e.Say(req, "remind pause 3"))
		}
		if n < 1 || n > 365 {
			return bot.Reply{}, bot.Errorf("A pause is 1 to 365 days (you asked for %d), e.g. `%s`.", n, c.e.Say(req, "remind pause 3"))
		}
		loc, _ := c.zones.load(cur.TZ)
		lt := c.now().In(loc)
		cur.PausedUntil = time.Date(lt.Year(), lt.Month(), lt.Day()+n+1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		r, err := st.SaveReminder(ctx, cur, c.now(), on)
		if err != nil {
			return bot.Reply{}, err
		}
		return private(fmt.Sprintf("Paused for %s. %s", bot.Plural(n, "day"), c.nextText(r))), nil
	case "resume":
		if !exists { // an off reminder keeps its settings and can come back
			return bot.Reply{}, bot.Errorf("You have no daily reminder yet. Set one with %s.", c.remindForm(req))
		}
		newlyOn := cur.NextFire.IsZero() // off, or stopped by a refused DM
		cur.PausedUntil = ""
		r, err := st.SaveReminder(ctx, cur, c.now(), on)
		if err != nil {
			return bot.Reply{}, err
		}
		check := ""
		if newlyOn {
			check = c.checkDM(ctx, req, r)
		}
		return private("Daily reminder on. " + c.nextText(r) + check), nil
	case "weekends":
		if err := needOn(); err != nil {
			return bot.Reply{}, err
		}
		mode := args.Named["mode"]
		if mode == "" {
			return bot.Reply{}, bot.Errorf("Say `%s` for quiet weekends, or `%s`.", c.e.Say(req, "remind weekends off"), c.e.Say(req, "remind weekends on"))
		}
		cur.QuietWeekends = mode == "off"
		r, err := st.SaveReminder(ctx, cur, c.now(), on)
		if err != nil {
			return bot.Reply{}, err
		}
		what := "Reminders on weekends too."
		if cur.QuietWeekends {
			what = "Quiet weekends: no reminders on Saturday and Sunday."
		}
		return private(what + " " + c.nextText(r)), nil
	}
	// set: the time and zone are checked by the engine's parse.
	minute, err := ParseClock(args.Named["time"])
	if err != nil {
		return bot.Reply{}, bot.Errorf("What time? Say %s, or `%s`.", c.remindForm(req), c.e.Say(req, "remind off"))
	}
	zone, note := args.Named["zone"], ""
	switch {
	case zone != "":
		if err := c.store.SetTimeZone(ctx, u.ID, zone, "user"); err != nil {
			return bot.Reply{}, err
		}
	case u.TZ != "":
		zone = u.TZ
		if u.TZSource == "platform" {
			note = " (your profile's time zone; add a zone to use another)"
			if u.Key.Platform == bot.PlatformConsole {
				note = " (this computer's time zone; add a zone to use another)" // the console's has no profile
			}
		}
	case exists && cur.TZ != "":
		zone = cur.TZ
	default:
		return bot.Reply{}, bot.Errorf("Which time zone are you in? Say %s.", c.remindForm(req))
	}
	r := storage.Reminder{Kind: storage.ReminderUser, UserID: u.ID, Platform: u.Key.Platform, Workspace: u.Key.Workspace,
		Target: u.Key.User, Minute: minute, TZ: zone}
	if exists {
		r.QuietWeekends, r.PausedUntil = cur.QuietWeekends, cur.PausedUntil
	}
	saved, err := st.SaveReminder(ctx, r, c.now(), on)
	if err != nil {
		return bot.Reply{}, err
	}
	check := ""
	if !exists || cur.NextFire.IsZero() { // newly on: new, off, or stopped by a refused DM
		check = c.checkDM(ctx, req, saved)
	}
	where := ""
	if u.Key.Platform == bot.PlatformConsole {
		// The console is no chat: nothing arrives while it is closed.
		where = " The console shows it while it is open on a terminal (certcoach console)."
	}
	return private(fmt.Sprintf("Daily reminder set for %s %s%s. %s%s%s", clockText(minute), zone, note, c.nextText(saved), where, check)), nil
}

// dmCheckTimeout bounds the DM checkDM sends: the reply waits for it.
const dmCheckTimeout = 5 * time.Second

// checkDM sends the asker a DM saying their reminder is on, when the
// adapter can (req.DM), so that a platform refusing their DMs is told now,
// in the reply, rather than by a reminder that never arrives. The callers
// check only a reminder newly on: one already on has had its check (or its
// refusal, which stops it). A request said in a DM needs none: it arrived
// there, and the DM would repeat the reply. It returns what to add to the
// reply: nothing unless the DM was refused for good. Any other failure is
// logged and left to the scheduler, which retries on the day.
func (c *commands) checkDM(ctx context.Context, req bot.Request, r storage.Reminder) string {
	if req.DM == nil || req.Actor.DM || r.NextFire.IsZero() {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, dmCheckTimeout)
	defer cancel()
	msg := bot.Reply{Kind: "remind", Body: fmt.Sprintf("Your daily reminder is on: %s %s, here in this DM, with a question each time.", clockText(r.Minute), r.TZ)}
	err := req.DM.SendDM(ctx, r.Workspace, r.Target, msg)
	if refusedDM(err) {
		return fmt.Sprintf("\nBut the DM I just sent you was refused, so reminders cannot reach you yet. %s. Do it before the reminder is due: one the platform refuses turns itself off.", dmRefusedHow(r.Platform))
	}
	if err != nil {
		c.e.Logger().Warn("remind: check DM", "request_id", req.ID, "platform", r.Platform, "err", err)
	}
	return ""
}

func private(body string) bot.Reply { return bot.Reply{Kind: "remind", Private: true, Body: body} }

// nextText says when a reminder next fires, in its own zone.
func (c *commands) nextText(r storage.Reminder) string {
	if r.NextFire.IsZero() {
		return "It will not fire (check the time zone)."
	}
	loc, err := c.zones.load(r.TZ)
	if err != nil {
		return "It will not fire: unknown time zone " + r.TZ + "."
	}
	return "Next: " + r.DueAt.In(loc).Format(dayFormat) + "."
}

// refusedText tells a user why their reminder went off by itself: the
// platform refused the DM, and retrying daily would only fail again.
func (c *commands) refusedText(req bot.Request, r storage.Reminder) string {
	return fmt.Sprintf("Your daily reminder (%s %s) is off: the last one could not be delivered by DM. %s, then `%s` to turn it back on.",
		clockText(r.Minute), r.TZ, dmRefusedHow(r.Platform), c.e.Say(req, "remind resume"))
}

// dmRefusedHow says who refused a DM and what the user can change.
func dmRefusedHow(platform string) string {
	switch platform {
	case bot.PlatformDiscord:
		return "Discord refused it: allow direct messages from this server's members (server menu → Privacy Settings) and stay in a server the bot is in"
	case bot.PlatformSlack:
		return "Slack refused it: check that you can receive direct messages from this app"
	}
	return "Check that you can receive direct messages from this app"
}

func (c *commands) showReminder(req bot.Request, r storage.Reminder, exists bool) bot.Reply {
	if exists && r.NextFire.IsZero() && r.Stopped == storage.StopDMRefused {
		return private(c.refusedText(req, r))
	}
	if !exists || r.NextFire.IsZero() {
		return private(fmt.Sprintf("You have no daily reminder. Set one with %s.", c.remindForm(req)))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "Daily reminder at %s %s. %s", clockText(r.Minute), r.TZ, c.nextText(r))
	if r.QuietWeekends {
		fmt.Fprintf(&sb, "\nQuiet weekends: none on Saturday and Sunday (`%s` to change).", c.e.Say(req, "remind weekends on"))
	}
	if loc, err := c.zones.load(r.TZ); err == nil && r.PausedUntil > c.now().In(loc).Format(time.DateOnly) {
		fmt.Fprintf(&sb, "\nPaused: reminders resume on %s (`%s` to restart now).", r.PausedUntil, c.e.Say(req, "remind resume"))
	}
	fmt.Fprintf(&sb, "\n`%s` stops it; `%s` takes a break.", c.e.Say(req, "remind off"), c.e.Say(req, "remind pause <days>"))
	return private(sb.String())
}

func (c *commands) group(ctx context.Context, req bot.Request, args bot.Args) (bot.Reply, error) {
	a := req.Actor // the engine has checked that a may manage the channel (Who: ChannelManagers)
	st := c.store
	cur, err := st.ReminderFor(ctx, storage.ReminderChannel, a.Platform, a.Workspace, a.Channel)
	exists := err == nil
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return bot.Reply{}, err
	}
	switch args.Sub {
	case "", "show":
		if !exists || cur.NextFire.IsZero() {
			return bot.Reply{Kind: "group", Private: true, Body: fmt.Sprintf("No question of the day here. Set one with %s.", c.groupForm(req))}, nil
		}
		return bot.Reply{Kind: "group", Private: true, Body: fmt.Sprintf("Question of the day at %s %s. %s `%s` stops it.", clockText(cur.Minute), cur.TZ, c.nextText(cur), c.e.Say(req, "group off"))}, nil
	case "off":
		if !exists || cur.NextFire.IsZero() {
			return bot.Reply{Kind: "group", Private: true, Body: "This channel has no question of the day."}, nil
		}
		if _, err := st.SaveReminder(ctx, cur, c.now(), nil); err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Kind: "group", Body: "Question of the day off for this channel."}, nil
	}
	// daily: the time, zone and exam are checked by the engine's parse.
	minute, err := ParseClock(args.Named["time"])
	if err != nil {
		return bot.Reply{}, bot.Errorf("What time? Say %s.", c.groupForm(req))
	}
	zone, cert := args.Named["zone"], args.Named["cert"]
	if zone == "" {
		if exists && cur.TZ != "" {
			zone = cur.TZ
		} else if u, err := c.e.User(ctx, a); err == nil && u.TZ != "" {
			zone = u.TZ
		} else {
			return bot.Reply{}, bot.Errorf("Which time zone should the channel use? Say %s.", c.groupForm(req))
		}
	}
	// A bot that may post only where it is a member (Slack without
	// chat:write.public) would fail every day's post in silence.
	if p, ok := req.DM.(channelProbe); ok && !a.DM {
		if in, err := p.CanPostIn(ctx, a.Workspace, a.Channel, a.User); err == nil && !in {
			return bot.Reply{}, bot.Errorf("I am not a member of this channel, so I cannot post its question of the day. Invite me with `/invite @certcoach`, then run %s again.", c.groupForm(req))
		}
	}
	r := storage.Reminder{Kind: storage.ReminderChannel, Platform: a.Platform, Workspace: a.Workspace, Target: a.Channel,
		Minute: minute, TZ: zone, Cert: cert}
	saved, err := st.SaveReminder(ctx, r, c.now(), c.zones.next)
	if err != nil {
		return bot.Reply{}, err
	}
	scope := "CISM and CISSP"
	if cert != "" {
		scope = strings.ToUpper(cert)
	}
	return bot.Reply{Kind: "group", Body: fmt.Sprintf("Question of the day (%s) set for this channel at %s %s. %s Everyone's answer counts toward their own progress; results appear with the next day's question.",
		scope, clockText(minute), zone, c.nextText(saved))}, nil
}

// channelProbe is a request's adapter (bot.Request.DM) that can tell
// whether the bot may post in a channel; an error means it could not tell.
type channelProbe interface {
	CanPostIn(ctx context.Context, workspace, channel, user string) (bool, error)
}

var errStaleButton = bot.Errorf("That button is not valid any more.")

// answerReminder handles remind:answer:<reminder>:<day>:<choice>.
func (c *commands) answerReminder(ctx context.Context, req bot.Request, parts []string) (bot.Reply, error) {
	if len(parts) != 4 || parts[0] != "answer" {
		return bot.Reply{}, errStaleButton
	}
	rid, err1 := strconv.ParseInt(parts[1], 10, 64)
	choice, err2 := strconv.Atoi(parts[3])
	if err1 != nil || err2 != nil {
		return bot.Reply{}, errStaleButton
	}
	// The reminder first: one deleted with its user by `forget` makes the
	// button stale, and clicking it must not store the user again.
	st := c.store
	r, err := st.ReminderByID(ctx, rid)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && r.Kind != storage.ReminderUser) {
		return bot.Reply{}, errStaleButton
	}
	if err != nil {
		return bot.Reply{}, err
	}
	u, err := c.e.User(ctx, req.Actor)
	if err != nil {
		return bot.Reply{}, err
	}
	if r.UserID != u.ID {
		return bot.Reply{}, errStaleButton
	}
	sd, err := st.SendOn(ctx, rid, parts[2])
	if errors.Is(err, storage.ErrNotFound) || (err == nil && sd.QuestionID == "") {
		return bot.Reply{}, errStaleButton
	}
	if err != nil {
		return bot.Reply{}, err
	}
	return c.record(ctx, u, sd.QuestionID, fmt.Sprintf("rem:%d:%s", rid, sd.Day), choice, nil)
}

// answerQotd handles qotd:answer:<post>:<choice>: any member of the post's
// workspace may answer the channel's current question once.
func (c *commands) answerQotd(ctx context.Context, req bot.Request, parts []string) (bot.Reply, error) {
	if len(parts) != 3 || parts[0] != "answer" {
		return bot.Reply{}, errStaleButton
	}
	id, err1 := strconv.ParseInt(parts[1], 10, 64)
	choice, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		return bot.Reply{}, errStaleButton
	}
	st := c.store
	sd, err := st.SendByID(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return bot.Reply{}, errStaleButton
	}
	if err != nil {
		return bot.Reply{}, err
	}
	r, err := st.ReminderByID(ctx, sd.ReminderID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (r.Kind != storage.ReminderChannel || r.Platform != req.Actor.Platform || r.Workspace != req.Actor.Workspace)) {
		return bot.Reply{}, errStaleButton
	}
	if err != nil {
		return bot.Reply{}, err
	}
	// Once the next day's post has shown the answer, the old one is closed.
	if latest, err := st.PreviousSent(ctx, r.ID, "9999-12-31"); err == nil && latest.ID != sd.ID {
		return bot.Reply{}, bot.Errorf("That question has closed and its answer is out; try today's.")
	}
	u, err := c.e.User(ctx, req.Actor)
	if err != nil {
		return bot.Reply{}, err
	}
	return c.record(ctx, u, sd.QuestionID, fmt.Sprintf("qotd:%d", sd.ID), choice, func(a storage.Answer) error {
		// Also on a duplicate: repairs a crash between the two writes.
		_, err := st.RecordQotdAnswer(ctx, sd.ID, u.ID, a.Choice, a.Correct, a.At)
		return err
	})
}

// record stores an answer like a quiz answer (once per attempt key) and
// tells the user how they did; after, when set, also runs on a duplicate
// with the answer first recorded.
func (c *commands) record(ctx context.Context, u storage.User, qid, key string, choice int, after func(storage.Answer) error) (bot.Reply, error) {
	q, ok := c.kb.Question(qid)
	if !ok || choice < 0 || choice >= len(q.Options) || choice >= len(letters) {
		return bot.Reply{}, errStaleButton
	}
	res, err := c.study.Record(ctx, u, "", 0, key, q, choice)
	if errors.Is(err, storage.ErrDuplicate) {
		prev, err := c.store.AnswerByKey(ctx, u.ID, key)
		if err != nil {
			return bot.Reply{}, err
		}
		if after != nil {
			if err := after(prev); err != nil {
				return bot.Reply{}, err
			}
		}
		return bot.Reply{Kind: "answer", Private: true, Body: fmt.Sprintf("You already answered this one (%c); your first answer counts.", letters[prev.Choice])}, nil
	}
	if err != nil {
		return bot.Reply{}, err
	}
	if after != nil {
		if err := after(res.Answer); err != nil {
			return bot.Reply{}, err
		}
	}
	return bot.Reply{Kind: "answer", Private: true, Body: verdict(q, choice, res.Correct)}, nil
}

func verdict(q *knowledge.Question, choice int, correct bool) string {
	a := q.AnswerIndex()
	var sb strings.Builder
	if correct {
		fmt.Fprintf(&sb, "**Correct:** %c) %s\n", letters[a], q.Options[a])
	} else {
		fmt.Fprintf(&sb, "**Not quite.** You chose %c; the answer is %c) %s\n", letters[choice], letters[a], q.Options[a])
	}
	sb.WriteString(q.Explanation)
	return sb.String()
}
