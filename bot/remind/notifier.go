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

// KeyedNotifier is a Notifier whose platform deduplicates sends by a key
// for a few minutes (Discord's nonce with enforce_nonce): a claim whose
// replica died mid-send is sent again under the same key, and the platform
// posts it at most once. Without it (Slack) such a claim is recorded
// unknown instead, since a resend could post twice.
type KeyedNotifier interface {
	Notifier
	SendDMKeyed(ctx context.Context, key, workspace, user string, r bot.Reply) error
	PostChannelKeyed(ctx context.Context, key, workspace, channel string, r bot.Reply) error
}
