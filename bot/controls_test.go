package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

// letter is the answer letter (right or wrong) to the current question of
// user's open session of kind, as typed: lower case.
func (h *harness) letter(t testing.TB, user, kind string, right bool) string {
	t.Helper()
	ctx := context.Background()
	u, err := h.store.UserByKey(ctx, h.userKey(user))
	if err != nil {
		t.Fatal(err)
	}
	s, err := h.store.OpenSession(ctx, u.ID, kind)
	if err != nil {
		t.Fatalf("no open %s: %v", kind, err)
	}
	q, _ := h.kb.Question(s.Questions[s.Position])
	choice := q.AnswerIndex()
	if !right {
		choice = (choice + 1) % len(q.Options)
	}
	return string(rune('a' + choice))
}

// TestTypedControlsUseTheStoredSession: with no button to press (the CLI's
// `certcoach ask b`, a restarted console, a resume prompt on screen) a typed
// letter answers the open session's current question, in the forms the
// options print; stop, hard, easy, skip and pause act or say what to type.
func TestTypedControlsUseTheStoredSession(t *testing.T) {
	t.Parallel()
	type step struct {
		text string // "!right"/"!wrong": the letter of a right/wrong answer, "#right"/"#wrong" its position; "!right)" adds a ")"
		kind string // session kind for !right/!wrong, default quiz
		want string // in the reply (title, body or footer)
		out  string // outcome, default ok
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a letter answers the open quiz", []step{
			{text: "quiz cissp 1 3"}, {text: "!right", want: "Correct · CISSP D1 · 1 of 3"}}},
		{"upper case and as printed: C) c. (c)", []step{
			{text: "quiz cissp 1 4"},
			{text: "!RIGHT", want: "Correct · CISSP D1 · 1 of 4"},
			{text: "!right)", want: "Correct · CISSP D1 · 2 of 4"},
			{text: "!right.", want: "Correct · CISSP D1 · 3 of 4"},
			{text: "(!right)", want: "Correct · CISSP D1 · 4 of 4 · finished"}}},
		{"a digit answers by the option's position, also as 2)", []step{
			{text: "quiz cissp 1 3"}, {text: "#right", want: "Correct · CISSP D1 · 1 of 3"},
			{text: "#wrong", want: "Not quite · CISSP D1 · 2 of 3"},
			{text: "#right)", want: "Correct · CISSP D1 · 3 of 3"}}},
		{"a digit past the options, 0 or 9", []step{
			{text: "quiz cissp 2 2"},
			{text: "5", want: "Answer with a number 1-4 or a letter A-D: question 1 has 4 options.", out: bot.OutcomeUserError},
			{text: "0", want: "Answer with a number 1-4 or a letter A-D: question 1 has 4 options.", out: bot.OutcomeUserError},
			{text: "9", want: "Answer with a number 1-4 or a letter A-D: question 1 has 4 options.", out: bot.OutcomeUserError}}},
		{"a digit at the exam's resume prompt answers the exam", []step{
			{text: "exam cism"}, {text: "exam cism", want: "Resume it"},
			{text: "#right", kind: "exam", want: "mock exam · 2 of 150"}}},
		{"a wrong letter is a miss", []step{
			{text: "quiz cissp 2 2"}, {text: "!wrong", want: "Not quite · CISSP D2 · 1 of 2"}}},
		{"E is not an option", []step{
			{text: "quiz cissp 2 2"}, {text: "E", want: "Answer with a letter A-D: question 1 has 4 options.", out: bot.OutcomeUserError},
			{text: "f)", want: "Answer with a letter A-D", out: bot.OutcomeUserError}}},
		{"stop ends the quiz with its score", []step{
			{text: "quiz cissp 3 3"}, {text: "!right"}, {text: "stop", want: "Score: 1 of 1"},
			{text: "b", want: "No question is open", out: bot.OutcomeUserError}}},
		{"quit typed in a chat ends the quiz as stop does", []step{
			{text: "quiz cissp 3 3"}, {text: "!right"}, {text: "quit", want: "Score: 1 of 1"}}},
		{"next shows the current question", []step{
			{text: "quiz cissp 3 3"}, {text: "!right"}, {text: "next", want: "Question 2 of 3"}}},
		{"hard after a right answer re-rates it", []step{
			{text: "quiz cissp 4 3"}, {text: "!right"}, {text: "hard", want: "Rated hard"}}},
		{"hard after a miss says why not", []step{
			{text: "quiz cissp 4 3"}, {text: "!wrong", want: "Question 2 of 3"},
			{text: "hard", want: "A miss is rated Again, so Hard and Easy don't apply; question 2 is on screen: answer it with a letter A-D.", out: bot.OutcomeUserError}}},
		{"easy before any answer", []step{
			{text: "quiz cissp 4 3"}, {text: "easy", want: "answer question 1 first", out: bot.OutcomeUserError}}},
		{"skip says what to type", []step{
			{text: "quiz cissp 5 3"}, {text: "skip", want: "Questions can't be skipped: answer with a letter A-D", out: bot.OutcomeUserError}}},
		{"pause in a quiz", []step{
			{text: "quiz cissp 5 3"}, {text: "pause", want: "Only a mock exam has a clock to pause", out: bot.OutcomeUserError}}},
		{"a letter at the review's resume prompt answers the review", []step{
			{text: "review"}, {text: "review", want: "Resume it"},
			{text: "!right", kind: "review", want: "Correct"},
			{text: "stop", want: "Review results"}}},
		{"a letter at the exam's resume prompt answers the exam", []step{
			{text: "exam cism"}, {text: "exam cism", want: "Resume it"},
			{text: "!right", kind: "exam", want: "mock exam · 2 of 150"},
			{text: "stop", want: "`exam stop` ends your mock exam", out: bot.OutcomeUserError}}},
		{"a letter on a paused exam says how to resume", []step{
			{text: "exam cissp"}, {text: "exam pause"},
			{text: "a", want: "This exam is paused: `exam resume` to continue.", out: bot.OutcomeUserError},
			{text: "next", want: "Your exam is paused at question 1 of 100-150: `exam resume`", out: bot.OutcomeUserError},
			{text: "resume", want: "Resumed: the clock is running again."},
			{text: "pause", want: "Exam paused"}}},
		{"a running quiz wins over a paused exam", []step{
			{text: "exam cissp"}, {text: "exam pause"}, {text: "quiz cism 1 2"},
			{text: "!right", want: "Correct · CISM D1 · 1 of 2"}}},
		{"yes with a quiz open says where it is", []step{
			{text: "quiz cissp 1 3"}, {text: "yes", want: "A typed `yes` confirms nothing here: to delete your data, type `forget yes`. Your quiz is at question 1 of 3: answer with a letter A-D", out: bot.OutcomeUserError}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			for _, s := range tc.steps {
				text := s.text
				if i := strings.Index(strings.ToLower(text), "right"); i > 0 || strings.Contains(text, "wrong") {
					kind := s.kind
					if kind == "" {
						kind = "quiz"
					}
					l := h.letter(t, "cl", kind, i > 0)
					if strings.Contains(text, "!RIGHT") {
						l = strings.ToUpper(l)
					}
					d := string(rune(l[0] - 'a' + '1'))
					text = strings.NewReplacer("!right", l, "!RIGHT", l, "!wrong", l, "#right", d, "#wrong", d).Replace(text)
				}
				// Typed text, never a button: as `certcoach ask` sends it.
				r := h.do(t, "cl", text)
				out := s.out
				if out == "" {
					out = bot.OutcomeOK
				}
				if got := all(r); r.Outcome != out || !strings.Contains(got, s.want) {
					t.Fatalf("%q (%s): want %s with %q, got %s:\n%s", text, s.text, out, s.want, r.Outcome, got)
				}
			}
		})
	}
}

