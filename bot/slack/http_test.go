package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// Slack's published signing example
// (https://docs.slack.dev/authentication/verifying-requests-from-slack/).
const (
	exampleSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	exampleTS     = 1531420618
	exampleBody   = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	exampleSig    = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestSigningExample(t *testing.T) {
	t.Parallel()
	// The HMAC computed directly, as Slack documents it.
	m := hmac.New(sha256.New, []byte(exampleSecret))
	fmt.Fprintf(m, "v0:%d:%s", exampleTS, exampleBody)
	if direct := "v0=" + hex.EncodeToString(m.Sum(nil)); direct != exampleSig {
		t.Fatalf("direct HMAC %s, want Slack's %s", direct, exampleSig)
	}
	if got := Sign(exampleSecret, exampleTS, []byte(exampleBody)); got != exampleSig {
		t.Fatalf("Sign = %s, want %s", got, exampleSig)
	}
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", fmt.Sprint(exampleTS))
	h.Set("X-Slack-Signature", exampleSig)
	if err := Verify(h, []byte(exampleBody), exampleSecret); !errors.Is(err, slackapi.ErrExpiredTimestamp) {
		t.Errorf("Verify of the 2018 example = %v, want expired timestamp", err)
	}
	// The same body signed now passes; one changed byte fails.
	now := time.Now().Unix()
	h.Set("X-Slack-Request-Timestamp", fmt.Sprint(now))
	h.Set("X-Slack-Signature", Sign(exampleSecret, now, []byte(exampleBody)))
	if err := Verify(h, []byte(exampleBody), exampleSecret); err != nil {
		t.Errorf("fresh signature rejected: %v", err)
	}
	if err := Verify(h, []byte(exampleBody+"x"), exampleSecret); err == nil {
		t.Error("tampered body accepted")
	}
}

func TestSlashEveryCommand(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	texts := []string{"", "help", "compare", "compare iam", "compare cost", "domains cism", "domains cissp", "domain cissp 3",
		"domain cism 4", "ask how long is the cissp exam", "quiz cism 1 3", "review", "progress", "plan cissp 2027-06-01",
		"leaderboard", "settings leaderboard off", "forget", "exam cissp"}
	for _, c := range e.eng.Commands() {
		texts = append(texts, c.Name)
	}
	for _, text := range texts {
		status, msg := e.slash(testUser, text)
		if status != http.StatusOK {
			t.Errorf("/cert %s: status %d: %s", text, status, msg.raw)
			continue
		}
		slow := e.eng.Prepare(bot.Request{Text: text}).Info.Slow
		if slow {
			if !strings.Contains(msg.Text, "Working on it") || len(msg.Blocks.BlockSet) != 0 {
				t.Errorf("/cert %s: slow command should acknowledge first, got %s", text, msg.raw)
			}
			continue
		}
		if msg.ResponseType != "ephemeral" && msg.ResponseType != "in_channel" {
			t.Errorf("/cert %s: response_type %q", text, msg.ResponseType)
		}
		if len(msg.Blocks.BlockSet) == 0 {
			t.Errorf("/cert %s: no blocks", text)
		}
		if strings.Contains(msg.Text, "went wrong") {
			t.Errorf("/cert %s: internal error: %s", text, msg.Text)
		}
	}
	// help lists every command.
	_, help := e.slash(testUser, "help")
	for _, c := range e.eng.Commands() {
		if !strings.Contains(string(help.raw), c.Name) {
			t.Errorf("help does not mention %s", c.Name)
		}
	}
}

func TestSlowCommandFollowsUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if !e.eng.Prepare(bot.Request{Text: "export"}).Info.Slow {
		t.Skip("export is not a slow command any more")
	}
	status, msg := e.slash(testUser, "export")
	if status != http.StatusOK || msg.ResponseType != "ephemeral" || !strings.Contains(msg.Text, "Working on it") {
		t.Fatalf("ack: %d %s", status, msg.raw)
	}
	posts := e.hooks.wait(t, 1)
	if !strings.HasPrefix(posts[0].Path, "/commands/") {
		t.Errorf("follow-up went to %s", posts[0].Path)
	}
	m := decode(t, posts[0].Raw)
	if !m.ReplaceOriginal || m.ResponseType != "ephemeral" || len(m.Blocks.BlockSet) == 0 {
		t.Errorf("follow-up should replace the private note with the reply: %.300s", posts[0].Raw)
	}
}

func TestTimeZoneFromProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if status, _ := e.slash(testUser, "progress"); status != http.StatusOK {
		t.Fatal(status)
	}
	// The first contact started a users.info lookup in the background; wait for it.
	if info, ok := e.a.users.get(context.Background(), &client{api: e.a.api, key: InstallKey{TeamID: testTeam}}, testUser, 2*time.Second); !ok || info.tz != "Europe/Paris" {
		t.Fatalf("users.info not cached: %+v %v", info, ok)
	}
	if status, _ := e.slash(testUser, "progress"); status != http.StatusOK {
		t.Fatal(status)
	}
	u, err := e.store.UserByKey(context.Background(), storage.UserKey{Platform: "slack", Workspace: testTeam, User: testUser})
	if err != nil {
		t.Fatal(err)
	}
	if u.TZ != "Europe/Paris" || u.TZSource != "platform" {
		t.Errorf("stored tz %q (%s), want Europe/Paris from the platform", u.TZ, u.TZSource)
	}
	// Admin flag for group commands comes from users.info too.
	act := e.a.actor(context.Background(), &client{api: e.a.api, key: InstallKey{TeamID: testTeam}}, testAdmin, "C0CHAN", "", waitFor(bot.Prepared{Info: bot.CommandInfo{Name: "group", Who: bot.ChannelManagers}}, false))
	if !act.CanManage {
		t.Error("workspace admin cannot manage")
	}
	if act := e.a.actor(context.Background(), &client{api: e.a.api, key: InstallKey{TeamID: testTeam}}, testUser, "C0CHAN", "", 0); act.CanManage {
		t.Error("plain member can manage")
	}
}

func TestShareInChannel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, msg := e.slash(testUser, "compare iam")
	bs := buttons(msg.Blocks)
	if len(bs) != 1 || bs[0].ActionID != ShareActionID || bs[0].Value != "compare iam" {
		t.Fatalf("want one share button for %q, got %+v", "compare iam", bs)
	}
	if status, _ := e.click(testUser, bs[0].ActionID, bs[0].Value); status != http.StatusOK {
		t.Fatalf("click: %d", status)
	}
	posts := e.hooks.wait(t, 1)
	shared := decode(t, posts[0].Raw)
	if shared.ResponseType != "in_channel" {
		t.Errorf("shared reply is %q, want in_channel", shared.ResponseType)
	}
	if len(buttons(shared.Blocks)) != 0 {
		t.Error("shared reply still offers to share")
	}
	h1, _ := json.Marshal(msg.Blocks.BlockSet[0])
	h2, _ := json.Marshal(shared.Blocks.BlockSet[0])
	if !bytes.Equal(h1, h2) {
		t.Errorf("shared reply differs: %s vs %s", h1, h2)
	}
}

func TestQuizByButtonClicks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, msg := e.slash(testUser, "quiz cissp 7 2")
	key := storage.UserKey{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser}
	ctx := context.Background()
	var first *slackapi.ButtonBlockElement
	for q := 0; q < 2; q++ {
		bs := buttons(msg.Blocks)
		var answer *slackapi.ButtonBlockElement
		for _, b := range bs {
			if strings.HasPrefix(b.ActionID, "quiz:answer:") {
				answer = b
				break
			}
		}
		if answer == nil {
			t.Fatalf("question %d has no answer buttons: %.500s", q+1, msg.raw)
		}
		if first == nil {
			first = answer
		}
		n := len(e.hooks.all())
		if status, body := e.click(testUser, answer.ActionID, answer.Value); status != http.StatusOK {
			t.Fatalf("click: %d %s", status, body)
		}
		posts := e.hooks.wait(t, n+1)
		msg = decode(t, posts[n].Raw)
		if !strings.HasPrefix(posts[n].Path, "/actions/") {
			t.Errorf("update went to %s", posts[n].Path)
		}
		// After the answer, move on if the reply offers a "next" button.
		for _, b := range buttons(msg.Blocks) {
			if strings.Contains(b.ActionID, ":next") {
				n := len(e.hooks.all())
				e.click(testUser, b.ActionID, b.Value)
				msg = decode(t, e.hooks.wait(t, n+1)[n].Raw)
				break
			}
		}
	}
	got, err := e.store.CountAnswers(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if got != 2 {
		t.Fatalf("stored %d answers, want 2", got)
	}
	// Clicking an answered question's button again records nothing new.
	n := len(e.hooks.all())
	e.click(testUser, first.ActionID, first.Value)
	e.hooks.wait(t, n+1)
	if got, _ := e.store.CountAnswers(ctx, key); got != 2 {
		t.Errorf("a repeated click stored a second answer: %d", got)
	}
	// Another workspace's user sees none of it.
	if got, _ := e.store.CountAnswers(ctx, storage.UserKey{Platform: "slack", Workspace: "T0OTHER", User: testUser}); got != 0 {
		t.Errorf("answers leaked across workspaces: %d", got)
	}
}

