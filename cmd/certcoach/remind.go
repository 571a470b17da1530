package main

import (
	"context"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
)

// setupReminders returns the
// scheduler's run func, which delivers through the adapters' notifiers
// (keyed by platform name, "slack" and "discord"). Reminders of a platform
// without a notifier are recorded missed, not queued forever.
func setupReminders(_ context.Context, d deps, notifiers map[string]remind.Notifier) (func(context.Context) error, error) {
	// Commands are registered in openApp. A send is bounded well inside the
	// drain stage of the stop's budget (stopBudget), so SIGTERM lets
	// in-flight sends finish instead of cutting them into "unknown" claims.
	// Console reminders are delivered by a running console, not by serve.
	// The lease is as short as a live send allows, so a replica that dies
	// mid-send holds its claims about a minute, not ten.
	s := remind.New(d.app.remindDeps(), notifiers, remind.Options{Logger: d.log, SendTimeout: d.stop.sendTimeout(), Lease: time.Second,
		Platforms: []string{bot.PlatformSlack, bot.PlatformDiscord}})
	return s.Run, nil
}
