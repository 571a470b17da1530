package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// holdPublish is a fake views.publish that records each call in web; once
// hold is set, the next call closes held and waits for release before it
// answers.
func holdPublish(web *recorder) (publish http.HandlerFunc, hold *atomic.Bool, held, release chan struct{}) {
	hold, held, release = new(atomic.Bool), make(chan struct{}), make(chan struct{})
	return func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		if hold.CompareAndSwap(true, false) {
			close(held)
			<-release
		}
		web.add(recorded{Path: r.URL.Path, Raw: raw})
		_, _ = io.WriteString(w, `{"ok":true,"view":{"id":"V1"}}`)
	}, hold, held, release
}

// TestForgetDuringHomePublish: a Home tab publish still in flight when the
// user runs `forget` (the refresh after a command, or the tab they just
// opened) stores nothing once it returns: no user, no Home tab record. The
// fake Slack holds that views.publish until forget has answered.
func TestForgetDuringHomePublish(t *testing.T) {
	cases := []struct {
		name    string
		publish func(t *testing.T, e *env) // makes the publish that is held
	}{
		{"refresh after a command", func(t *testing.T, e *env) {
			if status, msg := e.slash(testUser, "quiz cissp 3 1"); status != http.StatusOK {
				t.Fatalf("quiz: %d %.300s", status, msg.raw)
			}
		}},
		{"opening the tab", func(t *testing.T, e *env) {
			opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.3"}
			if status, body := e.signed("application/json", eventBody("EvHome2", opened)); status != http.StatusOK {
				t.Fatalf("app_home_opened: %d %s", status, body)
			}
		}},
	}
	for _, db := range replicaDBs {
		for _, c := range cases {
			t.Run(db.name+"/"+c.name, func(t *testing.T) {
				st, _ := db.open(t)
				web, hooks := newRecorder(), newRecorder()
				var uploaded atomic.Bool
				publish, hold, held, release := holdPublish(web)
				var api *slacktest.Server
				api = newFakeSlack(t, web, map[string]http.HandlerFunc{"/files.getUploadURLExternal": func(w http.ResponseWriter, r *http.Request) {
					// The first chart upload fails: the tab opened without
					// one, so the refresh has a new state to record.
					if !uploaded.Swap(true) {
						_, _ = io.WriteString(w, `{"ok":false,"error":"not_allowed"}`)
						return
					}
					_, _ = fmt.Fprintf(w, `{"ok":true,"upload_url":%q,"file_id":"F0FILE"}`, api.GetAPIURL()+"upload/F0FILE")
				}, "/views.publish": publish})
				e := newReplica(t, st, api, web, hooks, newHookServer(t, hooks))

				// A user with an answer who opened the tab: it shows their
				// dashboard and is recorded.
				answerOne(t, e, testUser)
				opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
				if status, body := e.signed("application/json", eventBody("EvHome1", opened)); status != http.StatusOK {
					t.Fatalf("app_home_opened: %d %s", status, body)
				}
				waitCalls(t, web, "/views.publish", 1) // recorded before it is published

				hold.Store(true)
				c.publish(t, e)
				<-held // the dashboard is built and being published
				if _, msg := e.slash(testUser, "forget yes"); !strings.Contains(string(msg.raw), "Done: all your certcoach data") {
					t.Fatalf("forget yes: %.300s", msg.raw)
				}
				close(release)
				if err := e.a.Close(context.Background()); err != nil { // every background job done
					t.Fatal(err)
				}

				ctx := context.Background()
				key := storage.UserKey{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser}
				if _, err := st.UserByKey(ctx, key); !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("the forgotten user is stored again: %v", err)
				}
				if _, err := st.HomeView(ctx, key); !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("the forgotten user has a Home tab record: %v", err)
				}
			})
		}
	}
}

