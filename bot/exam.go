package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// Mock exam formats, as the knowledge base states them (certs.yaml: exam.items, exam.duration).
const (
	cismItems  = 150
	cismLimit  = 4 * time.Hour
	cisspMax   = 150
	cisspMin   = 100
	cisspLimit = 3 * time.Hour
	// cisspStopLine is where this mock's early stop divides accuracies. It
	// gives the exam the CAT's variable length; it is not ISC2's pass mark,
	// which is a scaled score no source maps to a share of correct answers.
	cisspStopLine = 0.70
)

// examUsage is how to start a mock exam and what to do while one is open,
// in the forms the asker can run (Say).
func (e *Engine) examUsage(req Request) string {
	return fmt.Sprintf("`%s` (150 items, 4 hours) or `%s` (100-150 adaptive items, 3 hours); `%s`, `%s` and `%s` while one is open.",
		e.Say(req, "exam cism"), e.Say(req, "exam cissp"), e.Say(req, "exam pause"), e.Say(req, "exam resume"), e.Say(req, "exam stop"))
}

func (e *Engine) exam(ctx context.Context, req Request, args Args) (Reply, error) {
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return Reply{}, err
	}
	verb, certWord := args.Named["action"], args.Named["cert"]
	if verb != "" {
		return e.examVerb(ctx, req, u, verb, certWord)
	}
	if certWord == "" {
		// With one open, say where it is, as a bare quiz resumes its own.
		if open, err := e.store.OpenSession(ctx, u.ID, examKind); err == nil {
			return Reply{}, Errorf("%s", e.whereAt(req, open))
		} else if !errors.Is(err, storage.ErrNotFound) {
			return Reply{}, err
		}
		return Reply{}, Errorf("Which exam? %s", e.examUsage(req))
	}
	c, err := e.cert(req, certWord, "exam cism")
	if err != nil {
		return Reply{}, err
	}
	if open, err := e.store.OpenSession(ctx, u.ID, examKind); err == nil {
		return e.offerOpenExam(open, c), nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return Reply{}, err
	}
	return e.startExam(ctx, req, u, c)
}

// examVerb pauses, resumes or stops the open exam; a certification named
// with the verb must be the open exam's.
func (e *Engine) examVerb(ctx context.Context, req Request, u storage.User, verb, certWord string) (Reply, error) {
	s, err := e.store.OpenSession(ctx, u.ID, examKind)
	if errors.Is(err, storage.ErrNotFound) {
		if verb == "resume" {
			return Reply{}, Errorf("No paused exam to resume: start one with `%s` or `%s`.", e.Say(req, "exam cism"), e.Say(req, "exam cissp"))
		}
		return Reply{}, Errorf("No exam is running: start one with `%s` or `%s`.", e.Say(req, "exam cism"), e.Say(req, "exam cissp"))
	}
	if err != nil {
		return Reply{}, err
	}
	if certWord != "" && certWord != s.Cert {
		return Reply{}, Errorf("Your open exam is the %s one: `%s`.", strings.ToUpper(s.Cert), e.Say(req, "exam "+verb))
	}
	switch verb {
	case "pause":
		if s.State == storage.SessionPaused {
			return Reply{}, Errorf("Your exam is already paused: `%s` to continue.", e.Say(req, "exam resume"))
		}
		return e.quizAction(ctx, req, []string{"pause", s.ID})
	case "resume":
		return e.resumeExam(ctx, s)
	}
	return e.quizAction(ctx, req, []string{"stop", s.ID})
}

// offerOpenExam answers `exam <cert>` while an exam is open: starting over
// would end it, so the user chooses. Start over starts the exam asked for,
// which may be the other one.
func (e *Engine) offerOpenExam(s storage.Session, asked *knowledge.Cert) Reply {
	state := "running"
	if s.State == storage.SessionPaused {
		state = "paused"
	}
	start := "start over"
	if asked.ID != s.Cert {
		start = "start over with a " + strings.ToUpper(asked.ID) + " one"
	}
	left := fmtDuration(s.TimeLimit - s.Used(e.clock.Now()))
	return Reply{Kind: "exam", Private: true, Title: "You have a mock exam open",
		Body: fmt.Sprintf("Your %s mock exam is %s at question %d of %s, with %s left. Resume it, %s (the open one then ends as stopped; its answers stay in your progress), or cancel to leave it as it is.",
			strings.ToUpper(s.Cert), state, s.Position+1, examLength(s), left, start),
		Buttons: []Button{
			{ID: "quiz:resume:" + s.ID, Label: "Resume", Style: StylePrimary},
			{ID: "exam:restart:" + asked.ID + ":" + s.ID, Label: "Start over", Style: StyleDanger},
			{ID: "quiz:keep:" + s.ID, Label: "Cancel"},
		}}
}

// examAction routes exam:restart:<cert>:<open session>, the "start over"
// of offerOpenExam.
func (e *Engine) examAction(ctx context.Context, req Request, parts []string) (Reply, error) {
	if len(parts) != 3 || parts[0] != "restart" {
		return Reply{}, Errorf("That button is not valid any more.")
	}
	c, ok := e.kb.Cert(parts[1])
	if !ok {
		return Reply{}, Errorf("That button is not valid any more.")
	}
	u, err := e.endOpen(ctx, req, parts[2], examKind)
	if err != nil {
		return Reply{}, err
	}
	return e.startExam(ctx, req, u, c)
}

