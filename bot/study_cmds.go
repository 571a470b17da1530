package bot

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

func (e *Engine) registerStudy() {
	planEx := "plan cissp " + e.planExampleDate()
	e.Register(CommandInfo{Name: "quiz", Usage: "quiz [cism|cissp] [domain] [count 1-20]", Summary: "Practice questions with explanations", Params: []Param{
		examParam(false, "Which certification (default: your plan's)", "quiz cissp 7 5"),
		{Name: "domain", Kind: KindDomain, Desc: "Domain number or name, or one objective such as 7.6 (default: any)", Example: "quiz cissp iam 5", Complete: true},
		{Name: "count", Kind: KindCount, Desc: "How many questions (1-20)", Example: "quiz cissp 7 5", Min: 1, Max: 20},
		{Name: "action", Kind: KindChoice, Desc: "resume: continue your open quiz", Example: "quiz resume", Choices: []string{"resume"}}}},
		e.quiz, "practice", "drill")
	e.Register(CommandInfo{Name: "exam", Usage: "exam <cism|cissp> | exam pause | exam resume | exam stop", Summary: "Timed mock exam in the real format", Params: []Param{
		examParam(false, "Which certification (to start an exam)", "exam cism"),
		{Name: "action", Kind: KindChoice, Desc: "Pause, resume or stop your exam", Example: "exam pause", Choices: []string{"pause", "resume", "stop"}}}},
		e.exam)
	e.Register(CommandInfo{Name: "review", Usage: "review [cism|cissp]", Summary: "Spaced repetition: due cards first, then weak domains", Params: []Param{
		examParam(false, "Only this certification's cards (default: all due cards)", "review cism")}},
		e.review)
	e.Register(CommandInfo{Name: "progress", Usage: "progress [cism|cissp] [chart]", Summary: "Mastery per domain, streak and readiness, with a chart",
		SummaryOn: map[string]string{PlatformConsole: "Mastery per domain, streak and readiness (`progress chart` also writes a chart file)"}, Params: []Param{
			examParam(false, "Which certification (default: your plan's)", "progress cism"),
			{Name: "show", Kind: KindChoice, Desc: "chart: also write the chart to a PNG file (else the console shows text only)", Example: "progress cissp chart", Choices: []string{"chart"},
				Only: PlatformConsole}}}, // chats always carry the chart
		e.progress, "stats")
	// Nothing is required: `plan` alone shows the plan, `plan off` deletes it.
	e.Register(CommandInfo{Name: "plan", Usage: "plan <cism|cissp> <YYYY-MM-DD> | plan off", Summary: "A daily plan to your exam date, or delete it", Params: []Param{
		examParam(false, "Which certification", planEx),
		{Name: "date", Kind: KindDate, Desc: "Exam date, YYYY-MM-DD", Example: planEx, MaxLen: 10},
		{Name: "action", Kind: KindChoice, Desc: "off (or clear): delete your plan", Example: "plan off", Choices: []string{"off", "clear"}}}},
		e.planCmd)
	e.Register(CommandInfo{Name: "leaderboard", Usage: "leaderboard", Summary: "This week's top 10", Scoped: true,
		Elsewhere: map[string]string{"off": "settings leaderboard off", "on": "settings leaderboard on", "hide": "settings leaderboard off", "show": "settings leaderboard on"}},
		e.leaderboard, "top")
	e.Register(CommandInfo{Name: "settings", Usage: "settings retention 0.9 | leaderboard on|off | timezone <IANA zone>", Summary: "Your preferences", Params: []Param{
		{Name: "key", Kind: KindChoice, Desc: "Which setting", Example: "settings retention 0.9", Required: true, Choices: []string{"retention", "leaderboard", "timezone"}},
		{Name: "value", Kind: KindText, Desc: "New value: 0.9, on/off or an IANA zone", Example: "settings timezone Europe/Berlin", Required: true, MaxLen: 64, Complete: true}}},
		e.settings)
	e.Register(CommandInfo{Name: "export", Usage: "export", Summary: "Your data as JSON", Mine: true, Slow: true}, e.export)
	e.Register(CommandInfo{Name: "forget", Usage: "forget | forget yes", Summary: "Asks, then deletes your data", Mine: true, Params: []Param{
		{Name: "confirm", Kind: KindChoice, Desc: "yes: delete at once, without asking first", Example: "forget yes", Choices: []string{"yes", "confirm"}}}},
		e.forget)
	e.RegisterAction("quiz", e.quizAction)
	e.RegisterAction("forget", e.forgetAction)
	e.RegisterAction("exam", e.examAction)
	e.RegisterAction("review", e.reviewAction)
}

