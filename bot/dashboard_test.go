package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot/remind"
)

func TestDashboard(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	ctx := context.Background()
	d, err := h.e.Dashboard(ctx, actor("alice"))
	if err != nil {
		t.Fatal(err)
	}
	if !d.New || d.Plan != nil || !d.NextReminder.IsZero() || d.LastWeekPlace != 0 || len(d.Actions) != 3 || d.Cert != "cissp" {
		t.Fatalf("first visit: %+v", d)
	}
	// With nothing answered no domain is "weakest": the button is a first quiz.
	if l := d.Actions[0].Label; !strings.HasPrefix(l, "First quiz: D") {
		t.Errorf("first visit's quiz button %q", l)
	}
	// This week: alice answers two right, bob one; both set things up.
	answer := func(user string, correct bool) {
		r := h.do(t, user, "quiz cissp 1")
		h.click(t, user, h.answerButton(t, r, correct))
	}
	answer("alice", true)
	answer("alice", true)
	answer("bob", true)
	h.do(t, "alice", "plan cissp 2027-03-01")
	h.do(t, "alice", "remind 07:30 Europe/Paris")
	d, _ = h.e.Dashboard(ctx, actor("alice"))
	if d.New || d.Plan == nil || d.Plan.ExamDate != "2027-03-01" || d.Plan.DaysLeft <= 0 || d.NextReminder.IsZero() || d.ReminderZone != "Europe/Paris" {
		t.Fatalf("after answers, plan and reminder: %+v", d)
	}
	if d.LastWeekPlace != 0 {
		t.Errorf("ranked for last week with answers only this week: %d", d.LastWeekPlace)
	}
	answered, right := 0, 0
	for _, dd := range d.Domains {
		answered += dd.Answered
		right += dd.Right
	}
	if answered != 2 || right != 2 || len(d.Domains) == 0 || d.Weakest == 0 || d.Readiness <= 0 {
		t.Errorf("domains %+v, weakest %d, readiness %v", d.Domains, d.Weakest, d.Readiness)
	}
	if d.Actions[0].Command == "" || !strings.HasSuffix(d.Actions[0].Label, "(weakest)") || d.Actions[1].Command != "review" || d.Actions[2].Command != "exam cissp" {
		t.Errorf("actions %+v", d.Actions)
	}
	// Next week, that week is last week: alice first of two, bob second.
	h.clock.Advance(7 * 24 * time.Hour)
	if d, _ = h.e.Dashboard(ctx, actor("alice")); d.LastWeekPlace != 1 || d.LastWeekOf != 2 {
		t.Errorf("alice last week: %d of %d", d.LastWeekPlace, d.LastWeekOf)
	}
	if d, _ = h.e.Dashboard(ctx, actor("bob")); d.LastWeekPlace != 2 || d.LastWeekOf != 2 {
		t.Errorf("bob last week: %d of %d", d.LastWeekPlace, d.LastWeekOf)
	}
}
