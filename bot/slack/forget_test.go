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
	t.Parallel()
	e := newEnv(t)
	dm := func(text string) recorded { t.Helper(); return e.dm(t, text) }
	mentioned := func(text string) recorded {
		t.Helper()
		e.n++
		from := len(e.web.all())
		if status, _ := e.signed("application/json", eventBody(fmt.Sprintf("EvM%d", e.n), mention("<@"+botUser+"> "+text, fmt.Sprintf("1700000001.%06d", e.n)))); status != http.StatusOK {
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

// TestBareYesAfterForgetPrompt: a bare `yes` (or `cancel`) typed with the
// forget prompt on screen deletes nothing, and says so truthfully with the
// confirmation that works where it was typed: `forget yes` in a DM,
// `/cert forget yes` with /cert; the typed confirmation still deletes.
func TestBareYesAfterForgetPrompt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dm := func(text string) string { t.Helper(); return e.dm(t, text).Form.Get("text") }
	kept := func(where string) {
		t.Helper()
		if u := e.count("users"); u != 1 {
			t.Errorf("%s: %d users, want 1 (nothing deleted)", where, u)
		}
	}
	answerOne(t, e, testUser)

	dm("forget")
	for _, c := range []struct{ text, want string }{
		{"yes", "A typed `yes` confirms nothing: answer a prompt with its buttons; to delete your data, type `forget yes`."},
		{"y", "A typed `y` confirms nothing"},
		{"cancel", "A typed `cancel` cancels nothing, and nothing needs it"},
	} {
		if got := dm(c.text); !strings.Contains(got, c.want) || strings.Contains(got, "Nothing is waiting") {
			t.Errorf("%q in a DM after the prompt: %.400s", c.text, got)
		}
		kept(c.text + " in a DM")
	}

	e.slash(testUser, "forget")
	if _, m := e.slash(testUser, "yes"); !strings.Contains(m.Text, "type `/cert forget yes`") || strings.Contains(m.Text, "Nothing is waiting") {
		t.Errorf("/cert yes after the prompt: %.400s", m.raw)
	}
	kept("/cert yes")
	if got := dm("forget yes"); !strings.Contains(got, "Done: all your certcoach data") {
		t.Errorf("forget yes in a DM after a bare yes: %.300s", got)
	}
}

// dm sends text as a DM event from testUser and returns the Web API call
// that answered it.
func (e *env) dm(t *testing.T, text string) recorded {
	t.Helper()
	e.n++
	inner := map[string]any{"type": "message", "channel": "D0DM", "channel_type": "im", "user": testUser,
		"text": text, "ts": fmt.Sprintf("1700000001.%06d", e.n)}
	from := len(e.web.all())
	if status, _ := e.signed("application/json", eventBody(fmt.Sprintf("EvDM%d", e.n), inner)); status != http.StatusOK {
		t.Fatalf("%q: status %d", text, status)
	}
	return e.web.wait(t, from+1)[from]
}