// planCmd is `plan`: `plan off` (or `plan clear`) deletes the plan, the
// rest sets or shows it.
func (e *Engine) planCmd(ctx context.Context, req Request, args Args) (Reply, error) {
	action := args.Named["action"]
	if action == "" {
		return e.plan(ctx, req, args)
	}
	if args.Named["cert"] != "" || args.Named["date"] != "" {
		return Reply{}, Errorf("`%s` deletes your plan and takes nothing else. To set one: `%s`.", e.Say(req, "plan "+action), e.Say(req, "plan <cism|cissp> <YYYY-MM-DD>"))
	}
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	had, err := e.store.DeletePlan(ctx, u.ID)
	if err != nil {
		return Reply{}, err
	}
	e.forgetPlan(u)
	if !had {
		return Reply{Kind: "plan", Private: true, Body: "You have no plan to delete. Set one with `" + e.Say(req, "plan <cism|cissp> <YYYY-MM-DD>") + "`."}, nil
	}
	return Reply{Kind: "plan", Private: true,
		Body: fmt.Sprintf("Plan deleted: `%s` no longer shows a daily pace. Your answers and cards are kept. Set a new plan any time with `%s`.",
			e.Say(req, "progress"), e.Say(req, "plan <cism|cissp> <YYYY-MM-DD>"))}, nil
}

// examDay is the day used to choose an outline: the user's planned exam date
// for cert, else today.
func (e *Engine) examDay(ctx context.Context, req Request, cert string) time.Time {
	if p, ok := e.userPlan(ctx, req); ok && p.Cert == cert {
		if d, err := time.Parse(time.DateOnly, p.ExamDate); err == nil {
			return d
		}
	}
	return e.today()
}

// userPlan reads the actor's plan without creating a user row, so reference
// commands stay read-only. Plans change rarely and only through `plan` and
// `forget`, which drop this process's cached copy; the short TTL bounds how
// long another replica's change takes to show.
func (e *Engine) userPlan(ctx context.Context, req Request) (storage.Plan, bool) {
	a := req.Actor
	if a.User == "" {
		return storage.Plan{}, false
	}
	key := storage.UserKey{Platform: a.Platform, Workspace: a.Workspace, User: a.User}
	if key.Workspace == "" {
		key.Workspace = "dm:" + a.User
	}
	now := e.clock.Now()
	if v, ok := e.plans.Load(key); ok {
		if c := v.(cachedPlan); now.Sub(c.at) < planCacheTTL && !now.Before(c.at) {
			return c.plan, c.ok
		}
	}
	var c cachedPlan
	if u, err := e.store.UserByKey(ctx, key); err == nil {
		p, err := e.store.Plan(ctx, u.ID)
		c = cachedPlan{plan: p, ok: err == nil}
	} else if !errors.Is(err, storage.ErrNotFound) {
		return storage.Plan{}, false // don't cache a failed read
	}
	c.at = now
	if e.planCount.Add(1)%planCacheSweep == 0 {
		e.sweepPlans(now)
	}
	e.plans.Store(key, c)
	return c.plan, c.ok
}

const (
	planCacheTTL   = 30 * time.Second
	planCacheSweep = 4096 // sweep expired entries every this many stores
)

type cachedPlan struct {
	plan storage.Plan
	ok   bool
	at   time.Time
}

func (e *Engine) sweepPlans(now time.Time) {
	e.plans.Range(func(k, v any) bool {
		if now.Sub(v.(cachedPlan).at) >= planCacheTTL {
			e.plans.Delete(k)
		}
		return true
	})
}

func (e *Engine) forgetPlan(u storage.User) { e.plans.Delete(u.Key) }

