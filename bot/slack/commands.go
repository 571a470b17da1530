package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/certcoach/certcoach/bot"
)

// response is a slash command or interaction answer, in the HTTP response,
// a Socket Mode acknowledgement or a POST to response_url.
type response struct {
	ResponseType    string           `json:"response_type,omitempty"`
	Text            string           `json:"text"`
	Blocks          []slackapi.Block `json:"blocks,omitempty"`
	ReplaceOriginal bool             `json:"replace_original,omitempty"`
}

const (
	ephemeral = "ephemeral"
	inChannel = "in_channel"
)

var (
	workingOnIt = mustJSON(response{ResponseType: ephemeral, Text: "Working on it…"})
	busy        = mustJSON(response{ResponseType: ephemeral, Text: "certcoach is busy right now; please try again in a moment."})
)

func mustJSON(v any) json.RawMessage {
	b, err := encodeJSON(v)
	if err != nil {
		panic(err)
	}
	return b
}

func responseType(r bot.Reply) string {
	if r.Private {
		return ephemeral
	}
	return inChannel
}

func toResponse(r bot.Reply, share string) response {
	m := Render(r, share)
	return response{ResponseType: responseType(r), Text: m.Text, Blocks: m.Blocks}
}

// command answers a slash command with the JSON of the response. Fast
// commands are answered in it; slow ones get "working on it" and finish
// through response_url.
func (a *Adapter) command(ctx context.Context, cmd slackapi.SlashCommand, id string) json.RawMessage {
	text := unescape(strings.TrimSpace(cmd.Text))
	req := bot.Request{Text: text, ID: a.idOr(id)}
	cl, err := a.clientFor(ctx, InstallKey{EnterpriseID: cmd.EnterpriseID, TeamID: cmd.TeamID, OrgWide: cmd.IsEnterpriseInstall})
	if err != nil {
		return mustJSON(a.noClient(err, req.ID))
	}
	p := a.eng.Prepare(req)
	if p.Info.Slow && cmd.ResponseURL != "" {
		if !a.commandLater(cl, &cmd, text, p) {
			return busy
		}
		return workingOnIt
	}
	req = p.Req
	req.Actor = a.actor(ctx, cl, cmd.UserID, cmd.ChannelID, cmd.UserName, waitFor(p, false))
	req.DM = ackDM{a}
	reply := a.eng.Handle(ctx, req)
	if reply.Image != nil && cmd.ResponseURL != "" {
		// The text answers now; uploading the picture takes three Slack
		// calls, so the same reply with the image replaces it when done.
		a.chartLater(cl, cmd.ResponseURL, cmd.UserID, &reply, text)
	}
	if !p.Info.ReadOnly || reply.DataDeleted {
		// A command that may have changed the user's state refreshes an open
		// Home tab (one indexed read when it is not open), as an answer by
		// button does; a read-only one (the busiest) skips the read.
		a.settle(ctx, cl, cmd.UserID, reply)
	}
	b, err := a.replies.encode(reply, text)
	if err != nil {
		a.log.Error("slack: cannot encode reply", "request_id", req.ID, "err", err)
		return mustJSON(response{ResponseType: ephemeral, Text: "Sorry, something went wrong on our side."})
	}
	return b
}

// The two background paths of command are methods of their own taking
// copies, so that the fast path's request, reply and command stay on its
// stack instead of being moved to the heap for closures it never runs.

// commandLater runs a slow command in the background and posts its reply
// to response_url; false means it could not start.
func (a *Adapter) commandLater(cl *client, c *slackapi.SlashCommand, text string, p bot.Prepared) bool {
	cmd := *c
	return a.spawn("command", func(ctx context.Context) {
		req := p.Req
		req.Actor = a.actor(ctx, cl, cmd.UserID, cmd.ChannelID, cmd.UserName, waitFor(p, true))
		req.DM = a
		reply := a.withFile(ctx, cl, cmd.UserID, a.eng.Handle(ctx, req))
		if !p.Info.ReadOnly || reply.DataDeleted {
			a.settle(ctx, cl, cmd.UserID, reply)
		}
		// A private reply replaces the "working on it" note; a public one
		// cannot (ephemeral stays ephemeral), so it is a new message.
		res := toResponse(reply, text)
		img, file := a.imageBlock(ctx, cl, cmd.UserID, reply.Image)
		res.Blocks = withImage(res.Blocks, img, maxBlocks)
		res.ReplaceOriginal = reply.Private
		if a.postResponse(ctx, cmd.ResponseURL, res) {
			a.chartShown(ctx, cl, cmd.UserID, file, chartPlace(reply.Private, strings.HasPrefix(cmd.ChannelID, "D")))
		}
	})
}

