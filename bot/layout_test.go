package bot_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot/console"
)

// TestProgressDomainLines: each domain line gives its counts before the
// domain's name, so the console wraps a long name, never "0 due".
func TestProgressDomainLines(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// 10 answers, 2 right (too few for a percentage); and 30 right, whose
	// line is the longest.
	for _, u := range []string{"layout", "allright"} {
		quizzes := []int{10}
		if u == "allright" {
			quizzes = []int{15, 15}
		}
		for _, n := range quizzes {
			h.do(t, u, fmt.Sprintf("quiz cism 2 %d", n))
			for i := range n {
				h.do(t, u, h.letter(t, u, "quiz", u == "allright" || i%5 == 0))
			}
		}
	}
	line := regexp.MustCompile("^`D\\d` [█░]{10} \\d+% mastery · \\d+ answered(, \\d+%? right)?, \\d+ due · [^·]+ \\(\\d+%\\)$")
	for _, c := range []struct {
		user, text, want string
	}{
		{"allright", "progress cism", "30 answered, 100% right, 0 due · Information Security Risk Management (20%)"},
		{"layout", "progress cism", "`D2` ░░░░░░░░░░ 2% mastery · 10 answered, 2 right, 0 due · Information Security Risk Management (20%)"},
		{"layout", "progress cissp", "`D3` ░░░░░░░░░░ 0% mastery · 0 answered, 0 due · Security Architecture and Engineering (13%)"},
	} {
		r := h.do(t, c.user, c.text)
		if !strings.Contains(r.Body, c.want+"\n") {
			t.Errorf("%s: want the line %q in:\n%s", c.text, c.want, r.Body)
		}
		n := 0
		for _, l := range strings.Split(r.Body, "\n") {
			if strings.HasPrefix(l, "`D") {
				n++
				if !line.MatchString(l) {
					t.Errorf("%s: domain line out of layout: %q", c.text, l)
				}
			}
		}
		if n < 4 {
			t.Errorf("%s: %d domain lines:\n%s", c.text, n, r.Body)
		}
		for _, l := range strings.Split(console.Render(r), "\n") {
			if strings.HasPrefix(l, "due") || strings.HasPrefix(l, "answered") {
				t.Errorf("%s: the console splits a count from its word: %q in:\n%s", c.text, l, console.Render(r))
			}
		}
	}
}
