package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
)

// CommandName is the one top-level slash command; every engine command is a
// sub-command of it (/cert compare, /cert quiz, ...).
const CommandName = "cert"

// Discord's limits for command definitions.
const (
	maxCommandName = 32
	maxCommandDesc = 100
	maxOptions     = 25
	maxChoices     = 25
	maxChoiceName  = 100
	maxChoiceValue = 100
)

// Option names the autocomplete looks at; they are the engine's parameter
// names.
const (
	optTopic  = "topic"
	optCert   = "cert"
	optDomain = "domain"
	optZone   = "zone"
	optKey    = "key"
	optValue  = "value"
)

// Definitions builds the /cert command from the engine's declarations: one
// sub-command per command (a sub-command group where it has sub-commands),
// an option per declared parameter with its type, choices, range and
// description, so the two cannot drift.
func Definitions(cmds []bot.CommandInfo) []*discordgo.ApplicationCommand {
	root := &discordgo.ApplicationCommand{
		Type:             discordgo.ChatApplicationCommand,
		Name:             CommandName,
		Description:      "Study CISM and CISSP: compare, quiz, review, plan",
		IntegrationTypes: integrationTypes(),
		Contexts:         contexts(),
	}
	for _, c := range cmds {
		if len(root.Options) == maxOptions || !validName(c.Name) {
			continue
		}
		sub := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand,
			Name: c.Name, Description: clip(nonEmpty(summary(c), c.Name), maxCommandDesc), Options: options(c.Params)}
		if len(c.Subs) > 0 {
			sub.Type, sub.Options = discordgo.ApplicationCommandOptionSubCommandGroup, nil
			for _, g := range c.Subs {
				sub.Options = append(sub.Options, &discordgo.ApplicationCommandOption{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: g.Name,
					Description: clip(nonEmpty(g.Summary, g.Name), maxCommandDesc), Options: options(g.Params)})
			}
		}
		root.Options = append(root.Options, sub)
	}
	return []*discordgo.ApplicationCommand{root}
}

// anyServer is where a Scoped command's data lives, in words true in every
// context /cert is registered for (contexts()): Discord shows one
// description in all of them, and a DM or a server that did not add
// certcoach has no group (help, which knows where it runs, says which).
const anyServer = "of the server you run it in, if it added certcoach"

// anyOwn is where the asker's own data (a Mine command's) lives, in words
// true in every context /cert is registered for: a server that added
// certcoach keeps its members' data; everywhere else (a DM, a group DM, a
// server reached through a user install) is the user's own space, their
// DMs' data.
const anyOwn = "from the server you run it in if it added certcoach, else from your DMs"

// summary is c's description as registered.
func summary(c bot.CommandInfo) string {
	if c.Mine {
		return c.Summary + " " + anyOwn
	}
	if c.Scoped {
		return c.Summary + " " + anyServer
	}
	return c.Summary
}

// options turns declared parameters into Discord options.
func options(ps []bot.Param) []*discordgo.ApplicationCommandOption {
	var out []*discordgo.ApplicationCommandOption
	for _, p := range ps {
		if !p.ShownOn(bot.PlatformDiscord) {
			continue
		}
		o := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: p.Name,
			Description: clip(nonEmpty(p.Desc, p.Name), maxCommandDesc), Required: p.Required}
		switch p.Kind {
		case bot.KindExam:
			o.Choices = []*discordgo.ApplicationCommandOptionChoice{{Name: "CISM", Value: "cism"}, {Name: "CISSP", Value: "cissp"}}
		case bot.KindCount:
			o.Type, o.MinValue, o.MaxValue = discordgo.ApplicationCommandOptionInteger, ptr(float64(p.Min)), float64(p.Max)
		case bot.KindChoice:
			for _, c := range p.Choices {
				o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: c, Value: c})
			}
		}
		if o.Type == discordgo.ApplicationCommandOptionString && len(o.Choices) == 0 {
			o.MaxLength, o.Autocomplete = 100, p.Complete
			if p.MaxLen > 0 {
				o.MaxLength = p.MaxLen
			}
		}
		out = append(out, o)
	}
	return out
}