// looksLikeCert reports whether an argument is probably a misspelt exam
// name ("cisp", "cisms"), so it is refused rather than read as a domain.
func looksLikeCert(s string) bool {
	return strings.HasPrefix(s, "c") && (editDistance(s, "cism") <= 2 || editDistance(s, "cissp") <= 2)
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func newID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// defaultCert is the cert a user most likely means: their plan's, else the
// one they have answered more questions of (a CISM learner's bare
// `progress` and `review` are CISM), else the exam of an open session,
// else CISSP. A failed read only loses
// the guess, so it falls through.
func (e *Engine) defaultCert(ctx context.Context, u storage.User) string {
	if p, err := e.store.Plan(ctx, u.ID); err == nil {
		return p.Cert
	}
	stats, err := e.store.DomainStats(ctx, u.ID)
	if err != nil {
		e.log.Warn("default exam: domain stats", "err", err)
		return "cissp"
	}
	n := map[string]int{}
	for _, s := range stats {
		n[s.Cert] += s.Answered
	}
	if n["cism"] > n["cissp"] {
		return "cism"
	}
	if n["cissp"] == 0 {
		// Nothing answered yet: the exam of a quiz, review or mock exam
		// just started is the one being studied.
		for _, kind := range []string{quizKind, reviewKind, examKind} {
			if s, err := e.store.OpenSession(ctx, u.ID, kind); err == nil {
				return s.Cert
			}
		}
	}
	return "cissp"
}

const quizKind, examKind, reviewKind = "quiz", "exam", "review"

// quizSpec is what a new quiz asks for: cert, a domain (0: any) or one
// objective of it ("7.6", "4A2"), and how many questions.
type quizSpec struct {
	cert      string
	domain    int
	objective string
	count     int
}

func (e *Engine) quiz(ctx context.Context, req Request, args Args) (Reply, error) {
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	named := args.Named
	open, err := e.store.OpenSession(ctx, u.ID, quizKind)
	hasOpen := err == nil
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return Reply{}, err
	}
	if named["action"] == "resume" && !hasOpen {
		return Reply{}, Errorf("No quiz is open to resume: `%s` starts one, e.g. `%s`.", e.Say(req, "quiz"), e.Say(req, "quiz cissp 7 5"))
	}
	if hasOpen && (len(named) == 0 || named["action"] == "resume") {
		return e.showQuestion(ctx, open, "Resuming your quiz.")
	}
	cert, note := named["cert"], ""
	if cert == "" {
		cert = e.defaultCert(ctx, u)
	}
	other := map[string]string{"cism": "cissp", "cissp": "cism"}[cert]
	if named["cert"] == "" {
		// Say which exam was picked and how to pick the other.
		note = fmt.Sprintf("A %s quiz: `%s` for %s.", strings.ToUpper(cert), e.Say(req, "quiz "+other), strings.ToUpper(other))
	}
	outline := e.outlineFor(ctx, req, cert)
	spec := quizSpec{cert: cert, count: 5}
	if d := named["domain"]; d != "" && d != "0" {
		dom := e.findDomain(outline, d)
		if dom == nil {
			if named["cert"] == "" {
				// No exam was typed, only a domain the other exam has
				// ("security operations"): name the quiz on it.
				if o := e.outlineFor(ctx, req, other); o != nil && e.findDomain(o, d) != nil {
					return Reply{}, Errorf("%s has no domain %q; %s has: `%s`.", strings.ToUpper(cert), truncate(d, 30), strings.ToUpper(other), e.Say(req, "quiz "+other+" "+d))
				}
			}
			c, _ := e.lookup("quiz")
			return Reply{}, Errorf("%s has no domain %q. Usage: `%s`; see `%s`.", strings.ToUpper(cert), truncate(d, 30), usageFor(req, c.CommandInfo), e.Say(req, "domains "+cert))
		}
		spec.domain = dom.N
		if objectiveRe.MatchString(strings.ToLower(d)) {
			spec.objective = strings.ToUpper(d) // as the questions spell it: 7.6, 4A2
		}
	}
	if c := named["count"]; c != "" {
		spec.count, _ = strconv.Atoi(c) // a whole number: checked by the engine's parse
		if spec.count > 20 && named["domain"] == "" {
			// A lone number is a domain when the exam has it, else the count.
			return Reply{}, Errorf("%s is neither a %s domain (1-%d) nor a number of questions (1-20): `%s` is 5 questions on domain 2.", c, strings.ToUpper(cert), len(outline.Domains), e.Say(req, "quiz "+cert+" 2 5"))
		}
	}
	if spec.count < 1 || spec.count > 20 {
		return Reply{}, Errorf("A quiz has 1 to 20 questions (you asked for %d). For a full-length test try `%s`.", spec.count, e.Say(req, "exam "+cert))
	}
	if hasOpen {
		// The new quiz ends the open one (CreateSession stops it): say
		// how it stood, so its score is not lost from sight.
		ended, err := e.stoppedNote(ctx, open)
		if err != nil {
			return Reply{}, err
		}
		note = strings.TrimSpace(ended + " " + note)
	}
	clock, err := e.examClockNote(ctx, req, u)
	if err != nil {
		return Reply{}, err
	}
	return e.startQuiz(ctx, req, u, outline, spec, strings.TrimSpace(note+" "+clock))
}

