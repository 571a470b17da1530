package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/certcoach/certcoach/bot/jobs"
)

// maxAckPayload keeps Socket Mode acknowledgements under Slack's 20 KB
// limit; larger replies go through response_url.
const maxAckPayload = 19 << 10

// RunSocketMode receives slash commands, clicks and events over Socket Mode
// (SLACK_APP_TOKEN) until ctx ends, with the same handlers as HTTP. The
// socketmode client reconnects after drops and when Slack asks it to; if it
// gives up (bad token), RunSocketMode logs and tries again with back-off.
//
// When ctx ends no further event is taken (Slack delivers an event not
// acknowledged again, to another connection), while those in flight
// finish on inflight, which should outlast ctx: the connection stays open
// for their acknowledgements, then closes, and RunSocketMode returns. A slash
// command finishing then is answered through its response_url as well,
// which does not depend on the acknowledgement leaving before the close.
func (a *Adapter) RunSocketMode(ctx, inflight context.Context, opts ...socketmode.Option) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack: Socket Mode needs SLACK_APP_TOKEN")
	}
	sm := socketmode.New(a.api, opts...)
	conn, closeConn := context.WithCancel(inflight)
	defer closeConn()
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Each envelope is handled on its own goroutine, as net/http does
		// for the HTTP path, so a slow one (a command waiting on
		// users.info) does not hold the next past Slack's ack window. slots
		// bounds them; when all are taken the loop waits for one.
		slots := make(chan struct{}, a.cfg.Workers)
		var handlers sync.WaitGroup
		defer closeConn()     // once the events in flight have been answered
		defer handlers.Wait() // runs first
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-sm.Events:
				if ctx.Err() != nil {
					return // both were ready: the stop comes first
				}
				select {
				case slots <- struct{}{}:
				case <-ctx.Done():
					return // not acknowledged: Slack delivers it again
				}
				handlers.Add(1)
				go func() {
					defer handlers.Done()
					defer func() { <-slots }()
					defer func() {
						if p := recover(); p != nil {
							a.log.Error("slack: Socket Mode handler panicked", "panic", fmt.Sprint(p))
						}
					}()
					a.socketEvent(ctx, inflight, sm, evt)
				}()
			}
		}
	}()
	defer func() { <-done }()
	backoff := time.Second
	for {
		err := sm.RunContext(conn)
		if ctx.Err() != nil || conn.Err() != nil {
			return nil
		}
		a.log.Error("slack: Socket Mode stopped; reconnecting", "err", err, "in", backoff)
		if jobs.Sleep(ctx, backoff) != nil {
			return nil
		}
		backoff = min(2*backoff, time.Minute)
	}
}

// socketEvent handles one Socket Mode event on ctx (inflight of
// RunSocketMode); intake ends when no more are taken.
func (a *Adapter) socketEvent(intake, ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.log.Debug("slack: Socket Mode connecting")
	case socketmode.EventTypeConnected:
		a.log.Info("slack: Socket Mode connected")
	case socketmode.EventTypeConnectionError:
		a.log.Warn("slack: Socket Mode connection error", "err", errOf(evt.Data))
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("slack: Socket Mode rejected SLACK_APP_TOKEN")
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || evt.Request == nil {
			return
		}
		if ev.Type == slackevents.CallbackEvent && !a.event(ev) {
			return // not acknowledged: Slack delivers it again
		}
		a.ack(ctx, sm, evt.Request, nil)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slackapi.InteractionCallback)
		if !ok || evt.Request == nil {
			return
		}
		if a.interaction(ctx, cb, "") {
			a.ack(ctx, sm, evt.Request, nil)
		}
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slackapi.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		actx, cancel := context.WithTimeout(ctx, ackTimeout)
		res := a.command(actx, cmd, "")
		cancel()
		switch {
		case intake.Err() != nil && cmd.ResponseURL != "":
			// Stopping: the connection closes right after this, perhaps
			// before the acknowledgement is written; response_url is sure.
			a.ack(ctx, sm, evt.Request, nil)
			a.postResponse(ctx, cmd.ResponseURL, res)
		case len(res) < maxAckPayload:
			a.ack(ctx, sm, evt.Request, res)
		default:
			a.ack(ctx, sm, evt.Request, workingOnIt)
			if cmd.ResponseURL != "" {
				a.spawn("large reply", func(ctx context.Context) { a.postResponse(ctx, cmd.ResponseURL, res) })
			}
		}
	}
}

func (a *Adapter) ack(ctx context.Context, sm *socketmode.Client, req *socketmode.Request, payload any) {
	if err := sm.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		a.log.Warn("slack: Socket Mode ack failed", "err", err)
	}
}

func errOf(v any) error {
	if e, ok := v.(*slackapi.ConnectionErrorEvent); ok {
		return e.ErrorObj
	}
	return nil
}
