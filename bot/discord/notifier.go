package discord

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// Notifier sends scheduled messages (reminders, the daily question) through
// a bot session; discordgo's rate limiter queues them per route. Each message
// carries a nonce derived from its channel and content with enforce_nonce,
// so a retry of the same message (after a timeout or a 5xx whose request
// Discord did accept) returns the first message instead of posting twice.
type Notifier struct {
	s  *discordgo.Session
	rl RateLimitObserver
}

// NewNotifier returns a notifier over a session with a bot token; rl, if
// not nil, is told of each wait a 429 imposes on its posts.
func NewNotifier(s *discordgo.Session, rl RateLimitObserver) *Notifier {
	// A 429 comes back as an error for rest to wait out with the post's
	// context, where discordgo would sleep it out whatever the context.
	s.ShouldRetryOnRateLimit = false
	return &Notifier{s: s, rl: rl}
}

// SendDM sends r to a user's DMs (the workspace is not needed on Discord).
func (n *Notifier) SendDM(ctx context.Context, workspace, user string, r bot.Reply) error {
	return n.SendDMKeyed(ctx, "", workspace, user, r)
}

// SendDMKeyed is SendDM with the nonce derived from key (when not empty)
// instead of the content: a resend under the same key, whatever its
// content, posts nothing new.
func (n *Notifier) SendDMKeyed(ctx context.Context, key, _, user string, r bot.Reply) error {
	var ch *discordgo.Channel
	err := n.rest(ctx, dmOpenBucket(), nil, func() (err error) {
		ch, err = n.s.UserChannelCreate(user, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return fmt.Errorf("discord: open DM with %s: %w", user, refusal(err))
	}
	if err := n.post(ctx, key, ch.ID, r); err != nil {
		return fmt.Errorf("discord: DM %s: %w", user, refusal(err))
	}
	return nil
}

// refusal marks Discord's 50007 "Cannot send messages to this user" (DMs
// from server members turned off, or no server shared with the bot): no
// retry gets through until the user changes that, so the scheduler turns
// the reminder off and tells them instead of failing every day.
func refusal(err error) error {
	if re, ok := errors.AsType[*discordgo.RESTError](err); ok && re.Message != nil && re.Message.Code == discordgo.ErrCodeCannotSendMessagesToThisUser {
		return bot.DMRefused(err)
	}
	return err
}

// PostChannel posts r to a channel.
func (n *Notifier) PostChannel(ctx context.Context, workspace, channel string, r bot.Reply) error {
	return n.PostChannelKeyed(ctx, "", workspace, channel, r)
}

// PostChannelKeyed is PostChannel with the nonce derived from key (see SendDMKeyed).
func (n *Notifier) PostChannelKeyed(ctx context.Context, key, _, channel string, r bot.Reply) error {
	if err := n.post(ctx, key, channel, r); err != nil {
		return fmt.Errorf("discord: post to channel %s: %w", channel, err)
	}
	return nil
}

// outgoing is a channel message with the nonce fields discordgo's
// MessageSend lacks.
type outgoing struct {
	Content      string                       `json:"content,omitempty"`
	Embeds       []*discordgo.MessageEmbed    `json:"embeds"`
	Components   []discordgo.MessageComponent `json:"components"`
	Nonce        string                       `json:"nonce"`
	EnforceNonce bool                         `json:"enforce_nonce"`
}

func (n *Notifier) post(ctx context.Context, key, channel string, r bot.Reply) error {
	m := Render(r)
	msg := outgoing{Content: m.Content, Embeds: nonNilEmbeds(m.Embeds), Components: nonNilComponents(m.Components), EnforceNonce: true}
	b, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	if key != "" {
		b = []byte(key)
	}
	msg.Nonce = nonce(channel, b)
	endpoint := discordgo.EndpointChannelMessages(channel)
	if len(m.Files) > 0 {
		ct, body, err := discordgo.MultipartBodyWithJSON(msg, m.Files)
		if err != nil {
			return fmt.Errorf("encode message: %w", err)
		}
		return n.rest(ctx, endpoint, nil, func() (err error) { // body is bytes: each try sends it whole
			_, err = n.s.RequestRaw("POST", endpoint, ct, body, endpoint, 0, discordgo.WithContext(ctx))
			return err
		})
	}
	return n.rest(ctx, endpoint, nil, func() (err error) {
		_, err = n.s.RequestWithBucketID("POST", endpoint, msg, endpoint, discordgo.WithContext(ctx))
		return err
	})
}

// rest is the package's rest on the notifier's session, with its observer.
func (n *Notifier) rest(ctx context.Context, bucket string, files []*discordgo.File, call func() error) error {
	return rest(ctx, n.s.Ratelimiter, n.rl, bucket, files, call)
}

// nonce is at most 25 characters, as Discord requires.
func nonce(channel string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(channel))
	h.Write([]byte{0})
	h.Write(body)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}
