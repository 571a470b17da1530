// Package remind schedules daily study reminders and channel questions of the
// day, and delivers them through each platform's Notifier.
package remind

import (
	"context"

	"github.com/certcoach/certcoach/bot"
)

// Notifier delivers scheduled messages on one platform. Adapters implement it;
// a retried call after a failure must not post twice (adapters retry only
// when the platform did not accept the message, e.g. HTTP 429).
type Notifier interface {
	// SendDM sends a direct message to a user of a workspace.
	SendDM(ctx context.Context, workspace, user string, r bot.Reply) error
	// PostChannel posts a message to a channel of a workspace.
	PostChannel(ctx context.Context, workspace, channel string, r bot.Reply) error
}
