package slack

import (
	"context"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/certcoach/certcoach/bot"
)

// lifecycleWait bounds the token (and, on app_uninstalled, data) deletion
// done before an uninstall event is acknowledged, within Slack's 3 s.
const lifecycleWait = 2500 * time.Millisecond

// eventKey is the installation an event was delivered for: its first
// authorization (Enterprise Grid org installs are told apart there), else
// the envelope's team.
func eventKey(ev slackevents.EventsAPIEvent, cb *slackevents.EventsAPICallbackEvent) InstallKey {
	if len(cb.Authorizations) > 0 {
		au := cb.Authorizations[0]
		k := InstallKey{EnterpriseID: au.EnterpriseID, TeamID: au.TeamID, OrgWide: au.IsEnterpriseInstall}
		if k.EnterpriseID == "" {
			k.EnterpriseID = ev.EnterpriseID
		}
		if k.TeamID == "" {
			k.TeamID = ev.TeamID // an org-wide key ignores it; single-workspace mode uses it
		}
		return k
	}
	return InstallKey{EnterpriseID: ev.EnterpriseID, TeamID: ev.TeamID}
}

// lifecycle handles the events that are about the installation rather than
// a user's message: app_uninstalled, tokens_revoked (either may come first;
// both delete the tokens before the event is acknowledged, app_uninstalled
// the workspace's data too) and
// app_home_opened (the Home tab's dashboard, the Messages tab's welcome).
// handled is false for other events; ok false asks Slack to deliver the
// event again.
func (a *Adapter) lifecycle(ev slackevents.EventsAPIEvent) (handled, ok bool) {
	cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if cb == nil {
		return false, true
	}
	k := eventKey(ev, cb)
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppUninstalledEvent:
		ctx, cancel := context.WithTimeout(a.jobs.Context(), lifecycleWait)
		defer cancel()
		// The client (its token) is taken before the tokens are deleted, to
		// delete the workspace's uploaded files with it if Slack has not
		// revoked it yet; none when tokens_revoked came first.
		var cl *client
		if a.multi() {
			cl, _ = a.clientFor(ctx, k)
		}
		if err := a.forgetInstall(ctx, k); err != nil {
			a.log.Error("slack: app_uninstalled: cannot delete tokens", "workspace", k.Workspace(), "err", err)
			return true, false
		}
		if !a.multi() {
			a.log.Warn("slack: app uninstalled from the workspace of SLACK_BOT_TOKEN; its data is kept (single-workspace mode)", "workspace", k.Workspace())
			return true, true
		}
		// The data goes before the acknowledgement: a failure answers 5xx,
		// so Slack delivers the event again and the deletion is retried
		// (the token deletion above is idempotent). Deleted in the
		// background instead, a failure would leave the data for good.
		files, err := a.eng.WorkspaceFiles(ctx, bot.PlatformSlack, k.Workspace())
		if err != nil {
			a.log.Warn("slack: app_uninstalled: cannot list the workspace's files", "workspace", k.Workspace(), "err", err)
		}
		if err := a.cfg.OAuth.Store.DeleteWorkspaceData(ctx, k.Workspace()); err != nil {
			a.log.Error("slack: app_uninstalled: cannot delete the workspace's data; Slack will deliver the event again", "workspace", k.Workspace(), "err", err)
			return true, false
		}
		a.log.Info("slack: app uninstalled; workspace data deleted", "workspace", k.Workspace())
		switch {
		case len(files) == 0:
		case cl == nil:
			a.log.Warn("slack: app_uninstalled: files not deleted: no token left", "workspace", k.Workspace(), "files", len(files))
		default:
			// Slack API calls, in the background; the records are gone.
			a.deleteFiles(cl, files)
		}
		return true, true
	case *slackevents.TokensRevokedEvent:
		if len(e.Tokens.Bot) == 0 {
			return true, true // only user tokens, which certcoach does not keep
		}
		ctx, cancel := context.WithTimeout(a.jobs.Context(), lifecycleWait)
		defer cancel()
		if err := a.forgetInstall(ctx, k); err != nil {
			a.log.Error("slack: tokens_revoked: cannot delete tokens", "workspace", k.Workspace(), "err", err)
			return true, false
		}
		return true, true
	case *slackevents.AppHomeOpenedEvent:
		home := e.Tab == "home" && a.cfg.Home != nil
		if e.User == "" || !home && e.Tab != "messages" {
			return true, true
		}
		user, channel, first := e.User, e.Channel, e.View == nil
		return true, a.spawn("home", func(ctx context.Context) {
			cl, err := a.clientFor(ctx, k)
			if err != nil {
				a.log.Warn("slack: app_home_opened from a workspace without a usable installation", "workspace", k.Workspace(), "err", err)
				return
			}
			if !home { // the Messages tab
				a.welcome(ctx, cl, user, channel)
				return
			}
			if first {
				a.openHome(ctx, cl, user)
				return
			}
			a.publishHome(ctx, cl, user, false)
		})
	}
	return false, true
}
