package discord

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// Intents returns the gateway intents the adapter needs: guild messages and
// DMs for mentions and direct questions (their text arrives without the
// privileged Message Content intent, which is requested only when asked for).
func Intents(messageContent bool) discordgo.Intent {
	in := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if messageContent {
		in |= discordgo.IntentMessageContent
	}
	return in
}

// maxGatewayRetry is the longest wait between two failed first connections.
const maxGatewayRetry = time.Minute

// Run connects the session to the gateway and handles interactions and
// messages until ctx ends. Reconnection and resume are discordgo's; the
// session's ShardID/ShardCount select the shard.
//
// When ctx ends the gateway closes and no further event is taken, while the
// handlers in flight finish on inflight, which should outlast ctx (their
// replies go by REST, not over the gateway); Run returns once they have.
func (a *Adapter) Run(ctx, inflight context.Context) error {
	s := a.s
	s.Identify.Intents = Intents(a.content)
	s.StateEnabled = true
	var in intake
	remove := []func(){
		s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
			if !in.enter(ctx) {
				return
			}
			defer in.leave()
			a.onInteraction(inflight, ic.Interaction)
		}),
		s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
			if !in.enter(ctx) {
				return
			}
			defer in.leave()
			if !a.jobs.Start(jobRequest) {
				return // closing: Close would not wait for the reply
			}
			defer a.jobs.Done(jobRequest)
			a.onMessage(inflight, m.Message)
		}),
	}
	defer func() {
		for _, f := range remove {
			f()
		}
	}()
	defer in.close() // and waits for the handlers in flight
	// discordgo reconnects a connection it once had, not a first one that
	// failed (Discord or the network down at start): that is retried here,
	// with backoff, so the gateway comes up without a restart.
	for wait := a.retryMin; ; wait = min(2*wait, maxGatewayRetry) {
		err := s.Open()
		if err == nil {
			break
		}
		a.log.Error("discord gateway: connect failed, retrying; check DISCORD_BOT_TOKEN and the network (/readyz is not ready until it connects)",
			"shard", s.ShardID, "shards", s.ShardCount, "retry_in", wait.String(), "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
	a.log.Info("discord gateway connected", "shard", s.ShardID, "shards", s.ShardCount)
	<-ctx.Done()
	if err := s.Close(); err != nil {
		return fmt.Errorf("discord gateway: close: %w", err)
	}
	return nil
}

// intake counts the gateway's event handlers in flight, so that Run can
// wait for them; it takes none once Run's context has ended (discordgo may
// still dispatch until the session closes) or close has begun.
type intake struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func (in *intake) enter(ctx context.Context) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed || ctx.Err() != nil {
		return false
	}
	in.wg.Add(1) // under mu: never after close has begun its Wait
	return true
}

func (in *intake) leave() { in.wg.Done() }

// close takes no more handlers and waits for those in flight.
func (in *intake) close() {
	in.mu.Lock()
	in.closed = true
	in.mu.Unlock()
	in.wg.Wait()
}

// onInteraction answers an interaction from the gateway by REST callback.
func (a *Adapter) onInteraction(ctx context.Context, i *discordgo.Interaction) {
	if i == nil || !accepts(i) || i.Type == discordgo.InteractionPing {
		return
	}
	first, err := a.seenOnce(ctx, scopeInteraction, i.ID)
	if err != nil {
		a.log.Error("discord: dedupe interaction", "interaction", i.ID, "err", err)
		return
	}
	if !first {
		return
	}
	err = a.handle(ctx, i, responder{upload: true, respond: func(ctx context.Context, resp *discordgo.InteractionResponse) error {
		var files []*discordgo.File
		if resp.Data != nil {
			files = resp.Data.Files
		}
		if err := a.rest(ctx, respondBucket(i), files, func() error { return a.s.InteractionRespond(i, resp, discordgo.WithContext(ctx)) }); err != nil {
			return fmt.Errorf("interaction callback: %w", withoutURL(err))
		}
		return nil
	}})
	if err != nil {
		a.log.Error("discord: answer interaction", "interaction", i.ID, "err", err)
	}
}

// onMessage answers DMs and, in server channels, messages that mention the
// bot. The text goes to the engine as said, marked conversational: the
// engine decides whether it is a command or a question.
func (a *Adapter) onMessage(ctx context.Context, m *discordgo.Message) {
	if m == nil || m.Author == nil || m.Author.Bot {
		return
	}
	self := ""
	if a.s.State != nil && a.s.State.User != nil {
		self = a.s.State.User.ID
	}
	if self == "" || m.Author.ID == self {
		return
	}
	req := bot.Request{ID: "discord-msg-" + m.ID, Actor: bot.Actor{Platform: bot.PlatformDiscord,
		User: m.Author.ID, Channel: m.ChannelID, Name: displayName(m.Author)}, DM: a.dm()}
	if m.Member != nil && m.Member.Nick != "" {
		req.Actor.Name = m.Member.Nick
	}
	text := strings.TrimSpace(m.Content)
	if m.GuildID == "" {
		req.Actor.Workspace, req.Actor.DM = "dm:"+m.Author.ID, true
		req.Text = text
	} else {
		if !mentions(m, self) {
			return
		}
		q := strings.TrimSpace(strings.NewReplacer("<@"+self+">", "", "<@!"+self+">", "").Replace(text))
		if q == "" {
			return // content withheld (no Message Content intent) or a bare mention
		}
		req.Actor.Workspace = m.GuildID
		req.Text = q
		// A reply in a server channel is seen by everyone, and Discord has
		// no message for the asker only (Slack posts these ephemeral): the
		// engine runs no command whose answer is the asker's own (progress,
		// an export, a quiz, `forget yes`) and says where to run it.
		// Reference answers and replies to chat are posted, as is ask's
		// answer to a line that began with a command's name.
		req.Public = true
	}
	req.Conversational = true
	if req.Text == "" {
		return
	}
	first, err := a.seenOnce(ctx, scopeMessage, m.ID)
	if err != nil || !first {
		if err != nil {
			a.log.Error("discord: dedupe message", "message", m.ID, "err", err)
		}
		return
	}
	rep := a.engine.Handle(ctx, a.engine.Prepare(req).Req)
	out := Render(rep)
	send := &discordgo.MessageSend{Content: out.Content, Embeds: out.Embeds, Components: out.Components, Files: out.Files,
		Reference:       &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID},
		AllowedMentions: &discordgo.MessageAllowedMentions{RepliedUser: true}}
	err = a.rest(ctx, discordgo.EndpointChannelMessages(m.ChannelID), send.Files, func() (err error) {
		_, err = a.s.ChannelMessageSendComplex(m.ChannelID, send, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		a.log.Error("discord: reply to message", "message", m.ID, "kind", rep.Kind, "err", err)
	}
}

func mentions(m *discordgo.Message, id string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == id {
			return true
		}
	}
	return false
}