// stoppedNote is one line on the open quiz s that a new one replaces.
func (e *Engine) stoppedNote(ctx context.Context, s storage.Session) (string, error) {
	answers, err := e.store.SessionAnswers(ctx, s.ID)
	if err != nil {
		return "", err
	}
	right := 0
	for _, a := range answers {
		if a.Correct {
			right++
		}
	}
	score := "no answers yet"
	if len(answers) > 0 {
		score = fmt.Sprintf("%d of %d right; its answers count", right, len(answers))
	}
	return fmt.Sprintf("Your open %s quiz is stopped at question %d of %d (%s).", strings.ToUpper(s.Cert), s.Position+1, len(s.Questions), score), nil
}

func (e *Engine) startQuiz(ctx context.Context, req Request, u storage.User, outline *knowledge.Outline, spec quizSpec, note string) (Reply, error) {
	cert := spec.cert
	var ids []string
	var err error
	if spec.objective != "" {
		ids, err = e.study.PickObjective(ctx, u, cert, spec.domain, spec.objective, spec.count)
	} else {
		ids, err = e.study.Pick(ctx, u, cert, outline, spec.domain, spec.count)
	}
	if err != nil {
		return Reply{}, err
	}
	if len(ids) == 0 && spec.objective != "" {
		return Reply{}, Errorf("No %s questions on objective %s yet: `%s` drills the whole domain; `%s` lists its objectives.", strings.ToUpper(cert), spec.objective,
			e.Say(req, fmt.Sprintf("quiz %s %d", cert, spec.domain)), e.Say(req, fmt.Sprintf("domain %s %d", cert, spec.domain)))
	}
	if len(ids) == 0 {
		return Reply{}, Errorf("No questions available for that choice yet.")
	}
	if spec.objective != "" {
		what := "Questions on objective " + spec.objective + " only."
		if len(ids) < spec.count {
			what = fmt.Sprintf("The bank has %s on objective %s: all of them.", Plural(len(ids), "question"), spec.objective)
		}
		note = strings.TrimSpace(note + " " + what)
	}
	s := storage.Session{ID: newID(), UserID: u.ID, Kind: quizKind, Cert: cert, Outline: outline.ID, Domain: spec.domain, Objective: spec.objective, Questions: ids, StartedAt: e.clock.Now()}
	if err := e.store.CreateSession(ctx, s); err != nil {
		return Reply{}, err
	}
	s.State = storage.SessionActive
	if outline.Provisional() && cert == "cism" {
		note = strings.TrimSpace(note + " " + fmt.Sprintf("Questions follow the 2022 CISM subtopics (the last confirmed list); the %s outline keeps the same four domains.", outline.Version))
	}
	return e.showQuestion(ctx, s, note)
}

