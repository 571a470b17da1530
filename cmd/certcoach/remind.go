package main

import (
	"context"

	"github.com/certcoach/certcoach/bot/remind"
)

// setupReminders registers the remind and group commands and returns the
// scheduler's run func, which delivers through the adapters' notifiers
// (keyed by platform name, "slack" and "discord"). Reminders of a platform
// without a notifier are recorded missed, not queued forever.
func setupReminders(_ context.Context, d deps, notifiers map[string]remind.Notifier) (func(context.Context) error, error) {
	remind.Register(d.app.engine)
	s := remind.New(d.app.engine, notifiers, remind.Options{Logger: d.log})
	return s.Run, nil
}
