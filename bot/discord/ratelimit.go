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
// off, and after a 429 runs it again once Discord's retry_after has
// passed, reporting each wait to rl (nil: none). A 429 means the request
// was not taken, so a retry cannot post twice; the files' readers are
// rewound for it. The wait ends with ctx, where discordgo's own retry
// sleeps it out whatever the request's context; its bucket bookkeeping
// still reads the 429's headers, X-RateLimit-Global among them.
func rest(ctx context.Context, rl RateLimitObserver, files []*discordgo.File, call func() error) error {
	for try := 1; ; try++ {
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
