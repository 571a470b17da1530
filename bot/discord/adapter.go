// Package discord is certcoach's Discord adapter: the /cert command
// definitions and their registration, a gateway runner (discordgo session)
// and an HTTP interactions endpoint sharing one set of handlers, an embed and
// components renderer that keeps within Discord's limits, and a Notifier.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/jobs"
)

// Engine is the part of bot.Engine the adapter uses.
type Engine interface {
	Handle(ctx context.Context, req bot.Request) bot.Reply
	Prepare(req bot.Request) bot.Prepared
	TopicIDs() []string
}

// Deduper records deliveries so that each interaction is processed once,
// by whichever replica sees it first (the stores implement it with a
// unique key).
type Deduper interface {
	FirstSeen(ctx context.Context, scope, key string, now time.Time) (bool, error)
}

// Choice is an autocomplete suggestion: what the user sees and the value sent.
type Choice struct{ Name, Value string }

// Options configure an Adapter.
type Options struct {
	Engine Engine
	Seen   Deduper
	// Session sends REST calls: follow-ups and edits of deferred replies,
	// gateway responses, notifications. In HTTP-only mode it may have no
	// token (interaction webhooks need none). New makes its REST calls wait
	// out 429s themselves, so that the wait ends with the call's context.
	Session *discordgo.Session
	// Domains lists a certification's domains for autocomplete, values
	// being the domain numbers; nil offers none.
	Domains func(cert string) []Choice
	Logger  *slog.Logger
	// Now is the clock (tests move it); default time.Now.
	Now func() time.Time
	// DeferAfter is how long a fast command may run before the adapter sends
	// a deferred response instead (Discord's deadline is 3 s); default 2 s.
	DeferAfter time.Duration
	// MessageContent asks the gateway for the privileged Message Content
	// intent (see README); mentions and DMs carry their text without it.
	MessageContent bool
	// RateLimits, if set, is told of each wait a REST 429 imposes on the
	// adapter's calls and its Notifier's (one made by NewNotifier takes its
	// own).
	RateLimits RateLimitObserver
}

// RateLimitObserver is told of each wait a REST 429 imposes (the metrics
// package implements it): 429s are waited out silently, so without it
// back-pressure from Discord would only show up as slow replies.
type RateLimitObserver interface {
	RateLimitWait(platform string, d time.Duration)
}

// Adapter handles Discord interactions and messages.
type Adapter struct {
	engine     Engine
	seen       Deduper
	s          *discordgo.Session
	domains    func(cert string) []Choice
	log        *slog.Logger
	now        func() time.Time
	deferAfter time.Duration
	retryMin   time.Duration // first wait after a failed gateway connection
	content    bool
	cache      *responseCache
	// notifier sends the scheduler's messages (Notifier) and lets a command
	// DM the asker (bot.Request.DM); nil without a bot token, which they
	// need.
	notifier *Notifier

	// Background work (deferred replies, their edits, gateway message
	// replies) is counted in jobs so that Close can wait for it; its
	// Context is the parent Close cancels once the wait is over.
	jobs *jobs.Tracker

	rl RateLimitObserver // told of the REST calls' 429 waits (rest)
}

// New returns an adapter.
func New(o Options) (*Adapter, error) {
	if o.Engine == nil || o.Seen == nil || o.Session == nil {
		return nil, errors.New("discord adapter: engine, deduper and session are required")
	}
	a := &Adapter{engine: o.Engine, seen: o.Seen, s: o.Session, domains: o.Domains, log: o.Logger,
		now: o.Now, deferAfter: o.DeferAfter, content: o.MessageContent, cache: newResponseCache(), jobs: jobs.New(), rl: o.RateLimits}
	if o.Session.Token != "" {
		a.notifier = NewNotifier(o.Session, o.RateLimits)
	}
	// A 429 comes back as an error for rest to wait out with the call's
	// context, where discordgo would sleep it out whatever the context.
	o.Session.ShouldRetryOnRateLimit = false
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.deferAfter <= 0 {
		a.deferAfter = 2 * time.Second
	}
	a.retryMin = time.Second
	return a, nil
}

