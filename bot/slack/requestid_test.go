package slack

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// The request ID the HTTP layer put in X-Request-ID is the one the engine
// logs for the command, so an operator can follow one request across lines.
func TestRequestIDFromHTTPLayer(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	st, _ := openStore(t)
	eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	api := newFakeSlack(t, newRecorder(), nil)
	a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: testSecret, BotToken: "xoxb-test", APIURL: api.GetAPIURL(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	a.Start(context.Background())
	e := &env{t: t, hookURL: "http://127.0.0.1:9"}
	body := e.slashBody(testUser, "help")
	ts := time.Now().Unix()
	req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", formType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", Sign(testSecret, ts, body))
	req.Header.Set("X-Request-ID", "req-7f3a")
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logs.String(), `"request_id":"req-7f3a"`) {
		t.Fatalf("engine log lacks the HTTP request ID:\n%s", logs.String())
	}
}
