package slack_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/slack"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage/sqlite/sqlitetest"
)

const fuzzSecret = "fuzz-signing-secret"

// refuseAll is the adapter's HTTP client transport in fuzzing: bodies choose
// response_url, and a fuzz run must never reach the network.
type refuseAll struct{}

func (refuseAll) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("fuzz: outbound HTTP disabled")
}

// FuzzServeHTTP: any body Slack could sign (slash command form,
// interactivity payload, Events API JSON, or garbage) is answered without a
// panic and without a 5xx.
func FuzzServeHTTP(f *testing.F) {
	form := "application/x-www-form-urlencoded"
	for _, s := range []struct {
		ct   uint8
		body string
	}{
		{0, "command=%2Fcert&text=quiz+cism&team_id=T1&user_id=U1&channel_id=C1&response_url=http%3A%2F%2F127.0.0.1%2Fr"},
		{0, "command=%2Fcert&text=compare&team_id=T1&user_id=U1&channel_id=D1"},
		{0, "command=%2Fcert&text=export&team_id=T1&user_id=U1&channel_id=C1&response_url=http%3A%2F%2F127.0.0.1%2Fr"},
		{0, "command=%2Fcert&text=&team_id=&user_id="},
		{0, `payload={"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1"},"channel":{"id":"C1"},"response_url":"http://127.0.0.1/r","actions":[{"action_id":"quiz:answer:x:0:1","value":"v"}]}`},
		{0, `payload={"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1"},"actions":[{"action_id":"share","value":"compare"}]}`},
		{0, `payload={"type":"view_submission"}`},
		{0, "payload=%7Bnot+json"},
		{0, "%zz=1&payload"},
		{1, `{"type":"url_verification","challenge":"abc"}`},
		{1, `{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"app_mention","user":"U1","text":"<@B1> compare","channel":"C1","ts":"1.2"}}`},
		{1, `{"type":"event_callback","team_id":"T1","event_id":"Ev2","event":{"type":"message","channel_type":"im","user":"U1","text":"what is a BIA?","channel":"D1","ts":"1.3"}}`},
		{1, `{"type":"event_callback","event":null}`},
		{1, `[]`},
		{2, "hello"},
	} {
		f.Add(s.ct, []byte(s.body))
	}
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		f.Fatal(err)
	}
	st := sqlitetest.Open(f, "fuzz.db")
	a, err := slack.New(slack.Config{
		Engine: bot.NewEngine(kb, st, bot.Options{}), Dedup: st, SigningSecret: fuzzSecret, BotToken: "xoxb-fuzz",
		APIURL: "http://127.0.0.1:1/", HTTPClient: &http.Client{Transport: refuseAll{}, Timeout: time.Second},
		Workers: 1 << 16, // the fuzzer outruns 32 workers; "busy" is not what is being tested
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = a.Close(context.Background()) })
	types := []string{form, "application/json", "text/plain"}
	f.Fuzz(func(t *testing.T, ct uint8, body []byte) {
		ts := time.Now().Unix()
		r := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
		r.Header.Set("Content-Type", types[int(ct)%len(types)])
		r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		r.Header.Set("X-Slack-Signature", slack.Sign(fuzzSecret, ts, body))
		w := httptest.NewRecorder()
		a.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body.String())
		}
		if w.Code == http.StatusUnauthorized {
			t.Fatalf("a correctly signed request was refused: %s", w.Body.String())
		}
	})
}
