package slack

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/certcoach/certcoach/bot"
)

// The App Home tab is the user's dashboard: published (views.publish) when
// they open it, and again after they answer something once they have (the
// engine keeps that per user, for every replica).
//
// Only a user's very first visit stores them (Slack then sends no view: it
// never showed them one of ours), so that the visit is recorded and their
// first answer, given anywhere, refreshes the tab. A later look is looking,
// as a read-only command is: one who just ran `forget` is not stored again
// by it. The tab is recorded as opened only while the user exists, so a
// publish still in flight when they run `forget`, or when the workspace is
// uninstalled, stores nothing.

// Dashboards is what the App Home needs from the engine.
type Dashboards interface {
	Dashboard(ctx context.Context, act bot.Actor) (bot.Dashboard, error)
}

const (
	maxHomeBlocks = 100 // Slack's limit for a Home tab view
	// HomeActionID is the action ID of a Home tab button; its value is the
	// command text, run as if typed in a DM with the bot.
	HomeActionID = "home:cmd"
)

// HomeView lays a dashboard out as a Home tab view within Slack's limits.
func HomeView(d bot.Dashboard) slackapi.HomeTabViewRequest {
	var b []slackapi.Block
	if d.New {
		b = append(b,
			slackapi.NewHeaderBlock(plainText("Welcome to certcoach")),
			slackapi.NewSectionBlock(mrkdwnText("certcoach helps you prepare for *CISM* and *CISSP*: quizzes in the real format, spaced review of what you got wrong, a study plan to your exam date and a daily reminder."), nil, nil),
			slackapi.NewSectionBlock(mrkdwnText("*Start here*\n1. Set your exam date: `/cert plan cissp YYYY-MM-DD` (or `cism`).\n2. Take a first quiz with the button below.\n3. Get a daily nudge: `/cert remind 07:30`.\n\n`/cert help` lists everything; `/cert compare` explains how the two certifications differ."), nil, nil),
		)
	} else {
		b = append(b, slackapi.NewHeaderBlock(plainText(truncate(fmt.Sprintf("Your %s dashboard", d.CertName), maxHeader))))
		fields := []*slackapi.TextBlockObject{
			mrkdwnText(fmt.Sprintf("*Readiness*\n%s", meter(d.Readiness))),
			mrkdwnText("*Streak*\n" + bot.Plural(d.Streak, "day")),
			mrkdwnText(fmt.Sprintf("*Cards due today*\n%d", d.DueToday)),
			mrkdwnText("*Last week*\n" + place(d.LastWeekPlace, d.LastWeekOf)),
			mrkdwnText("*Plan*\n" + planLine(d.Plan)),
			mrkdwnText("*Next reminder*\n" + reminderLine(d.NextReminder, d.ReminderZone)),
		}
		b = append(b, &slackapi.SectionBlock{Type: slackapi.MBTSection, Fields: fields}, slackapi.NewDividerBlock(),
			slackapi.NewSectionBlock(mrkdwnText("*Mastery by domain*"), nil, nil))
		for _, dd := range d.Domains {
			right := dd.RightText()
			if right != "" {
				right = ", " + right
			}
			line := fmt.Sprintf("`D%d` %s · %s (%d%%): %d answered%s, %d due",
				dd.N, meter(dd.Mastery), escape(dd.Name), dd.Weight, dd.Answered, right, dd.Due)
			b = append(b, slackapi.NewSectionBlock(mrkdwnText(truncate(line, maxSectionText)), nil, nil))
		}
		b = append(b, slackapi.NewContextBlock("", mrkdwnText(truncate("Outline: "+escape(d.Outline), maxContextText))))
	}
	var els []slackapi.BlockElement
	for i, act := range d.Actions {
		btn := slackapi.NewButtonBlockElement(fmt.Sprintf("%s:%d", HomeActionID, i), truncate(act.Command, maxButtonValue), plainText(truncate(act.Label, maxButtonText)))
		if i == 0 {
			btn.Style = slackapi.StylePrimary
		}
		els = append(els, btn)
	}
	if len(els) > 0 {
		b = append(b, slackapi.NewActionBlock("home_actions", els...))
	}
	// The layout is bounded (one block per domain, fewer than ten), but a
	// view over the limit is refused whole: keep the head and the buttons.
	if len(b) > maxHomeBlocks {
		b = append(b[:maxHomeBlocks-1], b[len(b)-1])
	}
	return slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, Blocks: slackapi.Blocks{BlockSet: b}}
}

