package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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

// Option names, shared by the definitions and the text conversion.
const (
	optTopic    = "topic"
	optCert     = "cert"
	optDomain   = "domain"
	optQuestion = "question"
	optCount    = "count"
	optDate     = "date"
	optTime     = "time"
	optZone     = "zone"
	optKey      = "key"
	optValue    = "value"
	optText     = "text"
	optAction   = "action"
)

// subSpec describes a sub-command's typed options; the engine supplies its
// name and summary. Order matters: options become positional text in order.
type subSpec struct {
	desc    string // used when the engine has no summary
	options []*discordgo.ApplicationCommandOption
	group   []subSpec // sub-command group (group daily / group off)
	name    string    // for group members
}

func certOption(required bool, desc string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: optCert,
		Description: desc, Required: required, Choices: []*discordgo.ApplicationCommandOptionChoice{
			{Name: "CISM", Value: "cism"}, {Name: "CISSP", Value: "cissp"}}}
}

func strOption(name, desc string, required, autocomplete bool, maxLen int) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name,
		Description: desc, Required: required, Autocomplete: autocomplete, MaxLength: maxLen}
}

// specs are the typed options of the sub-commands certcoach knows; an engine
// command missing here still gets a sub-command, with one free-text option.
var specs = map[string]subSpec{
	"help":    {desc: "What certcoach can do"},
	"compare": {desc: "CISM vs CISSP side by side, or on one topic", options: []*discordgo.ApplicationCommandOption{strOption(optTopic, "A topic such as incident-response (leave empty for the overview)", false, true, 100)}},
	"domains": {desc: "The exam domains with their weights", options: []*discordgo.ApplicationCommandOption{certOption(true, "Which certification")}},
	"domain": {desc: "One domain's objectives", options: []*discordgo.ApplicationCommandOption{
		certOption(true, "Which certification"), strOption(optDomain, "Domain number or name", true, true, 100)}},
	"ask": {desc: "Ask anything about the two exams", options: []*discordgo.ApplicationCommandOption{strOption(optQuestion, "Your question", true, false, 500)}},
	"quiz": {desc: "Practice questions with answer buttons", options: []*discordgo.ApplicationCommandOption{
		certOption(false, "Which certification (default: your plan's)"),
		strOption(optDomain, "Domain number or name (default: weakest)", false, true, 100),
		{Type: discordgo.ApplicationCommandOptionInteger, Name: optCount, Description: "How many questions (1-20)", MinValue: ptr(1.0), MaxValue: 20}}},
	"exam": {desc: "A timed mock exam in the real format", options: []*discordgo.ApplicationCommandOption{
		certOption(false, "Which certification (to start an exam)"),
		{Type: discordgo.ApplicationCommandOptionString, Name: optAction, Description: "Pause or resume your exam",
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "pause", Value: "pause"}, {Name: "resume", Value: "resume"}}}}},
	"review":   {desc: "Review the cards due today"},
	"progress": {desc: "Your progress per domain and readiness"},
	"plan": {desc: "Plan up to your exam date", options: []*discordgo.ApplicationCommandOption{
		certOption(true, "Which certification"), strOption(optDate, "Exam date, YYYY-MM-DD", true, false, 10)}},
	"remind": {desc: "A daily study reminder by DM", options: []*discordgo.ApplicationCommandOption{
		strOption(optTime, "Time as HH:MM, or off", true, false, 5), strOption(optZone, "IANA time zone, e.g. Europe/Paris", false, true, 64)}},
	"leaderboard": {desc: "This week's top 10 in this server"},
	"group": {desc: "Question of the day in this channel", group: []subSpec{
		{name: "daily", desc: "Post a question here every day", options: []*discordgo.ApplicationCommandOption{
			strOption(optTime, "Time as HH:MM", true, false, 5), strOption(optZone, "IANA time zone, e.g. Europe/Paris", false, true, 64)}},
		{name: "off", desc: "Stop the daily question in this channel"}}},
	"export": {desc: "All your data as a JSON file"},
	"forget": {desc: "Delete all your data"},
	"settings": {desc: "Change a setting, e.g. retention 0.9", options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionString, Name: optKey, Description: "Which setting", Required: true,
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "retention", Value: "retention"},
				{Name: "leaderboard", Value: "leaderboard"}, {Name: "timezone", Value: "timezone"}}}, strOption(optValue, "New value: 0.9, on/off or an IANA zone", true, true, 64)}},
}

func ptr[T any](v T) *T { return &v }

