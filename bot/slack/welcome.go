package slack

import (
	"context"

	slackapi "github.com/slack-go/slack"
)

// The Messages tab (the user's DM with the bot) greets a user once, the
// first time they open it, as the Home tab shows a first visit an
// onboarding. Slack sends app_home_opened each time the tab is opened, with
// no sign of a first visit, so certcoach's own record decides:
//
//   - A stored user has used certcoach in this workspace, or has been
//     welcomed (the welcome stores them, as a first Home tab visit does):
//     nothing is posted. That is one indexed read.
//   - Anyone else is new to certcoach, or ran `forget`, which leaves
//     nothing to tell them apart by: either is welcomed (once more, after a
//     forget) and stored. The DM's history is not read: Slack limits
//     conversations.history hard for apps outside its Marketplace, and a
//     forgotten user would cost a read at every visit.
//   - The welcome is claimed for the user in the table of deliveries (one
//     row, kept a day like those) before it is posted, so a retried event,
//     or the tab opened twice at once on two replicas, posts it once. After
//     that day the stored user stands for it.
//
// Posting comes before storing the user: a post that fails leaves nobody
// stored, and the claim gives way after a day.

const welcomeScope = "slack:welcome" // one record per user welcomed, with the deliveries

// WelcomeMessage is the message a new user finds in their DM with the bot:
// what certcoach does, a few commands in the two forms they work in (typed
// in this DM, and as /cert anywhere), and where help is.
func WelcomeMessage() Message {
	return Message{
		Text: "Welcome to certcoach: type `help` here, or `/cert help` anywhere in Slack, to see what it can do.",
		Blocks: []slackapi.Block{
			slackapi.NewSectionBlock(mrkdwnText("*Welcome to certcoach!* I help you prepare for the *CISM* and *CISSP* exams: practice questions in the real format, spaced review of what you miss, a study plan to your exam date and a daily reminder."), nil, nil),
			slackapi.NewSectionBlock(mrkdwnText("*Try these.* Type a command here as it is, or put `/cert` in front of it anywhere in Slack:\n"+
				"• `compare` (`/cert compare`): how the two exams differ\n"+
				"• `quiz cissp 5` (`/cert quiz cissp 5`): five questions, each explained\n"+
				"• `plan cissp YYYY-MM-DD` (`/cert plan cissp YYYY-MM-DD`): questions a day to your exam date\n"+
				"• `remind 07:30` (`/cert remind 07:30`): a daily nudge at your local time"), nil, nil),
			slackapi.NewContextBlock("", mrkdwnText("A question in your own words works here too. `help` (`/cert help`) lists every command, `help quiz` explains one; your dashboard is on the *Home* tab.")),
		},
	}
}

// welcome greets user in channel, their DM with the bot, if they are new
// (see above).
func (a *Adapter) welcome(ctx context.Context, cl *client, user, channel string) {
	if user == cl.botUserID {
		return
	}
	stored, err := a.eng.Stored(ctx, fileActor(cl, user))
	if err != nil {
		a.log.Warn("slack: welcome: cannot read the user", "workspace", cl.key.Workspace(), "err", err)
		return
	}
	if stored {
		return
	}
	if channel == "" {
		if channel, err = a.dmChannel(ctx, cl, user); err != nil {
			a.log.Warn("slack: welcome: no DM channel", "workspace", cl.key.Workspace(), "err", err)
			return
		}
	}
	first, err := a.dedup.FirstSeen(ctx, welcomeScope, cl.key.Workspace()+"/"+user, a.now())
	if err != nil {
		a.log.Error("slack: welcome: cannot record it", "workspace", cl.key.Workspace(), "err", err)
		return
	}
	if !first {
		return
	}
	m := WelcomeMessage()
	err = a.retry(ctx, func() error {
		_, _, err := cl.api.PostMessageContext(ctx, channel, slackapi.MsgOptionBlocks(m.Blocks...), slackapi.MsgOptionText(m.Text, false))
		return err
	})
	if err != nil {
		a.log.Warn("slack: welcome: chat.postMessage failed", "workspace", cl.key.Workspace(), "err", err)
		return
	}
	if err := a.eng.OpenHome(ctx, a.actor(ctx, cl, user, channel, "", followupWait)); err != nil {
		a.log.Warn("slack: welcome: cannot store the new user", "workspace", cl.key.Workspace(), "err", err)
	}
}