func eventBody(eventID string, inner map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{
		"token": "legacy", "team_id": testTeam, "api_app_id": "A0APP", "type": "event_callback",
		"event_id": eventID, "event_time": time.Now().Unix(), "event": inner,
	})
	return b
}

func mention(text, ts string) map[string]any {
	return map[string]any{"type": "app_mention", "user": testUser, "text": text, "ts": ts, "channel": "C0CHAN", "event_ts": ts}
}

func TestURLVerification(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, body := e.signed("application/json", []byte(`{"token":"legacy","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`))
	if status != http.StatusOK || string(body) != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("challenge: %d %q", status, body)
	}
	// An unsigned challenge is refused like anything else.
	if status, _ := e.post("application/json", []byte(`{"challenge":"x","type":"url_verification"}`), "", 0); status != http.StatusUnauthorized {
		t.Errorf("unsigned challenge: %d", status)
	}
}

func TestAppMentionRepliesInThread(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if status, _ := e.signed("application/json", eventBody("Ev001", mention("<@"+botUser+"> compare iam", "1700000000.000001"))); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	posts := e.web.wait(t, 1)
	p := posts[0]
	if p.Path != "/chat.postMessage" || p.Form.Get("channel") != "C0CHAN" || p.Form.Get("thread_ts") != "1700000000.000001" {
		t.Fatalf("want a threaded chat.postMessage in C0CHAN, got %s %v", p.Path, p.Form)
	}
	checkLimits(t, p.message(t))
	if !strings.Contains(p.Form.Get("blocks"), "Identity") && !strings.Contains(p.Form.Get("blocks"), "IAM") {
		t.Errorf("reply is not the IAM comparison: %.200s", p.Form.Get("blocks"))
	}
	// Free text is a question; a private, non-shareable reply stays private.
	e.signed("application/json", eventBody("Ev002", mention("<@"+botUser+"> how long is the cissp exam?", "1700000000.000002")))
	e.signed("application/json", eventBody("Ev003", mention("<@"+botUser+"> progress", "1700000000.000003")))
	posts = e.web.wait(t, 6) // progress uploads its chart first (three calls)
	byTS := map[string]recorded{}
	for _, p := range posts {
		byTS[p.Form.Get("thread_ts")] = p
	}
	if p := byTS["1700000000.000002"]; p.Path != "/chat.postMessage" || !strings.Contains(strings.ToLower(p.Form.Get("blocks")), "cissp") {
		t.Errorf("question: %s %.200s", p.Path, p.Form.Get("blocks"))
	}
	if p := byTS["1700000000.000003"]; p.Path != "/chat.postEphemeral" || p.Form.Get("user") != testUser {
		t.Errorf("progress in a channel should be ephemeral to the asker: %s %v", p.Path, p.Form.Get("user"))
	}
}

