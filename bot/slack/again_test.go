package slack

import (
	"net/http"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"
)

// TestAnotherQuizFromResults: the results of a finished quiz carry an
// Another quiz button beside Hard and Easy; clicking it starts a quiz of
// the same exam and domain with as many questions, posted as a new
// message so the results stay on screen.
func TestAnotherQuizFromResults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	click := func(b *slackapi.ButtonBlockElement) wireMsg {
		t.Helper()
		n := len(e.hooks.all())
		if status, body := e.click(testUser, b.ActionID, b.Value); status != http.StatusOK {
			t.Fatalf("click %s: %d %s", b.ActionID, status, body)
		}
		return decode(t, e.hooks.wait(t, n+1)[n].Raw)
	}
	find := func(m wireMsg, prefix string) *slackapi.ButtonBlockElement {
		t.Helper()
		for _, b := range buttons(m.Blocks) {
			if strings.HasPrefix(b.ActionID, prefix) {
				return b
			}
		}
		return nil
	}
	_, msg := e.slash(testUser, "quiz cissp 7 1")
	answer := find(msg, "quiz:answer:")
	if answer == nil {
		t.Fatalf("no answer button: %.500s", msg.raw)
	}
	done := click(answer)
	again := find(done, "quiz:again:")
	if !strings.Contains(string(done.raw), "Score: ") || again == nil || again.Text == nil || again.Text.Text != "Another quiz" {
		t.Fatalf("results without an Another quiz button: %.800s", done.raw)
	}
	next := click(again)
	if !strings.Contains(string(next.raw), "CISSP D7 · Question 1 of 1") || next.ReplaceOriginal || find(next, "quiz:answer:") == nil {
		t.Fatalf("another quiz (replace_original %v): %.600s", next.ReplaceOriginal, next.raw)
	}
	if n := e.count("sessions"); n != 2 {
		t.Errorf("%d sessions, want 2", n)
	}
}
