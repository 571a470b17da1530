package main

import (
	"context"

	"github.com/certcoach/certcoach/bot/remind"
)

// setupReminders starts the reminder scheduler over the adapters' notifiers.
func setupReminders(_ context.Context, _ deps, _ map[string]remind.Notifier) (func(context.Context) error, error) {
	return nil, errNotConfigured // scheduler lands with the reminders issue
}
