package slack

import (
	"context"
	"regexp"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/certcoach/certcoach/bot"
)

// inbound is a message addressed to the bot: a mention or a DM.
type inbound struct {
	eventID  string
	key      InstallKey
	user     string
	channel  string
	text     string
	threadTS string // reply in this thread ("" for a DM not written in a thread)
	dm       bool
}

// event schedules an Events API callback; it reports false when busy. Events
// the bot does not act on (its own and other bots' messages, edits, other
// channels' messages) are dropped without touching storage.
func (a *Adapter) event(ev slackevents.EventsAPIEvent) bool {
	if handled, ok := a.lifecycle(ev); handled {
		return ok
	}
	in, ok := a.inbound(ev)
	if !ok {
		return true
	}
	return a.spawn("event", func(ctx context.Context) { a.runEvent(ctx, in) })
}

func (a *Adapter) inbound(ev slackevents.EventsAPIEvent) (inbound, bool) {
	cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if cb == nil {
		return inbound{}, false
	}
	in := inbound{eventID: cb.EventID, key: eventKey(ev, cb)}
	self := a.botUserID()
	if a.multi() {
		self = "" // per workspace; checked in runEvent once the client is known
	}
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || e.User == "" || e.User == self || e.Edited != nil {
			return inbound{}, false
		}
		in.user, in.channel, in.text = e.User, e.Channel, e.Text
		in.threadTS = e.ThreadTimeStamp
		if in.threadTS == "" {
			in.threadTS = e.TimeStamp
		}
		if in.eventID == "" {
			in.eventID = e.Channel + ":" + e.TimeStamp
		}
	case *slackevents.MessageEvent:
		if e.ChannelType != "im" || e.BotID != "" || e.SubType != "" || e.User == "" || e.User == self {
			return inbound{}, false
		}
		in.user, in.channel, in.text, in.dm = e.User, e.Channel, e.Text, true
		in.threadTS = e.ThreadTimeStamp // a reply in a DM's thread is answered there
		if in.eventID == "" {
			in.eventID = e.Channel + ":" + e.TimeStamp
		}
	default:
		return inbound{}, false
	}
	return in, true
}

var mentionRe = regexp.MustCompile(`<@[A-Z0-9]+(\|[^>]*)?>`)

// commandText is a message's text without the bot's mention (a bare
// mention asks for help). The request is marked conversational, so the
// engine takes text that is no command as a question.
func (a *Adapter) commandText(text string) string {
	if t := strings.TrimSpace(unescape(mentionRe.ReplaceAllString(text, " "))); t != "" {
		return t
	}
	return "help"
}

// unescaper undoes Slack's escaping of &, < and > in the text it delivers
// (one pass: "&amp;lt;" is "&lt;"), so the engine reads what was typed and
// an echo of it is not escaped twice. A Replacer is safe to share.
var unescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

func unescape(s string) string { return unescaper.Replace(s) }

func (a *Adapter) runEvent(ctx context.Context, in inbound) {
	cl, err := a.clientFor(ctx, in.key)
	if err != nil {
		a.log.Warn("slack: event from a workspace without a usable installation", "workspace", in.key.Workspace(), "err", err)
		return
	}
	if in.user == cl.botUserID {
		return
	}
	first, err := a.dedup.FirstSeen(ctx, dedupScope, in.eventID, time.Now())
	if err != nil {
		a.log.Error("slack: cannot record event", "err", err)
		return
	}
	if !first {
		a.log.Debug("slack: duplicate event ignored", "event_id", in.eventID)
		return
	}
	text := a.commandText(in.text)
	p := a.eng.Prepare(bot.Request{Text: text, ID: a.requestID()})
	req := p.Req
	req.Actor = a.actor(ctx, cl, in.user, in.channel, "", waitFor(p, true))
	req.Actor.DM = in.dm
	req.DM = a
	req.Conversational = true
	reply := a.withFile(ctx, cl, in.user, a.eng.Handle(ctx, req))
	m := Render(reply, "")
	img, file := a.imageBlock(ctx, cl, in.user, reply.Image)
	// In a channel, a private reply that is not meant for sharing (progress,
	// errors, a quiz) is shown to the asker only.
	ephemeral := !in.dm && reply.Private && !reply.Shareable
	send := func(blocks []slackapi.Block) error {
		opts := []slackapi.MsgOption{slackapi.MsgOptionBlocks(blocks...), slackapi.MsgOptionText(m.Text, false)}
		if in.threadTS != "" {
			opts = append(opts, slackapi.MsgOptionTS(in.threadTS))
		}
		return a.retry(ctx, func() error {
			if ephemeral {
				_, err := cl.api.PostEphemeralContext(ctx, in.channel, in.user, opts...)
				return err
			}
			_, _, err := cl.api.PostMessageContext(ctx, in.channel, opts...)
			return err
		})
	}
	err = send(withImage(m.Blocks, img, maxBlocks))
	if err != nil && img != nil && imageRefused(err) {
		a.log.Info("slack: reply refused with its chart; sending it without", "request_id", req.ID, "err", err)
		file = ""
		err = send(m.Blocks)
	}
	if err != nil {
		a.log.Warn("slack: reply to event failed", "request_id", req.ID, "err", err)
	} else {
		a.chartShown(ctx, cl, in.user, file, chartPlace(ephemeral, in.dm))
	}
	a.settle(ctx, cl, in.user, reply)
}
