package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/storage"
)

// reviewSize is how many cards one review session holds.
const reviewSize = 10

// review starts a review of the cards due now, of one exam when named
// (`review cism`), else of both.
func (e *Engine) review(ctx context.Context, req Request, args Args) (Reply, error) {
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	only := args.Named["cert"]
	if s, err := e.store.OpenSession(ctx, u.ID, reviewKind); err == nil {
		// Starting again would silently drop it: the user chooses.
		cards, restart := "the cards due now", "review:restart:"+s.ID
		if only != "" {
			cards, restart = "the "+strings.ToUpper(only)+" cards due now", restart+":"+only
		}
		return Reply{Kind: "review", Private: true, Title: "You have a review open",
			Body: fmt.Sprintf("Your review is at question %d of %d. Resume it, start over with %s (the open one ends as stopped; its answers count), or cancel to leave it as it is.", s.Position+1, len(s.Questions), cards),
			Buttons: []Button{
				{ID: fmt.Sprintf("quiz:next:%s:%d", s.ID, s.Position), Label: "Resume", Style: StylePrimary},
				{ID: restart, Label: "Start over", Style: StyleDanger},
				{ID: "quiz:keep:" + s.ID, Label: "Cancel"},
			}}, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return Reply{}, err
	}
	return e.startReview(ctx, req, u, only)
}

// reviewAction routes review:restart:<open session>[:<exam>].
func (e *Engine) reviewAction(ctx context.Context, req Request, parts []string) (Reply, error) {
	if len(parts) < 2 || len(parts) > 3 || parts[0] != "restart" {
		return Reply{}, Errorf("That button is not valid any more.")
	}
	only := ""
	if len(parts) == 3 {
		if _, ok := e.kb.Cert(parts[2]); !ok {
			return Reply{}, Errorf("That button is not valid any more.")
		}
		only = parts[2]
	}
	u, err := e.endOpen(ctx, req, parts[1], reviewKind)
	if err != nil {
		return Reply{}, err
	}
	return e.startReview(ctx, req, u, only)
}

// startReview starts a review of only's cards, or of both exams' when only
// is empty.
func (e *Engine) startReview(ctx context.Context, req Request, u storage.User, only string) (Reply, error) {
	now := e.clock.Now()
	due, err := e.store.DueCards(ctx, u.ID, only, now, reviewSize)
	if err != nil {
		return Reply{}, err
	}
	var ids []string
	for _, c := range due {
		if _, ok := e.kb.Question(c.QuestionID); ok {
			ids = append(ids, c.QuestionID)
		}
	}
	cert := only
	switch {
	case cert != "":
	case len(due) > 0:
		cert = due[0].Cert
	default:
		cert = e.defaultCert(ctx, u)
	}
	fresh := 0
	if len(ids) < reviewSize {
		// Fill with new questions from the weakest, heaviest domains.
		outline := e.outlineFor(ctx, req, cert)
		p, err := e.study.Progress(ctx, u, cert, outline)
		if err != nil {
			return Reply{}, err
		}
		have := map[string]bool{}
		for _, id := range ids {
			have[id] = true
		}
		var order []int
		for _, d := range study.Weakest(p.Domains, len(p.Domains)) {
			order = append(order, d.N)
		}
		more, err := e.study.PickNew(ctx, u, cert, order, reviewSize-len(ids), have)
		if err != nil {
			return Reply{}, err
		}
		ids, fresh = append(ids, more...), len(more)
	}
	if len(ids) == 0 {
		return Reply{}, Errorf("Nothing to review right now. Try `%s`.", e.Say(req, "quiz"))
	}
	s := storage.Session{ID: newID(), UserID: u.ID, Kind: reviewKind, Cert: cert, Questions: ids, StartedAt: now}
	if err := e.store.CreateSession(ctx, s); err != nil {
		return Reply{}, err
	}
	s.State = storage.SessionActive
	what := "Review"
	if only != "" {
		what = strings.ToUpper(only) + " review"
	}
	note := fmt.Sprintf("%s: %s, %s from your weakest, heaviest domains.", what, Plural(len(ids)-fresh, "due card"), Plural(fresh, "new question"))
	clock, err := e.examClockNote(ctx, req, u)
	if err != nil {
		return Reply{}, err
	}
	return e.showQuestion(ctx, s, strings.TrimSpace(note+" "+clock))
}

