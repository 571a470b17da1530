package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/metrics"
	"github.com/certcoach/certcoach/bot/remind"
)

// maxRequestBody bounds every inbound body. Slack's largest interactivity
// payloads carry a whole message (tens of KiB); 1 MiB leaves room and stops a
// client from making the process buffer gigabytes before any handler looks.
const maxRequestBody = 1 << 20

// withRequestBasics wraps the whole mux: a body size limit, a request ID
// (echoed as X-Request-ID so an operator can match a client's report to the
// log) and one access-log line per request (debug for successes). It logs the path, never the
// query string or body: Slack response URLs and Discord interaction tokens
// are credentials.
func withRequestBasics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Mutated in place (no r.WithContext) so the mux's r.Pattern stays
		// visible to the metrics wrapper outside.
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
		id := requestID(r.Header.Get("X-Request-ID"))
		w.Header().Set("X-Request-ID", id)
		r.Header.Set("X-Request-ID", id) // adapters log the same ID with the command
		sw := &codeWriter{ResponseWriter: w, code: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(sw, r)
		// Successes are debug: the engine's own debug line carries the
		// command and outcome, and at chat-platform volume an info line per
		// click drowns what matters. Refusals are info, server errors warn.
		level := slog.LevelDebug
		switch {
		case sw.code >= 500:
			level = slog.LevelWarn
		case sw.code >= 400:
			level = slog.LevelInfo
		}
		if !log.Enabled(r.Context(), level) {
			return // its arguments allocate: not on every request for a line nobody reads
		}
		log.Log(r.Context(), level, "http", "request_id", id, "method", r.Method, "path", clip(r.URL.Path, 100),
			"route", r.Pattern, "status", sw.code, "ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// requestID keeps a caller's ID when it is short and plain (a proxy's), else
// makes a random one.
func requestID(given string) string {
	if n := len(given); n > 0 && n <= 64 {
		ok := true
		for _, c := range given {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				ok = false
				break
			}
		}
		if ok {
			return given
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

type codeWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *codeWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *codeWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *codeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// countSignatureFailures wraps a platform's HTTP route: both adapters answer
// 401 exactly when the signature or its timestamp is wrong, so counting here
// needs no hook inside the adapters.
func countSignatureFailures(m *metrics.Metrics, platform string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &codeWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		if sw.code == http.StatusUnauthorized {
			m.SignatureFailure(platform)
		}
	})
}

// countingNotifier counts scheduled deliveries per platform, so the
// scheduler needs no metrics hook for sends and failures.
type countingNotifier struct {
	remind.Notifier
	platform string
	m        *metrics.Metrics
}

func (n countingNotifier) SendDM(ctx context.Context, workspace, user string, r bot.Reply) error {
	err := n.Notifier.SendDM(ctx, workspace, user, r)
	n.count("dm", err)
	return err
}

func (n countingNotifier) PostChannel(ctx context.Context, workspace, channel string, r bot.Reply) error {
	err := n.Notifier.PostChannel(ctx, workspace, channel, r)
	n.count("channel", err)
	return err
}

// countingKeyedNotifier is countingNotifier for a platform that
// deduplicates sends by key (see remind.KeyedNotifier).
type countingKeyedNotifier struct {
	countingNotifier
	keyed remind.KeyedNotifier
}

func (n countingKeyedNotifier) SendDMKeyed(ctx context.Context, key, workspace, user string, r bot.Reply) error {
	err := n.keyed.SendDMKeyed(ctx, key, workspace, user, r)
	n.count("dm", err)
	return err
}

func (n countingKeyedNotifier) PostChannelKeyed(ctx context.Context, key, workspace, channel string, r bot.Reply) error {
	err := n.keyed.PostChannelKeyed(ctx, key, workspace, channel, r)
	n.count("channel", err)
	return err
}

// counting wraps a platform's notifier in the counting one that keeps its
// capabilities.
func counting(n remind.Notifier, platform string, m *metrics.Metrics) remind.Notifier {
	c := countingNotifier{Notifier: n, platform: platform, m: m}
	if k, ok := n.(remind.KeyedNotifier); ok {
		return countingKeyedNotifier{countingNotifier: c, keyed: k}
	}
	return c
}

func (n countingNotifier) count(kind string, err error) {
	if err != nil {
		n.m.ReminderFailed(n.platform, kind)
		return
	}
	n.m.ReminderSent(n.platform, kind)
}

// pingCounted is the readiness check for the database, counting failures.
func pingCounted(m *metrics.Metrics, ping func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		err := ping(ctx)
		if err != nil {
			m.DBError("ping")
		}
		return err
	}
}
