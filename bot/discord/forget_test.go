package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// TestForgetConfirmOption: after /cert forget, in a server or in a DM, the
// prompt names the confirmation /cert takes (the confirm option: a server
// channel's messages run nothing of the asker's own, and a DM is another
// scope) and whose data it deletes (the server's, or the DMs'), and running
// it deletes the data of the scope that was asked.
func TestForgetConfirmOption(t *testing.T) {
	t.Parallel()
	h := newHTTPEnv(t)
	ctx := context.Background()
	for n, w := range []who{member, dmUser} {
		ws, scope := w.guild, "on this Discord server"
		if ws == "" {
			ws, scope = "dm:"+w.user, "in your own space (your DMs with certcoach"
		}
		key := storage.UserKey{Platform: bot.PlatformDiscord, Workspace: ws, User: w.user}
		run := func(i int, line string) *wireData {
			t.Helper()
			code, body := h.post(t, mustJSON(command(fmt.Sprint(620000000000000000+10*n+i), w, line)), time.Now(), testKey)
			var r wireResponse
			if code != 200 || json.Unmarshal(body, &r) != nil || r.Data == nil {
				t.Fatalf("%s: %d %s", line, code, truncate(string(body), 300))
			}
			return r.Data
		}
		run(0, "quiz cert=cissp count=1")
		if _, err := h.store.UserByKey(ctx, key); err != nil {
			t.Fatalf("%s: quiz stored no user: %v", ws, err)
		}
		if got := run(1, "forget").allText(); !strings.Contains(got, "`/cert forget confirm:yes`") || strings.Contains(got, "type `forget yes`") || !strings.Contains(got, scope) {
			t.Errorf("%s: prompt: %s", ws, truncate(got, 400))
		}
		if got := run(2, "forget confirm=yes").allText(); !strings.Contains(got, "Done: all your certcoach data "+scope) {
			t.Errorf("%s: forget confirm:yes: %s", ws, truncate(got, 300))
		}
		if _, err := h.store.UserByKey(ctx, key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%s: user kept after forget confirm:yes: %v", ws, err)
		}
	}
}

// gatewayDMTypedForms: a DM reads typed text, so its replies name the typed
// words: a reminder without a zone is asked for `remind 07:30 <zone>`, and
// the forget prompt says to type `forget yes`, which deletes; a bare `yes`
// or `cancel` after it deletes nothing and says how to delete.
func gatewayDMTypedForms(t *testing.T, ev *env) {
	ctx := context.Background()
	user := "600000000000000007"
	key := storage.UserKey{Platform: bot.PlatformDiscord, Workspace: "dm:" + user, User: user}
	say := func(id, content string) *wireData {
		t.Helper()
		m := ev.dm(t, "700000000000000007", user, "dana", id, content)
		return &m
	}
	say("210000000000000700", "quiz cissp 1 1")
	// A DM takes typed words: the reminder's form is the words too.
	if got := say("210000000000000703", "remind 7:30").allText(); !strings.Contains(got, "`remind 07:30 Europe/Berlin`") {
		t.Errorf("remind without a zone in a DM: %s", truncate(got, 400))
	}
	if got := say("210000000000000701", "forget").allText(); !strings.Contains(got, "type `forget yes`") {
		t.Errorf("prompt in a DM: %s", truncate(got, 400))
	}
	// A bare yes with the prompt on screen deletes nothing, and says how to.
	if got := say("210000000000000704", "yes").allText(); !strings.Contains(got, "A typed `yes` confirms nothing") || !strings.Contains(got, "type `forget yes`") || strings.Contains(got, "Nothing is waiting") {
		t.Errorf("bare yes after the prompt in a DM: %s", truncate(got, 400))
	}
	if got := say("210000000000000705", "cancel").allText(); !strings.Contains(got, "A typed `cancel` cancels nothing") {
		t.Errorf("bare cancel after the prompt in a DM: %s", truncate(got, 400))
	}
	if _, err := ev.store.UserByKey(ctx, key); err != nil {
		t.Errorf("a bare yes deleted the user: %v", err)
	}
	if got := say("210000000000000702", "forget yes").allText(); !strings.Contains(got, "Done: all your certcoach data") {
		t.Errorf("forget yes in a DM: %s", truncate(got, 300))
	}
	if _, err := ev.store.UserByKey(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("user kept after forget yes in a DM: %v", err)
	}
}
