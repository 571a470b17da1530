package bot_test

import (
	"strings"
	"testing"
)

// TestPlanShortRunway: a plan for tomorrow says two passes would take more
// than a day holds and aims for what a day holds; progress right after is on
// track, not hundreds of answers behind.
func TestPlanShortRunway(t *testing.T) {
	for _, c := range []struct {
		plan      string
		want, not []string // in the plan reply
	}{
		{"plan cism 2026-11-26",
			[]string{"**1 day** to your CISM exam on 2026-11-26. Two passes through the CISM bank would take about", "more than a day of study holds: aim for **100 a day**"},
			[]string{"about **"}},
		{"plan cism 2027-03-01",
			[]string{"to your CISM exam on 2027-03-01: about **", "questions a day** (two passes"},
			[]string{"more than a day of study holds"}},
	} {
		t.Run(c.plan, func(t *testing.T) {
			h := newHarness(t)
			got := all(h.do(t, "pat", c.plan))
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("plan reply lacks %q:\n%s", w, got)
				}
			}
			for _, w := range c.not {
				if strings.Contains(got, w) {
					t.Errorf("plan reply has %q:\n%s", w, got)
				}
			}
			prog := all(h.do(t, "pat", "progress"))
			if !strings.Contains(prog, "0 done of 0 expected so far, on track") || strings.Contains(prog, "behind") {
				t.Errorf("progress right after the plan:\n%s", prog)
			}
		})
	}
}
