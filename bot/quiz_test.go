package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// TestQuizObjectiveAndWording: a quiz on an objective (7.6, 4A2) draws only
// that objective's questions; a number that fits neither a domain nor a
// count, and `quiz resume` with nothing open, say so plainly.
func TestQuizObjectiveAndWording(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text      string
		out       string
		want      string // in title, body or footer
		objective string // every question of the new quiz is on it
		n         int    // its number of questions
	}{
		{"quiz cissp 7.6 5", bot.OutcomeOK, "Questions on objective 7.6 only.", "7.6", 5},
		{"quiz cissp 7.10 5", bot.OutcomeOK, "The bank has 3 questions on objective 7.10: all of them.", "7.10", 3},
		{"quiz cism 4a2 3", bot.OutcomeOK, "Questions on objective 4A2 only.", "4A2", 3},
		{"quiz cissp 7.99", bot.OutcomeUserError, "No CISSP questions on objective 7.99 yet: `quiz cissp 7` drills the whole domain", "", 0},
		{"quiz cissp 99", bot.OutcomeUserError, "99 is neither a CISSP domain (1-8) nor a number of questions (1-20)", "", 0},
		{"quiz cism 21", bot.OutcomeUserError, "21 is neither a CISM domain (1-4) nor a number of questions (1-20)", "", 0},
		{"quiz cissp 7 99", bot.OutcomeUserError, "A quiz has 1 to 20 questions (you asked for 99).", "", 0},
		{"quiz resume", bot.OutcomeUserError, "No quiz is open to resume: `quiz` starts one", "", 0},
	}
	for _, tc := range tests {
		h := newHarness(t)
		r := h.do(t, "qo", tc.text)
		if got := all(r); r.Outcome != tc.out || !strings.Contains(got, tc.want) {
			t.Errorf("%q: want %s with %q, got %s:\n%s", tc.text, tc.out, tc.want, r.Outcome, got)
			continue
		}
		if tc.objective == "" {
			continue
		}
		ctx := context.Background()
		u, _ := h.store.UserByKey(ctx, h.userKey("qo"))
		s, err := h.store.OpenSession(ctx, u.ID, "quiz")
		if err != nil {
			t.Fatalf("%q: no open quiz: %v", tc.text, err)
		}
		if len(s.Questions) != tc.n {
			t.Errorf("%q: %d questions, want %d", tc.text, len(s.Questions), tc.n)
		}
		for _, id := range s.Questions {
			if q, _ := h.kb.Question(id); q.Objective != tc.objective {
				t.Errorf("%q: question %s is on objective %s", tc.text, id, q.Objective)
			}
		}
	}
}

// TestNewQuizShowsTheStoppedOnesScore: a quiz started while one is open
// ends it, and says how it stood.
func TestNewQuizShowsTheStoppedOnesScore(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		answer int // right answers given in the open quiz first
		want   string
	}{
		{"after an answer", 1, "Your open CISSP quiz is stopped at question 2 of 3 (1 of 1 right; its answers count)."},
		{"before any answer", 0, "Your open CISSP quiz is stopped at question 1 of 3 (no answers yet)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.do(t, "qs", "quiz cissp 2 3")
			for range tc.answer {
				r = h.click(t, "qs", h.answerButton(t, r, true))
			}
			next := h.do(t, "qs", "quiz cism 2")
			if next.Outcome != bot.OutcomeOK || !strings.Contains(next.Body, tc.want) || !strings.HasPrefix(next.Title, "CISM D2") {
				t.Fatalf("want a CISM D2 quiz noting %q:\n%s", tc.want, all(next))
			}
			// Bare `quiz` still resumes the open one, without a note.
			if again := h.do(t, "qs", "quiz"); !strings.Contains(again.Body, "Resuming your quiz.") || strings.Contains(again.Body, "stopped") {
				t.Errorf("bare quiz:\n%s", all(again))
			}
		})
	}
}