// Scopes used with the deduper.
const (
	scopeInteraction = "discord:interaction"
	scopeMessage     = "discord:message"
)

// followUpTimeout bounds work after a deferred response: the interaction
// token lives 15 minutes.
const followUpTimeout = 14 * time.Minute

// Names of background jobs, for Close's report.
const (
	jobRequest  = "request"  // an interaction or gateway message being answered
	jobDeferred = "deferred" // a deferred reply being run or delivered
)

// workContext is the context of work that may outlive the interaction's
// request: it keeps ctx's values but not its cancellation, ends after
// followUpTimeout, and ends when Close gives up waiting.
func (a *Adapter) workContext(ctx context.Context) (context.Context, context.CancelFunc) {
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), followUpTimeout)
	stop := context.AfterFunc(a.jobs.Context(), cancel)
	return work, func() { stop(); cancel() }
}

// Close stops accepting background work and waits, until ctx ends, for
// deferred replies and edits in flight (their interaction tokens would
// otherwise be left showing "thinking…"); it then cancels what is still
// running and returns once that has returned, naming what it cancelled,
// and closes the gateway session if it is open. Call it after
// the HTTP server and Run have stopped.
func (a *Adapter) Close(ctx context.Context) error {
	var errs []error
	// Each job's REST calls and engine work take the jobs' context, so
	// cancelled jobs return promptly.
	if err := a.jobs.Close(ctx); err != nil {
		errs = append(errs, fmt.Errorf("discord: %w", err))
	}
	// Run closes the session when its context ends; this covers a Run
	// that did not stop in time (a no-op when no gateway is open).
	if err := a.s.Close(); err != nil {
		errs = append(errs, fmt.Errorf("discord: close gateway session: %w", err))
	}
	return errors.Join(errs...)
}

// restarting answers an interaction that arrives after Close has begun:
// its deferred reply could not be waited for.
var restarting = bot.Reply{Kind: "restarting", Outcome: bot.OutcomeError, Private: true,
	Body: "certcoach is restarting; please try again in a moment."}

// respondFunc sends the initial response to an interaction: in the HTTP
// body, or by REST callback on the gateway.
type respondFunc func(ctx context.Context, resp *discordgo.InteractionResponse) error

// responder is how one interaction is answered.
type responder struct {
	respond respondFunc
	// raw, when set, sends an already encoded response (HTTP body); it
	// lets replies come from the response cache.
	raw func(b []byte) error
	// upload reports whether respond can carry files; when not, replies
	// with an attachment are deferred and delivered by webhook edit.
	upload bool
	// flush, when set, sends what respond wrote at once (HTTP: the
	// deferred ack must reach Discord while the handler is still running).
	flush func()
	// id, when set, is the HTTP layer's X-Request-ID, so the access log
	// and the engine's lines share it.
	id string
	// once, when set, records the interaction before a command or button
	// runs; false means stop: it has answered a replay, or failed to record,
	// itself. A read-only command skips it (see run).
	once func(ctx context.Context) bool
}

// requestID is the ID the engine logs the interaction under.
func (r responder) requestID(i *discordgo.Interaction) string {
	if r.id != "" {
		return r.id
	}
	return "discord-" + i.ID
}

// errBadInteraction marks an interaction the adapter does not handle.
var errBadInteraction = errors.New("unsupported interaction")

// accepts reports whether the adapter handles an interaction of this shape.
func accepts(i *discordgo.Interaction) bool {
	if i.Type != discordgo.InteractionPing && (i.Member == nil || i.Member.User == nil) && i.User == nil {
		return false // every other interaction names who sent it
	}
	switch i.Type {
	case discordgo.InteractionPing:
		return true
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		d, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		return ok && (d.CommandType == 0 || d.CommandType == discordgo.ChatApplicationCommand) && d.Name == CommandName
	case discordgo.InteractionMessageComponent:
		d, ok := i.Data.(discordgo.MessageComponentInteractionData)
		return ok && d.CustomID != ""
	}
	return false
}

