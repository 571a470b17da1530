// Package bot is certcoach's platform-neutral core: requests come in from an
// adapter (Slack, Discord, console) as a Request, the Engine routes them to a
// command or a button action, and a Reply goes back for the adapter to render.
package bot

import (
	"context"
	"strings"
	"unicode"
)

// Platform names used in Actor.Platform.
const (
	PlatformSlack   = "slack"
	PlatformDiscord = "discord"
	PlatformConsole = "console"
)

// Actor is who asked, and where. Workspace is the Slack team or Discord guild
// (for DMs, the adapter passes the user's own scope); every stored row is
// keyed by (Platform, Workspace, User).
type Actor struct {
	Platform  string
	Workspace string
	User      string
	Channel   string
	Name      string // display name, for leaderboards
	TimeZone  string // IANA zone from the platform profile, if known
	CanManage bool   // adapter-verified right to configure the channel (group commands)
	// RoleUnknown marks an actor whose right to manage the channel the
	// adapter could not look up in time (CanManage is then false).
	RoleUnknown bool
	DM          bool // the request came from a direct message
}

// Request is one inbound interaction: a typed command or a clicked button.
type Request struct {
	Actor Actor
	// Text is the command text, e.g. "/cert compare cism", "cert compare",
	// "compare" or a bare question; empty for a button click.
	Text string
	// Action is the clicked button's action ID; empty for typed commands.
	Action string
	// Command and Options are a command with named, typed options, from a
	// platform that has them (Discord): Command is the command's name, or a
	// sub-command path such as "group daily"; Options are values by
	// parameter name. Used instead of Text.
	Command string
	Options map[string]string
	// Conversational marks text said to the bot in a message (a DM or a
	// mention): text that is not a command is then a question for ask.
	Conversational bool
	// Public marks text whose reply everyone in the channel sees (a
	// Discord server message: Discord has no message for one person). A
	// command that is not read-only, or a control of the open quiz (a
	// letter, "next"), is then not run, since what it does and answers is
	// the asker's own: the reply says where to run it instead. A line read
	// as a question is still answered as ask's.
	Public bool
	// ID identifies the request in logs.
	ID string
	// DM, set by an adapter that can message the asker directly, lets a
	// command whose later messages go by DM (a daily reminder) check at
	// once that they can arrive. Nil: no check.
	DM DMSender

	parsed *parsed // set by Engine.Prepare
}

// DMSender sends a direct message to a user of a workspace (a platform's
// Notifier). An error the platform means for good carries a DMRefused
// method reporting true.
type DMSender interface {
	SendDM(ctx context.Context, workspace, user string, r Reply) error
}

// Args are a command's arguments.
type Args struct {
	// Sub is the sub-command run ("daily", "off"), "" for none.
	Sub string
	// Named are the values of the declared parameters given, by name,
	// checked against their kind: typed text and named options alike.
	Named map[string]string
}

// ParseCommand splits command text into a lower-case command name and the
// text after it, trimmed. It accepts "/cert compare", "cert compare" and
// "compare".
func ParseCommand(text string) (name, rest string) {
	t := strings.TrimSpace(strings.Map(func(r rune) rune {
		if r = foldRune(r); r < 0 {
			return r
		}
		if r == '\n' || r == '\t' {
			return r
		}
		// Other spaces (no-break space from a pasted command, U+2028 ...)
		// separate words like a plain space; found by FuzzCommandText.
		if unicode.IsSpace(r) {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, text))
	for _, prefix := range []string{"/cert", "cert"} {
		if len(t) >= len(prefix) && strings.EqualFold(t[:len(prefix)], prefix) {
			rest := t[len(prefix):]
			if rest == "" || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' {
				t = strings.TrimSpace(rest)
				break
			}
		}
	}
	if t == "" {
		return "", ""
	}
	name, rest, _ = strings.Cut(t, " ")
	if i := strings.IndexAny(name, "\t\n"); i >= 0 {
		name, rest = name[:i], name[i+1:]+" "+rest
	}
	rest = strings.TrimSpace(rest)
	return strings.ToLower(name), rest
}

// Fold is typed text as a command reads it: fullwidth letters, digits and
// signs (an East Asian input method's ｃｉｓｓｐ) as their ASCII ones, and
// without byte order marks or zero-width spaces (a pasted line's).
func Fold(text string) string { return strings.Map(foldRune, text) }

func foldRune(r rune) rune {
	switch {
	case r >= '\uff01' && r <= '\uff5e': // fullwidth forms of ! to ~
		return r - 0xfee0
	case r == '\u3000': // ideographic space
		return ' '
	case r == '\ufeff' || r == '\u200b':
		return -1
	}
	return r
}

// ArgsText is the argument text the engine parsed from a prepared request
// (what follows the command name), for tests and logs.
func (r Request) ArgsText() string {
	if r.parsed == nil {
		return ""
	}
	return r.parsed.rest
}
