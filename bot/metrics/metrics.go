// Package metrics holds certcoach's Prometheus collectors on a registry of
// its own (not the global default), so tests can build several side by side
// and nothing registered by a dependency leaks into /metrics unasked.
//
// Adapters and the scheduler do not import this package: each declares the
// one or two methods it calls (SignatureFailure, RateLimitWait, ReminderSent,
// ReminderFailed) as an interface of its own, and *Metrics satisfies them.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/certcoach/certcoach/bot"
)

// Metrics is the set of certcoach collectors. The zero value is not usable;
// call New. A nil *Metrics is safe to call and records nothing, so optional
// wiring needs no nil checks at call sites.
type Metrics struct {
	reg *prometheus.Registry

	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	sigFail    *prometheus.CounterVec
	remSent    *prometheus.CounterVec
	remFailed  *prometheus.CounterVec
	rlWaits    *prometheus.CounterVec
	rlWaitSecs *prometheus.CounterVec
	limited    *prometheus.CounterVec
	dbErrors   *prometheus.CounterVec
	httpReqs   *prometheus.CounterVec
	httpLat    *prometheus.HistogramVec
	inflight   prometheus.Gauge
}

// latencyBuckets span a fast engine reply (a millisecond) to the platforms'
// three-second deadline and beyond, where slow commands land.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5, 10}

// New returns collectors registered on a fresh registry, with the Go runtime
// and process collectors (go_goroutines, process_resident_memory_bytes) that
// the soak test reads.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certcoach_requests_total", Help: "Handled requests by platform, command and outcome.",
	}, []string{"platform", "command", "outcome"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "certcoach_request_duration_seconds", Help: "Engine time per request, by platform and command.",
		Buckets: latencyBuckets,
	}, []string{"platform", "command"})
	m.sigFail = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certcoach_signature_failures_total", Help: "Inbound requests rejected for a bad or stale signature.",
	}, []string{"platform"})
	m.remSent = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certcoach_reminders_sent_total", Help: "Scheduled messages delivered, by platform and kind (dm, channel).",
	}, []string{"platform", "kind"})
	m.remFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certcoach_reminders_failed_total", Help: "Scheduled messages that could not be delivered.",
	}, []string{"platform", "kind"})
	m.rlWaits = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certcoach_platform_rate_limit_waits_total", Help: "Times a platform API answered 429 and the bot waited.",
	}, []string{"platform"})
	m.rlWaitSecs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certcoach_platform_rate_limit_wait_seconds_total", Help: "Time spent waiting on platform rate limits.",
	}, []string{"platform"})
	m.limited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certcoach_rate_limited_total", Help: "Commands refused by certcoach's own limits, by scope (user, workspace).",
	}, []string{"platform", "scope"})
	m.dbErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certcoach_database_errors_total", Help: "Database operations that failed, by operation.",
	}, []string{"op"})
	m.httpReqs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certcoach_http_requests_total", Help: "HTTP requests by route pattern and status code.",
	}, []string{"route", "code"})
	m.httpLat = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "certcoach_http_request_duration_seconds", Help: "HTTP time per request, by route pattern.",
		Buckets: latencyBuckets,
	}, []string{"route"})
	m.inflight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "certcoach_http_in_flight_requests", Help: "HTTP requests being served now.",
	})
	m.reg.MustRegister(m.requests, m.latency, m.sigFail, m.remSent, m.remFailed, m.rlWaits, m.rlWaitSecs,
		m.limited, m.dbErrors, m.httpReqs, m.httpLat, m.inflight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry exposes the registry (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Observe records one handled request; it has the bot.Observer signature so
// it plugs straight into bot.Options.Observer. Labels come from the reply's
// Kind (a registered command or action prefix, so the set is bounded) and
// never from user text.
func (m *Metrics) Observe(req bot.Request, reply bot.Reply, took time.Duration) {
	if m == nil {
		return
	}
	platform, command := label(req.Actor.Platform), label(reply.Kind)
	m.requests.WithLabelValues(platform, command, label(reply.Outcome)).Inc()
	m.latency.WithLabelValues(platform, command).Observe(took.Seconds())
}

// SignatureFailure counts a request rejected for its signature or timestamp.
func (m *Metrics) SignatureFailure(platform string) {
	if m == nil {
		return
	}
	m.sigFail.WithLabelValues(label(platform)).Inc()
}

// RateLimitWait counts a 429 from a platform API and the wait it imposed.
func (m *Metrics) RateLimitWait(platform string, d time.Duration) {
	if m == nil {
		return
	}
	m.rlWaits.WithLabelValues(label(platform)).Inc()
	m.rlWaitSecs.WithLabelValues(label(platform)).Add(d.Seconds())
}

// ReminderSent counts a delivered scheduled message (kind: "dm" or "channel").
func (m *Metrics) ReminderSent(platform, kind string) {
	if m == nil {
		return
	}
	m.remSent.WithLabelValues(label(platform), label(kind)).Inc()
}

// ReminderFailed counts a scheduled message that was not delivered.
func (m *Metrics) ReminderFailed(platform, kind string) {
	if m == nil {
		return
	}
	m.remFailed.WithLabelValues(label(platform), label(kind)).Inc()
}

// Limited counts a command refused by certcoach's own rate limits.
func (m *Metrics) Limited(platform, scope string) {
	if m == nil {
		return
	}
	m.limited.WithLabelValues(label(platform), label(scope)).Inc()
}

// DBError counts a failed database operation (op: "ping", "checkpoint", ...).
func (m *Metrics) DBError(op string) {
	if m == nil {
		return
	}
	m.dbErrors.WithLabelValues(label(op)).Inc()
}

// HTTP wraps next, counting requests by the mux's route pattern (not the raw
// path, which a client controls) and status.
func (m *Metrics) HTTP(next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.inflight.Inc()
		defer m.inflight.Dec()
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern // set in place by http.ServeMux when it matched
		if route == "" {
			route = "unmatched"
		}
		m.httpReqs.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
		m.httpLat.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// statusWriter remembers the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// label keeps label values short and non-empty; values come from code
// (platform names, command kinds), but a bug must not explode cardinality
// with long strings.
func label(s string) string {
	if s == "" {
		return "none"
	}
	if len(s) > 32 {
		return s[:32]
	}
	return s
}
