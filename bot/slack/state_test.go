package slack

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/postgres"
	"github.com/certcoach/certcoach/storage/postgres/pgtest"
	"github.com/certcoach/certcoach/storage/sqlite"
	"github.com/certcoach/certcoach/storage/sqlite/sqlitetest"
)

// replicaStore is what one certcoach process needs of its database.
type replicaStore interface {
	bot.Store
	Dedup
	PruneSeen(ctx context.Context, before time.Time) (int64, error) // serve's housekeeping
}

// replicaDBs open two handles on one fresh database: two processes' stores.
var replicaDBs = []struct {
	name string
	open func(t *testing.T) (replicaStore, replicaStore)
}{
	{"sqlite", func(t *testing.T) (replicaStore, replicaStore) {
		path := sqlitetest.File(t, "certcoach.db")
		var out [2]replicaStore
		for i := range out {
			st, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			out[i] = st
		}
		return out[0], out[1]
	}},
	{"postgres", func(t *testing.T) (replicaStore, replicaStore) {
		url := pgtest.NewSchema(t, pgtest.NewDatabase(t))
		var out [2]replicaStore
		for i := range out {
			st, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			out[i] = st
		}
		return out[0], out[1]
	}},
}

// newReplica is one certcoach process with the App Home on st, served over
// HTTP on 127.0.0.1, calling the shared fake Slack; its env has no SQLite
// path (count is not available).
func newReplica(t *testing.T, st replicaStore, api *slacktest.Server, web, hooks *recorder, hookURL string) *env {
	t.Helper()
	return newReplicaAt(t, st, api, web, hooks, hookURL, nil)
}