func meter(f float64) string {
	f = math.Max(0, math.Min(1, f))
	full := int(math.Round(f * 10))
	return strings.Repeat("█", full) + strings.Repeat("░", 10-full) + fmt.Sprintf(" %.0f%%", f*100)
}

func place(p, of int) string {
	if p == 0 {
		return "not ranked"
	}
	return fmt.Sprintf("#%d of %d", p, of)
}

func planLine(p *bot.DashboardPlan) string {
	if p == nil {
		return "none yet: `/cert plan cissp YYYY-MM-DD`"
	}
	s := fmt.Sprintf("exam %s, %s left, %d a day", p.ExamDate, bot.Plural(p.DaysLeft, "day"), p.PerDay)
	switch {
	case p.Ahead > 0:
		s += fmt.Sprintf(" (%d ahead)", p.Ahead)
	case p.Ahead < 0:
		s += fmt.Sprintf(" (%d behind)", -p.Ahead)
	}
	return s
}

func reminderLine(at time.Time, zone string) string {
	if at.IsZero() {
		return "off: `/cert remind 07:30`"
	}
	if loc, err := time.LoadLocation(zone); err == nil {
		at = at.In(loc)
	}
	return at.Format("Mon 2 Jan 15:04") + " " + escape(zone)
}

// homeChartEvery is how often refreshes after answers upload a new chart
// for an open Home tab: every answer changes the chart, and each upload is
// a file and three Slack calls. Opening the tab always gets a fresh one.
const homeChartEvery = 10 * time.Minute

// publishHome builds a user's Home tab, records through the engine that it
// is open and which chart it shows, and publishes it. A refresh (after
// something the user did) goes by the state recorded, reusing a chart
// uploaded lately, and publishes only a tab the user opened; otherwise the
// user is looking at it now (opened, or clicked), and a fresh chart is
// drawn.
//
// A user's publishes run one at a time, each building the tab once it is
// its turn, so the last one Slack receives shows the newest data: two in
// flight at once could otherwise arrive in the wrong order and leave the
// older view, or a chart the other has already deleted, on the tab. A
// refresh that finds one waiting already leaves it to that one.
func (a *Adapter) publishHome(ctx context.Context, cl *client, user string, refresh bool) {
	release, ok := a.homes.take(ctx, cl.key.Workspace()+"/"+user, refresh)
	if !ok {
		return
	}
	defer release()
	var prev *bot.HomeState
	if refresh {
		st, err := a.eng.HomeState(ctx, fileActor(cl, user))
		if err != nil {
			a.log.Warn("slack: cannot read the Home tab state", "workspace", cl.key.Workspace(), "err", err)
			return
		}
		if !st.Opened { // gone meanwhile (forget, uninstall)
			return
		}
		prev = &st
	}
	act := a.actor(ctx, cl, user, "", "", followupWait)
	d, err := a.cfg.Home.Dashboard(ctx, act)
	if err != nil {
		a.log.Warn("slack: dashboard failed", "workspace", cl.key.Workspace(), "err", err)
		return
	}
	view := HomeView(d)
	var next bot.HomeState
	switch {
	case d.Chart == nil:
	case prev != nil && prev.ChartFile != "" && a.now().Sub(prev.ChartAt) < homeChartEvery:
		next.ChartFile, next.ChartAt = prev.ChartFile, prev.ChartAt
	default:
		if id := a.chartFile(ctx, cl, user, d.Chart); id != "" {
			next.ChartFile, next.ChartAt = id, a.now()
		}
	}
	if next.ChartFile != "" {
		view.Blocks.BlockSet = withImage(view.Blocks.BlockSet, fileBlock(next.ChartFile, d.Chart.Alt), maxHomeBlocks)
	}
	// Recorded before it is published: a request that reaches another
	// replica while views.publish is answering then refreshes the tab too.
	// A publish that fails leaves a record that says open, so the next
	// change publishes again.
	next.Opened = true
	if prev == nil || *prev != next { // else a refresh with the same chart: nothing new to record
		if err := a.eng.SetHomeState(ctx, act, next); err != nil {
			a.log.Warn("slack: cannot record the Home tab", "workspace", cl.key.Workspace(), "err", err)
		}
	}
	err = a.publishView(ctx, cl, user, view)
	if err != nil && next.ChartFile != "" && imageRefused(err) {
		a.log.Info("slack: Home tab refused with its chart; publishing it without", "workspace", cl.key.Workspace(), "err", err)
		view.Blocks.BlockSet = withoutImage(view.Blocks.BlockSet)
		if err = a.publishView(ctx, cl, user, view); err == nil {
			// Not shown: recorded so, the next refresh uploads it again.
			next.ChartFile, next.ChartAt = "", time.Time{}
			if err := a.eng.SetHomeState(ctx, act, next); err != nil {
				a.log.Warn("slack: cannot record the Home tab", "workspace", cl.key.Workspace(), "err", err)
			}
		}
	}
	if err != nil {
		a.log.Warn("slack: views.publish failed", "workspace", cl.key.Workspace(), "err", err)
		return
	}
	// The view replaced the one before: its chart, unless a reply or a
	// message still shows it, is shown nowhere now.
	if prev == nil || prev.ChartFile != next.ChartFile {
		a.chartShown(ctx, cl, user, next.ChartFile, bot.FileOnHome)
	}
}