// showQuestion renders the session's current question with answer buttons
// and records it as shown, the question a typed letter may answer.
func (e *Engine) showQuestion(ctx context.Context, s storage.Session, note string) (Reply, error) {
	if s.Position >= len(s.Questions) {
		return Reply{}, Errorf("That session is finished.")
	}
	q, ok := e.kb.Question(s.Questions[s.Position])
	if !ok {
		return Reply{}, fmt.Errorf("session %s: question %s not in the knowledge base", s.ID, s.Questions[s.Position])
	}
	if s.Shown != s.Position {
		// Not recorded, a typed letter only shows this question again.
		if err := e.store.SetSessionShown(ctx, s.ID, s.Position); err != nil {
			e.log.Warn("record the question shown", "session", s.ID, "position", s.Position, "err", err)
		}
	}
	title := fmt.Sprintf("%s D%d · Question %d of %d", strings.ToUpper(q.Cert), q.Domain, s.Position+1, len(s.Questions))
	if s.Kind == examKind {
		left := s.TimeLimit - s.Used(e.clock.Now())
		if left > time.Hour {
			left = left.Round(time.Minute) // "4h 00m" at the start, not "3h 59m"
		}
		title = fmt.Sprintf("%s mock exam · %d of %s · %s left", strings.ToUpper(s.Cert), s.Position+1, examLength(s), fmtDuration(left))
	}
	var sb strings.Builder
	if note != "" {
		sb.WriteString("_" + note + "_\n\n")
	}
	sb.WriteString(strings.TrimSpace(q.Stem) + "\n")
	var buttons []Button
	for i, o := range q.Options {
		l := string(rune('A' + i))
		fmt.Fprintf(&sb, "\n**%s)** %s", l, o)
		buttons = append(buttons, Button{ID: fmt.Sprintf("quiz:answer:%s:%d:%d", s.ID, s.Position, i), Label: l})
	}
	if s.Kind == examKind {
		buttons = append(buttons, Button{ID: "quiz:pause:" + s.ID, Label: "Pause"})
	} else {
		buttons = append(buttons, Button{ID: "quiz:stop:" + s.ID, Label: "Stop", Style: StyleDanger})
	}
	return Reply{Kind: s.Kind, Title: title, Body: sb.String(), Buttons: buttons, Private: true, Replace: true,
		Footer: fmt.Sprintf("Objective %s · difficulty %d/3", q.Objective, q.Difficulty)}, nil
}

func examLength(s storage.Session) string {
	if s.Cert == "cissp" {
		return "100-150"
	}
	return strconv.Itoa(len(s.Questions))
}

func fmtDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	if h > 0 {
		return fmt.Sprintf("%dh %02dm", h, m)
	}
	return fmt.Sprintf("%dm %02ds", m, int(d.Seconds())%60)
}

// quizAction routes quiz:<verb>:<session>[:<pos>[:<arg>]].
func (e *Engine) quizAction(ctx context.Context, req Request, parts []string) (Reply, error) {
	if len(parts) < 2 {
		return Reply{}, Errorf("That button is not valid any more.")
	}
	verb, sid := parts[0], parts[1]
	// The session first: a button left on screen after `forget` refers to
	// none, and clicking it must not store the user again.
	s, err := e.store.Session(ctx, sid)
	if errors.Is(err, storage.ErrNotFound) {
		return Reply{}, Errorf("That quiz no longer exists.")
	}
	if err != nil {
		return Reply{}, err
	}
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	if s.UserID != u.ID {
		return Reply{}, Errorf("That quiz belongs to someone else: start your own with `%s`.", e.Say(req, "quiz"))
	}
	num := func(i int) (int, error) {
		if len(parts) <= i {
			return 0, Errorf("That button is not valid any more.")
		}
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 {
			return 0, Errorf("That button is not valid any more.")
		}
		return n, nil
	}
	switch verb {
	case "answer":
		pos, err := num(2)
		if err != nil {
			return Reply{}, err
		}
		choice, err := num(3)
		if err != nil || choice > 3 {
			return Reply{}, Errorf("That button is not valid any more.")
		}
		return e.answer(ctx, req, u, s, pos, choice)
	case "next":
		pos, err := num(2)
		if err != nil {
			return Reply{}, err
		}
		switch {
		case s.State == storage.SessionPaused:
			return Reply{}, Errorf("This exam is paused: `%s` to continue.", e.Say(req, "exam resume"))
		case s.State != storage.SessionActive: // stopped, or ended by a new one
			return Reply{}, Errorf("That session has already ended.")
		case pos != s.Position:
			return Reply{}, Errorf("You have already moved past that question.")
		}
		return e.showQuestion(ctx, s, "")
	case "rate":
		pos, err := num(2)
		if err != nil || len(parts) < 4 {
			return Reply{}, Errorf("That button is not valid any more.")
		}
		rating := map[string]int{"hard": study.RatingHard, "good": study.RatingGood, "easy": study.RatingEasy}[parts[3]]
		if rating == 0 {
			return Reply{}, Errorf("That button is not valid any more.")
		}
		due, err := e.study.Rerate(ctx, u, attemptKey(s.ID, pos), rating)
		e.charts.forget(u.ID)
		if errors.Is(err, storage.ErrStale) || errors.Is(err, storage.ErrNotFound) {
			return Reply{}, Errorf("That rating can no longer be changed.")
		}
		if err != nil {
			return Reply{}, err
		}
		return Reply{Kind: "quiz", Private: true, Body: fmt.Sprintf("Rated %s: this card comes back %s.", parts[3], e.when(u, due))}, nil
	case "stop":
		if s.State == storage.SessionDone || s.State == storage.SessionStopped {
			return Reply{}, Errorf("That session has already ended.")
		}
		if err := e.store.FinishSession(ctx, s.ID, storage.SessionStopped, e.clock.Now()); err != nil {
			return Reply{}, err
		}
		s, err = e.store.Session(ctx, s.ID)
		if err != nil {
			return Reply{}, err
		}
		return e.summary(ctx, req, u, s, "Stopped.")
	case "pause":
		ok, err := e.store.SetSessionState(ctx, s.ID, storage.SessionActive, storage.SessionPaused, e.clock.Now())
		if err != nil {
			return Reply{}, err
		}
		if !ok {
			return Reply{}, Errorf("That exam is not running.")
		}
		return Reply{Kind: "exam", Private: true, Replace: true, Title: "Exam paused",
			Body: "The clock is stopped. Resume any time with `" + e.Say(req, "exam resume") + "`.", Buttons: []Button{{ID: "quiz:resume:" + s.ID, Label: "Resume", Style: StylePrimary}}}, nil
	case "resume":
		return e.resumeExam(ctx, s)
	case "again":
		return e.quizAgain(ctx, req, u, s)
	case "keep":
		// The Cancel of a resume-or-start-over prompt.
		if s.State != storage.SessionActive && s.State != storage.SessionPaused {
			return Reply{}, Errorf("That session has already ended.")
		}
		return Reply{Kind: s.Kind, Private: true, Replace: true, Body: "Nothing changed. " + e.whereAt(req, s)}, nil
	}
	return Reply{}, Errorf("That button is not valid any more.")
}

