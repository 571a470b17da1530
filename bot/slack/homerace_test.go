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
	t.Parallel()
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
				t.Parallel()
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
	t.Parallel()
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
		// A refresh from before (the quiz's start, its answer) may still
		// land first: the visit's view is the onboarding after them.
		for n := views; ; n++ {
			if v := waitCalls(t, web, "/views.publish", n)[n-1]; strings.Contains(string(v.Raw), "Welcome to certcoach") {
				return
			}
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
	// open returns at the first onboarding view; a stale refresh landing
	// after it would leave the tab showing the forgotten dashboard.
	if views := calls(web, "/views.publish"); !strings.Contains(string(views[len(views)-1].Raw), "Welcome to certcoach") {
		t.Errorf("the tab left after forget is not the onboarding: %.300s", views[len(views)-1].Raw)
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
	t.Parallel()
	for _, db := range replicaDBs {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
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

// TestHomePublishesInOrder: a refresh that starts while an older one's
// views.publish is still in flight (the fake Slack holds it) waits its
// turn and builds the tab then, so the view Slack receives last shows the
// newer data, not the older view that answered late.
func TestHomePublishesInOrder(t *testing.T) {
	t.Parallel()
	st, _ := replicaDBs[0].open(t)
	web, hooks := newRecorder(), newRecorder()
	publish, hold, held, release := holdPublish(web)
	api := newFakeSlack(t, web, map[string]http.HandlerFunc{"/views.publish": publish})
	e := newReplica(t, st, api, web, hooks, newHookServer(t, hooks))
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	answerOne(t, e, testUser)
	opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
	if status, body := e.signed("application/json", eventBody("EvHomeOrder", opened)); status != http.StatusOK {
		t.Fatalf("app_home_opened: %d %s", status, body)
	}
	before := len(waitCalls(t, web, "/views.publish", 1)) // the answer, before, refreshed nothing

	hold.Store(true)
	if status, msg := e.slash(testUser, "quiz cissp 2 1"); status != http.StatusOK { // refresh A
		t.Fatalf("quiz: %d %.300s", status, msg.raw)
	}
	<-held // A's view is built, without domain 5, and being published
	answerDomains(t, e.eng, "5")
	if status, msg := e.slash(testUser, "quiz cissp 4 1"); status != http.StatusOK { // refresh B
		t.Fatalf("quiz: %d %.300s", status, msg.raw)
	}
	// Until B waits for its turn (or, were it not to, has published).
	key := testTeam + "/" + testUser
	for {
		e.a.homes.mu.Lock()
		waiting := e.a.homes.m[key] != nil && e.a.homes.m[key].waiting > 0
		e.a.homes.mu.Unlock()
		if waiting || len(calls(web, "/views.publish")) > before {
			break
		}
		time.Sleep(time.Millisecond)
	}
	released = true
	close(release)
	if err := e.a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	views := calls(web, "/views.publish")[before:]
	if len(views) < 2 {
		t.Fatalf("%d views published, want A's and B's", len(views))
	}
	d5 := func(raw []byte) string { // domain 5's line of a view
		s := string(raw)
		i := strings.Index(s, "`D5`")
		if i < 0 {
			t.Fatalf("no domain 5 in the view: %.300s", s)
		}
		line, _, _ := strings.Cut(s[i:], `"`)
		return line
	}
	if last := d5(views[len(views)-1].Raw); !strings.Contains(last, ": 1 answered") {
		t.Errorf("the last view Slack received is the older one: %s", last)
	}
	if first := d5(views[0].Raw); strings.Contains(first, ": 1 answered") {
		t.Errorf("the first view Slack received (the held one's, in turn) has the newer data: %s", first)
	}
	e.a.homes.mu.Lock()
	defer e.a.homes.mu.Unlock()
	if len(e.a.homes.m) != 0 {
		t.Errorf("turns left after every publish ended: %v", e.a.homes.m)
	}
}

// TestHomeQueue: a user's publishes take turns; a refresh that finds one
// waiting leaves it to that one, another user's goes at once, and a wait
// ends with its context.
func TestHomeQueue(t *testing.T) {
	t.Parallel()
	var q homeQueue
	ctx := context.Background()
	release, ok := q.take(ctx, "T/U1", false)
	if !ok {
		t.Fatal("the first publish got no turn")
	}
	if r, ok := q.take(ctx, "T/U2", true); !ok {
		t.Error("another user's refresh waits")
	} else {
		r()
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, ok := q.take(cctx, "T/U1", false); ok {
		t.Error("a publish got the turn held by another")
	}
	got := make(chan func())
	go func() {
		r, ok := q.take(ctx, "T/U1", false)
		if !ok {
			t.Error("the waiting publish got no turn")
		}
		got <- r
	}()
	for { // until it waits
		q.mu.Lock()
		w := q.m["T/U1"].waiting
		q.mu.Unlock()
		if w == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if _, ok := q.take(ctx, "T/U1", true); ok {
		t.Error("a refresh queued behind a waiting publish")
	}
	release()
	(<-got)()
	if len(q.m) != 0 {
		t.Errorf("turns left: %v", q.m)
	}
}

// TestHomeAfterForget: an open Home tab is replaced with the onboarding
// once `forget` has deleted the data, without the user opening it again,
// and that publish stores nobody.
func TestHomeAfterForget(t *testing.T) {
	t.Parallel()
	st, _ := replicaDBs[0].open(t)
	web, hooks := newRecorder(), newRecorder()
	e := newReplica(t, st, newFakeSlack(t, web, nil), web, hooks, newHookServer(t, hooks))
	ctx := context.Background()
	opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
	if status, body := e.signed("application/json", eventBody("EvOpen", opened)); status != http.StatusOK {
		t.Fatalf("app_home_opened: %d %s", status, body)
	}
	waitCalls(t, web, "/views.publish", 1)
	answerOne(t, e, testUser)
	for n := 2; ; n++ {
		if v := waitCalls(t, web, "/views.publish", n)[n-1]; strings.Contains(string(v.Raw), "1 answered") {
			break
		}
	}
	if _, msg := e.slash(testUser, "forget yes"); !strings.Contains(string(msg.raw), "Done: all your certcoach data") {
		t.Fatalf("forget yes: %.300s", msg.raw)
	}
	if err := e.a.Close(ctx); err != nil { // every background job done
		t.Fatal(err)
	}
	if views := calls(web, "/views.publish"); !strings.Contains(string(views[len(views)-1].Raw), "Welcome to certcoach") {
		t.Errorf("the tab left after forget is not the onboarding: %.300s", views[len(views)-1].Raw)
	}
	key := storage.UserKey{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser}
	if _, err := st.UserByKey(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the forgotten user is stored again: %v", err)
	}
}

// TestHomeChartRefusedStillPublishes: a Home tab whose new chart Slack
// refuses as invalid_blocks is published again without it.
func TestHomeChartRefusedStillPublishes(t *testing.T) {
	t.Parallel()
	st, _ := replicaDBs[0].open(t)
	web, hooks := newRecorder(), newRecorder()
	fake := newFakeSlack(t, web, map[string]http.HandlerFunc{"/views.publish": func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(string(raw), "slack_file") {
			_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_blocks"}`)
			return
		}
		web.add(recorded{Path: r.URL.Path, Raw: raw})
		_, _ = io.WriteString(w, `{"ok":true,"view":{"id":"V1"}}`)
	}})
	e := newReplica(t, st, fake, web, hooks, newHookServer(t, hooks))
	answerOne(t, e, testUser)
	opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
	if status, body := e.signed("application/json", eventBody("EvOpen", opened)); status != http.StatusOK {
		t.Fatalf("app_home_opened: %d %s", status, body)
	}
	if v := waitCalls(t, web, "/views.publish", 1)[0]; !strings.Contains(string(v.Raw), "1 answered") {
		t.Errorf("published view is not the dashboard: %.300s", v.Raw)
	}
}