// chartLater uploads a reply's picture and replaces the answer with the
// same reply and the picture.
func (a *Adapter) chartLater(cl *client, responseURL, user string, r *bot.Reply, text string) {
	reply := *r
	a.spawn("chart", func(ctx context.Context) {
		if img, file := a.imageBlock(ctx, cl, user, reply.Image); img != nil {
			res := toResponse(reply, text)
			res.Blocks = withImage(res.Blocks, img, maxBlocks)
			res.ReplaceOriginal = true
			if a.postResponse(ctx, responseURL, res) {
				a.chartShown(ctx, cl, user, file, bot.FileInReply)
			}
		}
	})
}

// chartPlace is where a reply's chart is shown: an ephemeral reply
// (private), or a lasting message in the user's DM with the bot (dm) or in
// a channel.
func chartPlace(private, dm bool) bot.FilePlace {
	switch {
	case private:
		return bot.FileInReply
	case dm:
		return bot.FileInMessage
	}
	return bot.FileInChannel
}

// interaction runs a block_actions click before it is acknowledged, so an
// acknowledged click is already committed (a quiz answer survives a crash
// right after the 200); only the response_url post runs after the ack. Other
// interaction types are acknowledged and ignored. It reports false when it
// could not run the click (the caller then refuses it, and Slack may retry).
func (a *Adapter) interaction(ctx context.Context, cb slackapi.InteractionCallback, id string) bool {
	if cb.Type != slackapi.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 || cb.User.ID == "" {
		return true
	}
	hctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	cl, err := a.clientFor(hctx, InstallKey{EnterpriseID: cb.Enterprise.ID, TeamID: cb.Team.ID, OrgWide: cb.IsEnterpriseInstall})
	if err != nil {
		res := a.noClient(err, a.idOr(id))
		if cb.ResponseURL != "" {
			a.postResponse(hctx, cb.ResponseURL, res)
		}
		return true
	}
	if cb.View.Type == slackapi.VTHomeTab {
		return a.homeAction(cl, cb, id)
	}
	act, reply := a.runAction(hctx, cl, cb, id)
	a.settle(hctx, cl, cb.User.ID, reply)
	if cb.ResponseURL == "" {
		a.log.Warn("slack: block action without response_url")
		return true
	}
	if act.ActionID == ShareActionID && reply.Outcome == bot.OutcomeOK {
		state, err := a.shareState(hctx, cl, cb)
		if err != nil {
			a.log.Error("slack: cannot record a share", "request_id", a.idOr(id), "err", err)
			return false
		}
		s := shareResponses(reply, cb, state, act.Value)
		if !a.spawn("share", func(ctx context.Context) { a.deliverShare(ctx, cb.ResponseURL, s) }) {
			a.deliverShare(hctx, cb.ResponseURL, s)
		}
		return true
	}
	res := actionResponse(act, reply)
	if !a.spawn("respond", func(ctx context.Context) { a.postResponse(ctx, cb.ResponseURL, res) }) {
		a.postResponse(hctx, cb.ResponseURL, res) // workers busy: answer inline, still within the ack budget
	}
	return true
}

// What a Share click does with the message its button sat on.
type shareState int

const (
	shareFirst shareState = iota // post it in the channel
	shareAgain                   // already shared: post nothing
	shareStale                   // older than ShareWindow: whether it was shared is forgotten
)

// shareState records that the message a Share button sat on is shared and
// reports whether this click is the first to. The record is in the store,
// not in memory: a double click sends two payloads before the first one's
// replacement can remove the button, and they may reach two replicas. A
// message older than ShareWindow is not shared, since its record may be
// pruned and a stale copy would post it twice. A payload without the
// message's timestamp cannot be told apart, so it shares (and still
// replaces the message).
func (a *Adapter) shareState(ctx context.Context, cl *client, cb slackapi.InteractionCallback) (shareState, error) {
	ts := cb.Container.MessageTs
	if ts == "" {
		return shareFirst, nil
	}
	now := a.now()
	if sent, ok := messageTime(ts); ok && now.Sub(sent) >= ShareWindow {
		return shareStale, nil
	}
	first, err := a.dedup.FirstSeen(ctx, shareScope, cl.key.Workspace()+"/"+shareChannel(cb)+"/"+cb.User.ID+"/"+ts, now)
	if err != nil {
		return 0, fmt.Errorf("share of %s: %w", ts, err)
	}
	if !first {
		return shareAgain, nil
	}
	return shareFirst, nil
}