// newReplicaAt is newReplica with the adapter on the clock now (nil: the
// real one).
func newReplicaAt(t *testing.T, st replicaStore, api *slacktest.Server, web, hooks *recorder, hookURL string, now func() time.Time) *env {
	t.Helper()
	eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: testSecret, BotToken: "xoxb-test",
		APIURL: api.GetAPIURL(), Logger: slog.New(slog.DiscardHandler), Home: eng, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	e := &env{t: t, a: a, eng: eng, api: api, web: web, hooks: hooks, hookURL: hookURL}
	e.srv = httptest.NewServer(a)
	t.Cleanup(func() {
		e.srv.Close()
		if err := a.Close(context.Background()); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return e
}

// calls returns the recorded Web API calls to path.
func calls(rec *recorder, path string) []recorded {
	var out []recorded
	for _, r := range rec.all() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// waitCalls waits (bounded) until n calls to path are recorded.
func waitCalls(t *testing.T, rec *recorder, path string, n int) []recorded {
	t.Helper()
	for have := len(rec.all()); ; have++ {
		if c := calls(rec, path); len(c) >= n {
			return c
		}
		rec.wait(t, have+1)
	}
}

// answerOne starts a one-question quiz with /cert through e and answers it
// with its first button.
func answerOne(t *testing.T, e *env, user string) {
	t.Helper()
	status, msg := e.slash(user, "quiz cissp 3 1")
	if status != http.StatusOK {
		t.Fatalf("quiz: %d %.300s", status, msg.raw)
	}
	for _, b := range buttons(msg.Blocks) {
		if strings.HasPrefix(b.ActionID, "quiz:answer:") {
			if status, body := e.click(user, b.ActionID, b.Value); status != http.StatusOK {
				t.Fatalf("answer: %d %s", status, body)
			}
			return
		}
	}
	t.Fatalf("no answer button: %.500s", msg.raw)
}

// TestHomeRefreshedByAnotherReplica: the Home tab is opened through one
// process and the next answer reaches another on the same database: that
// one publishes the refreshed tab. A user who never opened it gets none.
func TestHomeRefreshedByAnotherReplica(t *testing.T) {
	t.Parallel()
	for _, db := range replicaDBs {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			one, two, _ := twoReplicas(t, db.open)
			web := one.web

			// A user with a quiz started but no answer and no plan yet is
			// welcomed.
			if status, msg := one.slash(testUser, "quiz cissp 3 1"); status != http.StatusOK {
				t.Fatalf("quiz: %d %.300s", status, msg.raw)
			}
			opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
			if status, body := one.signed("application/json", eventBody("EvHome1", opened)); status != http.StatusOK {
				t.Fatalf("app_home_opened: %d %s", status, body)
			}
			first := waitCalls(t, web, "/views.publish", 1)[0]
			if !strings.Contains(string(first.Raw), "Welcome to certcoach") {
				t.Fatalf("first view: %.300s", first.Raw)
			}

			answerOne(t, two, "U0BOB") // never opened the tab
			answerOne(t, two, testUser)
			if err := two.a.Close(context.Background()); err != nil { // every background job done
				t.Fatal(err)
			}
			// Starting the quiz (`/cert quiz`) refreshed the tab too; the
			// answer's refresh shows the answer.
			answered := false
			for _, c := range calls(web, "/views.publish")[1:] {
				var v struct {
					UserID string          `json:"user_id"`
					View   json.RawMessage `json:"view"`
				}
				if err := json.Unmarshal(c.Raw, &v); err != nil {
					t.Fatalf("views.publish body: %v", err)
				}
				answered = answered || v.UserID == testUser && strings.Contains(string(v.View), "1 answered")
			}
			if !answered {
				t.Errorf("no refreshed view with the answer: %d views", len(calls(web, "/views.publish")))
			}
			for _, c := range calls(web, "/views.publish") {
				if strings.Contains(string(c.Raw), "U0BOB") {
					t.Errorf("a Home tab was published for a user who never opened it: %.200s", c.Raw)
				}
			}
		})
	}
}

// TestForgetDeletesChartFiles: after a progress chart was uploaded,
// `forget` (typed or by button) deletes that file from Slack with
// files.delete, and its stored record goes with the user's other rows.
func TestForgetDeletesChartFiles(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		forget func(t *testing.T, e *env)
	}{
		{"typed", func(t *testing.T, e *env) {
			if _, msg := e.slash(testUser, "forget yes"); !strings.Contains(string(msg.raw), "Done: all your certcoach data") {
				t.Fatalf("forget yes: %.300s", msg.raw)
			}
		}},
		{"button", func(t *testing.T, e *env) {
			_, msg := e.slash(testUser, "forget")
			for _, b := range buttons(msg.Blocks) {
				if strings.HasPrefix(b.ActionID, "forget:confirm:") {
					n := len(e.hooks.all())
					e.click(testUser, b.ActionID, b.Value)
					if p := e.hooks.wait(t, n+1)[n]; !strings.Contains(string(p.Raw), "Done: all your certcoach data") {
						t.Fatalf("confirm: %.300s", p.Raw)
					}
					return
				}
			}
			t.Fatalf("no confirm button: %.300s", msg.raw)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			answerDomains(t, e.eng, "1", "4")
			e.slash(testUser, "progress")
			if id := imageFileID(t, e.hooks.wait(t, 1)[0].Raw); id != "F0FILE" {
				t.Fatalf("progress chart file %q", id)
			}
			if n := e.count("platform_files"); n != 1 {
				t.Fatalf("%d stored files after the upload, want 1", n)
			}
			if del := calls(e.web, "/files.delete"); len(del) != 0 {
				t.Fatalf("files deleted before forget: %+v", del)
			}
			c.forget(t, e)
			del := waitCalls(t, e.web, "/files.delete", 1)
			if del[0].Form.Get("file") != "F0FILE" {
				t.Errorf("files.delete for %q, want F0FILE", del[0].Form.Get("file"))
			}
			if n := e.count("platform_files"); n != 0 {
				t.Errorf("%d stored files after forget", n)
			}
			if _, err := e.store.UserByKey(context.Background(), storage.UserKey{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser}); err == nil {
				t.Error("user still stored after forget")
			}
		})
	}
}

