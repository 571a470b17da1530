package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/certcoach/certcoach/bot"
)

// Retry policy for Web API calls: only a 429 (the call was not accepted) is
// retried, after Slack's Retry-After, a bounded number of times.
const (
	maxAttempts   = 4
	maxRetryAfter = time.Minute
)

// RateLimitObserver is told of each wait a Web API 429 imposes (the
// metrics package implements it), so operators can see back-pressure
// that otherwise only shows up as slow reminders.
type RateLimitObserver interface {
	RateLimitWait(platform string, d time.Duration)
}

// retry runs f again after a 429, honouring Retry-After. Any other error,
// including a timeout after the request was sent, is returned as is: the
// post may have been accepted, and a retry could duplicate it.
func (a *Adapter) retry(ctx context.Context, f func() error) error {
	for attempt := 1; ; attempt++ {
		err := f()
		rl, ok := errors.AsType[*slackapi.RateLimitedError](err)
		if !ok || attempt == maxAttempts {
			return err
		}
		wait := min(max(rl.RetryAfter, time.Second), maxRetryAfter)
		a.log.Info("slack: rate limited, retrying", "after", wait, "attempt", attempt)
		if a.cfg.RateLimits != nil {
			a.cfg.RateLimits.RateLimitWait(bot.PlatformSlack, wait)
		}
		if err := a.sleep(ctx, wait); err != nil {
			return fmt.Errorf("slack: waiting out rate limit: %w", err)
		}
	}
}

// Adapter implements remind.Notifier (checked where cmd/certcoach wires it).

// SendDM sends a reply as a direct message (conversations.open, then
// chat.postMessage) with the workspace's token.
func (a *Adapter) SendDM(ctx context.Context, workspace, user string, r bot.Reply) error {
	cl, err := a.clientFor(ctx, keyOf(workspace))
	if err != nil {
		return fmt.Errorf("slack DM to %s/%s: %w", workspace, user, err)
	}
	ch, err := a.dmChannel(ctx, cl, user)
	if err != nil {
		return fmt.Errorf("slack DM to %s/%s: %w", workspace, user, err)
	}
	if err := a.post(ctx, cl, ch, r); err != nil {
		return fmt.Errorf("slack DM to %s/%s: %w", workspace, user, err)
	}
	return nil
}

// ackDMWait bounds a DM sent by a request answered before its ack (the
// reminder's check DM, bot.Request.DM): Slack wants the ack within 3 s.
const ackDMWait = 1500 * time.Millisecond

// ackDM is the adapter as the DM sender of a request answered before its
// ack: each DM is given up at ackDMWait, so the ack is not missed. A check
// DM given up so changes nothing: the engine logs it and the reminder's
// own DM is tried when due.
type ackDM struct{ a *Adapter }

func (d ackDM) SendDM(ctx context.Context, workspace, user string, r bot.Reply) error {
	ctx, cancel := context.WithTimeout(ctx, ackDMWait)
	defer cancel()
	return d.a.SendDM(ctx, workspace, user, r)
}

// CanPostIn tells whether the bot may post in channel (remind's group
// check): the manifest asks for chat:write, not chat:write.public, so it
// may only where it is a member. The probe is an ephemeral note to user,
// which Slack refuses where the bot cannot post; it needs no scope beyond
// chat:write, unlike conversations.info.
func (a *Adapter) CanPostIn(ctx context.Context, workspace, channel, user string) (bool, error) {
	cl, err := a.clientFor(ctx, keyOf(workspace))
	if err != nil {
		return false, fmt.Errorf("slack channel check %s/%s: %w", workspace, channel, err)
	}
	_, err = cl.api.PostEphemeralContext(ctx, channel, user,
		slackapi.MsgOptionText("certcoach can post in this channel.", false))
	if e, ok := errors.AsType[slackapi.SlackErrorResponse](err); ok {
		switch e.Err {
		case "not_in_channel", "channel_not_found", "is_archived", "restricted_action":
			return false, nil
		}
	}
	if err != nil {
		return false, fmt.Errorf("slack channel check %s/%s: %w", workspace, channel, err)
	}
	return true, nil
}

