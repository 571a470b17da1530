package main

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
)

// redactHandler is a last line of defence for the rule "no tokens or
// secrets in logs": it rewrites every logged string and error, replacing the
// configured secrets and the per-request credentials that travel inside
// URLs (Discord interaction tokens in webhook and callback paths, Slack
// response_url paths). Adapters should not log them in the first place; an
// HTTP client error quoting a URL is the usual way they slip through.
type redactHandler struct {
	slog.Handler
	secrets []string
}

const redacted = "[REDACTED]"

// urlTokens match credentials embedded in URL paths.
var urlTokens = []struct {
	marker string
	re     *regexp.Regexp
}{
	{"/webhooks/", regexp.MustCompile(`(/webhooks/[0-9]+/)[^/\s"?]+`)},
	{"/interactions/", regexp.MustCompile(`(/interactions/[0-9]+/)[^/\s"?]+`)},
	{"hooks.slack.com/", regexp.MustCompile(`(hooks\.slack\.com/)[^\s"?]+`)},
	// Slack tokens by their prefix: each workspace's bot and refresh tokens
	// (multi-workspace mode) are not in the configured list.
	{"xox", regexp.MustCompile(`\b(xox[a-z]-)[A-Za-z0-9-]+`)},
}

func newRedactHandler(h slog.Handler, secrets []string) slog.Handler {
	var keep []string
	for _, s := range secrets {
		// Very short values would redact ordinary words; real tokens are long.
		if len(s) >= 8 {
			keep = append(keep, s)
		}
	}
	return &redactHandler{Handler: h, secrets: keep}
}

func (h *redactHandler) clean(s string) string {
	for _, sec := range h.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	for _, t := range urlTokens {
		if strings.Contains(s, t.marker) {
			s = t.re.ReplaceAllString(s, "${1}"+redacted)
		}
	}
	return s
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.clean(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		for i, ga := range g {
			out[i] = h.attr(ga)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		// The JSON handler prints an error as its message: do the same,
		// cleaned. Other values keep their structure.
		if err, ok := v.Any().(error); ok && err != nil {
			return slog.String(a.Key, h.clean(err.Error()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (h *redactHandler) Handle(ctx context.Context, r slog.Record) error {
	nr := slog.NewRecord(r.Time, r.Level, h.clean(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		nr.AddAttrs(h.attr(a))
		return true
	})
	return h.Handler.Handle(ctx, nr)
}

func (h *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = h.attr(a)
	}
	return &redactHandler{Handler: h.Handler.WithAttrs(out), secrets: h.secrets}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{Handler: h.Handler.WithGroup(name), secrets: h.secrets}
}