// order is the design's command set (DESIGN.md), shown in this order;
// engine commands not listed follow it.
var order = []string{"help", "compare", "domains", "domain", "ask", "quiz", "exam", "review", "progress", "plan",
	"remind", "leaderboard", "group", "export", "forget", "settings"}

// Definitions builds the /cert command: one sub-command per command of the
// design plus any other engine command, typed options where known, the
// engine's summaries as descriptions.
func Definitions(cmds []bot.CommandInfo) []*discordgo.ApplicationCommand {
	root := &discordgo.ApplicationCommand{
		Type:             discordgo.ChatApplicationCommand,
		Name:             CommandName,
		Description:      "Study CISM and CISSP: compare, quiz, review, plan",
		IntegrationTypes: ptr(append([]discordgo.ApplicationIntegrationType(nil), integrationTypes...)),
		Contexts:         ptr(append([]discordgo.InteractionContextType(nil), contexts...)),
	}
	info := map[string]bot.CommandInfo{}
	for _, c := range cmds {
		info[c.Name] = c
	}
	names := append([]string(nil), order...)
	for _, c := range cmds {
		if _, ok := specs[c.Name]; !ok {
			names = append(names, c.Name)
		}
	}
	for _, name := range names {
		if len(root.Options) == maxOptions || !validName(name) {
			continue
		}
		spec, known := specs[name]
		desc := info[name].Summary
		if desc == "" {
			desc = spec.desc
		}
		sub := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand,
			Name: name, Description: clip(desc, maxCommandDesc)}
		switch {
		case len(spec.group) > 0:
			sub.Type = discordgo.ApplicationCommandOptionSubCommandGroup
			for _, g := range spec.group {
				sub.Options = append(sub.Options, &discordgo.ApplicationCommandOption{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: g.name,
					Description: clip(g.desc, maxCommandDesc), Options: g.options})
			}
		case known:
			sub.Options = spec.options
		default:
			sub.Options = []*discordgo.ApplicationCommandOption{strOption(optText, clip("Arguments: "+info[name].Usage, maxCommandDesc), false, false, 500)}
		}
		root.Options = append(root.Options, sub)
	}
	return []*discordgo.ApplicationCommand{root}
}

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
	if _, err := r.ApplicationCommandBulkOverwrite(appID, guildID, defs, discordgo.WithContext(ctx)); err != nil {
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

// commandText turns a /cert interaction into the engine's text form, e.g.
// "compare incident-response" or "quiz cissp 7 5". It returns the
// sub-command path ("group daily") too, for permission checks.
func commandText(data discordgo.ApplicationCommandInteractionData) (text, path string) {
	if len(data.Options) == 0 {
		return "help", "help"
	}
	sub := data.Options[0]
	words := []string{sub.Name}
	opts := sub.Options
	if sub.Type == discordgo.ApplicationCommandOptionSubCommandGroup && len(sub.Options) > 0 {
		words = append(words, sub.Options[0].Name)
		opts = sub.Options[0].Options
	}
	path = strings.Join(words, " ")
	val := func(name string) string {
		for _, o := range opts {
			if o.Name == name {
				return optString(o)
			}
		}
		return ""
	}
	switch sub.Name {
	case "quiz":
		cert, domain, count := val(optCert), val(optDomain), val(optCount)
		if cert != "" {
			domain = stripCert(domain, cert)
		}
		if count != "" && domain == "" {
			domain = "0" // "quiz cissp 0 5": any domain, 5 questions (a lone 5 would read as domain 5)
		}
		words = append(words, cert, domain, count)
	case "domain":
		words = append(words, val(optCert), stripCert(val(optDomain), val(optCert)))
	default:
		// Every other command takes its options positionally, in definition order.
		spec := specs[sub.Name]
		defs := spec.options
		for _, g := range spec.group {
			if len(words) > 1 && g.name == words[1] {
				defs = g.options
			}
		}
		if _, known := specs[sub.Name]; !known {
			defs = []*discordgo.ApplicationCommandOption{{Name: optText}}
		}
		for _, d := range defs {
			words = append(words, val(d.Name))
		}
	}
	var sb strings.Builder
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(w)
	}
	return sb.String(), path
}

// stripCert drops a "cism " prefix from an autocompleted domain value when
// the cert option already says which certification.
func stripCert(domain, cert string) string {
	if c, rest, ok := strings.Cut(domain, " "); ok && (c == "cism" || c == "cissp") {
		if cert == "" || c == cert {
			if cert == "" {
				return domain
			}
			return rest
		}
	}
	return domain
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