// TestAnswerForm: an answer typed as an option prints it, or by its
// position, is its letter; anything else is left as typed.
func TestAnswerForm(t *testing.T) {
	t.Parallel()
	tests := []struct{ typed, want string }{
		{"c", "c"}, {"c)", "c"}, {"(c)", "c"}, {"c.", "c"},
		{"1", "a"}, {"4", "d"}, {"8", "h"}, {"2)", "b"}, {"(3)", "c"}, {"4.", "d"},
		{"0", "0"}, {"9", "9"}, {"10", "10"}, {"12)", "12)"}, {"next", "next"}, {"", ""},
	}
	for _, tt := range tests {
		if got := bot.AnswerForm(tt.typed); got != tt.want {
			t.Errorf("AnswerForm(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

// TestHardAfterMiss: Hard or Easy typed after a miss says where the next
// question is: behind Next after a button's feedback, on screen already
// after a typed answer (its feedback comes with the next question).
func TestHardAfterMiss(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.click(t, "hm", h.answerButton(t, h.do(t, "hm", "quiz cissp 4 3"), false))
	r := h.do(t, "hm", "easy")
	if want := "A miss is rated Again, so Hard and Easy don't apply; `next` shows question 2."; r.Outcome != bot.OutcomeUserError || !strings.Contains(all(r), want) {
		t.Fatalf("easy after a button's miss: want %q, got %s:\n%s", want, r.Outcome, all(r))
	}
	if r := h.do(t, "hm", "next"); !strings.Contains(all(r), "Question 2 of 3") {
		t.Fatalf("next:\n%s", all(r))
	}
	if r := h.do(t, "hm", h.letter(t, "hm", "quiz", false)); !strings.Contains(all(r), "Question 3 of 3") {
		t.Fatalf("a typed miss did not show question 3:\n%s", all(r))
	}
	r = h.do(t, "hm", "hard")
	if want := "question 3 is on screen: answer it with a letter A-D."; !strings.Contains(all(r), want) || strings.Contains(all(r), "`next`") {
		t.Fatalf("hard after a typed miss: want %q, got:\n%s", want, all(r))
	}
}

// TestTypedLetterNamesButtonsWhereThereAreSome: a letter typed on the
// feedback screen shows the next question and says how to answer it: with
// a button or a letter in a chat, with a letter in the console and the CLI,
// which have no buttons.
func TestTypedLetterNamesButtonsWhereThereAreSome(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ platform, want string }{
		{"slack", "Here is the next question; answer it with a button or a letter."},
		{bot.PlatformConsole, "Here is the next question; answer it with a letter."},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			h := newHarness(t)
			a := bot.Actor{Platform: tc.platform, Workspace: "w1", User: "u1", Channel: "c", Name: "u1", DM: true}
			ctx := context.Background()
			first := h.e.Handle(ctx, bot.Request{Actor: a, Text: "quiz cissp 1 3"})
			h.e.Handle(ctx, bot.Request{Actor: a, Action: mustButton(t, first, "quiz:answer:")})
			r := h.e.Handle(ctx, bot.Request{Actor: a, Text: "b"})
			if !strings.Contains(all(r), tc.want) || !strings.Contains(r.Title, "Question 2 of 3") {
				t.Fatalf("want %q with question 2:\n%s", tc.want, all(r))
			}
		})
	}
}

// TestResumePromptCancel: the resume-or-start-over prompts of review and
// exam have a Cancel (the console's `cancel` and `no`) that leaves the open
// session as it is and says where it is.
func TestResumePromptCancel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		start, kind, want string
	}{
		{"review", "review", "Nothing changed. Your review is at question 2 of 10: answer with a letter A-D, or `review` shows it again."},
		{"exam cism", "exam", "Nothing changed. Your exam is at question 2 of 150: answer with a letter A-D, or `exam resume` shows it again."},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			h := newHarness(t)
			h.click(t, "pc", h.answerButton(t, h.do(t, "pc", tc.start), true))
			prompt := h.do(t, "pc", tc.start)
			keep := mustButton(t, prompt, "quiz:keep:")
			r := h.click(t, "pc", keep)
			if r.Outcome != bot.OutcomeOK || r.Body != tc.want {
				t.Fatalf("cancel: want %q, got %s %q", tc.want, r.Outcome, r.Body)
			}
			ctx := context.Background()
			u, _ := h.store.UserByKey(ctx, h.userKey("pc"))
			s, err := h.store.OpenSession(ctx, u.ID, tc.kind)
			if err != nil || s.Position != 1 {
				t.Fatalf("the open %s should be untouched: %+v %v", tc.kind, s, err)
			}
			// Once the session has ended the old Cancel changes nothing.
			h.click(t, "pc", mustButton(t, prompt, tc.kind+":restart:"))
			if r := h.click(t, "pc", keep); r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, "already ended") {
				t.Fatalf("cancel after start over: %s %q", r.Outcome, r.Body)
			}
		})
	}
}

