package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

// TestExportIsAFile: `export` in Slack delivers the JSON as a file through
// the external upload flow, to the user's DM (a channel must not see it),
// and the command's reply says where it went.
func TestExportIsAFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.slash(testUser, "quiz cissp 1 1")
	status, msg := e.slash(testUser, "export")
	if status != http.StatusOK || !strings.Contains(msg.Text, "Working on it") {
		t.Fatalf("ack: %d %s", status, msg.raw)
	}
	posts := e.hooks.wait(t, 1)
	reply := decode(t, posts[0].Raw)
	if !strings.Contains(string(reply.raw), "certcoach-export.json") || !strings.Contains(string(reply.raw), "DM") {
		t.Errorf("reply does not say where the file went: %.500s", reply.raw)
	}
	byPath := map[string]recorded{}
	for _, r := range e.web.wait(t, 4) {
		byPath[r.Path] = r
	}
	get, ok := byPath["/files.getUploadURLExternal"]
	if !ok || get.Form.Get("filename") != "certcoach-export.json" {
		t.Fatalf("no files.getUploadURLExternal for the export: %+v", e.web.all())
	}
	up, ok := byPath["/upload/F0FILE"]
	if !ok {
		t.Fatalf("nothing uploaded: %+v", e.web.all())
	}
	var doc struct {
		Format string                      `json:"format"`
		Data   map[string][]map[string]any `json:"data"`
	}
	if err := json.Unmarshal(up.Raw, &doc); err != nil || doc.Format != "certcoach-export-v3" || len(doc.Data["user"]) != 1 {
		t.Fatalf("uploaded bytes are not the export (%v): %.300s", err, up.Raw)
	}
	if get.Form.Get("length") != "" && get.Form.Get("length") != itoa(len(up.Raw)) {
		t.Errorf("announced length %s, uploaded %d bytes", get.Form.Get("length"), len(up.Raw))
	}
	done, ok := byPath["/files.completeUploadExternal"]
	if !ok || done.Form.Get("channel_id") != "D0DM" || !strings.Contains(done.Form.Get("files"), "F0FILE") {
		t.Fatalf("upload not completed into the DM: %+v", done.Form)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestReadinessRecoveryIsLogged: when auth.test starts to succeed after
// failures, the log says the adapter is connected now.
func TestReadinessRecoveryIsLogged(t *testing.T) {
	t.Parallel()
	st, _ := openStore(t)
	eng := bot.NewEngine(loadKB(t), st, bot.Options{Logger: slog.New(slog.DiscardHandler)})
	var fail atomic.Bool
	fail.Store(true)
	fake := newFakeSlack(t, newRecorder(), map[string]http.HandlerFunc{"/auth.test": func(w http.ResponseWriter, _ *http.Request) {
		if fail.Load() {
			_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
			return
		}
		_, _ = io.WriteString(w, `{"ok":true,"team_id":"T1","user_id":"U1"}`)
	}})
	var logs bytes.Buffer
	a, err := New(Config{Engine: eng, Dedup: st, SigningSecret: "s", BotToken: "xoxb-t", APIURL: fake.GetAPIURL(),
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	a.authRecheck = 0
	a.Start(context.Background())
	if err := a.Ready(context.Background()); err == nil || strings.Contains(err.Error(), "slack") {
		t.Fatalf("Ready while failing = %v (want an error that does not repeat the adapter's name)", err)
	}
	fail.Store(false)
	if err := a.Ready(context.Background()); err != nil {
		t.Fatalf("Ready after recovery: %v", err)
	}
	if !strings.Contains(logs.String(), "slack connected after auth.test failures") {
		t.Fatalf("recovery not logged:\n%s", logs.String())
	}
}
