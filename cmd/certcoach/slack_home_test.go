package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/internal/wire"
	"github.com/certcoach/certcoach/storage"
)

// views publishes made so far, decoded.
func (e *multiEnv) views(token string) []map[string]any {
	var out []map[string]any
	for _, c := range e.fake.allCalls() {
		if c.Method != "views.publish" || c.Token != token {
			continue
		}
		var v map[string]any
		if err := json.Unmarshal(c.Body, &v); err != nil {
			e.t.Fatalf("views.publish body: %v", err)
		}
		out = append(out, v)
	}
	return out
}

func (e *multiEnv) waitViews(token string, n int) []map[string]any {
	e.t.Helper()
	waitFor(e.t, func() bool { return len(e.views(token)) >= n }, "views.publish")
	return e.views(token)
}

func TestSlackAppHome(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	e.install("T0ONE")
	tok := e.tokenOf("T0ONE")
	ctx := context.Background()
	sl := e.slackWire()
	opened := map[string]any{"type": "app_home_opened", "user": "U0ALICE", "channel": "D0U0ALICE", "tab": "home", "event_ts": "1.2"}
	if res, err := sl.Event(ctx, "T0ONE", "EvHome1", opened); err != nil || res.Status != 200 {
		t.Fatalf("app_home_opened: %v %d", err, res.Status)
	}
	v := e.waitViews(tok, 1)[0]
	view, _ := v["view"].(map[string]any)
	blocks, _ := view["blocks"].([]any)
	raw, _ := json.Marshal(view)
	if v["user_id"] != "U0ALICE" || view["type"] != "home" || len(blocks) == 0 || len(blocks) > 100 ||
		!strings.Contains(string(raw), "Welcome to certcoach") || !strings.Contains(string(raw), "/cert plan") {
		t.Fatalf("first visit view: %s", raw)
	}
	// The first visit (no view in the event) stores the user and is
	// recorded before it is published, so the first command refreshes it.
	alice := storage.UserKey{Platform: "slack", Workspace: "T0ONE", User: "U0ALICE"}
	if _, err := e.store.HomeView(ctx, alice); err != nil {
		t.Errorf("the first visit is not recorded: %v", err)
	}
	res, err := sl.Command(ctx, "T0ONE", "U0ALICE", "C0GEN", "quiz cissp 3", "")
	if err != nil || res.Status != 200 {
		t.Fatalf("quiz: %v %d", err, res.Status)
	}
	e.waitViews(tok, 2)

	// An answer changes the dashboard: it is published again.
	id, _, _, ok := wire.QuizButton(res.Body, 1)
	if !ok {
		t.Fatalf("no answer button in %s", res.Body)
	}
	hook := newHookSink(t)
	if res, err := sl.Action(ctx, "T0ONE", "U0ALICE", "C0GEN", id, hook); err != nil || res.Status != 200 {
		t.Fatalf("answer: %v %d", err, res.Status)
	}
	// The answer's refresh is the one that shows it.
	answered := func() []byte {
		for _, v := range e.views(tok)[1:] {
			if raw, _ := json.Marshal(v["view"]); strings.Contains(string(raw), "1 answered") {
				return raw
			}
		}
		return nil
	}
	waitFor(t, func() bool { return answered() != nil }, "views.publish after the answer")
	raw = answered()
	for _, want := range []string{"Your CISSP dashboard", "Readiness", "Streak", "Cards due today", "Last week", "Plan", "Next reminder", "Mastery by domain", "1 answered", "home:cmd:0"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("dashboard after an answer lacks %q: %s", want, raw)
		}
	}
	if strings.Contains(string(raw), "Welcome to certcoach") {
		t.Error("onboarding shown after an answer")
	}
	// The dashboard shows the progress chart, uploaded as a file first.
	if !strings.Contains(string(raw), `"slack_file":{"id":"F0CHART"}`) {
		t.Errorf("dashboard without the chart: %s", raw)
	}
	var chart []byte
	for _, c := range e.fake.allCalls() {
		if c.Method == "upload" {
			chart = c.Body
		}
	}
	if img, err := png.Decode(bytes.NewReader(chart)); err != nil || img.Bounds().Dx() < 800 {
		t.Errorf("uploaded chart is not a chat-sized PNG (%v)", err)
	}

	// A Home tab button: the command runs and its reply comes as a DM.
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": "T0ONE"}, "user": map[string]string{"id": "U0ALICE", "name": "alice"},
		"container": map[string]any{"type": "view", "view_id": "V1"}, "view": map[string]any{"id": "V1", "type": "home"},
		"trigger_id": "1.2.3",
		"actions":    []map[string]string{{"type": "button", "action_id": "home:cmd:1", "block_id": "home_actions", "value": "review", "action_ts": "1"}},
	})
	published := len(e.views(tok))
	if res, err := sl.Post(ctx, url.Values{"payload": {string(payload)}}); err != nil || res.Status != 200 {
		t.Fatalf("home button: %v %d", err, res.Status)
	}
	c := e.fake.waitCall(t, "chat.postMessage", tok)
	if c.Form.Get("channel") != "D0U0ALICE" || !strings.Contains(c.Form.Get("blocks")+c.Form.Get("text"), "Review") {
		t.Errorf("home button reply: %v", c.Form)
	}
	e.waitViews(tok, published+1) // and the tab is refreshed

	// Another answer refreshes the tab again, with the chart it showed a
	// moment ago: refreshes after answers upload at most every few minutes.
	uploads := func() int {
		n := 0
		for _, c := range e.fake.allCalls() {
			if c.Method == "upload" {
				n++
			}
		}
		return n
	}
	before, published := uploads(), len(e.views(tok))
	res, err = sl.Command(ctx, "T0ONE", "U0ALICE", "C0GEN", "quiz cissp 5", "")
	if err != nil || res.Status != 200 {
		t.Fatalf("quiz: %v %d", err, res.Status)
	}
	id, _, _, ok = wire.QuizButton(res.Body, 1)
	if !ok {
		t.Fatalf("no answer button in %s", res.Body)
	}
	if res, err := sl.Action(ctx, "T0ONE", "U0ALICE", "C0GEN", id, hook); err != nil || res.Status != 200 {
		t.Fatalf("answer: %v %d", err, res.Status)
	}
	// Two refreshes: after the quiz started, and after the answer.
	for _, v := range e.waitViews(tok, published+2)[published:] {
		if raw, _ = json.Marshal(v["view"]); !strings.Contains(string(raw), `"slack_file":{"id":"F0CHART"}`) {
			t.Errorf("refreshed dashboard without its chart: %s", raw)
		}
	}
	if n := uploads(); n != before {
		t.Errorf("a refresh after an answer uploaded the chart again (%d uploads, then %d)", before, n)
	}
}