// TestCommandWordQuestion: a line that starts with a command's name but is
// answered as a question is delivered as the same words asked with ask are,
// in a mention (posted or ephemeral) and after /cert (in channel or
// ephemeral), whatever the command it started with is declared.
func TestCommandWordQuestion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := 0
	post := func(text string) recorded {
		t.Helper()
		n++
		ts := fmt.Sprintf("1700000000.%06d", 100+n)
		if status, _ := e.signed("application/json", eventBody(fmt.Sprintf("EvQ%03d", n), mention("<@"+botUser+"> "+text, ts))); status != http.StatusOK {
			t.Fatalf("%q: status %d", text, status)
		}
		for {
			posts := e.web.all()
			for _, p := range posts {
				if p.Form.Get("thread_ts") == ts {
					return p
				}
			}
			e.web.wait(t, len(posts)+1)
		}
	}
	for _, line := range []string{
		"progress in cissp is slow, how long should I study?", // an answer not offered for sharing
		"quiz questions on the real cism exam are how many?",  // no good answer found
		"exam fees for cissp in india?",                       // an answer offered for sharing
	} {
		asked, got := post("ask "+line), post(line)
		if !strings.Contains(got.Form.Get("blocks"), "Read as a question.") {
			t.Errorf("%q: no note naming the command: %.300s", line, got.Form.Get("blocks"))
		}
		if got.Path != asked.Path {
			t.Errorf("mention %q: %s, want %s as ask's", line, got.Path, asked.Path)
		}
		_, sa := e.slash(testUser, "ask "+line)
		_, sg := e.slash(testUser, line)
		if sg.ResponseType != sa.ResponseType || !strings.Contains(string(sg.raw), "Read as a question.") {
			t.Errorf("/cert %q: %s, want %s as ask's: %.300s", line, sg.ResponseType, sa.ResponseType, sg.raw)
		}
	}
}

func TestRetriedEventProcessedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := eventBody("Ev0RETRY", mention("<@"+botUser+"> compare", "1700000000.000009"))
	for i := range 3 {
		deliverEvent(t, e.srv.URL, body, i)
	}
	if err := e.a.Close(context.Background()); err != nil { // waits for every background job
		t.Fatal(err)
	}
	if posts := e.web.all(); len(posts) != 1 {
		t.Fatalf("%d replies to one event delivered 3 times, want 1", len(posts))
	}
	// A restarted process (same database) still knows the event.
	first, err := e.store.FirstSeen(context.Background(), dedupScope, "Ev0RETRY", time.Now())
	if err != nil || first {
		t.Errorf("event not recorded as seen: first=%v err=%v", first, err)
	}
}

func TestDirectMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dm := func(id string, fields map[string]any) {
		inner := map[string]any{"type": "message", "channel": "D0DM", "channel_type": "im", "user": testUser,
			"text": "how long is the cissp exam", "ts": "1700000000.1" + id}
		for k, v := range fields {
			inner[k] = v
		}
		if status, _ := e.signed("application/json", eventBody(id, inner)); status != http.StatusOK {
			t.Fatalf("%s: status %d", id, status)
		}
	}
	dm("EvBOT", map[string]any{"bot_id": "B0BOT", "user": botUser, "text": "a reply of ours"})
	dm("EvOTHERBOT", map[string]any{"bot_id": "B0OTHER", "subtype": "bot_message"})
	dm("EvEDIT", map[string]any{"subtype": "message_changed"})
	dm("EvSELF", map[string]any{"user": botUser})
	dm("EvCHAN", map[string]any{"channel_type": "channel", "channel": "C0CHAN"})
	dm("EvQ", nil)
	dm("EvHELP", map[string]any{"text": "help"})
	posts := e.web.wait(t, 2)
	if err := e.a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(e.web.all()) != 2 {
		t.Fatalf("%d replies, want 2 (bots, edits and channel messages ignored)", len(e.web.all()))
	}
	for _, p := range posts {
		if p.Path != "/chat.postMessage" || p.Form.Get("channel") != "D0DM" || p.Form.Get("thread_ts") != "" {
			t.Errorf("DM reply: %s %v", p.Path, p.Form)
		}
	}
	if n := e.count("seen"); n != 2 {
		t.Errorf("%d events recorded, want 2 (ignored events store nothing)", n)
	}
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	good := e.slashBody(testUser, "compare")
	now := time.Now().Unix()
	big := append([]byte("text=compare&command=%2Fcert&user_id=U1&pad="), bytes.Repeat([]byte("a"), maxBody)...)
	send := func(method, ct string, body io.Reader, hdr map[string]string) (int, string) {
		req, _ := http.NewRequest(method, e.srv.URL+"/slack/events", body)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	sig := func(secret string, ts int64, body []byte) map[string]string {
		return map[string]string{"X-Slack-Request-Timestamp": fmt.Sprint(ts), "X-Slack-Signature": Sign(secret, ts, body)}
	}
	payload := func(p string) []byte { return []byte(url.Values{"payload": {p}}.Encode()) }
	for _, tc := range []struct {
		name   string
		method string
		ct     string
		body   []byte
		stream bool // send without Content-Length
		hdr    map[string]string
		status int
		want   string
	}{
		{name: "no signature", ct: formType, body: good, status: 401, want: "missing X-Slack-Signature"},
		{name: "timestamp only", ct: formType, body: good, hdr: map[string]string{"X-Slack-Request-Timestamp": fmt.Sprint(now)}, status: 401, want: "missing X-Slack-Signature"},
		{name: "malformed signature", ct: formType, body: good, hdr: map[string]string{"X-Slack-Request-Timestamp": fmt.Sprint(now), "X-Slack-Signature": "v0=zz"}, status: 401},
		{name: "v1 signature", ct: formType, body: good, hdr: map[string]string{"X-Slack-Request-Timestamp": fmt.Sprint(now), "X-Slack-Signature": "v1=" + Sign(testSecret, now, good)[3:]}, status: 401},
		{name: "malformed timestamp", ct: formType, body: good, hdr: map[string]string{"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": Sign(testSecret, now, good)}, status: 401},
		{name: "wrong secret", ct: formType, body: good, hdr: sig("not-the-secret", now, good), status: 401, want: "invalid signature"},
		{name: "stale timestamp", ct: formType, body: good, hdr: sig(testSecret, now-6*60, good), status: 401, want: "stale request timestamp"},
		{name: "future timestamp", ct: formType, body: good, hdr: sig(testSecret, now+6*60, good), status: 401, want: "stale request timestamp"},
		{name: "tampered body", ct: formType, body: bytes.Replace(good, []byte("compare"), []byte("forget"), 1), hdr: sig(testSecret, now, good), status: 401, want: "invalid signature"},
		{name: "wrong content type", ct: "text/plain", body: good, hdr: sig(testSecret, now, good), status: 415},
		{name: "no content type", body: good, hdr: sig(testSecret, now, good), status: 415},
		{name: "malformed payload JSON", ct: formType, body: payload(`{"type":"block_actions",`), hdr: sig(testSecret, now, payload(`{"type":"block_actions",`)), status: 400},
		{name: "malformed form", ct: formType, body: []byte("a=%zz"), hdr: sig(testSecret, now, []byte("a=%zz")), status: 400},
		{name: "form without command", ct: formType, body: []byte("text=compare"), hdr: sig(testSecret, now, []byte("text=compare")), status: 400},
		{name: "malformed event JSON", ct: "application/json", body: []byte(`{"type":`), hdr: sig(testSecret, now, []byte(`{"type":`)), status: 400},
		{name: "unknown command", ct: formType, body: e.slashBody(testUser, "frobnicate"), status: 200, want: "Unknown command"},
		{name: "oversize body", ct: formType, body: big, hdr: sig(testSecret, now, big), status: 413},
		{name: "oversize body, no length", ct: formType, body: big, stream: true, hdr: sig(testSecret, now, big), status: 413},
		{name: "GET", method: http.MethodGet, status: 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "unknown command" {
				tc.hdr = sig(testSecret, time.Now().Unix(), tc.body)
			}
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			var body io.Reader = bytes.NewReader(tc.body)
			if tc.stream {
				body = io.MultiReader(bytes.NewReader(tc.body)) // hides the length: chunked
			}
			status, out := send(method, tc.ct, body, tc.hdr)
			if status != tc.status {
				t.Errorf("status %d, want %d (%s)", status, tc.status, strings.TrimSpace(out))
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("body %q does not contain %q", out, tc.want)
			}
		})
	}
	if err := e.a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.stored(); n != 0 {
		t.Errorf("%d rows stored by bad requests, want 0", n)
	}
	if p := e.web.all(); len(p) != 0 {
		t.Errorf("%d Slack posts made by bad requests", len(p))
	}
	if p := e.hooks.all(); len(p) != 0 {
		t.Errorf("%d response_url posts made by bad requests", len(p))
	}
}

func TestBusyEventIsNotRecorded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for range cap(e.a.sem) {
		e.a.sem <- struct{}{}
	}
	status, _ := e.signed("application/json", eventBody("EvBUSY", mention("<@"+botUser+"> compare", "1700000000.5")))
	for range cap(e.a.sem) {
		<-e.a.sem
	}
	if status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503 so that Slack retries", status)
	}
	if n := e.stored(); n != 0 {
		t.Errorf("a refused event was recorded (%d rows): its retry would be dropped", n)
	}
	// The retry goes through.
	if status, _ := e.signed("application/json", eventBody("EvBUSY", mention("<@"+botUser+"> compare", "1700000000.5"))); status != 200 {
		t.Fatalf("retry: %d", status)
	}
	e.web.wait(t, 1)
}

