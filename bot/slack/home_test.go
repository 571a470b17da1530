package slack

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
)

func TestHomeView(t *testing.T) {
	t.Parallel()
	acts := []bot.DashboardAction{{Label: "Quiz D3 (weakest)", Command: "quiz cissp 3"}, {Label: "Review", Command: "review"}, {Label: "Practice exam", Command: "exam cissp"}}
	onboard := HomeView(bot.Dashboard{New: true, Actions: acts})
	raw, _ := json.Marshal(onboard)
	if onboard.Type != "home" || !strings.Contains(string(raw), "Welcome") || strings.Contains(string(raw), "Readiness") {
		t.Errorf("onboarding view: %s", raw)
	}
	// Its example is the form, not a date: a fixed one goes stale, and a
	// new user who types a past date is refused.
	if d := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).Find(raw); d != nil || !strings.Contains(string(raw), "/cert plan cissp YYYY-MM-DD") {
		t.Errorf("onboarding names the date %s instead of the form: %s", d, raw)
	}
	d := bot.Dashboard{CertName: "CISSP", Readiness: 0.42, Streak: 3, DueToday: 5, LastWeekPlace: 2, LastWeekOf: 7,
		Plan: &bot.DashboardPlan{ExamDate: "2027-03-01", DaysLeft: 90, PerDay: 12, Ahead: -4}, Actions: acts,
		NextReminder: time.Date(2026, 12, 2, 6, 30, 0, 0, time.UTC), ReminderZone: "Europe/Paris"}
	for i := range 8 {
		d.Domains = append(d.Domains, bot.DashboardDomain{N: i + 1, Name: "Domain <x>", Weight: 12, Mastery: 0.5})
	}
	v := HomeView(d)
	raw, _ = json.Marshal(v)
	for _, want := range []string{"42%", "3 days", "#2 of 7", "90 days left", "4 behind", "07:30 Europe/Paris", "`D8`", `Domain \u0026lt;x\u0026gt;`, `"value":"quiz cissp 3"`, `"style":"primary"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("view lacks %q", want)
		}
	}
	// Far more domains than any outline has: still within Slack's limit,
	// buttons kept.
	for i := range 200 {
		d.Domains = append(d.Domains, bot.DashboardDomain{N: i + 9, Name: "more"})
	}
	v = HomeView(d)
	if n := len(v.Blocks.BlockSet); n > maxHomeBlocks {
		t.Errorf("%d blocks, limit %d", n, maxHomeBlocks)
	}
	if last := v.Blocks.BlockSet[len(v.Blocks.BlockSet)-1]; last.BlockType() != "actions" {
		t.Errorf("last block is %s, want the buttons", last.BlockType())
	}
}

// TestHomeViewCounts: counts read as words do ("1 day", "3 days") and a
// domain shows a percentage right only with enough answers, as progress does.
func TestHomeViewCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		streak, daysLeft, answered int
		want, not                  []string
	}{
		{1, 1, 0, []string{"*Streak*\\n1 day", "1 day left", "0 answered, 0 due"}, []string{"day(s)", "1 days", "0% right"}},
		{3, 90, 4, []string{"*Streak*\\n3 days", "90 days left", "4 answered, 2 right"}, []string{"day(s)", "% right"}},
		{3, 90, 40, []string{"40 answered, 50% right"}, nil},
	}
	for _, tc := range tests {
		d := bot.Dashboard{CertName: "CISSP", Streak: tc.streak,
			Plan:    &bot.DashboardPlan{ExamDate: "2027-03-01", DaysLeft: tc.daysLeft, PerDay: 12},
			Domains: []bot.DashboardDomain{{N: 1, Name: "D", Weight: 12, Answered: tc.answered, Right: tc.answered / 2}}}
		raw, _ := json.Marshal(HomeView(d))
		for _, w := range tc.want {
			if !strings.Contains(string(raw), w) {
				t.Errorf("streak %d, %d days left: view lacks %q:\n%s", tc.streak, tc.daysLeft, w, raw)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(string(raw), w) {
				t.Errorf("streak %d, %d days left: view has %q", tc.streak, tc.daysLeft, w)
			}
		}
	}
}