// TestTypedAnswerShowsTheNextQuestion: a typed answer's feedback comes with
// the next question and its letters, so the next letter typed answers a
// question that was seen; the last answer ends with the score.
func TestTypedAnswerShowsTheNextQuestion(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.do(t, "typist", "quiz cissp 1 2")
	r := h.do(t, "typist", h.letter(t, "typist", "quiz", true))
	if !strings.Contains(r.Title, "1 of 2") || !strings.Contains(r.Body, "Question 2 of 2") {
		t.Fatalf("typed answer 1 did not show question 2:\n%s", all(r))
	}
	letters := 0
	for _, b := range r.Buttons {
		if len(b.Label) == 1 {
			letters++
		}
	}
	if letters < 4 {
		t.Errorf("want the next question's answer buttons, got %+v", r.Buttons)
	}
	r = h.do(t, "typist", h.letter(t, "typist", "quiz", false))
	if !strings.Contains(r.Title, "2 of 2") || !strings.Contains(r.Body, "Score: 1 of 2") {
		t.Errorf("typed answer 2 did not answer question 2 and end the quiz:\n%s", all(r))
	}
}

// TestTypedLetterAfterButtonAnswer: a button answer's feedback hides the
// next question behind Next, so a letter typed then (in a DM, or with
// `certcoach ask b`) shows that question and answers nothing; the letter
// after it answers it. Typed answers, Next, resume and exams (whose answer
// shows the next question) answer as before, and old buttons keep their
// answers.
func TestTypedLetterAfterButtonAnswer(t *testing.T) {
	t.Parallel()
	type step struct {
		// "!click": the right answer's button on the last question shown;
		// "!old": the right answer's button on the first question shown;
		// "!next": the last feedback's Next button; "!type": the right
		// letter typed; "!unknown": the session forgets what was shown (a
		// session stored before it was kept); other text is typed.
		do      string
		want    string // in the reply
		out     string // outcome, default ok
		pos     int    // the session's position after the step
		answers int    // answers recorded in the session after the step
	}
	const next = "Here is the next question; answer it with a letter." // the harness's console: no buttons to name
	tests := []struct {
		name  string
		kind  string // default quiz
		steps []step
	}{
		{"a letter after a button answer shows the next question, the next letter answers it", "", []step{
			{do: "quiz cissp 1 3", want: "Question 1 of 3"},
			{do: "!click", want: "Correct · CISSP D1 · 1 of 3", pos: 1, answers: 1},
			{do: "!type", want: next, pos: 1, answers: 1},
			{do: "!type", want: "Correct · CISSP D1 · 2 of 3", pos: 2, answers: 2},
			{do: "!type", want: "Correct · CISSP D1 · 3 of 3 · finished", pos: 3, answers: 3}}},
		{"as printed: (c)", "", []step{
			{do: "quiz cissp 2 2"},
			{do: "!click", pos: 1, answers: 1},
			{do: "(!type)", want: "Question 2 of 2", pos: 1, answers: 1},
			{do: "!type)", want: "2 of 2 · finished", pos: 2, answers: 2}}},
		{"typed answers are unchanged", "", []step{
			{do: "quiz cissp 1 3"},
			{do: "!type", want: "Question 2 of 3", pos: 1, answers: 1},
			{do: "!type", want: "Correct · CISSP D1 · 2 of 3", pos: 2, answers: 2}}},
		{"the Next button, then a letter answers", "", []step{
			{do: "quiz cissp 3 3"},
			{do: "!click", pos: 1, answers: 1},
			{do: "!next", want: "Question 2 of 3", pos: 1, answers: 1},
			{do: "!type", want: "Correct · CISSP D3 · 2 of 3", pos: 2, answers: 2}}},
		{"typed next, then a letter answers", "", []step{
			{do: "quiz cissp 3 3"},
			{do: "!click", pos: 1, answers: 1},
			{do: "n", want: "Question 2 of 3", pos: 1, answers: 1},
			{do: "!type", want: "Correct · CISSP D3 · 2 of 3", pos: 2, answers: 2}}},
		{"resuming shows the question, then a letter answers", "", []step{
			{do: "quiz cissp 4 3"},
			{do: "!click", pos: 1, answers: 1},
			{do: "quiz", want: "Resuming your quiz.", pos: 1, answers: 1},
			{do: "!type", want: "Correct · CISSP D4 · 2 of 3", pos: 2, answers: 2}}},
		{"buttons: the shown question's answer, the old one's refused", "", []step{
			{do: "quiz cissp 5 3"},
			{do: "!click", pos: 1, answers: 1},
			{do: "!type", want: next, pos: 1, answers: 1},
			{do: "!old", want: "You already answered that question; your first answer counts.", out: bot.OutcomeUserError, pos: 1, answers: 1},
			{do: "!click", want: "Correct · CISSP D5 · 2 of 3", pos: 2, answers: 2},
			{do: "!type", want: next, pos: 2, answers: 2},
			{do: "!type", want: "3 of 3 · finished", pos: 3, answers: 3}}},
		{"a button answer at the first question, then Stop: nothing typed is answered", "", []step{
			{do: "quiz cissp 6 2"},
			{do: "!click", pos: 1, answers: 1},
			{do: "stop", want: "Score: 1 of 1", pos: 1, answers: 1},
			{do: "b", want: "No question is open", out: bot.OutcomeUserError, pos: 1, answers: 1}}},
		{"a review", "review", []step{
			{do: "review", want: "Question 1 of 10"},
			{do: "!click", want: "Correct", pos: 1, answers: 1},
			{do: "!type", want: next, pos: 1, answers: 1},
			{do: "!type", want: "Correct", pos: 2, answers: 2}}},
		{"an exam's button answer shows the next question: a letter answers it", "exam", []step{
			{do: "exam cism", want: "mock exam · 1 of 150"},
			{do: "!click", want: "mock exam · 2 of 150", pos: 1, answers: 1},
			{do: "!type", want: "mock exam · 3 of 150", pos: 2, answers: 2},
			{do: "!click", want: "mock exam · 4 of 150", pos: 3, answers: 3}}},
		{"an exam paused and resumed: a letter answers", "exam", []step{
			{do: "exam cissp"},
			{do: "!click", pos: 1, answers: 1},
			{do: "exam pause", want: "Exam paused", pos: 1, answers: 1},
			{do: "!type", want: "This exam is paused", out: bot.OutcomeUserError, pos: 1, answers: 1},
			{do: "exam resume", want: "Resumed", pos: 1, answers: 1},
			{do: "!type", want: "mock exam · 3 of 100-150", pos: 2, answers: 2}}},
		{"not known what was shown (stored before it was kept): shown first", "", []step{
			{do: "quiz cissp 7 3"},
			{do: "!unknown"},
			{do: "!type", want: "Here is where you are; answer with a letter.", pos: 0, answers: 0},
			{do: "!type", want: "Correct · CISSP D7 · 1 of 3", pos: 1, answers: 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			kind := tc.kind
			if kind == "" {
				kind = "quiz"
			}
			var first, shown, feedback bot.Reply
			sid := ""
			for _, s := range tc.steps {
				var r bot.Reply
				switch s.do {
				case "!click":
					r = h.click(t, "tl", h.answerButton(t, shown, true))
				case "!old":
					r = h.click(t, "tl", h.answerButton(t, first, true))
				case "!next":
					r = h.click(t, "tl", mustButton(t, feedback, "quiz:next:"))
				case "!unknown":
					if err := h.store.SetSessionShown(ctx, sid, -1); err != nil {
						t.Fatal(err)
					}
					continue
				default:
					// Typed text, never a button: as a DM or `certcoach ask` sends it.
					text := s.do
					if strings.Contains(text, "!type") {
						text = strings.ReplaceAll(text, "!type", h.letter(t, "tl", kind, true))
					}
					r = h.do(t, "tl", text)
				}
				out := s.out
				if out == "" {
					out = bot.OutcomeOK
				}
				if got := all(r); r.Outcome != out || !strings.Contains(got, s.want) {
					t.Fatalf("%s: want %s with %q, got %s:\n%s", s.do, out, s.want, r.Outcome, got)
				}
				if id, ok := buttonWithPrefix(r, "quiz:answer:"); ok {
					shown = r
					if sid == "" {
						first, sid = r, strings.Split(id.ID, ":")[2]
					}
				}
				if _, ok := buttonWithPrefix(r, "quiz:next:"); ok {
					feedback = r
				}
				sess, err := h.store.Session(ctx, sid)
				if err != nil {
					t.Fatal(err)
				}
				answers, err := h.store.SessionAnswers(ctx, sid)
				if err != nil {
					t.Fatal(err)
				}
				if sess.Position != s.pos || len(answers) != s.answers {
					t.Fatalf("%s: session at %d with %d answers, want %d with %d", s.do, sess.Position, len(answers), s.pos, s.answers)
				}
			}
		})
	}
}