// openHome publishes the Home tab of a user's very first visit, storing
// them first (see above).
func (a *Adapter) openHome(ctx context.Context, cl *client, user string) {
	if err := a.eng.OpenHome(ctx, a.actor(ctx, cl, user, "", "", followupWait)); err != nil {
		a.log.Warn("slack: app_home_opened: cannot store the new user", "workspace", cl.key.Workspace(), "err", err)
		return
	}
	a.publishHome(ctx, cl, user, false)
}

// republishHome refreshes the Home tab of a user who has opened it (on any
// replica, at any time before), after something they did may have changed
// it. The check is one indexed read (and the refresh reads the state again
// when its turn comes).
func (a *Adapter) republishHome(ctx context.Context, cl *client, user string) {
	if a.cfg.Home == nil {
		return
	}
	st, err := a.eng.HomeState(ctx, fileActor(cl, user))
	if err != nil {
		a.log.Warn("slack: cannot read the Home tab state", "workspace", cl.key.Workspace(), "err", err)
		return
	}
	if !st.Opened {
		return
	}
	a.spawn("home", func(ctx context.Context) { a.publishHome(ctx, cl, user, true) })
}

// settle does what a reply asks of the adapter once it is shown: after a
// confirmed `forget` the user's files are deleted from Slack (and there is
// no Home tab state left to refresh); otherwise an open Home tab is
// refreshed.
func (a *Adapter) settle(ctx context.Context, cl *client, user string, reply bot.Reply) {
	if reply.DataDeleted {
		a.deleteFiles(cl, reply.PlatformFiles)
		a.spawn("home", func(ctx context.Context) { a.homeAfterForget(ctx, cl, user) })
		return
	}
	a.republishHome(ctx, cl, user)
}

