package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/internal/wire"
)

// chartHooks is a response_url that keeps the posts carrying a chart.
type chartHooks struct {
	mu    sync.Mutex
	posts []string
}

func newChartHooks(t *testing.T) (*chartHooks, string) {
	t.Helper()
	h := &chartHooks{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		if strings.Contains(string(raw), `"slack_file"`) {
			h.mu.Lock()
			h.posts = append(h.posts, string(raw))
			h.mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	return h, srv.URL + "/hooks/1"
}

func (h *chartHooks) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.posts)
}

func (h *chartHooks) last() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.posts[len(h.posts)-1]
}

// chartedTwice installs T0ONE and runs `/cert progress` twice, with an
// answer between (a new chart), through the real handler; it returns the
// token and the response_url posts.
func chartedTwice(t *testing.T, e *multiEnv) (string, *chartHooks) {
	t.Helper()
	ctx := context.Background()
	sl := e.slackWire()
	e.install("T0ONE")
	tok := e.tokenOf("T0ONE")
	hooks, hook := newChartHooks(t)
	exam := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
	if res, err := sl.Command(ctx, "T0ONE", "U0ALICE", "C0GEN", "plan cissp "+exam, ""); err != nil || res.Status != 200 {
		t.Fatalf("plan: %v %d", err, res.Status)
	}
	progress := func(n int) {
		t.Helper()
		if res, err := sl.Command(ctx, "T0ONE", "U0ALICE", "C0GEN", "progress", hook); err != nil || res.Status != 200 {
			t.Fatalf("progress: %v %d", err, res.Status)
		}
		waitFor(t, func() bool { return hooks.count() >= n }, "the progress reply with its chart")
	}
	progress(1)
	res, err := sl.Command(ctx, "T0ONE", "U0ALICE", "C0GEN", "quiz cissp 3 1", "")
	if err != nil || res.Status != 200 {
		t.Fatalf("quiz: %v %d", err, res.Status)
	}
	id, _, _, ok := wire.QuizButton(res.Body, 1)
	if !ok {
		t.Fatalf("no answer button in %s", res.Body)
	}
	if res, err := sl.Action(ctx, "T0ONE", "U0ALICE", "C0GEN", id, newHookSink(t)); err != nil || res.Status != 200 {
		t.Fatalf("answer: %v %d", err, res.Status)
	}
	progress(2)
	return tok, hooks
}

// TestSlackProgressLeavesOneChartFile: two `/cert progress` replies with
// different charts leave one file in the workspace: the first reply's file
// is deleted with the workspace's bot token once the second is posted, and
// its record with it.
func TestSlackProgressLeavesOneChartFile(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	tok, hooks := chartedTwice(t, e)
	if !strings.Contains(hooks.last(), `"slack_file":{"id":"F0CHART2"}`) {
		t.Fatalf("second reply is not the new chart: %.400s", hooks.last())
	}
	if c := e.fake.waitCall(t, "files.delete", tok); c.Form.Get("file") != "F0CHART" {
		t.Errorf("files.delete for %q, want F0CHART", c.Form.Get("file"))
	}
	if err := e.a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.storedFiles(); !slices.Equal(got, []string{"F0CHART2"}) {
		t.Errorf("files in the workspace: %v, want [F0CHART2]", got)
	}
	if ids, err := e.store.WorkspacePlatformFiles(context.Background(), "slack", "T0ONE"); err != nil || !slices.Equal(ids, []string{"F0CHART2"}) {
		t.Errorf("recorded files: %v, %v", ids, err)
	}
}

// TestSlackChartDeleteFailureLogged: Slack refusing files.delete leaves the
// old file, and its record for forget, is logged once (with the file, never
// the token), and the newer reply arrives all the same.
func TestSlackChartDeleteFailureLogged(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, false)
	e.fake.mu.Lock()
	e.fake.failDelete = true
	e.fake.mu.Unlock()
	tok, hooks := chartedTwice(t, e)
	if !strings.Contains(hooks.last(), `"slack_file":{"id":"F0CHART2"}`) {
		t.Fatalf("second reply is not the new chart: %.400s", hooks.last())
	}
	e.fake.waitCall(t, "files.delete", tok)
	if err := e.a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, `"msg":"slack: file not deleted"`); n != 1 || !strings.Contains(logs, `"file":"F0CHART"`) || !strings.Contains(logs, "internal_error") {
		t.Errorf("delete failure logged %d times, want once with the file and Slack's error", n)
	}
	if strings.Contains(logs, tok) {
		t.Error("the bot token is in the log")
	}
	if got := e.fake.storedFiles(); !slices.Equal(got, []string{"F0CHART", "F0CHART2"}) {
		t.Errorf("files in the workspace: %v", got)
	}
	// Both stay recorded: forget tries the old one again.
	if ids, err := e.store.WorkspacePlatformFiles(context.Background(), "slack", "T0ONE"); err != nil || !slices.Equal(ids, []string{"F0CHART", "F0CHART2"}) {
		t.Errorf("recorded files: %v, %v", ids, err)
	}
}