// handle answers one interaction; it is shared by the gateway and HTTP paths.
// The initial response is sent before it returns; slow work continues in the
// background and edits the original response.
func (a *Adapter) handle(ctx context.Context, i *discordgo.Interaction, r responder) error {
	if !accepts(i) {
		return errBadInteraction
	}
	switch i.Type {
	case discordgo.InteractionPing:
		return r.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
	case discordgo.InteractionApplicationCommandAutocomplete:
		return r.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: a.autocomplete(i.ApplicationCommandData())}})
	case discordgo.InteractionApplicationCommand:
		path, opts := request(i.ApplicationCommandData())
		req := bot.Request{Actor: actor(i), Command: path, Options: opts, ID: r.requestID(i), DM: a.dm()}
		return a.run(ctx, i, req, false, r)
	default: // message component: a button
		req := bot.Request{Actor: actor(i), Action: i.MessageComponentData().CustomID, ID: r.requestID(i), DM: a.dm()}
		return a.run(ctx, i, req, true, r)
	}
}

// run executes a request. Slow commands are deferred at once; others get
// DeferAfter to finish before being deferred, so the 3-second deadline is
// never missed.
func (a *Adapter) run(ctx context.Context, i *discordgo.Interaction, req bot.Request, component bool, r responder) error {
	if !a.jobs.Start(jobRequest) {
		return r.respond(ctx, response(restarting, component))
	}
	defer a.jobs.Done(jobRequest) // goroutines started below hold jobs of their own
	p := a.engine.Prepare(req)
	req = p.Req
	// A read-only command changes nothing and its reply goes to whoever sent
	// the request, so a repeated delivery of it is simply answered again:
	// recording it (a committed write before every answer) would protect
	// nothing. Whoever replays a captured interaction holds its token, which
	// already lets them post and edit its messages without us.
	if r.once != nil && !p.Info.ReadOnly && !r.once(ctx) {
		return nil
	}
	if p.Info.Slow {
		if err := r.respond(ctx, deferred(component)); err != nil {
			return err
		}
		a.runLater(ctx, i, req, component)
		return nil
	}
	// A fast command runs on this goroutine (no goroutine hand-off on the
	// hot path); a watchdog sends the deferred response if it is still
	// running at deferAfter. Whoever takes w.mu first answers the
	// interaction. (One struct: the closure moves it to the heap in one
	// allocation, not four.)
	var w struct {
		mu             sync.Mutex
		answered, late bool
		err            error
	}
	id := req.ID // not req itself: the closure would move it to the heap
	watchdog := time.AfterFunc(a.deferAfter, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.answered {
			return
		}
		w.answered, w.late = true, true
		a.log.Warn("discord: reply slow, deferring", "request_id", id)
		if w.err = r.respond(ctx, deferred(component)); w.err == nil && r.flush != nil {
			r.flush() // the HTTP handler is still busy: push the ack out now
		}
	})
	// Once deferred, the work outlives the request (Discord may hang up
	// after the ack), so it runs detached from the request's cancellation.
	rep := a.engine.Handle(detached{Context: a.jobs.Context(), values: ctx}, req)
	watchdog.Stop()
	w.mu.Lock()
	late, err := w.late, w.err
	w.answered = true
	w.mu.Unlock()
	switch {
	case late && err != nil:
		return err
	case late && r.once != nil && p.Info.ReadOnly && !a.firstLate(ctx, i):
		return nil
	case late:
		a.deliverLater(ctx, i, rep, component)
		return nil
	case rep.Attachment == nil && rep.Image == nil || r.upload: // files need multipart: HTTP defers and edits
		if r.raw != nil {
			b, err := a.cache.encode(rep, component)
			if err != nil {
				return fmt.Errorf("encode response: %w", err)
			}
			return r.raw(b)
		}
		return r.respond(ctx, response(rep, component))
	}
	if err := r.respond(ctx, deferred(component)); err != nil {
		return err
	}
	if r.once != nil && p.Info.ReadOnly && !a.firstLate(ctx, i) {
		return nil
	}
	a.deliverLater(ctx, i, rep, component)
	return nil
}

