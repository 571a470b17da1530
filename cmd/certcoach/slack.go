package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/certcoach/certcoach/bot/slack"
)

// setupSlack wires the Slack adapter when SLACK_* credentials are set: the
// HTTP endpoint with SLACK_SIGNING_SECRET, Socket Mode with SLACK_APP_TOKEN.
// A bad token is logged and fails /readyz; it does not stop the process.
func setupSlack(ctx context.Context, d deps) (*platform, error) {
	if !d.cfg.HasSlack() {
		return nil, errNotConfigured
	}
	a, err := slack.New(slack.Config{
		Engine:        d.app.engine,
		Dedup:         d.app.store,
		SigningSecret: d.cfg.SlackSigningSecret,
		BotToken:      d.cfg.SlackBotToken,
		AppToken:      d.cfg.SlackAppToken,
		APIURL:        d.cfg.SlackAPIURL,
		Logger:        d.log,
		RateLimits:    d.metrics,
	})
	if err != nil {
		return nil, fmt.Errorf("set up Slack: %w", err)
	}
	go a.Start(ctx) // the listener must not wait for Slack's API
	p := &platform{name: "slack", ready: a.Ready, notifier: a, close: a.Close}
	if d.cfg.SlackSigningSecret != "" {
		p.routes = map[string]http.Handler{"POST /slack/events": a}
	}
	if d.cfg.SlackAppToken != "" {
		p.run = func(ctx context.Context) error { return a.RunSocketMode(ctx) }
	}
	return p, nil
}
