package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// heldEngine holds every Handle, once it has begun, until release is
// closed: a request as slow as the test needs, whatever the machine.
type heldEngine struct {
	Engine
	entered chan struct{}
	release chan struct{}
}

func (h heldEngine) Handle(ctx context.Context, req bot.Request) bot.Reply {
	h.entered <- struct{}{}
	<-h.release
	return h.Engine.Handle(ctx, req)
}

// TestRetriedMentionWhileAnswering: a question asked by mention in a
// channel is still being answered (well past Slack's 3 s) when Slack
// retries the event (X-Slack-Retry-Num, same event_id) and the retry
// reaches another replica on the same database. The event is acknowledged
// at once and recorded before the engine runs, so the retry finds the
// record and the answer is posted once: there is no watchdog on this path
// for a replay to outlast.
func TestRetriedMentionWhileAnswering(t *testing.T) {
	t.Parallel()
	for _, db := range replicaDBs {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			one, two, _ := twoReplicas(t, db.open)
			web := one.web
			held := heldEngine{Engine: one.a.eng, entered: make(chan struct{}, 1), release: make(chan struct{})}
			one.a.eng = held
			released := false
			release := func() {
				if !released {
					released = true
					close(held.release)
				}
			}
			defer release()

			body := eventBody("Ev0SLOWASK", mention("<@"+botUser+"> how long is the cissp exam?", "1700000000.000042"))
			deliver := func(e *env, retry int) {
				t.Helper()
				deliverEvent(t, e.srv.URL+"/slack/events", body, retry)
			}
			deliver(one, 0)
			select {
			case <-held.entered: // the first delivery is answering now
			case <-time.After(10 * time.Second): // liveness bound, not a performance check
				t.Fatal("the first delivery never reached the engine")
			}
			deliver(two, 1)
			deliver(one, 2)
			if err := two.a.Close(context.Background()); err != nil { // the retry's job, if any, is done
				t.Fatal(err)
			}
			if n := len(calls(web, "/chat.postMessage")); n != 0 {
				t.Fatalf("%d answers posted by the retries while the first was answering", n)
			}
			release()
			if err := one.a.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			posts := calls(web, "/chat.postMessage")
			if len(posts) != 1 || posts[0].Form.Get("thread_ts") != "1700000000.000042" ||
				!strings.Contains(strings.ToLower(posts[0].Form.Get("blocks")), "cissp") {
				t.Fatalf("answers posted: %d %+v, want the answer once, in the thread", len(posts), posts)
			}
		})
	}
}

// TestSlashCommandRefreshesHome: a slash command that changes the user's
// state refreshes their Home tab once they have opened it (on another
// replica), like an answer by button; a user who never opened it gets no
// view, a read-only command publishes nothing, and `forget` publishes the
// onboarding once (storing nobody).
func TestSlashCommandRefreshesHome(t *testing.T) {
	t.Parallel()
	for _, db := range replicaDBs {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			one, two, st2 := twoReplicas(t, db.open)
			web := one.web

			// A user with a quiz started but no answer and no plan yet is
			// welcomed.
			if status, msg := one.slash(testUser, "quiz cissp 3 1"); status != http.StatusOK {
				t.Fatalf("quiz: %d %.300s", status, msg.raw)
			}
			opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
			if status, body := one.signed("application/json", eventBody("EvHomeSlash", opened)); status != http.StatusOK {
				t.Fatalf("app_home_opened: %d %s", status, body)
			}
			if v := waitCalls(t, web, "/views.publish", 1)[0]; !strings.Contains(string(v.Raw), "Welcome to certcoach") {
				t.Fatalf("first view: %.300s", v.Raw)
			}

			date := time.Now().AddDate(0, 4, 0).Format("2006-01-02")
			for _, user := range []string{"U0BOB", testUser} { // Bob never opened the tab
				if status, msg := two.slash(user, "plan cissp "+date); status != http.StatusOK || !strings.Contains(string(msg.raw), date) {
					t.Fatalf("plan for %s: %d %.300s", user, status, msg.raw)
				}
			}
			views := waitCalls(t, web, "/views.publish", 2)
			var v struct {
				UserID string          `json:"user_id"`
				View   json.RawMessage `json:"view"`
			}
			if err := json.Unmarshal(views[1].Raw, &v); err != nil {
				t.Fatalf("views.publish body: %v", err)
			}
			if v.UserID != testUser || !strings.Contains(string(v.View), "exam "+date) {
				t.Fatalf("view after /cert plan for %q: %.400s", v.UserID, v.View)
			}
			if err := two.a.Close(context.Background()); err != nil { // that refresh is done
				t.Fatal(err)
			}

			three := newReplica(t, st2, one.api, web, one.hooks, one.hookURL)
			three.slash(testUser, "compare")
			if status, msg := three.slash(testUser, "forget yes"); status != http.StatusOK || !strings.Contains(string(msg.raw), "Done: all your certcoach data") {
				t.Fatalf("forget yes: %d %.300s", status, msg.raw)
			}
			for _, e := range []*env{one, three} {
				if err := e.a.Close(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			all := calls(web, "/views.publish")
			if len(all) != 3 || !strings.Contains(string(all[2].Raw), "Welcome to certcoach") {
				t.Errorf("%d views published, want 3 (opened, after the plan, the onboarding after forget)", len(all))
			}
			for _, c := range all {
				if strings.Contains(string(c.Raw), "U0BOB") {
					t.Errorf("a Home tab was published for a user who never opened it: %.200s", c.Raw)
				}
			}
			if _, err := st2.UserByKey(context.Background(), storage.UserKey{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser}); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("user after forget: %v, want not found", err)
			}
		})
	}
}
