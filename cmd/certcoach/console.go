package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/console"
)

func newConsole(a *app, user string, out io.Writer) *console.Console {
	c := console.New(a.engine, user, out)
	c.TimeZone = machineZone(os.Getenv("TZ"), "/etc/localtime")
	c.IsCommand = a.engine.Known
	return c
}

// machineZone is the machine's IANA time zone: tz (the TZ variable) when it
// names one, else the zone the localtime link points into zoneinfo for;
// "" when neither does. A zone counts as the console's own setting does
// (bot.ParseZone): an abbreviation such as EST does not.
func machineZone(tz, localtime string) string {
	zone := func(name string) string {
		if loc, err := bot.ParseZone(name); err == nil {
			return loc.String()
		}
		return ""
	}
	if z := zone(strings.TrimPrefix(tz, ":")); z != "" {
		return z
	}
	target, err := filepath.EvalSymlinks(localtime)
	if err != nil {
		return ""
	}
	if _, name, ok := strings.Cut(target, "zoneinfo/"); ok {
		return zone(name)
	}
	return ""
}

// warnOnly passes on warnings and errors only: the console's own reminder
// scheduler would otherwise write its routine info lines into the
// terminal the user is typing in.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnOnly) WithAttrs(as []slog.Attr) slog.Handler { return warnOnly{h.Handler.WithAttrs(as)} }
func (h warnOnly) WithGroup(name string) slog.Handler    { return warnOnly{h.Handler.WithGroup(name)} }

// errorsOnly passes on errors only: the console and `certcoach ask` print
// into the user's terminal, where a warning's JSON line is noise next to a
// reply that already says what happened.
type errorsOnly struct{ slog.Handler }

func (h errorsOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError && h.Handler.Enabled(ctx, l)
}

func (h errorsOnly) WithAttrs(as []slog.Attr) slog.Handler {
	return errorsOnly{h.Handler.WithAttrs(as)}
}
func (h errorsOnly) WithGroup(name string) slog.Handler { return errorsOnly{h.Handler.WithGroup(name)} }