// firstLate records a read-only HTTP interaction whose reply is delivered
// with its token (past the watchdog, or carrying a file) instead of in the
// HTTP body, which goes back to whoever sent the request: a replay of it
// on any replica would otherwise deliver the answer again (a public reply
// is a follow-up message, so it would be posted twice). The fast path
// still writes nothing. false means another delivery has the answer.
func (a *Adapter) firstLate(ctx context.Context, i *discordgo.Interaction) bool {
	first, err := a.interactionOnce(detached{Context: a.jobs.Context(), values: ctx}, i.ID)
	if err != nil {
		// The ack is out and the asker waits: answer, as before the record.
		a.log.Error("discord: dedupe deferred interaction", "interaction", i.ID, "err", err)
		return true
	}
	if !first {
		a.log.Info("discord: deferred reply of a repeated interaction not posted again", "interaction", i.ID)
	}
	return first
}

// runLater and deliverLater are the background paths of run, methods of
// their own so that run's request and reply stay on its stack instead of
// being moved to the heap for closures the fast path never starts.

// runLater runs a deferred request in the background and delivers its reply.
func (a *Adapter) runLater(ctx context.Context, i *discordgo.Interaction, req bot.Request, component bool) {
	a.jobs.Go(jobDeferred, func() {
		work, cancel := a.workContext(ctx)
		defer cancel()
		a.deliver(work, i, a.engine.Handle(work, req), component)
	})
}

// deliverLater delivers a reply in the background, after the interaction's
// request has ended.
func (a *Adapter) deliverLater(ctx context.Context, i *discordgo.Interaction, rep bot.Reply, component bool) {
	a.jobs.Go(jobDeferred, func() {
		work, cancel := a.workContext(ctx)
		defer cancel()
		a.deliver(work, i, rep, component)
	})
}

// detached is a context with the values of one (the request's: IDs for the
// logs) and the lifetime of another (the adapter's, which Close cancels
// when it gives up waiting). It costs no timer or goroutine, unlike
// workContext, which the hot path would pay on every interaction.
type detached struct {
	context.Context
	values context.Context
}

func (d detached) Value(key any) any { return d.values.Value(key) }

