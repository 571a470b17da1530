package bot

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// Mock exam formats, as the knowledge base states them (certs.yaml: exam.items, exam.duration).
const (
	cismItems    = 150
	cismLimit    = 4 * time.Hour
	cisspMax     = 150
	cisspMin     = 100
	cisspLimit   = 3 * time.Hour
	cisspPassPct = 0.70 // our stand-in for the CAT passing standard; see catStop
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
		note = "CISSP format: 100-150 questions, 3 hours, forward only. From question 100 it stops once your result is clear (an estimate of the real adaptive engine). Pause any time."
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

// catStop estimates the CISSP CAT's 95%-confidence stopping rule: from item
// 100 on, stop when a 95% Wilson interval of the accuracy so far lies wholly
// above or below the passing standard. The real engine works on item
// difficulty; this is a labelled approximation.
func (e *Engine) catStop(ctx context.Context, s storage.Session) (bool, string) {
	if s.Position < cisspMin {
		return false, ""
	}
	answers, err := e.store.SessionAnswers(ctx, s.ID)
	if err != nil {
		return false, ""
	}
	right := 0
	for _, a := range answers {
		if a.Correct {
			right++
		}
	}
	lo, hi := wilson(right, len(answers))
	switch {
	case lo > cisspPassPct:
		return true, fmt.Sprintf("Stopped after %d items: the estimate is confidently above the passing standard.", len(answers))
	case hi < cisspPassPct:
		return true, fmt.Sprintf("Stopped after %d items: the estimate is confidently below the passing standard.", len(answers))
	}
	return false, ""
}

func wilson(k, n int) (float64, float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.96
	p := float64(k) / float64(n)
	nn := float64(n)
	den := 1 + z*z/nn
	centre := (p + z*z/(2*nn)) / den
	half := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / den
	return centre - half, centre + half
}

// examVerdict scales a raw score to the exam's reporting scale. ISACA and
// ISC2 do not publish their raw-to-scaled conversion, so this is a clearly
// labelled estimate: the passing mark is pinned at a raw 65% (CISM) or 70%
// (CISSP) and the scale is linear on either side.
func examVerdict(s storage.Session, right, n int) string {
	if n == 0 {
		return "No answers recorded, so no estimate."
	}
	p := float64(right) / float64(n)
	var sb strings.Builder
	if s.Cert == "cism" {
		scaled := piecewise(p, 0.65, 200, 450, 800)
		if n < cismItems {
			// A pass or fail on a few items would be a guess: give the
			// accuracy's score and what a verdict needs.
			fmt.Fprintf(&sb, "Your accuracy on the %s answered would score about %d on the 200-800 scale (450 passes); a verdict needs all %d.", Plural(n, "item"), scaled, cismItems)
		} else {
			fmt.Fprintf(&sb, "**Estimated scaled score: %d on the 200-800 scale (450 passes): %s.**", scaled, passFail(scaled >= 450))
		}
	} else {
		scaled := piecewise(p, cisspPassPct, 0, 700, 1000)
		if n < cisspMin {
			// The verdict is the CAT's rule, not the accuracy: say both
			// apart so a high score does not sit beside "fail".
			fmt.Fprintf(&sb, "**Result: %s**: fewer than %d items answered, and on the real CAT running out of time before item %d is a fail. ", passFail(false), cisspMin, cisspMin)
			fmt.Fprintf(&sb, "Your accuracy so far would score about %d of 1000 on a completed exam (700 passes).", scaled)
		} else {
			fmt.Fprintf(&sb, "**Estimated score: %d of 1000 (700 passes): %s.**", scaled, passFail(scaled >= 700))
		}
	}
	sb.WriteString("\n_Estimate only: the official raw-to-scaled conversion is not published; practice questions are not the real item pool._")
	return sb.String()
}

func passFail(ok bool) string {
	if ok {
		return "likely pass"
	}
	return "likely fail"
}

func piecewise(p, passRaw float64, lo, pass, hi int) int {
	if p <= passRaw {
		return lo + int(math.Round(p/passRaw*float64(pass-lo)))
	}
	return pass + int(math.Round((p-passRaw)/(1-passRaw)*float64(hi-pass)))
}
