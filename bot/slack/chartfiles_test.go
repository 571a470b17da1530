package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/certcoach/certcoach/bot"
)

// fileService is Slack's file storage as far as certcoach uses it: each
// upload (files.getUploadURLExternal, the bytes, files.completeUploadExternal)
// makes a new file, and files.delete removes one (file_not_found for a file
// that is not there), or fails with internal_error while failDelete is set.
type fileService struct {
	rec *recorder

	mu         sync.Mutex
	next       int
	pending    map[string]bool // upload URL handed out, not completed
	files      map[string]bool
	failDelete bool
}

func newFileService(rec *recorder) *fileService {
	return &fileService{rec: rec, pending: map[string]bool{}, files: map[string]bool{}}
}

// live lists the files stored in the workspace.
func (f *fileService) live() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for id := range f.files {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// handlers are the fake's file methods, for newFakeSlack's extra; api is
// the server, for the upload URL.
func (f *fileService) handlers(t *testing.T, api **slacktest.Server) map[string]http.HandlerFunc {
	reply := func(w http.ResponseWriter, v map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	form := func(r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Errorf("fake slack: %v", err)
		}
		f.rec.add(recorded{Path: r.URL.Path, Form: r.PostForm})
	}
	return map[string]http.HandlerFunc{
		"/files.getUploadURLExternal": func(w http.ResponseWriter, r *http.Request) {
			form(r)
			f.mu.Lock()
			f.next++
			id := fmt.Sprintf("F%d", f.next)
			f.pending[id] = true
			f.mu.Unlock()
			reply(w, map[string]any{"ok": true, "upload_url": (*api).GetAPIURL() + "upload/" + id, "file_id": id})
		},
		"/upload/": func(w http.ResponseWriter, r *http.Request) {
			if _, _, err := r.FormFile("file"); err != nil {
				t.Errorf("upload without a file part: %v", err)
			}
			_, _ = io.WriteString(w, "OK")
		},
		"/files.completeUploadExternal": func(w http.ResponseWriter, r *http.Request) {
			form(r)
			var files []struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal([]byte(r.PostForm.Get("files")), &files); err != nil || len(files) != 1 {
				reply(w, map[string]any{"ok": false, "error": "invalid_arguments"})
				return
			}
			f.mu.Lock()
			ok := f.pending[files[0].ID]
			delete(f.pending, files[0].ID)
			if ok {
				f.files[files[0].ID] = true
			}
			f.mu.Unlock()
			if !ok {
				reply(w, map[string]any{"ok": false, "error": "file_not_found"})
				return
			}
			reply(w, map[string]any{"ok": true, "files": []map[string]string{{"id": files[0].ID, "title": "Progress chart"}}})
		},
		"/files.delete": func(w http.ResponseWriter, r *http.Request) {
			form(r)
			id := r.PostForm.Get("file")
			f.mu.Lock()
			fail, ok := f.failDelete, f.files[id]
			if ok && !fail {
				delete(f.files, id)
			}
			f.mu.Unlock()
			switch {
			case fail:
				reply(w, map[string]any{"ok": false, "error": "internal_error"})
			case !ok:
				reply(w, map[string]any{"ok": false, "error": "file_not_found"})
			default:
				reply(w, map[string]any{"ok": true})
			}
		},
	}
}

// newFileFake is newFakeSlack with the file service in it.
func newFileFake(t *testing.T, web *recorder) (*slacktest.Server, *fileService) {
	t.Helper()
	files := newFileService(web)
	var api *slacktest.Server
	api = newFakeSlack(t, web, files.handlers(t, &api))
	return api, files
}

// progressChart runs `/cert progress` through e and returns the chart file
// of the reply that replaces the immediate one (the n-th response_url post).
func progressChart(t *testing.T, e *env, n int) string {
	t.Helper()
	if status, msg := e.slash(testUser, "progress"); status != http.StatusOK || !strings.Contains(string(msg.raw), "Readiness") {
		t.Fatalf("progress: %d %.300s", status, msg.raw)
	}
	p := e.hooks.wait(t, n)[n-1]
	id := imageFileID(t, p.Raw)
	if id == "" {
		t.Fatalf("progress without its chart: %.300s", p.Raw)
	}
	return id
}

// TestProgressLeavesOneChartFile: two `/cert progress` replies with
// different charts, on two replicas of one database, leave one file in the
// workspace and one record: once the second reply is posted, the first
// one's file is deleted (an ephemeral reply the newer one supersedes).
func TestProgressLeavesOneChartFile(t *testing.T) {
	t.Parallel()
	for _, db := range replicaDBs {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			st1, st2 := db.open(t)
			web, hooks := newRecorder(), newRecorder()
			api, files := newFileFake(t, web)
			hookURL := newHookServer(t, hooks)
			one, two := newReplica(t, st1, api, web, hooks, hookURL), newReplica(t, st2, api, web, hooks, hookURL)

			answerDomains(t, one.eng, "1", "3")
			first := progressChart(t, one, 1)
			answerDomains(t, one.eng, "5") // a new chart
			second := progressChart(t, two, 2)
			if first == second {
				t.Fatalf("the chart did not change: %s", first)
			}
			del := waitCalls(t, web, "/files.delete", 1)
			if got := del[0].Form.Get("file"); got != first {
				t.Errorf("files.delete for %q, want the first chart %q", got, first)
			}
			for _, e := range []*env{one, two} { // waits for background work
				if err := e.a.Close(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if live := files.live(); !slices.Equal(live, []string{second}) {
				t.Errorf("files left in the workspace: %v, want only %s", live, second)
			}
			if ids, err := st2.PlatformFiles(context.Background(), storedUserID(t, one)); err != nil || !slices.Equal(ids, []string{second}) {
				t.Errorf("recorded files %v, %v; want only %s", ids, err, second)
			}
			if n := len(calls(web, "/files.delete")); n != 1 {
				t.Errorf("%d files.delete calls, want 1", n)
			}
		})
	}
}

// TestProgressInDMKeepsTheNewestCharts: a progress reply in the DM with
// certcoach is a lasting message that keeps showing its chart, so a newer
// one deletes nothing until the DM holds more than the newest three; then
// each new chart deletes the oldest one's file, and the workspace holds
// the user's three newest.
func TestProgressInDMKeepsTheNewestCharts(t *testing.T) {
	t.Parallel()
	st, _ := replicaDBs[0].open(t)
	web, hooks := newRecorder(), newRecorder()
	api, files := newFileFake(t, web)
	e := newReplica(t, st, api, web, hooks, newHookServer(t, hooks))
	var charts []string
	for i, d := range []string{"1", "2", "3", "4", "5"} {
		answerDomains(t, e.eng, d) // a new chart each time
		ts := fmt.Sprintf("170000000%d.000100", i+1)
		ev := map[string]any{"type": "message", "channel_type": "im", "user": testUser, "text": "progress", "ts": ts, "channel": "D0DM", "event_ts": ts}
		if status, body := e.signed("application/json", eventBody(fmt.Sprintf("EvDM%d", i+1), ev)); status != http.StatusOK {
			t.Fatalf("DM: %d %s", status, body)
		}
		m := waitCalls(t, web, "/chat.postMessage", i+1)[i]
		id := imageFileID(t, []byte(`{"blocks":`+m.Form.Get("blocks")+`}`))
		if id == "" || slices.Contains(charts, id) {
			t.Fatalf("DM reply %d without a chart of its own (%q after %v): %.300s", i+1, id, charts, m.Form.Get("blocks"))
		}
		charts = append(charts, id)
		if i > 2 { // the delete runs after the reply is posted
			waitCalls(t, web, "/files.delete", i-2)
		}
		if i == 2 {
			if err := e.a.Close(context.Background()); err != nil { // every background job done
				t.Fatal(err)
			}
			if del := calls(web, "/files.delete"); len(del) != 0 {
				t.Fatalf("a chart of one of the newest three DM messages was deleted: %v", del[0].Form)
			}
			e = newReplica(t, st, api, web, hooks, newHookServer(t, hooks)) // the same database, as after a restart
		}
	}
	if err := e.a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, c := range calls(web, "/files.delete") {
		deleted = append(deleted, c.Form.Get("file"))
	}
	slices.Sort(deleted)
	if want := slices.Sorted(slices.Values(charts[:2])); !slices.Equal(deleted, want) {
		t.Errorf("files.delete for %v, want the two oldest charts %v", deleted, want)
	}
	want := slices.Sorted(slices.Values(charts[2:]))
	if live := files.live(); !slices.Equal(live, want) {
		t.Errorf("files in the workspace: %v, want the newest three %v", live, want)
	}
	ids, err := st.PlatformFiles(context.Background(), storedUserID(t, e))
	if slices.Sort(ids); err != nil || !slices.Equal(ids, want) {
		t.Errorf("recorded files %v, %v; want %v", ids, err, want)
	}
}

// TestChartDeleteFailureStillReplies: Slack refusing files.delete is logged
// once, with the file, and the newer reply is posted all the same.
func TestChartDeleteFailureStillReplies(t *testing.T) {
	t.Parallel()
	st, _ := replicaDBs[0].open(t)
	eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	web, hooks := newRecorder(), newRecorder()
	api, files := newFileFake(t, web)
	files.failDelete = true
	var logs syncBuffer
	a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: testSecret, BotToken: "xoxb-test", APIURL: api.GetAPIURL(),
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	e := &env{t: t, a: a, eng: eng, web: web, hooks: hooks, hookURL: newHookServer(t, hooks)}
	e.srv = httptest.NewServer(a)
	t.Cleanup(e.srv.Close)
	t.Cleanup(func() { _ = a.Close(context.Background()) })

	answerDomains(t, eng, "1")
	first := progressChart(t, e, 1)
	answerDomains(t, eng, "2")
	second := progressChart(t, e, 2)
	if first == second {
		t.Fatalf("the chart did not change: %s", first)
	}
	if got := waitCalls(t, web, "/files.delete", 1)[0].Form.Get("file"); got != first {
		t.Errorf("files.delete for %q, want %q", got, first)
	}
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if n := strings.Count(out, "slack: file not deleted"); n != 1 || !strings.Contains(out, "file="+first) || !strings.Contains(out, "internal_error") {
		t.Errorf("delete failure logged %d times, want once with the file and Slack's error:\n%s", n, out)
	}
	if strings.Contains(out, "xoxb-test") {
		t.Error("the token is in the log")
	}
}

// storedUserID is testUser's stored ID.
func storedUserID(t *testing.T, e *env) int64 {
	t.Helper()
	u, err := e.eng.User(context.Background(), bot.Actor{Platform: bot.PlatformSlack, Workspace: testTeam, User: testUser})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// syncBuffer is a bytes.Buffer safe for a logger used by several
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestHomeChartReplacedIsDeleted: the Home tab's chart is replaced by a
// newer one (a refresh once the last upload is old enough) and, once the
// new view is published, the previous file is deleted.
func TestHomeChartReplacedIsDeleted(t *testing.T) {
	t.Parallel()
	st, _ := replicaDBs[0].open(t)
	web, hooks := newRecorder(), newRecorder()
	api, files := newFileFake(t, web)
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newReplicaAt(t, st, api, web, hooks, newHookServer(t, hooks), clock)
	answerOne(t, e, testUser)
	opened := map[string]any{"type": "app_home_opened", "user": testUser, "channel": "D0DM", "tab": "home", "event_ts": "1.2"}
	if status, body := e.signed("application/json", eventBody("EvHomeChart", opened)); status != http.StatusOK {
		t.Fatalf("app_home_opened: %d %s", status, body)
	}
	waitCalls(t, web, "/views.publish", 1) // after the upload
	first := files.live()
	if len(first) != 1 {
		t.Fatalf("files after the Home tab opened: %v", first)
	}
	mu.Lock()
	now = now.Add(homeChartEvery + time.Minute)
	mu.Unlock()
	// A new chart (five more answers today shade the day darker), and a
	// refresh (after starting a quiz) that draws and uploads it.
	answerDomains(t, e.eng, "1", "2", "4", "5", "6")
	if status, msg := e.slash(testUser, "quiz cissp 3 1"); status != http.StatusOK {
		t.Fatalf("quiz: %d %.300s", status, msg.raw)
	}
	waitCalls(t, web, "/views.publish", 2)
	if got := waitCalls(t, web, "/files.delete", 1)[0].Form.Get("file"); got != first[0] {
		t.Errorf("files.delete for %q, want the Home tab's previous chart %q", got, first[0])
	}
	if err := e.a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	live := files.live()
	if len(live) != 1 || live[0] == first[0] {
		t.Errorf("files left: %v, want only the new chart", live)
	}
	last := calls(web, "/views.publish")
	if v := last[len(last)-1]; !strings.Contains(string(v.Raw), `"slack_file":{"id":"`+live[0]+`"}`) {
		t.Errorf("the last view does not show the new chart: %.300s", v.Raw)
	}
}

// TestChartPlace: a lasting message's chart is bounded with the DM's newest
// few only in the DM; in a channel, where others see it, it stays.
func TestChartPlace(t *testing.T) {
	for _, tc := range []struct {
		private, dm bool
		want        bot.FilePlace
	}{
		{private: true, want: bot.FileInReply},
		{private: true, dm: true, want: bot.FileInReply},
		{dm: true, want: bot.FileInMessage},
		{want: bot.FileInChannel},
	} {
		if got := chartPlace(tc.private, tc.dm); got != tc.want {
			t.Errorf("chartPlace(private %v, dm %v) = %v, want %v", tc.private, tc.dm, got, tc.want)
		}
	}
}