// newHookSink is a response_url that accepts posts.
func newHookSink(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }))
	t.Cleanup(srv.Close)
	return srv.URL + "/hooks/1"
}

// TestSlackMessagesTabWelcome: a user who opens the app's Messages tab for
// the first time gets one welcome in that DM, with their own workspace's
// token, once per workspace; Slack's retry of that event (the same body,
// X-Slack-Retry-Num) and a second visit post nothing.
func TestSlackMessagesTabWelcome(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	e.install("T0ONE")
	e.install("T0TWO")
	one, two := e.tokenOf("T0ONE"), e.tokenOf("T0TWO")
	ctx := context.Background()
	sl := e.slackWire()
	opened := map[string]any{"type": "app_home_opened", "user": "U0BOB", "channel": "D0U0BOB", "tab": "messages", "event_ts": "1.2"}
	body, err := json.Marshal(map[string]any{
		"type": "event_callback", "team_id": "T0ONE", "api_app_id": "A0CERT", "event_id": "EvMsgTab1", "event_time": time.Now().Unix(),
		"authorizations": []map[string]any{{"team_id": "T0ONE", "user_id": "U0BOT", "is_bot": true, "is_enterprise_install": false}},
		"event":          opened,
	})
	if err != nil {
		t.Fatal(err)
	}
	deliver := func(retry int) {
		t.Helper()
		ts := time.Now().Unix()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, sl.URL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-Slack-Signature", wire.SignSlack(testSigning, ts, body))
		if retry > 0 {
			req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
			req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("app_home_opened (retry %d): %d", retry, res.StatusCode)
		}
	}
	posts := func(token string) []fakeCall {
		var out []fakeCall
		for _, c := range e.fake.allCalls() {
			if c.Method == "chat.postMessage" && c.Token == token {
				out = append(out, c)
			}
		}
		return out
	}

	deliver(0)
	c := e.fake.waitCall(t, "chat.postMessage", one)
	if c.Form.Get("channel") != "D0U0BOB" || !strings.Contains(c.Form.Get("blocks"), "Welcome to certcoach") ||
		!strings.Contains(c.Form.Get("blocks"), "/cert compare") {
		t.Fatalf("welcome: %v", c.Form)
	}
	// The welcome stores the user, as a first Home tab visit does, once
	// it is posted.
	bob := storage.UserKey{Platform: "slack", Workspace: "T0ONE", User: "U0BOB"}
	waitFor(t, func() bool { _, err := e.store.UserByKey(ctx, bob); return err == nil }, "the welcomed user stored")

	deliver(1)
	if res, err := sl.Event(ctx, "T0ONE", "EvMsgTab2", opened); err != nil || res.Status != 200 {
		t.Fatalf("second visit: %v %d", err, res.Status)
	}
	// The same user ID in another workspace is someone else there.
	if res, err := sl.Event(ctx, "T0TWO", "EvMsgTab3", opened); err != nil || res.Status != 200 {
		t.Fatalf("visit in the other workspace: %v %d", err, res.Status)
	}
	e.fake.waitCall(t, "chat.postMessage", two)
	if err := e.a.Close(context.Background()); err != nil { // every background job done
		t.Fatal(err)
	}
	if n, m := len(posts(one)), len(posts(two)); n != 1 || m != 1 {
		t.Errorf("messages posted: %d in T0ONE, %d in T0TWO, want one welcome in each", n, m)
	}
}
