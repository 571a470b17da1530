package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
)

// answerDomains answers one CISSP question in each of the given domains as
// testUser, through the engine (the Slack click path has tests of its own).
func answerDomains(t *testing.T, eng *bot.Engine, domains ...string) {
	t.Helper()
	ctx := context.Background()
	act := bot.Actor{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser, Channel: "C0CHAN"}
	for _, d := range domains {
		r := eng.Handle(ctx, bot.Request{Actor: act, Text: "quiz cissp " + d + " 1"})
		var id string
		for _, b := range r.Buttons {
			if strings.HasPrefix(b.ID, "quiz:answer:") {
				id = b.ID
				break
			}
		}
		if id == "" {
			t.Fatalf("quiz cissp %s: no answer button: %+v", d, r)
		}
		if r := eng.Handle(ctx, bot.Request{Actor: act, Action: id}); r.Outcome != bot.OutcomeOK {
			t.Fatalf("answer: %+v", r)
		}
	}
}

// waitUserInfo waits until the adapter knows user from users.info, failing
// after 5 seconds.
func waitUserInfo(t *testing.T, a *Adapter, user string) {
	t.Helper()
	cl, err := a.clientFor(context.Background(), InstallKey{TeamID: testTeam})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a.users.get(context.Background(), cl, user, 5*time.Second); !ok {
		t.Fatalf("users.info for %s not in the cache", user)
	}
}