// TestForgetWhenFilesDeleteFails: Slack refusing files.delete is logged and
// changes nothing else: the user's data, file records included, is deleted.
func TestForgetWhenFilesDeleteFails(t *testing.T) {
	t.Parallel()
	st, path := openStore(t)
	eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	web, hooks := newRecorder(), newRecorder()
	api := newFakeSlack(t, web, map[string]http.HandlerFunc{"/files.delete": func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		web.add(recorded{Path: r.URL.Path, Form: r.PostForm})
		_, _ = io.WriteString(w, `{"ok":false,"error":"internal_error"}`)
	}})
	a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: testSecret, BotToken: "xoxb-test", APIURL: api.GetAPIURL(),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	e := &env{t: t, a: a, eng: eng, store: st, dbPath: path, api: api, web: web, hooks: hooks, hookURL: newHookServer(t, hooks)}
	e.srv = httptest.NewServer(a)
	t.Cleanup(e.srv.Close)
	t.Cleanup(func() { _ = a.Close(context.Background()) })

	answerDomains(t, eng, "2")
	e.slash(testUser, "progress")
	e.hooks.wait(t, 1)
	if n := e.count("platform_files"); n != 1 {
		t.Fatalf("%d stored files after the upload, want 1", n)
	}
	if _, msg := e.slash(testUser, "forget yes"); !strings.Contains(string(msg.raw), "Done: all your certcoach data") {
		t.Fatalf("forget yes: %.300s", msg.raw)
	}
	waitCalls(t, web, "/files.delete", 1)
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.count("platform_files") + e.count("users") + e.count("answers"); n != 0 {
		t.Errorf("%d rows left after forget", n)
	}
}

// twoReplicas starts two adapters, each on its own handle of one fresh
// database, sharing one fake Slack and one response_url server: two
// processes of one deployment. st2 is the second one's store.
func twoReplicas(t *testing.T, open func(*testing.T) (replicaStore, replicaStore)) (one, two *env, st2 replicaStore) {
	t.Helper()
	return twoReplicasAt(t, open, nil)
}

// twoReplicasAt is twoReplicas with both adapters on the clock now (nil: the
// real one).
func twoReplicasAt(t *testing.T, open func(*testing.T) (replicaStore, replicaStore), now func() time.Time) (one, two *env, st2 replicaStore) {
	t.Helper()
	st1, st2 := open(t)
	web, hooks := newRecorder(), newRecorder()
	api := newFakeSlack(t, web, nil)
	hookURL := newHookServer(t, hooks)
	return newReplicaAt(t, st1, api, web, hooks, hookURL, now), newReplicaAt(t, st2, api, web, hooks, hookURL, now), st2
}

// TestRestartKeepsHomeChart: a refresh after an answer reuses the chart the
// Home tab showed a moment ago, even when another adapter (a restart, a
// replica) published it: the file is known from the database.
func TestRestartKeepsHomeChart(t *testing.T) {
	t.Parallel()
	st1, st2 := replicaDBs[0].open(t)
	web, hooks := newRecorder(), newRecorder()
	api := newFakeSlack(t, web, nil)
	hookURL := newHookServer(t, hooks)
	one := newReplica(t, st1, api, web, hooks, hookURL)
	answerOne(t, one, testUser)
	opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
	one.signed("application/json", eventBody("EvHome2", opened))
	v := waitCalls(t, web, "/views.publish", 1)[0]
	if !strings.Contains(string(v.Raw), `"slack_file":{"id":"F0FILE"}`) {
		t.Fatalf("opened Home tab without its chart: %.400s", v.Raw)
	}
	if err := one.a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	uploads := len(calls(web, "/files.getUploadURLExternal"))

	two := newReplica(t, st2, api, web, hooks, hookURL)
	answerOne(t, two, testUser)
	v = waitCalls(t, web, "/views.publish", 2)[1]
	if !strings.Contains(string(v.Raw), `"slack_file":{"id":"F0FILE"}`) {
		t.Errorf("refreshed Home tab without its chart: %.400s", v.Raw)
	}
	if n := len(calls(web, "/files.getUploadURLExternal")); n != uploads {
		t.Errorf("the refresh uploaded the chart again (%d uploads, then %d)", uploads, n)
	}
}
