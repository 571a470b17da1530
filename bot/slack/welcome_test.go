package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// dmHistory is a fake conversations.history over what the bot posted (the
// chat.postMessage calls recorded in web): a DM holds the bot's messages
// in it, newest first, at most limit. The welcome must not call it (Slack
// limits it hard for apps outside its Marketplace); it is served, and
// recorded, so that a test sees a call.
func dmHistory(web *recorder) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		ch := r.PostForm.Get("channel")
		msgs := []map[string]any{}
		for _, c := range calls(web, "/chat.postMessage") {
			if c.Form.Get("channel") == ch {
				msgs = append([]map[string]any{{"type": "message", "user": botUser, "text": c.Form.Get("text"), "ts": fmt.Sprintf("1700000000.%06d", len(msgs)+1)}}, msgs...)
			}
		}
		if limit := r.PostForm.Get("limit"); limit == "1" && len(msgs) > 1 {
			msgs = msgs[:1]
		}
		web.add(recorded{Path: r.URL.Path, Form: r.PostForm})
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "messages": msgs, "has_more": false})
	}
}

// holdPost is a fake chat.postMessage that records each call in web; once
// hold is set, the next call closes held and waits for release before it
// is recorded and answered.
func holdPost(web *recorder) (post http.HandlerFunc, hold *atomic.Bool, held, release chan struct{}) {
	hold, held, release = new(atomic.Bool), make(chan struct{}), make(chan struct{})
	return func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if hold.CompareAndSwap(true, false) {
			close(held)
			<-release
		}
		web.add(recorded{Path: r.URL.Path, Form: r.PostForm})
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.000100"}`, r.PostForm.Get("channel"))
	}, hold, held, release
}

func messagesOpened(user string) map[string]any {
	return map[string]any{"type": "app_home_opened", "user": user, "channel": "D0DM", "tab": "messages", "event_ts": "1700000005.000001"}
}

// TestWelcomeOnce: a new user who opens the Messages tab gets one welcome
// in that DM and is stored; opening it again, and Slack's retry of the
// first event (X-Slack-Retry-Num, same event_id), post nothing, on
// another replica of the same database too.
func TestWelcomeOnce(t *testing.T) {
	t.Parallel()
	for _, db := range replicaDBs {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			st1, st2 := db.open(t)
			web, hooks := newRecorder(), newRecorder()
			api := newFakeSlack(t, web, map[string]http.HandlerFunc{"/conversations.history": dmHistory(web)})
			hookURL := newHookServer(t, hooks)
			one, two := newReplica(t, st1, api, web, hooks, hookURL), newReplica(t, st2, api, web, hooks, hookURL)
			body := eventBody("EvMsgTab1", messagesOpened(testUser))

			deliverEvent(t, one.srv.URL+"/slack/events", body, 0)
			if err := one.a.Close(context.Background()); err != nil { // the welcome's job is done
				t.Fatal(err)
			}
			posts := calls(web, "/chat.postMessage")
			if len(posts) != 1 {
				t.Fatalf("%d messages posted on the first open, want the welcome", len(posts))
			}
			w := posts[0]
			checkLimits(t, w.message(t))
			if w.Form.Get("channel") != "D0DM" || !strings.Contains(w.Form.Get("blocks"), "Welcome to certcoach") ||
				!strings.Contains(w.Form.Get("blocks"), "/cert quiz cissp 5") || !strings.Contains(w.Form.Get("text"), "help") {
				t.Fatalf("welcome: channel %q, text %q, blocks %.600s", w.Form.Get("channel"), w.Form.Get("text"), w.Form.Get("blocks"))
			}
			key := storage.UserKey{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser}
			if _, err := st2.UserByKey(context.Background(), key); err != nil {
				t.Fatalf("the welcomed user is not stored: %v", err)
			}

			deliverEvent(t, two.srv.URL+"/slack/events", body, 1)                                             // Slack's retry
			deliverEvent(t, two.srv.URL+"/slack/events", eventBody("EvMsgTab2", messagesOpened(testUser)), 0) // a second visit
			if err := two.a.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := len(calls(web, "/chat.postMessage")); n != 1 {
				t.Errorf("%d messages posted, want the one welcome", n)
			}
			// Our own record decides: the DM's history is never read.
			if n := len(calls(web, "/conversations.history")); n != 0 {
				t.Errorf("%d conversations.history calls, want none", n)
			}
		})
	}
}

// TestWelcomeRetryWhilePosting: Slack retries the event (on another
// replica) while the first delivery's welcome is still being posted, and
// the user opens the tab again meanwhile: the welcome is claimed before it
// is posted, so it is posted once. The fake Slack holds that post.
func TestWelcomeRetryWhilePosting(t *testing.T) {
	t.Parallel()
	for _, db := range replicaDBs {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			st1, st2 := db.open(t)
			web, hooks := newRecorder(), newRecorder()
			post, hold, held, release := holdPost(web)
			api := newFakeSlack(t, web, map[string]http.HandlerFunc{"/conversations.history": dmHistory(web), "/chat.postMessage": post})
			hookURL := newHookServer(t, hooks)
			one, two := newReplica(t, st1, api, web, hooks, hookURL), newReplica(t, st2, api, web, hooks, hookURL)
			released := false
			defer func() {
				if !released {
					close(release)
				}
			}()
			body := eventBody("EvMsgTabSlow", messagesOpened(testUser))

			hold.Store(true)
			deliverEvent(t, one.srv.URL+"/slack/events", body, 0)
			select {
			case <-held: // the welcome is being posted
			case <-time.After(10 * time.Second): // liveness bound, not a performance check
				t.Fatal("the first delivery never posted")
			}
			deliverEvent(t, two.srv.URL+"/slack/events", body, 1)
			deliverEvent(t, two.srv.URL+"/slack/events", eventBody("EvMsgTabAgain", messagesOpened(testUser)), 0)
			if err := two.a.Close(context.Background()); err != nil { // the retry's and the second visit's jobs are done
				t.Fatal(err)
			}
			released = true
			close(release)
			if err := one.a.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := len(calls(web, "/chat.postMessage")); n != 1 {
				t.Fatalf("%d messages posted, want the one welcome", n)
			}
		})
	}
}