func TestReadyReportsAuthFailure(t *testing.T) {
	t.Parallel()
	st, _ := openStore(t)
	eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	bad := newFakeSlack(t, newRecorder(), map[string]http.HandlerFunc{"/auth.test": func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
	}})
	for _, tc := range []struct {
		name, url string
		ok        bool
	}{
		{"good token", newFakeSlack(t, newRecorder(), nil).GetAPIURL(), true},
		{"invalid_auth", bad.GetAPIURL(), false},
		{"unreachable", "http://127.0.0.1:1/", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: "s", BotToken: "xoxb-secret-token", APIURL: tc.url,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close(context.Background())
			a.Start(context.Background())
			err = a.Ready(context.Background())
			if (err == nil) != tc.ok {
				t.Fatalf("Ready = %v, want ok=%v", err, tc.ok)
			}
			if !tc.ok && !strings.Contains(logs.String(), "auth.test failed") {
				t.Errorf("no clear log line: %s", logs.String())
			}
			if strings.Contains(logs.String(), "xoxb-secret-token") {
				t.Error("the token was logged")
			}
		})
	}
	if _, err := New(Config{Engine: eng, Dedup: st, SigningSecret: "s", BotToken: "x", APIURL: "http://127.0.0.1:1"}); err == nil {
		t.Error("API URL without a trailing slash accepted")
	}
}

// TestSlowCommandWordAnsweredAtOnce: a slow command that takes no arguments
// (export), typed with words, is answered in the acknowledgement, read as a
// question or refused, with no "working on it" note first and nothing
// posted later to response_url.
func TestSlowCommandWordAnsweredAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct{ text, want string }{
		{"export fees for cissp?", "Read as a question."},
		{"export now", `Unknown argument`},
	} {
		status, msg := e.slash(testUser, tc.text)
		if status != http.StatusOK || strings.Contains(msg.Text, "Working on it") || !strings.Contains(string(msg.raw), tc.want) {
			t.Errorf("/cert %s: %d, want the answer (%q) at once: %.300s", tc.text, status, tc.want, msg.raw)
		}
	}
	if err := e.a.Close(context.Background()); err != nil { // waits for background jobs
		t.Fatal(err)
	}
	if p := e.hooks.all(); len(p) != 0 {
		t.Errorf("%d response_url posts, want none: %.300s", len(p), p[0].Raw)
	}
}

// TestDMThreadAnsweredInThread: a DM written in a thread of the DM is
// answered in that thread, not in the conversation below it.
func TestDMThreadAnsweredInThread(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inner := map[string]any{"type": "message", "channel": "D0DM", "channel_type": "im", "user": testUser,
		"text": "how long is the cissp exam?", "ts": "1700000000.300002", "thread_ts": "1700000000.300001"}
	if status, _ := e.signed("application/json", eventBody("EvDMThread", inner)); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	p := e.web.wait(t, 1)[0]
	if p.Path != "/chat.postMessage" || p.Form.Get("channel") != "D0DM" || p.Form.Get("thread_ts") != "1700000000.300001" {
		t.Fatalf("want the answer in the DM's thread, got %s %v", p.Path, p.Form)
	}
}

// TestTypedTextUnescaped: Slack delivers &, < and > in typed text as
// &amp;, &lt; and &gt;; the engine reads what was typed, so an echo of it
// is escaped once, not twice (it showed "&amp;"), and a message keeps its
// mention stripped before.
func TestTypedTextUnescaped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, msg := e.slash(testUser, "R&amp;D")
	if !strings.Contains(msg.Text, `"r&amp;d"`) || strings.Contains(string(msg.raw), "&amp;amp;") {
		t.Errorf("/cert R&D: %.300s", msg.raw)
	}
	for in, want := range map[string]string{
		"<@" + botUser + "> R&amp;D &lt;3 &amp;lt;": "R&D <3 &lt;",
		"<@" + botUser + ">":                        "help",
	} {
		if got := e.a.commandText(in); got != want {
			t.Errorf("commandText(%q) = %q, want %q", in, got, want)
		}
	}
}