// TestHomeFirstVisit: a brand-new user's first visit to the Home tab (an
// app_home_opened without a view: Slack has never shown them one of ours)
// stores them and is recorded, so their first answer, given anywhere,
// refreshes the tab. A later look at it after `forget` (Slack sends the
// view it still shows) stores nobody again.
func TestHomeFirstVisit(t *testing.T) {
	st, _ := replicaDBs[0].open(t)
	web, hooks := newRecorder(), newRecorder()
	e := newReplica(t, st, newFakeSlack(t, web, nil), web, hooks, newHookServer(t, hooks))
	ctx := context.Background()
	key := storage.UserKey{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser}
	open := func(id string, views int, view map[string]any) {
		t.Helper()
		opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
		if view != nil {
			opened["view"] = view
		}
		if status, body := e.signed("application/json", eventBody(id, opened)); status != http.StatusOK {
			t.Fatalf("app_home_opened: %d %s", status, body)
		}
		if v := waitCalls(t, web, "/views.publish", views)[views-1]; !strings.Contains(string(v.Raw), "Welcome to certcoach") {
			t.Fatalf("%s: view %.300s, want the onboarding", id, v.Raw)
		}
	}
	open("EvNew", 1, nil)
	if _, err := st.HomeView(ctx, key); err != nil {
		t.Fatalf("the first visit is not recorded: %v", err)
	}
	answerOne(t, e, testUser) // in a channel, with /cert: the quiz's start and its answer refresh the tab
	for n := 2; ; n++ {
		if v := waitCalls(t, web, "/views.publish", n)[n-1]; strings.Contains(string(v.Raw), "1 answered") {
			break
		}
	}
	if _, msg := e.slash(testUser, "forget yes"); !strings.Contains(string(msg.raw), "Done: all your certcoach data") {
		t.Fatalf("forget yes: %.300s", msg.raw)
	}
	n := len(calls(web, "/views.publish"))
	open("EvAfterForget", n+1, map[string]any{"id": "V1", "type": "home", "blocks": []any{}})
	if err := e.a.Close(context.Background()); err != nil { // every background job done
		t.Fatal(err)
	}
	if _, err := st.UserByKey(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the forgotten user is stored again by a look at the tab: %v", err)
	}
}

// TestHomeRecordedBeforePublish: the Home tab is recorded as open before
// views.publish answers, so a command that reaches another replica while
// the publish is still in flight refreshes the tab (the fake Slack holds
// that publish until the command has answered).
func TestHomeRecordedBeforePublish(t *testing.T) {
	for _, db := range replicaDBs {
		t.Run(db.name, func(t *testing.T) {
			st1, st2 := db.open(t)
			web, hooks := newRecorder(), newRecorder()
			publish, hold, held, release := holdPublish(web)
			api := newFakeSlack(t, web, map[string]http.HandlerFunc{"/views.publish": publish})
			hookURL := newHookServer(t, hooks)
			one, two := newReplica(t, st1, api, web, hooks, hookURL), newReplica(t, st2, api, web, hooks, hookURL)
			if status, msg := one.slash(testUser, "quiz cissp 3 1"); status != http.StatusOK { // stores the user
				t.Fatalf("quiz: %d %.300s", status, msg.raw)
			}

			hold.Store(true)
			opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
			if status, body := one.signed("application/json", eventBody("EvHomeGap", opened)); status != http.StatusOK {
				t.Fatalf("app_home_opened: %d %s", status, body)
			}
			<-held // the tab is being published
			date := time.Now().AddDate(0, 4, 0).Format("2006-01-02")
			if status, msg := two.slash(testUser, "plan cissp "+date); status != http.StatusOK || !strings.Contains(string(msg.raw), date) {
				t.Fatalf("plan: %d %.300s", status, msg.raw)
			}
			if err := two.a.Close(context.Background()); err != nil { // its refresh, if any, is done
				t.Fatal(err)
			}
			close(release)
			if err := one.a.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			refreshed := false
			for _, c := range calls(web, "/views.publish") {
				refreshed = refreshed || strings.Contains(string(c.Raw), "exam "+date)
			}
			if !refreshed {
				t.Errorf("no Home tab with the plan published: %d views", len(calls(web, "/views.publish")))
			}
		})
	}
}