// TestWelcomeAfterForget: a stored user who opens the Messages tab gets
// no welcome and costs no Slack call. One who ran `forget` has left
// certcoach nothing to know them by, whether they used it in the DM or only
// with /cert in a channel: their next visit is a first one, welcomed once
// (and storing them, as a welcome does), and the visit after it posts
// nothing. The DM's history is never read.
func TestWelcomeAfterForget(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		use  func(t *testing.T, e *env)
	}{
		{"used in the DM", func(t *testing.T, e *env) { e.dm(t, "quiz cissp 3 1") }},
		{"used with /cert only", func(t *testing.T, e *env) { answerOne(t, e, testUser) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// Two replicas on one database: the first one's jobs are all
			// done (Close) before `forget` runs on the second.
			st, st2 := replicaDBs[0].open(t)
			web, hooks := newRecorder(), newRecorder()
			api := newFakeSlack(t, web, map[string]http.HandlerFunc{"/conversations.history": dmHistory(web)})
			hookURL := newHookServer(t, hooks)
			one, e := newReplica(t, st, api, web, hooks, hookURL), newReplica(t, st2, api, web, hooks, hookURL)
			c.use(t, one)
			// Stored: opening the tab posts nothing.
			before := len(calls(web, "/chat.postMessage"))
			if status, body := one.signed("application/json", eventBody("EvMsgKnown", messagesOpened(testUser))); status != http.StatusOK {
				t.Fatalf("app_home_opened: %d %s", status, body)
			}
			if err := one.a.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if p := len(calls(web, "/chat.postMessage")) - before; p != 0 {
				t.Errorf("a stored user's visit posted %d messages", p)
			}
			if _, msg := e.slash(testUser, "forget yes"); !strings.Contains(string(msg.raw), "Done: all your certcoach data") {
				t.Fatalf("forget yes: %.300s", msg.raw)
			}
			before = len(calls(web, "/chat.postMessage"))
			for _, id := range []string{"EvMsgAfterForget", "EvMsgAfterThat"} {
				if status, body := e.signed("application/json", eventBody(id, messagesOpened(testUser))); status != http.StatusOK {
					t.Fatalf("app_home_opened: %d %s", status, body)
				}
			}
			if err := e.a.Close(context.Background()); err != nil { // every background job done
				t.Fatal(err)
			}
			posts := calls(web, "/chat.postMessage")[before:]
			if len(posts) != 1 || !strings.Contains(posts[0].Form.Get("blocks"), "Welcome to certcoach") {
				t.Fatalf("after forget: %d posted, want one welcome", len(posts))
			}
			if _, err := st.UserByKey(context.Background(), storage.UserKey{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser}); err != nil {
				t.Errorf("the welcomed user is not stored: %v", err)
			}
			if n := len(calls(web, "/conversations.history")); n != 0 {
				t.Errorf("%d conversations.history calls, want none", n)
			}
		})
	}
}

// TestWelcomeCommandsWork: every command the welcome suggests runs, typed
// in the DM and as /cert, and is no error or usage line.
func TestWelcomeCommandsWork(t *testing.T) {
	t.Parallel()
	m := WelcomeMessage()
	raw, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	date := time.Now().AddDate(0, 4, 0).Format("2006-01-02")
	want := map[string]string{ // command -> a word of its reply
		"compare":               "CISM",
		"quiz cissp 5":          "Question 1",
		"plan cissp YYYY-MM-DD": date,
		"remind 07:30":          "07:30",
		"help":                  "quiz",
		"help quiz":             "quiz",
	}
	for cmd, word := range want {
		if !strings.Contains(string(raw), "`"+cmd+"`") {
			t.Errorf("the welcome does not suggest %q: %s", cmd, raw)
		}
		typed := strings.ReplaceAll(cmd, "YYYY-MM-DD", date)
		if !strings.Contains(string(raw), "`/cert "+cmd+"`") && cmd != "help quiz" {
			t.Errorf("the welcome does not give %q as /cert: %s", cmd, raw)
		}
		if p := e.dm(t, typed); !strings.Contains(p.Form.Get("blocks"), word) {
			t.Errorf("%q in the DM: %.400s", typed, p.Form.Get("blocks"))
		}
		if status, msg := e.slash(testUser, typed); status != http.StatusOK || !strings.Contains(string(msg.raw), word) {
			t.Errorf("/cert %s: %d %.400s", typed, status, msg.raw)
		}
	}
}