// quizAgain is the Another quiz button of a finished quiz s: a new quiz of
// its exam and scope (objective, domain or any) with as many questions, as
// `quiz` would start it (an
// open quiz ends, with its score said). A quiz started since s ended is
// shown instead (a second click, a screen left up), so a click starts one
// quiz at most. The results stay on screen: the quiz is a new message.
func (e *Engine) quizAgain(ctx context.Context, req Request, u storage.User, s storage.Session) (Reply, error) {
	if s.Kind != quizKind || s.FinishedAt.IsZero() {
		return Reply{}, Errorf("That button is not valid any more.")
	}
	open, err := e.store.OpenSession(ctx, u.ID, quizKind)
	switch {
	case err == nil && !open.StartedAt.Before(s.FinishedAt):
		r, err := e.showQuestion(ctx, open, "A quiz started after that one is open: here is where it is.")
		r.Replace = false
		return r, err
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return Reply{}, err
	}
	r, err := e.quiz(ctx, req, Args{Named: map[string]string{"cert": s.Cert, "domain": againScope(s), "count": strconv.Itoa(len(s.Questions))}})
	r.Replace = false
	return r, err
}

// againScope is the quiz's domain argument that repeats s's scope: its
// objective, else its domain (0: any). A session stored before objectives
// were kept has none, and repeats its domain.
func againScope(s storage.Session) string {
	if s.Objective != "" {
		return s.Objective
	}
	return strconv.Itoa(s.Domain)
}

// againCommand is the typed command that starts a quiz like s: its exam,
// its scope (0: any, when a count follows) and its number of questions.
func againCommand(s storage.Session) string {
	n := len(s.Questions)
	if s.Domain == 0 && s.Objective == "" && n == 5 {
		return "quiz " + s.Cert
	}
	return fmt.Sprintf("quiz %s %s %d", s.Cert, againScope(s), n)
}

func attemptKey(sessionID string, pos int) string { return fmt.Sprintf("s:%s:%d", sessionID, pos) }

func (e *Engine) when(u storage.User, t time.Time) string {
	d := t.Sub(e.clock.Now())
	switch {
	case d < time.Hour:
		return "in " + Plural(max(1, int(math.Round(d.Minutes()))), "minute")
	case d < 36*time.Hour:
		return "in " + Plural(int(math.Round(d.Hours())), "hour")
	}
	return fmt.Sprintf("in %s (%s)", Plural(int(math.Round(d.Hours()/24)), "day"), t.In(study.Location(u)).Format("Mon 2 Jan"))
}