// TestQuizResultsByDomain: the results list the domains in order, not in
// the order their questions came up.
func TestQuizResultsByDomain(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(t, "sorter", "quiz cissp 0 12")
	for i := 0; i < 12 && !strings.Contains(r.Body, "**Score:"); i++ {
		r = h.do(t, "sorter", "a")
	}
	if !strings.Contains(r.Body, "**Score:") {
		t.Fatalf("no results after 12 answers:\n%s", all(r))
	}
	var domains []string
	for _, line := range strings.Split(r.Body, "\n") {
		if d, ok := strings.CutPrefix(line, "- CISSP D"); ok {
			domains = append(domains, d[:1])
		}
	}
	if len(domains) < 2 {
		t.Fatalf("want several domains in a 12-question mixed quiz, got %v:\n%s", domains, r.Body)
	}
	for i := 1; i < len(domains); i++ {
		if domains[i] <= domains[i-1] {
			t.Errorf("domains out of order %v:\n%s", domains, r.Body)
			break
		}
	}
}

// TestNextOfAnEndedQuiz: the Next button left on a quiz's last feedback
// says the quiz has ended once it was stopped (by Stop, or by a new quiz),
// not that the user moved past the question.
func TestNextOfAnEndedQuiz(t *testing.T) {
	t.Parallel()
	for _, end := range []string{"stop", "new quiz"} {
		t.Run(end, func(t *testing.T) {
			h := newHarness(t)
			fb := h.click(t, "nq", h.answerButton(t, h.do(t, "nq", "quiz cissp 2 3"), true))
			next := mustButton(t, fb, "quiz:next:")
			if end == "stop" {
				h.click(t, "nq", mustButton(t, fb, "quiz:stop:"))
			} else {
				h.do(t, "nq", "quiz cism 2")
			}
			if r := h.click(t, "nq", next); r.Outcome != bot.OutcomeUserError || r.Body != "That session has already ended." {
				t.Errorf("Next after %s:\n%s", end, all(r))
			}
		})
	}
}

// TestAnotherQuizButton: a finished (or stopped) quiz in a chat offers an
// Another quiz button, which starts a quiz of the same exam and domain
// with as many questions, as a new message under the results; a second
// click of it shows that quiz instead of starting a third. The console,
// which has keys and no buttons, names the command to type.
func TestAnotherQuizButton(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	chat := bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", Channel: "C1"}
	do := func(req bot.Request) bot.Reply {
		t.Helper()
		req.Actor = chat
		r := h.e.Handle(ctx, req)
		if r.Outcome != bot.OutcomeOK {
			t.Fatalf("%q %q: %s", req.Text, req.Action, all(r))
		}
		return r
	}
	r := do(bot.Request{Text: "quiz cissp 7 2"})
	r = do(bot.Request{Action: h.answerButton(t, r, true)})
	r = do(bot.Request{Action: mustButton(t, r, "quiz:next:")})
	r = do(bot.Request{Action: h.answerButton(t, r, true)})
	if !strings.Contains(r.Title, "finished") {
		t.Fatalf("not finished:\n%s", all(r))
	}
	mustButton(t, r, "quiz:rate:") // Hard and Easy stay
	again := mustButton(t, r, "quiz:again:")
	next := do(bot.Request{Action: again})
	if !strings.Contains(next.Title, "CISSP D7 · Question 1 of 2") || next.Replace {
		t.Fatalf("another quiz: replace %v\n%s", next.Replace, all(next))
	}
	first := mustButton(t, next, "quiz:answer:")
	twice := do(bot.Request{Action: again})
	if !strings.Contains(twice.Body, "A quiz started after that one is open") || mustButton(t, twice, "quiz:answer:") != first {
		t.Fatalf("second click started another quiz:\n%s\nbuttons %+v", all(twice), twice.Buttons)
	}
	// Stopped with Stop: the results offer it too; any domain, 5 questions.
	r = do(bot.Request{Text: "quiz cism"})
	r = do(bot.Request{Action: mustButton(t, r, "quiz:stop:")})
	r = do(bot.Request{Action: mustButton(t, r, "quiz:again:")})
	if !strings.Contains(r.Title, "CISM D") || !strings.Contains(r.Title, "Question 1 of 5") {
		t.Fatalf("another quiz after stop:\n%s", all(r))
	}

	// The console: the command, no button.
	for _, c := range []struct{ start, want string }{
		{"quiz cissp 7 2", "`quiz cissp 7 2` for another quiz like this one"},
		{"quiz cism", "`quiz cism` for another quiz like this one"},
		{"quiz cissp 0 3", "`quiz cissp 0 3` for another quiz like this one"},
	} {
		r := h.do(t, "con", c.start)
		r = h.click(t, "con", mustButton(t, r, "quiz:stop:"))
		if !strings.Contains(r.Footer, c.want) {
			t.Errorf("%s, stopped, in the console: footer %q, want %q", c.start, r.Footer, c.want)
		}
		if _, ok := buttonWithPrefix(r, "quiz:again:"); ok {
			t.Errorf("%s: an Another quiz button in the console", c.start)
		}
		// The command named starts that quiz.
		if n := h.do(t, "con", strings.Trim(c.want[:strings.Index(c.want, "` ")], "`")); n.Outcome != bot.OutcomeOK || !strings.Contains(n.Title, "Question 1 of") {
			t.Errorf("%s: the command named does not start a quiz:\n%s", c.start, all(n))
		}
	}
}

