package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/storage"
)

// Dashboard is a user's study standing at a glance, for a platform's home
// screen (Slack's App Home). It is data, not markup: adapters lay it out.
type Dashboard struct {
	// New is true before the user's first answer and plan: show how to
	// start rather than empty numbers.
	New       bool
	Cert      string // cism or cissp: the plan's, else cissp
	CertName  string
	Outline   string // the outline's label (version, in force from)
	Readiness float64
	Domains   []DashboardDomain
	Streak    int
	DueToday  int
	Plan      *DashboardPlan
	// NextReminder is when the daily reminder next fires (zero: none).
	NextReminder time.Time
	ReminderZone string
	// LastWeekPlace is the user's place on last week's leaderboard (Monday
	// to Monday in their zone) among LastWeekOf ranked; 0 when not ranked.
	LastWeekPlace, LastWeekOf int
	// Weakest is the domain to quiz next (0: none yet).
	Weakest int
	// Actions are commands for buttons: quiz the weakest domain, review, exam.
	Actions []DashboardAction
	// Chart is the progress chart (nil for a new user, or if it failed).
	Chart *Image
}

// DashboardDomain is one domain's line.
type DashboardDomain struct {
	N        int
	Name     string
	Weight   int
	Mastery  float64
	Answered int
	Right    int
	Due      int
}

// RightText is how many of the domain's answers were right, as `progress`
// shows it (rightText).
func (d DashboardDomain) RightText() string { return rightText(d.Right, d.Answered) }

// DashboardPlan is the plan's state.
type DashboardPlan struct {
	ExamDate string
	DaysLeft int
	PerDay   int
	Ahead    int // answers ahead (negative: behind)
}

// DashboardAction is a button: Label, and the command text it runs.
type DashboardAction struct {
	Label, Command string
}

// Dashboard computes a user's dashboard. It only reads, and never creates
// the user: it also runs in the background (a Home tab refresh), possibly
// after they ran `forget`. A user not stored (yet, or any more) gets the
// new user's dashboard, computed the same way for a user who has nothing.
func (e *Engine) Dashboard(ctx context.Context, a Actor) (Dashboard, error) {
	u, err := e.store.UserByKey(ctx, userKey(a))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		u = storage.User{Key: userKey(a), TZ: validZone(a.TimeZone)} // ID 0: no rows
	case err != nil:
		return Dashboard{}, fmt.Errorf("dashboard: load user: %w", err)
	}
	cert := e.defaultCert(ctx, u)
	outline := e.outlineFor(ctx, Request{Actor: a}, cert)
	p, err := e.study.Progress(ctx, u, cert, outline)
	if err != nil {
		return Dashboard{}, fmt.Errorf("dashboard progress: %w", err)
	}
	d := Dashboard{Cert: cert, CertName: cert, Outline: outlineLabel(outline), Readiness: p.Readiness,
		Streak: p.Streak, DueToday: p.DueToday}
	if c, ok := e.kb.Cert(cert); ok {
		d.CertName = c.Name
	}
	answered := 0
	for _, dp := range p.Domains {
		answered += dp.Answered
		d.Domains = append(d.Domains, DashboardDomain{N: dp.N, Name: dp.Name, Weight: dp.Weight, Mastery: dp.Mastery,
			Answered: dp.Answered, Right: dp.Correct, Due: dp.Due})
	}
	if p.Plan != nil {
		d.Plan = &DashboardPlan{ExamDate: p.Plan.Plan.ExamDate, DaysLeft: p.Plan.DaysLeft, PerDay: p.Plan.Plan.PerDay, Ahead: p.Plan.Ahead()}
	}
	d.New = answered == 0 && d.Plan == nil
	if !d.New {
		if d.Chart, err = e.progressImage(ctx, u, p); err != nil {
			e.log.Warn("dashboard chart", "err", err) // the dashboard stands without it
		}
	}
	if w := study.Weakest(p.Domains, 1); len(w) > 0 {
		d.Weakest = w[0].N
	}
	r, err := e.store.ReminderFor(ctx, storage.ReminderUser, u.Key.Platform, u.Key.Workspace, u.Key.User)
	switch {
	case err == nil && !r.NextFire.IsZero():
		d.NextReminder, d.ReminderZone = r.NextFire, r.TZ
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return Dashboard{}, fmt.Errorf("dashboard reminder: %w", err)
	}
	loc := study.Location(u)
	lt := e.clock.Now().In(loc)
	monday := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -((int(lt.Weekday()) + 6) % 7))
	if d.LastWeekPlace, d.LastWeekOf, err = e.store.LeaderPlace(ctx, u.ID, u.Key.Platform, u.Key.Workspace, monday.AddDate(0, 0, -7), monday); err != nil {
		return Dashboard{}, fmt.Errorf("dashboard leaderboard: %w", err)
	}
	switch {
	case d.Weakest > 0 && d.New: // nothing answered: no domain is weak yet, it is the heaviest
		d.Actions = append(d.Actions, DashboardAction{Label: fmt.Sprintf("First quiz: D%d", d.Weakest), Command: fmt.Sprintf("quiz %s %d", cert, d.Weakest)})
	case d.Weakest > 0:
		d.Actions = append(d.Actions, DashboardAction{Label: fmt.Sprintf("Quiz D%d (weakest)", d.Weakest), Command: fmt.Sprintf("quiz %s %d", cert, d.Weakest)})
	default:
		d.Actions = append(d.Actions, DashboardAction{Label: "Quiz", Command: "quiz " + cert})
	}
	d.Actions = append(d.Actions, DashboardAction{Label: "Review", Command: "review"}, DashboardAction{Label: "Practice exam", Command: "exam " + cert})
	return d, nil
}