func (e *Engine) answer(ctx context.Context, req Request, u storage.User, s storage.Session, pos, choice int) (Reply, error) {
	if s.State == storage.SessionPaused {
		return Reply{}, Errorf("This exam is paused: `%s` to continue.", e.Say(req, "exam resume"))
	}
	if s.State != storage.SessionActive {
		if _, err := e.store.AnswerByKey(ctx, u.ID, attemptKey(s.ID, pos)); err == nil {
			return Reply{}, Errorf("You already answered that question; your first answer counts.")
		}
		return Reply{}, Errorf("That session has already ended.")
	}
	if pos >= len(s.Questions) {
		return Reply{}, Errorf("That button is not valid any more.")
	}
	now := e.clock.Now()
	if s.Kind == examKind && s.Used(now) > s.TimeLimit {
		if err := e.store.FinishSession(ctx, s.ID, storage.SessionDone, now); err != nil {
			return Reply{}, err
		}
		s, _ = e.store.Session(ctx, s.ID)
		return e.summary(ctx, req, u, s, "Time is up: answers after the limit do not count.")
	}
	q, ok := e.kb.Question(s.Questions[pos])
	if !ok {
		return Reply{}, fmt.Errorf("session %s: unknown question %s", s.ID, s.Questions[pos])
	}
	res, err := e.study.Record(ctx, u, s.ID, pos, attemptKey(s.ID, pos), q, choice)
	e.charts.forget(u.ID)
	switch {
	case errors.Is(err, storage.ErrDuplicate):
		return Reply{}, Errorf("You already answered that question; your first answer counts.")
	case errors.Is(err, storage.ErrStale):
		return Reply{}, Errorf("That question is no longer current in this session.")
	case err != nil:
		return Reply{}, err
	}
	s.Position = pos + 1
	last := s.Position >= len(s.Questions)
	if s.Kind == examKind {
		stop, why := false, ""
		if !last && s.Cert == "cissp" {
			stop, why = e.catStop(ctx, s)
		}
		if last || stop {
			if err := e.store.FinishSession(ctx, s.ID, storage.SessionDone, e.clock.Now()); err != nil {
				return Reply{}, err
			}
			s, _ = e.store.Session(ctx, s.ID)
			return e.summary(ctx, req, u, s, why)
		}
		return e.showQuestion(ctx, s, "")
	}
	correct := q.Options[q.AnswerIndex()]
	title := "Correct"
	if !res.Correct {
		title = "Not quite"
	}
	title = fmt.Sprintf("%s · %s D%d · %d of %d", title, strings.ToUpper(q.Cert), q.Domain, pos+1, len(s.Questions))
	body := fmt.Sprintf("%s\n\nYou chose **%c)** %s\nThe answer is **%s)** %s\n\n%s\n\n_This card comes back %s._",
		strings.TrimSpace(q.Stem), 'A'+rune(choice), q.Options[choice], q.Answer, correct, strings.TrimSpace(q.Explanation), e.when(u, res.Due))
	var buttons []Button
	if res.Correct {
		buttons = append(buttons,
			Button{ID: fmt.Sprintf("quiz:rate:%s:%d:hard", s.ID, pos), Label: "Hard"},
			Button{ID: fmt.Sprintf("quiz:rate:%s:%d:easy", s.ID, pos), Label: "Easy"})
	}
	if last {
		if err := e.store.FinishSession(ctx, s.ID, storage.SessionDone, e.clock.Now()); err != nil {
			return Reply{}, err
		}
		s, err = e.store.Session(ctx, s.ID)
		if err != nil {
			return Reply{}, err
		}
		sum, err := e.summary(ctx, req, u, s, "")
		if err != nil {
			return Reply{}, err
		}
		sum.Title = title + " · finished"
		sum.Body = body + "\n\n" + sum.Body
		sum.Buttons = append(buttons, sum.Buttons...)
		return sum, nil
	}
	buttons = append(buttons,
		Button{ID: fmt.Sprintf("quiz:next:%s:%d", s.ID, s.Position), Label: "Next", Style: StylePrimary},
		Button{ID: "quiz:stop:" + s.ID, Label: "Stop", Style: StyleDanger})
	footer := "Rated Good by default; Hard or Easy changes when it comes back."
	if !res.Correct {
		footer = "A miss is rated Again (FSRS): the card comes back sooner than a right answer would."
	}
	return Reply{Kind: s.Kind, Title: title, Body: body, Buttons: buttons, Private: true, Replace: true, Footer: footer}, nil
}