// messageTime reads a Slack message timestamp ("1700000000.000300", Unix
// seconds before the dot).
func messageTime(ts string) (time.Time, bool) {
	sec, _, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

func shareChannel(cb slackapi.InteractionCallback) string {
	if cb.Channel.ID != "" {
		return cb.Channel.ID
	}
	return cb.Container.ChannelID
}

// shared is what a share click posts to the response_url: the reply in the
// channel (the first click only), then the private copy replaced by the
// same reply without its button and a line saying where it went, that it
// could not go when the channel post failed, or that it is too old to
// share and how to get it again.
type shared struct {
	public            *response
	private, unshared response
}

func shareResponses(reply bot.Reply, cb slackapi.InteractionCallback, state shareState, command string) shared {
	where := "this conversation"
	if ch := shareChannel(cb); strings.HasPrefix(ch, "C") || strings.HasPrefix(ch, "G") {
		where = "<#" + ch + ">"
	}
	private := toResponse(reply, "")
	private.ReplaceOriginal = true
	switch state {
	case shareAgain:
		private.Blocks = withNote(private.Blocks, "Already shared in "+where+".")
		return shared{private: private}
	case shareStale:
		private.Blocks = withNote(private.Blocks, staleNote(command))
		return shared{private: private}
	}
	unshared := private
	unshared.Blocks = withNote(private.Blocks, "Could not post this in the channel; run the command again to share it.")
	private.Blocks = withNote(private.Blocks, "Shared in "+where+".")
	reply.Private = false
	public := toResponse(reply, "")
	return shared{public: &public, private: private, unshared: unshared}
}

// staleNote says a message is too old to share and names the command that
// gets its answer again (the button's value), unless it would not fit.
func staleNote(command string) string {
	note := "This answer is more than a day old, too old to share. Run `/cert " +
		escape(strings.ReplaceAll(command, "`", "'")) + "` again and share the new answer."
	if len(note) > maxContextText {
		return "This answer is more than a day old, too old to share. Run the command again and share the new answer."
	}
	return note
}

// withNote appends a context line to rendered blocks, in place of the last
// block when the message is already at Slack's limit.
func withNote(blocks []slackapi.Block, note string) []slackapi.Block {
	if len(blocks) >= maxBlocks {
		blocks = blocks[:maxBlocks-1]
	}
	return append(blocks[:len(blocks):len(blocks)], slackapi.NewContextBlock("", mrkdwnText(note)))
}

// deliverShare posts a share's responses in order, so the private copy
// loses its button only once the channel has the reply.
func (a *Adapter) deliverShare(ctx context.Context, target string, s shared) {
	private := s.private
	if s.public != nil {
		if err := a.postJSON(ctx, target, *s.public); err != nil {
			a.log.Warn("slack: shared reply not posted", "err", err)
			private = s.unshared
		}
	}
	a.postResponse(ctx, target, private)
}

func (a *Adapter) runAction(ctx context.Context, cl *client, cb slackapi.InteractionCallback, id string) (slackapi.BlockAction, bot.Reply) {
	act := cb.ActionCallback.BlockActions[0]
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	req := bot.Request{ID: a.idOr(id)}
	if act.ActionID == ShareActionID {
		req.Text = act.Value
	} else {
		req.Action = act.ActionID
		if strings.HasPrefix(act.ActionID, "btn:") && act.Value != "" {
			req.Action = act.Value // the renderer's stand-in for an ID that could not be an action_id
		}
	}
	p := a.eng.Prepare(req)
	req = p.Req
	req.Actor = a.actor(ctx, cl, cb.User.ID, channel, cb.User.Name, waitFor(p, true))
	req.DM = ackDM{a} // a click runs before its ack
	return *act, a.eng.Handle(ctx, req)
}

// noClient is the reply when a workspace's client is not available: not
// installed (or uninstalled), or the store failed.
func (a *Adapter) noClient(err error, id string) response {
	if errors.Is(err, ErrNotInstalled) {
		return response{ResponseType: ephemeral, Text: "certcoach is not installed in this workspace. A workspace admin can add it at " + a.cfg.OAuth.PublicURL + "/slack/install"}
	}
	a.log.Error("slack: no client for workspace", "request_id", id, "err", err)
	return response{ResponseType: ephemeral, Text: "Sorry, something went wrong on our side."}
}

func actionResponse(act slackapi.BlockAction, reply bot.Reply) response {
	if act.ActionID == ShareActionID {
		return toResponse(reply, "") // an error stays private (a success is shareResponses')
	}
	res := toResponse(reply, "")
	res.ReplaceOriginal = reply.Replace
	return res
}

// postResponse POSTs a message to a response_url. Slack accepts up to five
// posts per URL in 30 minutes, so a failure is logged, not retried; it
// reports whether the post was delivered.
func (a *Adapter) postResponse(ctx context.Context, target string, res any) bool {
	if err := a.postJSON(ctx, target, res); err != nil {
		a.log.Warn("slack: response_url post failed", "err", err)
		return false
	}
	return true
}

func (a *Adapter) postJSON(ctx context.Context, target string, v any) error {
	b, err := encodeJSON(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("response_url request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.hc.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // the URL itself is a credential: keep it out of logs
		}
		return fmt.Errorf("post response_url: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("post response_url: HTTP %d", resp.StatusCode)
	}
	return nil
}
