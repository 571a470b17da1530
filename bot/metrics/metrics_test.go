package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
)

func TestExposition(t *testing.T) {
	m := New()
	m.Observe(bot.Request{Actor: bot.Actor{Platform: "slack"}}, bot.Reply{Kind: "quiz", Outcome: bot.OutcomeOK}, 3*time.Millisecond)
	m.SignatureFailure("discord")
	m.RateLimitWait("slack", 2*time.Second)
	m.ReminderSent("slack", "dm")
	m.ReminderFailed("discord", "channel")
	m.Limited("slack", "user")
	m.DBError("ping")
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := httptest.NewServer(m.HTTP(mux))
	defer srv.Close()
	_, _ = http.Get(srv.URL + "/metrics") // counted by the HTTP wrapper on the next scrape
	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, want := range []string{
		`certcoach_requests_total{command="quiz",outcome="ok",platform="slack"} 1`,
		`certcoach_request_duration_seconds_bucket{command="quiz",platform="slack",le="0.005"} 1`,
		`certcoach_signature_failures_total{platform="discord"} 1`,
		`certcoach_platform_rate_limit_waits_total{platform="slack"} 1`,
		`certcoach_platform_rate_limit_wait_seconds_total{platform="slack"} 2`,
		`certcoach_reminders_sent_total{kind="dm",platform="slack"} 1`,
		`certcoach_reminders_failed_total{kind="channel",platform="discord"} 1`,
		`certcoach_rate_limited_total{platform="slack",scope="user"} 1`,
		`certcoach_database_errors_total{op="ping"} 1`,
		`certcoach_http_requests_total{code="200",route="GET /metrics"} 1`,
		"go_goroutines ",
		"process_resident_memory_bytes ",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestNilIsSafe(t *testing.T) {
	var m *Metrics
	m.Observe(bot.Request{}, bot.Reply{}, time.Second)
	m.SignatureFailure("slack")
	m.RateLimitWait("slack", time.Second)
	m.ReminderSent("slack", "dm")
	m.ReminderFailed("slack", "dm")
	m.Limited("slack", "user")
	m.DBError("x")
	h := m.HTTP(http.NotFoundHandler())
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}