// endOpen stops the user's open session sid of kind before a fresh start
// and returns the user; a session that has already ended refuses the
// button (a second click). The session is read before the user, so a
// button left on screen after `forget` does not store them again.
func (e *Engine) endOpen(ctx context.Context, req Request, sid, kind string) (storage.User, error) {
	s, err := e.store.Session(ctx, sid)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.User{}, Errorf("That button is not valid any more.")
	}
	if err != nil {
		return storage.User{}, err
	}
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return u, err
	}
	if s.UserID != u.ID || s.Kind != kind {
		return u, Errorf("That button belongs to someone else.")
	}
	if s.State != storage.SessionActive && s.State != storage.SessionPaused {
		return u, Errorf("That %s has already ended: `%s` starts a new one.", kind, e.Say(req, kind))
	}
	return u, e.store.FinishSession(ctx, s.ID, storage.SessionStopped, e.clock.Now())
}

func (e *Engine) startExam(ctx context.Context, req Request, u storage.User, c *knowledge.Cert) (Reply, error) {
	outline := e.outlineFor(ctx, req, c.ID)
	n, limit := cismItems, cismLimit
	if c.ID == "cissp" {
		n, limit = cisspMax, cisspLimit
	}
	ids, err := e.study.Pick(ctx, u, c.ID, outline, 0, n)
	if err != nil {
		return Reply{}, err
	}
	if len(ids) < n {
		return Reply{}, Errorf("The question bank has only %d %s questions; a mock exam needs %d.", len(ids), c.Name, n)
	}
	s := storage.Session{ID: newID(), UserID: u.ID, Kind: examKind, Cert: c.ID, Outline: outline.ID, Questions: ids, StartedAt: e.clock.Now(), TimeLimit: limit}
	if err := e.store.CreateSession(ctx, s); err != nil {
		return Reply{}, err
	}
	s.State, s.ResumedAt = storage.SessionActive, s.StartedAt
	note := fmt.Sprintf("CISM format: %d questions, 4 hours, linear; no feedback until the end. Pause any time.", n)
	if c.ID == "cissp" {
		note = "CISSP format: 100-150 questions, 3 hours, forward only. From question 100 it may stop early, as the real adaptive exam does (this mock's own rule, not ISC2's). Pause any time."
	}
	return e.showQuestion(ctx, s, note)
}

func (e *Engine) resumeExam(ctx context.Context, s storage.Session) (Reply, error) {
	wasPaused := s.State == storage.SessionPaused
	if wasPaused {
		if _, err := e.store.SetSessionState(ctx, s.ID, storage.SessionPaused, storage.SessionActive, e.clock.Now()); err != nil {
			return Reply{}, err
		}
		var err error
		if s, err = e.store.Session(ctx, s.ID); err != nil {
			return Reply{}, err
		}
	}
	if s.State != storage.SessionActive {
		return Reply{}, Errorf("That exam has ended.")
	}
	if !wasPaused {
		return e.showQuestion(ctx, s, "Your exam is already running; here is where you are.")
	}
	return e.showQuestion(ctx, s, "Resumed: the clock is running again.")
}

// catStop imitates the CISSP CAT's variable length: from item 100 on, stop
// when the 95% range of the accuracy so far lies wholly above or below
// cisspStopLine. The real engine stops on an ability estimate from item
// difficulty, so the reason given names this mock's rule and claims no pass
// or fail.
func (e *Engine) catStop(ctx context.Context, s storage.Session) (bool, string) {
	if s.Position < cisspMin {
		return false, ""
	}
	answers, err := e.store.SessionAnswers(ctx, s.ID)
	if err != nil {
		return false, ""
	}
	a := study.Accuracy{N: len(answers)}
	for _, x := range answers {
		if x.Correct {
			a.Right++
		}
	}
	side := ""
	switch lo, hi := a.Range(); {
	case lo > cisspStopLine:
		side = "above"
	case hi < cisspStopLine:
		side = "below"
	default:
		return false, ""
	}
	return true, fmt.Sprintf("Stopped after %d items, as the real CAT can stop from item 100: your accuracy is clearly %s %.0f%%, the line this mock stops at. That line is this mock's, not a pass mark.", a.N, side, cisspStopLine*100)
}

// passMark is the knowledge base's statement of cert's pass mark ("" when
// it has none).
func (e *Engine) passMark(cert string) string {
	if c, ok := e.kb.Cert(cert); ok {
		if f, ok := c.Fact("exam.passing"); ok {
			return strings.TrimSpace(f.Text)
		}
	}
	return ""
}

// examVerdict is what a mock exam's answers can honestly say. The exams
// report scaled scores and no source gives a conversion from a share of
// correct answers, so it gives the accuracy with its range, never a scaled
// score or a pass or fail; passing is the knowledge base's own statement of
// the pass mark, quoted so the two never disagree.
func examVerdict(s storage.Session, right, n int, passing string) string {
	a := study.Accuracy{Right: right, N: n}
	var sb strings.Builder
	if s.Cert == "cissp" && n < cisspMin {
		// A rule of the real exam, not an estimate (exam.scoring).
		fmt.Fprintf(&sb, "On the real CAT, ending before item %d is a fail whatever the score. ", cisspMin)
	}
	if a.Enough() {
		lo, hi := a.Range()
		fmt.Fprintf(&sb, "**Accuracy: %.0f%%**, from %s: your rate on questions like these is probably between %.0f%% and %.0f%%.",
			a.Share()*100, Plural(n, "answer"), lo*100, hi*100)
	} else {
		fmt.Fprintf(&sb, "**No estimate yet:** %s would give one (an accuracy figure needs %d answers in one mock exam).",
			Plural(a.Need(), "more answer"), study.MinAnswers)
	}
	if passing == "" {
		passing = "The pass mark is a scaled score, not a percentage of correct answers."
	}
	sb.WriteString("\n_A share of correct answers gives no pass or fail. " + passing + " Practice questions are not the real item pool either._")
	return sb.String()
}