// deferred acknowledges an interaction whose reply follows: "thinking…"
// (private, since most replies are) for commands, a silent ack for buttons.
func deferred(component bool) *discordgo.InteractionResponse {
	if component {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
}

// response is the immediate answer: a new message, or for a button whose
// reply replaces its message, an update of that message.
func response(rep bot.Reply, component bool) *discordgo.InteractionResponse {
	m := Render(rep)
	typ := discordgo.InteractionResponseChannelMessageWithSource
	if component && rep.Replace {
		typ = discordgo.InteractionResponseUpdateMessage
	}
	d := &discordgo.InteractionResponseData{Content: m.Content, Embeds: nonNilEmbeds(m.Embeds),
		Components: nonNilComponents(m.Components), Files: m.Files}
	if m.Ephemeral && typ == discordgo.InteractionResponseChannelMessageWithSource {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: typ, Data: d}
}

// deliver sends a reply after a deferred response: it edits the original
// response (the "thinking…" message, or for a button that replaces its
// message, that message), else posts a follow-up.
func (a *Adapter) deliver(ctx context.Context, i *discordgo.Interaction, rep bot.Reply, component bool) {
	m := Render(rep)
	var err error
	if !component && !m.Ephemeral {
		// The deferred "thinking…" was private (a reply's privacy is known
		// only once it has run) and an edit would keep it so: post the
		// public reply as a follow-up and remove the private placeholder.
		if err = a.rest(ctx, followUpBucket(i), m.Files, func() (err error) {
			_, err = a.s.FollowupMessageCreate(i, true, followUp(m, false), discordgo.WithContext(ctx))
			return err
		}); err == nil {
			if derr := a.rest(ctx, deleteBucket(i), nil, func() error { return a.s.InteractionResponseDelete(i, discordgo.WithContext(ctx)) }); derr != nil {
				a.log.Warn("discord: remove deferred placeholder", "interaction", i.ID, "err", withoutURL(derr))
			}
			return
		}
		if len(m.Files) > 0 { // their readers are spent: no second try
			a.log.Error("discord: deliver deferred reply", "interaction", i.ID, "kind", rep.Kind, "err", withoutURL(err))
			return
		}
		a.log.Warn("discord: public follow-up failed, editing the private placeholder instead", "interaction", i.ID, "err", withoutURL(err))
	}
	if !component || rep.Replace {
		embeds, comps := nonNilEmbeds(m.Embeds), nonNilComponents(m.Components)
		err = a.rest(ctx, editBucket(i, m.Files), m.Files, func() (err error) {
			_, err = a.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &m.Content, Embeds: &embeds,
				Components: &comps, Files: m.Files}, discordgo.WithContext(ctx))
			return err
		})
	} else {
		err = a.rest(ctx, followUpBucket(i), m.Files, func() (err error) {
			_, err = a.s.FollowupMessageCreate(i, true, followUp(m, m.Ephemeral), discordgo.WithContext(ctx))
			return err
		})
	}
	if err != nil {
		a.log.Error("discord: deliver deferred reply", "interaction", i.ID, "kind", rep.Kind, "err", withoutURL(err))
	}
}

// Notifier is the adapter's sender of scheduled messages, the one its
// commands DM through; nil when the session has no bot token.
func (a *Adapter) Notifier() *Notifier { return a.notifier }

// dm is the notifier as a request's DM sender: nil, not a nil *Notifier,
// without a bot token, so the engine sees that it has none.
func (a *Adapter) dm() bot.DMSender {
	if a.notifier == nil {
		return nil
	}
	return a.notifier
}

// rest is the package's rest on the adapter's session, with its observer.
func (a *Adapter) rest(ctx context.Context, bucket string, files []*discordgo.File, call func() error) error {
	return rest(ctx, a.s.Ratelimiter, a.rl, bucket, files, call)
}

