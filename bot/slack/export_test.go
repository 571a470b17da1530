package slack

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestExportIsAFile: `export` in Slack delivers the JSON as a file through
// the external upload flow, to the user's DM (a channel must not see it),
// and the command's reply says where it went.
func TestExportIsAFile(t *testing.T) {
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
	if err := json.Unmarshal(up.Raw, &doc); err != nil || doc.Format != "certcoach-export-v1" || len(doc.Data["user"]) != 1 {
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
