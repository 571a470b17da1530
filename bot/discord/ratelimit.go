package discord

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/jobs"
)

// maxRESTTries bounds the tries of one REST call Discord keeps answering
// with 429: a limit that does not lift ends in its error.
const maxRESTTries = 5

// rest runs call, a REST call on a session with ShouldRetryOnRateLimit
// off whose limiter lim files it under bucket, and after a 429 runs it
// again once Discord's retry_after has passed, reporting each wait to rl
// (nil: none). A 429 means the request was not taken, so a retry cannot
// post twice; the files' readers are rewound for it. Both of discordgo's
// waits, which it sleeps out whatever the request's context, end here
// with ctx: its retry of a 429, and its pause before a request on a bucket
// it has seen run out (bucketPause; nil lim: not checked). Its bucket
// bookkeeping still reads each answer's headers, X-RateLimit-Global among
// them.
func rest(ctx context.Context, lim *discordgo.RateLimiter, rl RateLimitObserver, bucket string, files []*discordgo.File, call func() error) error {
	for try := 1; ; try++ {
		if lim != nil {
			if err := bucketPause(ctx, lim, bucket); err != nil {
				return err
			}
		}
		err := call()
		limited, ok := errors.AsType[*discordgo.RateLimitError](err)
		if !ok || try == maxRESTTries {
			return err
		}
		wait := max(limited.RetryAfter, 10*time.Millisecond) // a broken answer makes no busy loop
		if rl != nil {
			rl.RateLimitWait(bot.PlatformDiscord, wait)
		}
		if err := jobs.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("waiting out Discord's rate limit (retry after %s): %w", wait, err)
		}
		for _, f := range files {
			if s, ok := f.Reader.(io.Seeker); ok {
				if _, err := s.Seek(0, io.SeekStart); err != nil {
					return fmt.Errorf("resend after rate limit: %w", err)
				}
			}
		}
	}
}

// bucketPause waits, until ctx ends, for the pause discordgo's limiter
// would sleep out before a request on bucket: the bucket's reset once its
// quota has run out, or a global limit's end. A bucket another request
// holds (discordgo locks it through the request) is left to discordgo's
// own queue, as polling it would slow every caller of a shared bucket
// (every DM opened, every deferred edit); only that queued wait, and a
// request that takes the bucket between this check and its own, still
// ignore ctx.
func bucketPause(ctx context.Context, lim *discordgo.RateLimiter, bucket string) error {
	b := lim.GetBucket(bucket)
	for b.TryLock() {
		wait := lim.GetWaitTime(b, 1)
		b.Unlock()
		if wait <= 0 {
			return nil
		}
		if err := jobs.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("waiting out a Discord rate-limit pause: %w", err)
		}
	}
	return nil
}

// The buckets discordgo v0.29.0 files certcoach's REST calls under (its
// methods choose them and do not say); TestBucketPauseEndsWithContext
// fails, hanging on discordgo's pause, if one of them drifts.

// followUpBucket is FollowupMessageCreate's, with wait.
func followUpBucket(i *discordgo.Interaction) string {
	return discordgo.EndpointWebhookToken(i.AppID, i.Token) + "?wait=true"
}

// editBucket is InteractionResponseEdit's: one bucket for every webhook
// edit without files, the message's own with them.
func editBucket(i *discordgo.Interaction, files []*discordgo.File) string {
	if len(files) > 0 {
		return discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original")
	}
	return discordgo.EndpointWebhookToken("", "")
}

// deleteBucket is InteractionResponseDelete's.
func deleteBucket(i *discordgo.Interaction) string {
	return discordgo.EndpointInteractionResponseActions(i.AppID, i.Token)
}

// respondBucket is InteractionRespond's.
func respondBucket(i *discordgo.Interaction) string {
	return discordgo.EndpointInteractionResponse(i.ID, i.Token)
}

// dmOpenBucket is UserChannelCreate's, one for every user.
func dmOpenBucket() string { return discordgo.EndpointUserChannels("") }