// homeAfterForget publishes the onboarding Home tab once a user's data is
// deleted: a tab left open would otherwise go on showing the forgotten
// streak, plan and chart. Whether the tab was open is not known any more
// (its record went with the data), so it is published once either way; it
// records nothing, so the user is not stored again.
func (a *Adapter) homeAfterForget(ctx context.Context, cl *client, user string) {
	if a.cfg.Home == nil {
		return
	}
	release, ok := a.homes.take(ctx, cl.key.Workspace()+"/"+user, false)
	if !ok {
		return
	}
	defer release()
	d, err := a.cfg.Home.Dashboard(ctx, a.actor(ctx, cl, user, "", "", 0))
	if err != nil {
		a.log.Warn("slack: dashboard failed", "workspace", cl.key.Workspace(), "err", err)
		return
	}
	if err := a.publishView(ctx, cl, user, HomeView(d)); err != nil {
		a.log.Warn("slack: views.publish after forget failed", "workspace", cl.key.Workspace(), "err", err)
	}
}

// publishView publishes view as user's Home tab, with the adapter's retries.
func (a *Adapter) publishView(ctx context.Context, cl *client, user string, view slackapi.HomeTabViewRequest) error {
	return a.retry(ctx, func() error {
		_, err := cl.api.PublishViewContext(ctx, slackapi.PublishViewContextRequest{UserID: user, View: view})
		return err
	})
}

// homeAction runs a Home tab button's command and sends the reply as a DM
// (a Home tab click has no response_url), then refreshes the tab.
func (a *Adapter) homeAction(cl *client, cb slackapi.InteractionCallback, id string) bool {
	act := cb.ActionCallback.BlockActions[0]
	if !strings.HasPrefix(act.ActionID, HomeActionID) || act.Value == "" {
		return true
	}
	user, text := cb.User.ID, act.Value
	return a.spawn("home action", func(ctx context.Context) {
		ch, err := a.dmChannel(ctx, cl, user)
		if err != nil {
			a.log.Warn("slack: home action: no DM channel", "err", err)
			return
		}
		p := a.eng.Prepare(bot.Request{Text: text, ID: a.idOr(id)})
		req := p.Req
		req.Actor = a.actor(ctx, cl, user, ch, cb.User.Name, waitFor(p, true))
		req.Actor.DM = true
		reply := a.eng.Handle(ctx, req)
		if err := a.post(ctx, cl, ch, reply); err != nil {
			a.log.Warn("slack: home action reply failed", "request_id", req.ID, "err", err)
		}
		if reply.DataDeleted {
			a.deleteFiles(cl, reply.PlatformFiles)
			a.homeAfterForget(ctx, cl, user)
			return
		}
		a.publishHome(ctx, cl, user, false)
	})
}

// homeQueue gives each user's Home tab publishes their turn, one at a time
// (publishHome). The zero value is ready; a user's entry goes once no
// publish of theirs runs or waits.
type homeQueue struct {
	mu sync.Mutex
	m  map[string]*homeTurn
}

type homeTurn struct {
	token   chan struct{} // holds a value while a publish runs
	refs    int           // publishes running or waiting
	waiting int
}

// take waits for key's turn and returns the function that ends it. It
// reports false when ctx ends first, and at once for a refresh when
// another publish is already waiting: that one builds the tab after this
// refresh's change, so it shows it.
func (q *homeQueue) take(ctx context.Context, key string, refresh bool) (release func(), ok bool) {
	q.mu.Lock()
	t := q.m[key]
	if t == nil {
		if q.m == nil {
			q.m = map[string]*homeTurn{}
		}
		t = &homeTurn{token: make(chan struct{}, 1)}
		q.m[key] = t
	}
	if refresh && t.waiting > 0 {
		q.mu.Unlock()
		return nil, false
	}
	t.refs++
	t.waiting++
	q.mu.Unlock()
	select {
	case t.token <- struct{}{}:
		ok = true
	case <-ctx.Done():
	}
	q.mu.Lock()
	t.waiting--
	if !ok {
		q.drop(key, t)
	}
	q.mu.Unlock()
	if !ok {
		return nil, false
	}
	return func() {
		<-t.token
		q.mu.Lock()
		q.drop(key, t)
		q.mu.Unlock()
	}, true
}

// drop ends one publish's hold on t; q.mu is held.
func (q *homeQueue) drop(key string, t *homeTurn) {
	if t.refs--; t.refs == 0 {
		delete(q.m, key)
	}
}