// examClockNote says, when a quiz or review starts beside a running mock
// exam, that the exam's clock keeps going; "" when no exam runs.
func (e *Engine) examClockNote(ctx context.Context, req Request, u storage.User) (string, error) {
	s, err := e.store.OpenSession(ctx, u.ID, examKind)
	if errors.Is(err, storage.ErrNotFound) || err == nil && s.State == storage.SessionPaused {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Your %s mock exam is still running and its clock keeps going: `%s` stops it.", strings.ToUpper(s.Cert), e.Say(req, "exam pause")), nil
}

func (e *Engine) progress(ctx context.Context, req Request, args Args) (Reply, error) {
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	cert := args.Named["cert"]
	if cert == "" {
		cert = e.defaultCert(ctx, u)
	}
	wantChart := args.Named["show"] == "chart"
	outline := e.outlineFor(ctx, req, cert)
	p, err := e.study.Progress(ctx, u, cert, outline)
	if err != nil {
		return Reply{}, err
	}
	// Chat replies always carry the chart; the console writes a file only
	// when asked (`progress chart`).
	var img *Image
	if wantChart || req.Actor.Platform != PlatformConsole {
		if img, err = e.progressImage(ctx, u, p); err != nil && wantChart {
			return Reply{}, err
		} else if err != nil {
			e.log.Warn("progress chart", "request_id", req.ID, "err", err) // the text still answers
		}
	}
	var sb strings.Builder
	answered := 0
	for _, d := range p.Domains {
		answered += d.Answered
		right := rightText(d.Correct, d.Answered)
		if right != "" {
			right = ", " + right
		}
		// The name goes last: a long one wraps on its own, never the counts.
		fmt.Fprintf(&sb, "`D%d` %s mastery · %d answered%s, %d due · %s (%d%%)\n",
			d.N, bar(d.Mastery, 10), d.Answered, right, d.Due, d.Name, d.Weight)
	}
	from := ""
	if answered > 0 {
		from = " from " + Plural(answered, "answer")
	}
	fmt.Fprintf(&sb, "\n**Streak:** %s · **Due today:** %d · **Readiness:** %s%s\n_%s_\n", Plural(p.Streak, "day"), p.DueToday, bar(p.Readiness, 10), from, study.ReadinessMethod)
	if answered > 0 {
		sb.WriteString("\n**Focus next:**\n")
		for _, d := range p.Weakest {
			fmt.Fprintf(&sb, "- D%d %s: `%s`\n", d.N, d.Name, e.Say(req, fmt.Sprintf("quiz %s %d", cert, d.N)))
		}
	} else if p.Plan != nil {
		fmt.Fprintf(&sb, "\nNo answers yet: start with `%s`.\n", e.Say(req, "quiz "+cert))
	} else {
		fmt.Fprintf(&sb, "\nNo answers yet: start with `%s` or set a date with `%s`.\n", e.Say(req, "quiz "+cert), e.Say(req, "plan "+cert+" <YYYY-MM-DD>"))
	}
	if p.Plan != nil {
		ps := p.Plan
		state := "on track"
		switch {
		case ps.Ahead() > 0:
			state = Plural(ps.Ahead(), "answer") + " ahead"
		case ps.Ahead() < 0:
			state = Plural(-ps.Ahead(), "answer") + " behind"
		}
		fmt.Fprintf(&sb, "\n**Plan:** exam %s (%s left), %d a day: %d done of %d expected so far, %s.\n", ps.Plan.ExamDate, Plural(ps.DaysLeft, "day"), ps.Plan.PerDay, ps.Done, ps.Expected, state)
	}
	title := fmt.Sprintf("Your %s progress (%s outline)", strings.ToUpper(cert), outline.Version)
	footer := fmt.Sprintf("Outline: %s", outlineLabel(outline))
	return Reply{Kind: "progress", Title: title, Body: strings.TrimRight(sb.String(), "\n"), Private: true, Footer: footer, Image: img}, nil
}

func (e *Engine) plan(ctx context.Context, req Request, args Args) (Reply, error) {
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	cert, date := args.Named["cert"], args.Named["date"]
	if cert == "" && date == "" {
		p, err := e.store.Plan(ctx, u.ID)
		if errors.Is(err, storage.ErrNotFound) {
			return Reply{}, Errorf("No plan yet. Usage: `%s`, e.g. `%s`.", e.Say(req, "plan <cism|cissp> <YYYY-MM-DD>"), e.Say(req, "plan cissp "+e.planExampleDate()))
		}
		if err != nil {
			return Reply{}, err
		}
		cert, date = p.Cert, p.ExamDate
	}
	c, err := e.cert(req, cert, "plan cissp "+e.planExampleDate())
	if err != nil {
		return Reply{}, err
	}
	if date == "" {
		return Reply{}, Errorf("When is your exam? Usage: `%s`.", e.Say(req, "plan "+c.ID+" <YYYY-MM-DD>"))
	}
	exam, err := time.Parse(time.DateOnly, date) // checked by the engine's parse
	if err != nil {
		return Reply{}, Errorf("%q is not a date: use YYYY-MM-DD, e.g. `%s`.", truncate(date, 20), e.Say(req, "plan "+c.ID+" "+e.clock.Now().AddDate(0, 2, 0).Format(time.DateOnly)))
	}
	if exam.After(e.clock.Now().AddDate(3, 0, 0)) {
		return Reply{}, Errorf("That date is more than three years away; pick a nearer one.")
	}
	np, err := e.study.MakePlan(ctx, u, c.ID, exam)
	if errors.Is(err, study.ErrNotAfterToday) {
		return Reply{}, Errorf("The exam date must be after today, e.g. `%s`.", e.Say(req, "plan "+c.ID+" "+e.clock.Now().AddDate(0, 2, 0).Format(time.DateOnly)))
	}
	if err != nil {
		return Reply{}, err
	}
	plan := np.Plan
	if err := e.store.SetPlan(ctx, plan); err != nil {
		return Reply{}, err
	}
	e.forgetPlan(u)
	outline := e.kb.OutlineFor(c.ID, exam)
	p, err := e.study.Progress(ctx, u, c.ID, outline)
	if err != nil {
		return Reply{}, err
	}
	var sb strings.Builder
	if np.Need > plan.PerDay {
		// A short runway: the full need is no target anyone can meet.
		fmt.Fprintf(&sb, "**%s** to your %s exam on %s. Two passes through the %s bank would take about %d questions a day, more than a day of study holds: aim for **%d a day**, take the domains below in order, as far as you get, and `%s` what you miss.\n",
			Plural(np.Days, "day"), c.Name, plan.ExamDate, c.Name, np.Need, plan.PerDay, e.Say(req, "review"))
	} else {
		fmt.Fprintf(&sb, "**%s** to your %s exam on %s: about **%d questions a day** (two passes through the %s bank, spaced by review).\n", Plural(np.Days, "day"), c.Name, plan.ExamDate, plan.PerDay, c.Name)
	}
	sb.WriteString("\n")
	fmt.Fprintf(&sb, "Outline that applies on that date: %s.\n", outlineLabel(outline))
	if outline.Provisional() {
		fmt.Fprintf(&sb, "_%s_\n", strings.TrimSpace(outline.Summary))
	}
	if next := study.OutlineChange(e.kb, c.ID, e.today(), exam); next != nil && next.ID == outline.ID {
		fmt.Fprintf(&sb, "**Heads-up:** your exam falls after an outline change (%s, in force from %s). Study the new weights.\n", next.Version, next.Effective)
	}
	sb.WriteString("\n**Domain order** (weight x what you still need):\n")
	for i, d := range study.DomainOrder(p) {
		fmt.Fprintf(&sb, "%d. D%d %s (%d%%, mastery %.0f%%): `%s`\n", i+1, d.N, d.Name, d.Weight, d.Mastery*100, e.Say(req, fmt.Sprintf("quiz %s %d", c.ID, d.N)))
	}
	return Reply{Kind: "plan", Title: "Study plan: " + c.Name, Body: strings.TrimRight(sb.String(), "\n"), Private: true,
		Footer: fmt.Sprintf("`%s` shows whether you are ahead or behind. `%s` for a daily nudge.", e.Say(req, "progress"), e.Say(req, "remind 07:30 <zone>"))}, nil
}

// planExampleDate is an exam date for examples: the first of the month
// six months on, so an example copied from help is never in the past.
func (e *Engine) planExampleDate() string {
	t := e.clock.Now().AddDate(0, 6, 0)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// rightText is how many of a domain's answers were right: a percentage
// reads as the candidate's level, so it waits for the answers any estimate
// needs (study.MinAnswers); until then the count, and "" without answers.
func rightText(right, answered int) string {
	a := study.Accuracy{Right: right, N: answered}
	switch {
	case a.Enough():
		return fmt.Sprintf("%.0f%% right", a.Share()*100)
	case answered > 0:
		return fmt.Sprintf("%d right", right)
	}
	return ""
}