// TestAnotherQuizKeepsScope: Another quiz (a chat's button, the console's
// command line) repeats the finished quiz's scope, its objective, domain or
// whole exam, with as many questions, and so does the quiz it starts. A
// quiz stored before objectives were kept repeats its domain.
func TestAnotherQuizKeepsScope(t *testing.T) {
	ctx := context.Background()
	actors := map[string]bot.Actor{
		"slack":   {Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", Channel: "C1"},
		"discord": {Platform: bot.PlatformDiscord, Workspace: "G1", User: "u1", Channel: "c1"},
		"console": {Platform: bot.PlatformConsole, Workspace: "local", User: "tester", Channel: "console", DM: true},
	}
	tests := []struct {
		start     string
		cert      string
		objective string // every question is on it
		domain    int    // every question is in it (0: any)
		n         int
		command   string // the console's command line for another
	}{
		{"quiz cissp 1.2 3", "cissp", "1.2", 1, 3, "quiz cissp 1.2 3"},
		{"quiz cism 4a2 2", "cism", "4A2", 4, 2, "quiz cism 4A2 2"},
		{"quiz cissp 7.10 5", "cissp", "7.10", 7, 3, "quiz cissp 7.10 3"}, // the bank has 3
		{"quiz cissp 7 2", "cissp", "", 7, 2, "quiz cissp 7 2"},
		{"quiz cism 0 3", "cism", "", 0, 3, "quiz cism 0 3"},
		{"quiz cissp", "cissp", "", 0, 5, "quiz cissp"},
	}
	for name, a := range actors {
		for _, tc := range tests {
			t.Run(name+"/"+tc.start, func(t *testing.T) {
				h := newHarness(t)
				do := func(req bot.Request) bot.Reply {
					t.Helper()
					req.Actor = a
					r := h.e.Handle(ctx, req)
					if r.Outcome != bot.OutcomeOK {
						t.Fatalf("%q %q: %s", req.Text, req.Action, all(r))
					}
					return r
				}
				r := do(bot.Request{Text: tc.start})
				for round := range 3 {
					s := h.openQuiz(t, a)
					h.checkScope(t, s, tc.cert, tc.objective, tc.domain, tc.n)
					if tc.objective != "" && !strings.Contains(r.Body, "objective "+tc.objective) {
						t.Errorf("round %d: the quiz does not say its objective:\n%s", round, all(r))
					}
					// Answer all but the last, then finish (or stop).
					for range len(s.Questions) - 1 {
						r = do(bot.Request{Action: h.answerButton(t, r, round%2 == 0)})
						r = do(bot.Request{Action: mustButton(t, r, "quiz:next:")})
					}
					if round == 1 {
						r = do(bot.Request{Action: mustButton(t, r, "quiz:stop:")})
					} else {
						r = do(bot.Request{Action: h.answerButton(t, r, true)})
					}
					if a.Platform == bot.PlatformConsole {
						want := "`" + tc.command + "` for another quiz like this one"
						if !strings.Contains(r.Footer, want) {
							t.Fatalf("round %d: footer %q, want %q", round, r.Footer, want)
						}
						r = do(bot.Request{Text: tc.command})
					} else {
						r = do(bot.Request{Action: mustButton(t, r, "quiz:again:")})
					}
					if next := h.openQuiz(t, a); next.ID == s.ID {
						t.Fatalf("round %d: no new quiz:\n%s", round, all(r))
					}
				}
				h.checkScope(t, h.openQuiz(t, a), tc.cert, tc.objective, tc.domain, tc.n)
			})
		}
	}
	// Stored before objectives were kept: a finished quiz with a domain
	// and no objective, as those rows read after the upgrade.
	h := newHarness(t)
	a := actors["slack"]
	if r := h.e.Handle(ctx, bot.Request{Actor: a, Text: "quiz cissp 1.2 2"}); r.Outcome != bot.OutcomeOK {
		t.Fatal(all(r))
	}
	open := h.openQuiz(t, a)
	old := storage.Session{ID: "older", UserID: open.UserID, Kind: "quiz", Cert: "cissp", Domain: 1, Questions: open.Questions, StartedAt: h.clock.Now()}
	if err := h.store.CreateSession(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := h.store.FinishSession(ctx, old.ID, storage.SessionDone, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	r := h.e.Handle(ctx, bot.Request{Actor: a, Action: "quiz:again:older"})
	if r.Outcome != bot.OutcomeOK || !strings.Contains(r.Title, "CISSP D1 · Question 1 of 2") {
		t.Fatalf("Another quiz of an older session:\n%s", all(r))
	}
	h.checkScope(t, h.openQuiz(t, a), "cissp", "", 1, 2)
}

// openQuiz is a's open quiz.
func (h *harness) openQuiz(t testing.TB, a bot.Actor) storage.Session {
	t.Helper()
	ctx := context.Background()
	u, err := h.store.UserByKey(ctx, storage.UserKey{Platform: a.Platform, Workspace: a.Workspace, User: a.User})
	if err != nil {
		t.Fatal(err)
	}
	s, err := h.store.OpenSession(ctx, u.ID, "quiz")
	if err != nil {
		t.Fatalf("no open quiz: %v", err)
	}
	return s
}

// checkScope checks that s has n questions of cert, all on objective (if
// any) and in domain (if not 0), and that it keeps the objective.
func (h *harness) checkScope(t testing.TB, s storage.Session, cert, objective string, domain, n int) {
	t.Helper()
	if len(s.Questions) != n || s.Objective != objective || s.Domain != domain {
		t.Errorf("quiz %s: %d questions, objective %q, domain %d; want %d, %q, %d", s.ID, len(s.Questions), s.Objective, s.Domain, n, objective, domain)
	}
	for _, id := range s.Questions {
		q, ok := h.kb.Question(id)
		switch {
		case !ok:
			t.Errorf("question %s not in the bank", id)
		case q.Cert != cert || (objective != "" && q.Objective != objective) || (domain != 0 && q.Domain != domain):
			t.Errorf("question %s is %s D%d objective %s; want %s, objective %q, domain %d", id, q.Cert, q.Domain, q.Objective, cert, objective, domain)
		}
	}
}
