package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/certcoach/certcoach/bot/console"
)

func newConsole(a *app, user string, out io.Writer) *console.Console {
	c := console.New(a.engine, user, out)
	c.TimeZone = machineZone(os.Getenv("TZ"), "/etc/localtime")
	names := map[string]bool{}
	for _, ci := range a.engine.Commands() {
		names[ci.Name] = true
	}
	c.IsCommand = func(name string) bool { return names[name] }
	return c
}

// machineZone is the machine's IANA time zone: tz (the TZ variable) when it
// names one, else the zone the localtime link points into zoneinfo for;
// "" when neither does.
func machineZone(tz, localtime string) string {
	valid := func(name string) bool {
		_, err := time.LoadLocation(name)
		return name != "" && name != "Local" && err == nil
	}
	if tz = strings.TrimPrefix(tz, ":"); valid(tz) && !filepath.IsAbs(tz) {
		return tz
	}
	target, err := filepath.EvalSymlinks(localtime)
	if err != nil {
		return ""
	}
	if _, name, ok := strings.Cut(target, "zoneinfo/"); ok && valid(name) {
		return name
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