// followUp is the webhook message that posts m.
func followUp(m Message, ephemeral bool) *discordgo.WebhookParams {
	p := &discordgo.WebhookParams{Content: m.Content, Embeds: m.Embeds, Components: nonNilComponents(m.Components), Files: m.Files}
	if ephemeral {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	return p
}

// withoutURL drops the request URL from an HTTP client error: interaction
// webhook and callback URLs carry the interaction token, a credential that
// must not reach the logs (the same rule as the Slack adapter's response_url).
func withoutURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

func nonNilEmbeds(e []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	if e == nil {
		return []*discordgo.MessageEmbed{}
	}
	return e
}

func nonNilComponents(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}

// Permissions that allow configuring a channel's daily question.
const managePerms = discordgo.PermissionManageGuild | discordgo.PermissionManageChannels | discordgo.PermissionAdministrator

// actor maps who sent an interaction: the guild is the workspace (DMs, group
// DMs and servers reached only through the user's own install: the user's
// "dm:<user>" scope), rights come from the member's permissions.
func actor(i *discordgo.Interaction) bot.Actor {
	a := bot.Actor{Platform: bot.PlatformDiscord, Channel: i.ChannelID}
	u := i.User
	if i.Member != nil {
		u = i.Member.User
		a.CanManage = i.Member.Permissions&managePerms != 0
		a.Name = i.Member.Nick
	}
	if u != nil {
		a.User = u.ID
		if a.Name == "" {
			a.Name = displayName(u)
		}
	}
	switch {
	case i.GuildID != "" && userInstallOnly(i):
		// A server that has not installed the bot: the user's own scope.
		a.Workspace, a.CanManage = "dm:"+a.User, false
	case i.GuildID != "":
		a.Workspace = i.GuildID
	default:
		a.Workspace, a.DM, a.CanManage = "dm:"+a.User, true, false
	}
	return a
}

func displayName(u *discordgo.User) string {
	if u.GlobalName != "" {
		return u.GlobalName
	}
	return u.Username
}

// autocomplete suggests compare topics, domain names and time zones for
// the focused option.
func (a *Adapter) autocomplete(d discordgo.ApplicationCommandInteractionData) []*discordgo.ApplicationCommandOptionChoice {
	if len(d.Options) == 0 {
		return nil
	}
	sub := d.Options[0]
	opts := sub.Options
	if sub.Type == discordgo.ApplicationCommandOptionSubCommandGroup && len(opts) > 0 {
		opts = opts[0].Options
	}
	var focused *discordgo.ApplicationCommandInteractionDataOption
	cert, key := "", ""
	for _, o := range opts {
		if o.Focused {
			focused = o
		}
		switch o.Name {
		case optCert:
			cert = optString(o)
		case optKey:
			key = optString(o)
		}
	}
	if focused == nil {
		return nil
	}
	typed := strings.ToLower(strings.TrimSpace(optString(focused)))
	var all []Choice
	switch focused.Name {
	case optTopic:
		for _, t := range a.engine.TopicIDs() {
			all = append(all, Choice{Name: t, Value: t})
		}
	case optDomain:
		if a.domains == nil {
			break
		}
		for _, c := range []string{"cism", "cissp"} {
			if cert != "" && c != cert {
				continue
			}
			for _, ch := range a.domains(c) {
				if cert == "" {
					ch = Choice{Name: strings.ToUpper(c) + " " + ch.Name, Value: c + " " + ch.Value}
				}
				all = append(all, ch)
			}
		}
	case optZone:
		all = zoneChoices()
	case optValue:
		switch key {
		case "timezone":
			all = zoneChoices()
		case "retention":
			all = []Choice{{"0.85", "0.85"}, {"0.90 (default)", "0.9"}, {"0.95", "0.95"}}
		case "leaderboard":
			all = []Choice{{"on", "on"}, {"off", "off"}}
		}
	}
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, c := range all {
		if typed != "" && !strings.Contains(strings.ToLower(c.Name), typed) && !strings.HasPrefix(strings.ToLower(c.Value), typed) {
			continue
		}
		if len(out) == maxChoices {
			break
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(c.Name, maxChoiceName), Value: clip(c.Value, maxChoiceValue)})
	}
	return out
}

func zoneChoices() []Choice {
	out := make([]Choice, len(zones))
	for i, z := range zones {
		out[i] = Choice{Name: z, Value: z}
	}
	return out
}

// zones are suggested for the zone options; any IANA name may be typed.
var zones = []string{"UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome",
	"Europe/Amsterdam", "Europe/Warsaw", "Europe/Istanbul", "Europe/Moscow", "Africa/Lagos", "Africa/Cairo",
	"Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka",
	"Asia/Bangkok", "Asia/Singapore", "Asia/Manila", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Seoul", "Asia/Tokyo",
	"Australia/Perth", "Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
	"America/Bogota", "America/Mexico_City", "America/New_York", "America/Toronto", "America/Chicago",
	"America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu"}

// seenOnce records an interaction or message ID; false means it was seen before.
func (a *Adapter) seenOnce(ctx context.Context, scope, id string) (bool, error) {
	first, err := a.seen.FirstSeen(ctx, scope, id, a.now())
	if err != nil {
		return false, fmt.Errorf("discord: record %s: %w", scope, err)
	}
	return first, nil
}

// interactionOnce records an HTTP interaction; false means it was seen
// before (a replay, or a retry that reached another replica).
func (a *Adapter) interactionOnce(ctx context.Context, id string) (bool, error) {
	return a.seenOnce(ctx, scopeInteraction, id)
}
