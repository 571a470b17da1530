package main

import "context"

// setupSlack wires the Slack adapter when SLACK_* credentials are set.
func setupSlack(_ context.Context, d deps) (*platform, error) {
	if !d.cfg.HasSlack() {
		return nil, errNotConfigured
	}
	return nil, errNotConfigured // adapter lands with the Slack issue
}
