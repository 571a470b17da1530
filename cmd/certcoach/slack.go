package main

import (
	"context"
	"net/http"
	"time"

	"github.com/certcoach/certcoach/bot/slack"
	"github.com/certcoach/certcoach/internal/budget"
)

// setupSlack wires the Slack adapter when SLACK_* credentials are set: the
// HTTP endpoint with SLACK_SIGNING_SECRET, Socket Mode with SLACK_APP_TOKEN.
// With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET it serves many workspaces,
// each installed through /slack/install with its own token. A bad token is
// logged and fails /readyz; it does not stop the process.
func setupSlack(ctx context.Context, d deps) (*platform, error) {
	if !d.cfg.HasSlack() {
		return nil, errNotConfigured
	}
	cfg := slack.Config{
		Engine:        d.app.engine,
		Dedup:         d.app.store,
		SigningSecret: d.cfg.SlackSigningSecret,
		BotToken:      d.cfg.SlackBotToken,
		AppToken:      d.cfg.SlackAppToken,
		APIURL:        d.cfg.SlackAPIURL,
		// Every replica spends from the same per-method budgets.
		HTTPClient: &http.Client{Timeout: 15 * time.Second, Transport: budget.Transport(d.app.store, budget.Slack, nil)},
		Logger:     d.log,
		RateLimits: d.metrics,
		Home:       d.app.engine,
	}
	if d.cfg.SlackMulti() {
		oc, err := slackOAuth(d)
		if err != nil {
			return nil, err
		}
		cfg.OAuth = oc
		if d.cfg.SlackBotToken != "" {
			d.log.Warn("SLACK_BOT_TOKEN is ignored in multi-workspace mode (SLACK_CLIENT_ID set): each workspace's installation brings its token")
		}
		if d.cfg.TokenKeyOld != "" {
			// A reminder: the old key is meant to be set for a rollout only.
			d.log.Info("CERTCOACH_TOKEN_KEY_OLD is set: tokens sealed under it are still read; once every replica has it, run certcoach rekey, then remove it")
		}
	}
	a, err := slack.New(cfg)
	if err != nil {
		return nil, err // says "slack: ..."
	}
	go a.Start(ctx) // the listener must not wait for Slack's API
	p := &platform{name: "slack", ready: a.Ready, notifier: a, close: a.Close,
		routes: map[string]http.Handler{"GET /privacy": http.HandlerFunc(servePrivacy)}}
	if d.cfg.SlackSigningSecret != "" {
		p.routes["POST /slack/events"] = a
	}
	var runs []func(ctx, inflight context.Context) error
	if cfg.OAuth != nil {
		p.routes["GET /slack/install"] = http.HandlerFunc(a.ServeInstall)
		p.routes["GET /slack/oauth_redirect"] = http.HandlerFunc(a.ServeRedirect)
		runs = append(runs, func(ctx, _ context.Context) error { return a.RunTokenRefresh(ctx) })
	}
	if d.cfg.SlackAppToken != "" {
		runs = append(runs, func(ctx, inflight context.Context) error { return a.RunSocketMode(ctx, inflight) })
	}
	if len(runs) > 0 {
		p.run = runAll(runs)
	}
	return p, nil
}

// slackOAuth is the multi-workspace setup (see Config.slackMultiProblem).
func slackOAuth(d deps) (*slack.OAuthConfig, error) {
	c := d.cfg
	if err := c.slackMultiProblem(); err != nil { // checked before start, too
		return nil, err
	}
	box, err := c.tokenBox()
	if err != nil {
		return nil, err
	}
	return &slack.OAuthConfig{ClientID: c.SlackClientID, ClientSecret: c.SlackClientSecret, PublicURL: c.PublicURL,
		Store: &installStore{st: d.app.store, box: box, now: time.Now}}, nil
}

// runAll runs fs together until ctx ends; the first error is returned
// after all have stopped.
func runAll(fs []func(ctx, inflight context.Context) error) func(ctx, inflight context.Context) error {
	return func(ctx, inflight context.Context) error {
		errc := make(chan error, len(fs))
		for _, f := range fs {
			go func() { errc <- f(ctx, inflight) }()
		}
		var first error
		for range fs {
			if err := <-errc; err != nil && first == nil {
				first = err
			}
		}
		return first
	}
}