// summary renders the end of a session: score, per-domain breakdown, time.
func (e *Engine) summary(ctx context.Context, req Request, u storage.User, s storage.Session, note string) (Reply, error) {
	answers, err := e.store.SessionAnswers(ctx, s.ID)
	if err != nil {
		return Reply{}, err
	}
	type key struct {
		cert   string
		domain int
	}
	type tally struct{ n, ok int }
	per := map[key]*tally{}
	var order []key
	right := 0
	for _, a := range answers {
		k := key{strings.ToUpper(a.Cert), a.Domain}
		if per[k] == nil {
			per[k] = &tally{}
			order = append(order, k)
		}
		per[k].n++
		if a.Correct {
			per[k].ok++
			right++
		}
	}
	var sb strings.Builder
	if note != "" {
		sb.WriteString(note + "\n\n")
	}
	n := len(answers)
	pct := 0.0
	if n > 0 {
		pct = float64(right) / float64(n)
	}
	// A mock exam's percentages read as estimates of the candidate, so
	// they need the evidence any estimate needs (study.MinAnswers); a
	// quiz's score is only that quiz's.
	exam := s.Kind == examKind
	switch {
	case n == 0:
		sb.WriteString("No answers recorded, so no score.\n")
	case exam && n < study.MinAnswers:
		fmt.Fprintf(&sb, "**Score: %d of %d** in %s\n", right, n, fmtDuration(s.Used(e.clock.Now())))
	default:
		fmt.Fprintf(&sb, "**Score: %d of %d (%.0f%%)** in %s\n", right, n, pct*100, fmtDuration(s.Used(e.clock.Now())))
	}
	// By exam, then domain number: answers come in the order asked.
	slices.SortFunc(order, func(a, b key) int { return cmp.Or(cmp.Compare(a.cert, b.cert), cmp.Compare(a.domain, b.domain)) })
	thin := false
	for _, k := range order {
		t := per[k]
		if exam && t.n < study.MinAnswers {
			fmt.Fprintf(&sb, "- %s D%d: %d/%d\n", k.cert, k.domain, t.ok, t.n)
			thin = true
			continue
		}
		fmt.Fprintf(&sb, "- %s D%d: %d/%d %s\n", k.cert, k.domain, t.ok, t.n, bar(float64(t.ok)/float64(t.n), 10))
	}
	if thin {
		fmt.Fprintf(&sb, "_A domain's percentage shows once it has %d answers in one exam._\n", study.MinAnswers)
	}
	if exam && n > 0 {
		sb.WriteString("\n" + examVerdict(s, right, n, e.passMark(s.Cert)))
	}
	title := "Session results"
	switch s.Kind {
	case quizKind:
		title = "Quiz results"
	case examKind:
		title = strings.ToUpper(s.Cert) + " mock exam results"
	case reviewKind:
		title = "Review results"
	}
	next := fmt.Sprintf("`%s` for due cards, `%s` for your standing.", e.Say(req, "review"), e.Say(req, "progress"))
	r := Reply{Kind: s.Kind, Title: title, Body: strings.TrimRight(sb.String(), "\n"), Private: true, Replace: true}
	if s.Kind == quizKind {
		// Another of the same: a button in a chat; the console has only
		// keys, so it is told the command.
		if u.Key.Platform == PlatformConsole {
			next = "`" + againCommand(s) + "` for another quiz like this one, " + next
		} else {
			r.Buttons = []Button{{ID: "quiz:again:" + s.ID, Label: "Another quiz", Style: StylePrimary}}
		}
	}
	r.Footer = "Next: " + next
	return r, nil
}

func bar(frac float64, width int) string {
	frac = math.Max(0, math.Min(1, frac))
	full := int(math.Round(frac * float64(width)))
	return strings.Repeat("█", full) + strings.Repeat("░", width-full) + fmt.Sprintf(" %.0f%%", frac*100)
}
