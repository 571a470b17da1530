package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// TestPlanShortRunway: a plan for tomorrow says two passes would take more
// than a day holds and aims for what a day holds; progress right after is on
// track, not hundreds of answers behind.
func TestPlanShortRunway(t *testing.T) {
	t.Parallel()
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

// TestPlanOff: `plan off` and `plan clear` (typed, or as Discord's option)
// delete the plan, so progress shows no pace and reference commands no
// longer read the plan's exam; with nothing to delete, or with more
// arguments, they say so and delete nothing.
func TestPlanOff(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		setPlan bool
		req     bot.Request // Actor filled in
		outcome string
		want    string
		gone    bool // the plan is deleted
	}{
		{"off", true, bot.Request{Text: "plan off"}, bot.OutcomeOK, "Plan deleted", true},
		{"clear", true, bot.Request{Text: "plan CLEAR"}, bot.OutcomeOK, "Plan deleted", true},
		{"option", true, bot.Request{Command: "plan", Options: map[string]string{"action": "off"}}, bot.OutcomeOK, "Plan deleted", true},
		{"no plan", false, bot.Request{Text: "plan off"}, bot.OutcomeOK, "You have no plan to delete", true},
		{"with exam", true, bot.Request{Text: "plan cism off"}, bot.OutcomeUserError, "`plan off` deletes your plan and takes nothing else", false},
		{"with date", true, bot.Request{Text: "plan clear 2027-03-01"}, bot.OutcomeUserError, "`plan clear` deletes your plan and takes nothing else", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			if c.setPlan {
				if r := h.do(t, "pat", "plan cism 2027-03-01"); r.Outcome != bot.OutcomeOK {
					t.Fatalf("plan: %s", all(r))
				}
				if prog := all(h.do(t, "pat", "progress")); !strings.Contains(prog, "**Plan:** exam 2027-03-01") {
					t.Fatalf("progress with a plan shows no pace:\n%s", prog)
				}
			}
			req := c.req
			req.Actor = actor("pat")
			r := h.e.Handle(context.Background(), req)
			if r.Outcome != c.outcome || !strings.Contains(all(r), c.want) {
				t.Fatalf("got %s %q, want %s with %q", r.Outcome, all(r), c.outcome, c.want)
			}
			u, err := h.store.UserByKey(context.Background(), h.userKey("pat"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = h.store.Plan(context.Background(), u.ID)
			if gone := errors.Is(err, storage.ErrNotFound); gone != c.gone {
				t.Fatalf("plan deleted: %v (%v), want %v", gone, err, c.gone)
			}
			prog := all(h.do(t, "pat", "progress"))
			if c.gone && (strings.Contains(prog, "**Plan:**") || strings.Contains(prog, "CISM progress")) {
				t.Errorf("progress after the plan is deleted still follows it:\n%s", prog)
			}
			if !c.gone && !strings.Contains(prog, "**Plan:** exam 2027-03-01") {
				t.Errorf("progress lost the plan that was kept:\n%s", prog)
			}
		})
	}
}