// CanPostIn is the adapter's, given up at ackDMWait.
func (d ackDM) CanPostIn(ctx context.Context, workspace, channel, user string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, ackDMWait)
	defer cancel()
	return d.a.CanPostIn(ctx, workspace, channel, user)
}

// PostChannel posts a reply to a channel the bot is a member of.
func (a *Adapter) PostChannel(ctx context.Context, workspace, channel string, r bot.Reply) error {
	cl, err := a.clientFor(ctx, keyOf(workspace))
	if err != nil {
		return fmt.Errorf("slack post to %s/%s: %w", workspace, channel, err)
	}
	if err := a.post(ctx, cl, channel, r); err != nil {
		return fmt.Errorf("slack post to %s/%s: %w", workspace, channel, err)
	}
	return nil
}

func (a *Adapter) dmChannel(ctx context.Context, cl *client, user string) (string, error) {
	key := cl.key.Workspace() + "/" + user
	if ch, ok := a.dms.Load(key); ok {
		return ch.(string), nil
	}
	var ch *slackapi.Channel
	err := a.retry(ctx, func() error {
		var err error
		ch, _, _, err = cl.api.OpenConversationContext(ctx, &slackapi.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("conversations.open: %w", dmRefusal(err))
	}
	a.dms.Store(key, ch.ID)
	return ch.ID, nil
}

func (a *Adapter) post(ctx context.Context, cl *client, channel string, r bot.Reply) error {
	r.Private = false // a DM or a channel post is visible to its audience
	m := Render(r, "")
	err := a.retry(ctx, func() error {
		_, _, err := cl.api.PostMessageContext(ctx, channel, slackapi.MsgOptionBlocks(m.Blocks...), slackapi.MsgOptionText(m.Text, false))
		return err
	})
	if err != nil {
		return fmt.Errorf("chat.postMessage: %w", classify(err))
	}
	return nil
}

// classify tells a scheduler what a failed post means: after 429s Slack said
// when to come back (RetryAfter); an error response from Slack means the
// post was refused (safe to retry); anything else (a timeout, a dropped
// connection) may have happened after Slack accepted it (MaybeDelivered), so
// retrying could post twice.
func classify(err error) error {
	if rl, ok := errors.AsType[*slackapi.RateLimitedError](err); ok {
		return &rateLimitedError{after: rl.RetryAfter, err: err}
	}
	var api slackapi.SlackErrorResponse
	var status slackapi.StatusCodeError
	if errors.As(err, &api) || (errors.As(err, &status) && status.Code < 500) {
		return err
	}
	return &maybeDeliveredError{err: err}
}

// dmRefusal marks conversations.open errors that no retry gets past (the
// user is a bot, deactivated or gone), so the scheduler turns the reminder
// off instead of failing every day. Token and workspace errors are not
// among them: they are the operator's to fix, not the user's.
func dmRefusal(err error) error {
	if api, ok := errors.AsType[slackapi.SlackErrorResponse](err); ok {
		switch api.Err {
		case "cannot_dm_bot", "user_not_found", "user_not_visible", "user_disabled":
			return bot.DMRefused(err)
		}
	}
	return err
}

type rateLimitedError struct {
	after time.Duration
	err   error
}

func (e *rateLimitedError) Error() string             { return e.err.Error() }
func (e *rateLimitedError) Unwrap() error             { return e.err }
func (e *rateLimitedError) RetryAfter() time.Duration { return e.after }

type maybeDeliveredError struct{ err error }

func (e *maybeDeliveredError) Error() string        { return e.err.Error() }
func (e *maybeDeliveredError) Unwrap() error        { return e.err }
func (e *maybeDeliveredError) MaybeDelivered() bool { return true }
