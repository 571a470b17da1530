package slack

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestForgetTypedWhereOffered: the forget prompt names the typed
// confirmation that works where it was shown, and typing it there deletes:
// `/cert forget yes` after /cert or a mention in a channel (the bot reads
// a channel's messages only when mentioned), `forget yes` in a DM (also
// App Home's Messages tab).
func TestForgetTypedWhereOffered(t *testing.T) {
	e := newEnv(t)
	n := 0
	dm := func(text string) recorded {
		t.Helper()
		n++
		inner := map[string]any{"type": "message", "channel": "D0DM", "channel_type": "im", "user": testUser,
			"text": text, "ts": fmt.Sprintf("1700000001.%06d", n)}
		from := len(e.web.all())
		if status, _ := e.signed("application/json", eventBody(fmt.Sprintf("EvF%d", n), inner)); status != http.StatusOK {
			t.Fatalf("%q: status %d", text, status)
		}
		return e.web.wait(t, from+1)[from]
	}
	mentioned := func(text string) recorded {
		t.Helper()
		n++
		from := len(e.web.all())
		if status, _ := e.signed("application/json", eventBody(fmt.Sprintf("EvF%d", n), mention("<@"+botUser+"> "+text, fmt.Sprintf("1700000001.%06d", n)))); status != http.StatusOK {
			t.Fatalf("%q: status %d", text, status)
		}
		return e.web.wait(t, from+1)[from]
	}
	deleted := func(where, got string) {
		t.Helper()
		if !strings.Contains(got, "Done: all your certcoach data") {
			t.Errorf("%s: not deleted: %.300s", where, got)
		}
		if u := e.count("users"); u != 0 { // deleted before the reply is sent
			t.Errorf("%s: %d users left", where, u)
		}
	}

	// /cert in a channel.
	answerOne(t, e, testUser)
	_, ask := e.slash(testUser, "forget")
	if !strings.Contains(string(ask.raw), "type `/cert forget yes`") {
		t.Errorf("prompt after /cert: %.400s", ask.raw)
	}
	_, done := e.slash(testUser, "forget yes")
	deleted("/cert forget yes", string(done.raw))

	// A mention in a channel: the prompt is shown to the asker only.
	answerOne(t, e, testUser)
	if p := mentioned("forget"); p.Path != "/chat.postEphemeral" || !strings.Contains(p.Form.Get("blocks"), "type `/cert forget yes`") {
		t.Errorf("prompt after a mention: %s %.400s", p.Path, p.Form.Get("blocks"))
	}
	_, done = e.slash(testUser, "forget yes")
	deleted("/cert forget yes after a mention", string(done.raw))

	// A DM.
	answerOne(t, e, testUser)
	if p := dm("forget"); !strings.Contains(p.Form.Get("blocks"), "type `forget yes`") || strings.Contains(p.Form.Get("blocks"), "/cert forget") {
		t.Errorf("prompt in a DM: %.400s", p.Form.Get("blocks"))
	}
	deleted("forget yes in a DM", dm("forget yes").Form.Get("text"))
}