// imageFileID returns the slack_file ID of a message's progress chart block.
func imageFileID(t *testing.T, raw []byte) string {
	t.Helper()
	var m struct {
		Blocks []struct {
			Type      string `json:"type"`
			AltText   string `json:"alt_text"`
			SlackFile *struct {
				ID string `json:"id"`
			} `json:"slack_file"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("message JSON: %v", err)
	}
	for _, b := range m.Blocks {
		if b.Type == "image" && b.SlackFile != nil {
			if !strings.Contains(b.AltText, "Readiness") {
				t.Errorf("chart alt text does not describe it: %q", b.AltText)
			}
			return b.SlackFile.ID
		}
	}
	return ""
}

// TestProgressCarriesTheChart: `/cert progress` answers with its text at
// once, then the chart is uploaded (external flow, no channel: a file only
// the bot sees) and the reply is replaced by the same reply with an image
// block pointing at that file. An unchanged chart is not uploaded again.
// The engine's clock is in the hour when the user's zone from users.info
// (Europe/Paris) is a day ahead of UTC, the one they start in.
func TestProgressCarriesTheChart(t *testing.T) {
	t.Parallel()
	e := newEnvOn(t, &stepClock{t: time.Date(2026, 12, 7, 23, 30, 0, 0, time.UTC)})
	answerDomains(t, e.eng, "1", "3", "5")
	status, msg := e.slash(testUser, "progress")
	if status != http.StatusOK || !strings.Contains(string(msg.raw), "Security and Risk Management") || imageFileID(t, msg.raw) != "" {
		t.Fatalf("immediate reply: %d %.300s", status, msg.raw)
	}
	posts := e.hooks.wait(t, 1)
	again := decode(t, posts[0].Raw)
	if !again.ReplaceOriginal || imageFileID(t, again.raw) != "F0FILE" || !strings.Contains(string(again.raw), "Security and Risk Management") {
		t.Fatalf("follow-up is not the reply with its chart: %.600s", again.raw)
	}
	var up, get, done *recorded
	for _, r := range e.web.all() {
		switch r.Path {
		case "/upload/F0FILE":
			up = &r
		case "/files.getUploadURLExternal":
			get = &r
		case "/files.completeUploadExternal":
			done = &r
		}
	}
	if get == nil || get.Form.Get("filename") != "progress.png" || up == nil || done == nil {
		t.Fatalf("upload flow incomplete: %+v", e.web.all())
	}
	if done.Form.Get("channel_id") != "" || done.Form.Get("channels") != "" {
		t.Errorf("chart shared into a channel: %v", done.Form)
	}
	img, err := png.Decode(bytes.NewReader(up.Raw))
	if err != nil {
		t.Fatalf("uploaded bytes are not a PNG: %v", err)
	}
	if w := img.Bounds().Dx(); w < 800 || w > 1200 {
		t.Errorf("chart is %d px wide", w)
	}

	uploads := func() int {
		n := 0
		for _, r := range e.web.all() {
			if r.Path == "/files.getUploadURLExternal" {
				n++
			}
		}
		return n
	}
	// The user's zone comes from users.info, which may land after the first
	// command and move their day (a new heat map); from then on the chart
	// stays the same and is shown from the file already uploaded.
	waitUserInfo(t, e.a, testUser)
	e.slash(testUser, "progress")
	shown := imageFileID(t, e.hooks.wait(t, 2)[1].Raw)
	before := uploads()
	e.slash(testUser, "progress")
	if p := e.hooks.wait(t, 3)[2]; shown == "" || imageFileID(t, p.Raw) != shown {
		t.Fatalf("progress without the chart shown before (%s): %.300s", shown, p.Raw)
	}
	if n := uploads(); n != before {
		t.Errorf("unchanged chart uploaded again (%d uploads, then %d)", before, n)
	}
}

// TestProgressWithoutUploadStillAnswers: without files:write (or with Slack's
// file service down) the reply is the text alone and nothing else is posted.
func TestProgressWithoutUploadStillAnswers(t *testing.T) {
	t.Parallel()
	st, _ := openStore(t)
	eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	web, hooks := newRecorder(), newRecorder()
	fake := newFakeSlack(t, web, map[string]http.HandlerFunc{"/files.getUploadURLExternal": func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		web.add(recorded{Path: r.URL.Path, Form: r.PostForm})
		_, _ = io.WriteString(w, `{"ok":false,"error":"missing_scope"}`)
	}})
	a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: testSecret, BotToken: "xoxb-test", APIURL: fake.GetAPIURL(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	e := &env{t: t, a: a, eng: eng, store: st, web: web, hooks: hooks, hookURL: newHookServer(t, hooks)}
	e.srv = httptest.NewServer(a)
	t.Cleanup(e.srv.Close)
	answerDomains(t, eng, "2")
	status, msg := e.slash(testUser, "progress")
	if status != http.StatusOK || !strings.Contains(string(msg.raw), "Asset Security") {
		t.Fatalf("reply: %d %.300s", status, msg.raw)
	}
	web.wait(t, 1)                                        // the refused upload
	if err := a.Close(context.Background()); err != nil { // waits for the background upload job
		t.Fatal(err)
	}
	if n := len(hooks.all()); n != 0 {
		t.Errorf("%d response_url posts after a failed upload, want none", n)
	}
}

// TestChartRefusedStillAnswers: when Slack refuses a reply's blocks as
// invalid_blocks because its just-uploaded chart is not ready (the fake
// refuses any message with a slack_file image), the reply is sent again
// without the image, so the text answer arrives.
func TestChartRefusedStillAnswers(t *testing.T) {
	t.Parallel()
	refused := make(chan struct{}, 4)
	delivered := make(chan string, 4)
	e := newEnvFake(t, nil, nil, map[string]http.HandlerFunc{"/chat.postMessage": func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.PostForm.Get("blocks"), "slack_file") {
			refused <- struct{}{}
			_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_blocks","response_metadata":{"messages":["[ERROR] invalid slack file [json-pointer:/blocks/1/slack_file]"]}}`)
			return
		}
		delivered <- r.PostForm.Get("blocks")
		_, _ = io.WriteString(w, `{"ok":true,"channel":"D0DM","ts":"1700000000.000100"}`)
	}})
	answerDomains(t, e.eng, "1")
	inner := map[string]any{"type": "message", "channel": "D0DM", "channel_type": "im", "user": testUser, "text": "progress", "ts": "1700000001.000001"}
	if status, _ := e.signed("application/json", eventBody("EvChart", inner)); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	select {
	case <-refused:
	case <-time.After(5 * time.Second):
		t.Fatal("the reply was not sent with its chart first")
	}
	select {
	case blocks := <-delivered:
		if !strings.Contains(blocks, "Security and Risk Management") {
			t.Errorf("resent reply lacks the text: %.300s", blocks)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the reply was lost after the refusal")
	}
}