func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func validName(s string) bool {
	if len(s) == 0 || len(s) > maxCommandName {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Hash identifies a set of definitions, so serve registers only when they changed.
func Hash(defs []*discordgo.ApplicationCommand) string {
	b, err := json.Marshal(defs)
	if err != nil { // plain structs: cannot happen
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// HashKey is the store key under which the hash of the definitions last
// registered for an application (and guild) is kept.
func HashKey(appID, guildID string) string {
	if guildID != "" {
		return "discord.commands." + appID + ".guild." + guildID
	}
	return "discord.commands." + appID
}

// Registrar is the part of a discordgo session that registers commands.
type Registrar interface {
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
}

// KV remembers the hash of the last registered definitions.
type KV interface {
	GetKV(ctx context.Context, key string) (string, error)
	SetKV(ctx context.Context, key, value string) error
}

// Register bulk-overwrites the commands of appID, globally or on guildID.
func Register(ctx context.Context, r Registrar, appID, guildID string, defs []*discordgo.ApplicationCommand) error {
	if appID == "" {
		return fmt.Errorf("register commands: no application ID (set DISCORD_APP_ID)")
	}
	// r may be no session, so no limiter to check: registration is one
	// call at start or in a retry of its own, on a bucket nothing shares.
	err := rest(ctx, nil, nil, "", nil, func() (err error) {
		_, err = r.ApplicationCommandBulkOverwrite(appID, guildID, defs, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		where := "globally"
		if guildID != "" {
			where = "on guild " + guildID
		}
		return fmt.Errorf("register commands %s: %w", where, err)
	}
	return nil
}

// RegisterIfChanged registers the definitions unless the same ones were
// registered for the same scope before; it reports whether it registered.
func RegisterIfChanged(ctx context.Context, r Registrar, kv KV, appID, guildID string, defs []*discordgo.ApplicationCommand) (bool, error) {
	key := HashKey(appID, guildID)
	h := Hash(defs)
	old, err := kv.GetKV(ctx, key)
	if err != nil {
		return false, fmt.Errorf("register commands: %w", err)
	}
	if old == h {
		return false, nil
	}
	if err := Register(ctx, r, appID, guildID, defs); err != nil {
		return false, err
	}
	if err := kv.SetKV(ctx, key, h); err != nil {
		return true, fmt.Errorf("register commands: remember hash: %w", err)
	}
	return true, nil
}

// registerTimeout bounds one registration attempt.
const registerTimeout = 20 * time.Second

// RegisterRetrying is RegisterIfChanged tried again after each of waits
// while it fails (Discord unreachable at start), until ctx ends; failed is
// told of each failure that will be retried. It returns the last attempt's
// result.
func RegisterRetrying(ctx context.Context, r Registrar, kv KV, appID, guildID string, defs []*discordgo.ApplicationCommand, waits []time.Duration, failed func(error)) (bool, error) {
	for i := 0; ; i++ {
		actx, cancel := context.WithTimeout(ctx, registerTimeout)
		done, err := RegisterIfChanged(actx, r, kv, appID, guildID, defs)
		cancel()
		if err == nil || i == len(waits) {
			return done, err
		}
		failed(err)
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(waits[i]):
		}
	}
}

// request turns a /cert interaction into the command path ("quiz",
// "group daily") and its options by name; the engine checks their types.
func request(data discordgo.ApplicationCommandInteractionData) (path string, opts map[string]string) {
	if len(data.Options) == 0 {
		return "help", nil
	}
	sub := data.Options[0]
	path, list := sub.Name, sub.Options
	if sub.Type == discordgo.ApplicationCommandOptionSubCommandGroup && len(sub.Options) > 0 {
		path, list = sub.Name+" "+sub.Options[0].Name, sub.Options[0].Options
	}
	opts = map[string]string{}
	for _, o := range list {
		if v := strings.TrimSpace(optString(o)); v != "" {
			opts[o.Name] = v
		}
	}
	return path, opts
}

func optString(o *discordgo.ApplicationCommandInteractionDataOption) string {
	switch v := o.Value.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatInt(int64(v), 10)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
