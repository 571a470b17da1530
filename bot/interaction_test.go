package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
)

// TestQuizNamedDomainKeepsCount: a domain given by name leaves the number
// after it as the count (it used to be taken as a domain number, then
// overwritten by the name, so the quiz had the default 5 questions).
func TestQuizNamedDomainKeepsCount(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct{ text, want string }{
		{"quiz cissp iam 4", "CISSP D5 · Question 1 of 4"},
		{"quiz cism governance 3", "CISM D1 · Question 1 of 3"},
		{"quiz cissp 7 6", "CISSP D7 · Question 1 of 6"},
		{"quiz cissp 9", "Question 1 of 9"},
	} {
		r := h.do(t, "quizzer-"+c.text, c.text)
		if r.Outcome != bot.OutcomeOK || !strings.Contains(r.Title, c.want) {
			t.Errorf("%q: want title with %q, got:\n%s", c.text, c.want, all(r))
		}
	}
}

// TestQuizUnknownCertRefused: a misspelt exam is refused, not read as a
// domain of the default exam.
func TestQuizUnknownCertRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.do(t, "u", "plan cism 2027-03-01") // CISM is then the default exam
	r := h.do(t, "u", "quiz cisp")
	if r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, "cisp") || strings.Contains(r.Body, "CISM") || strings.Contains(r.Title, "CISM") {
		t.Fatalf("quiz cisp:\n%s", all(r))
	}
	if !strings.Contains(r.Body, "cissp") {
		t.Errorf("the refusal should suggest cissp: %s", r.Body)
	}
}

// TestCompareAliasFindsItsOwnTopic: a word that is a topic's own ID wins
// over another topic's alias.
func TestCompareAliasFindsItsOwnTopic(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, q := range []string{"compare cryptography", "compare crypto", "compare encryption"} {
		r := h.do(t, "u", q)
		if r.Title != "CISM vs CISSP: Cryptography" {
			t.Errorf("%q answered %q", q, r.Title)
		}
	}
	if r := h.do(t, "u", "compare architecture"); !strings.Contains(r.Title, "rchitecture") {
		t.Errorf("compare architecture answered %q", r.Title)
	}
}

// TestCompareReadsItsTopicLikeAsk: words that only name the exams get the
// general table; a topic said in other words is found as ask finds it.
func TestCompareReadsItsTopicLikeAsk(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	general := h.do(t, "u", "compare").Title
	for _, tc := range []struct{ q, title string }{
		{"compare the two exams?", general},
		{"compare cism and cissp", general},
		{"compare cism vs cissp", general},
		{"compare both exams", general},
		{"compare crypto basics", "CISM vs CISSP: Cryptography"},
		{"compare cism and cissp on incident response", "CISM vs CISSP: Incident response and incident management"},
		{"compare which first", "CISM vs CISSP: Which should I take first?"},
	} {
		if r := h.do(t, "u", tc.q); r.Title != tc.title {
			t.Errorf("%q answered %q, want %q", tc.q, r.Title, tc.title)
		}
	}
}

// TestCompareAdaptiveRow: the row whose cells answer "adaptive or not" is
// labelled so.
func TestCompareAdaptiveRow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(t, "u", "compare")
	for _, row := range r.Table.Rows {
		if row.Label == "Format" {
			t.Fatalf("row labelled Format holds %q / %q", row.Left, row.Right)
		}
	}
	found := false
	for _, row := range r.Table.Rows {
		if row.Label == "Adaptive?" {
			found = strings.HasPrefix(row.Left, "No") && strings.HasPrefix(row.Right, "Yes")
		}
	}
	if !found {
		t.Fatalf("no Adaptive? row with No/Yes cells:\n%s", all(r))
	}
}

// TestDomainsUnknownVersionNamesVersions: an outline version that does not
// exist is refused with the ones that do.
func TestDomainsUnknownVersionNamesVersions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(t, "u", "domains cissp 2019")
	if r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, "2019") || !strings.Contains(r.Body, "2021") || !strings.Contains(r.Body, "2024") {
		t.Fatalf("domains cissp 2019:\n%s", all(r))
	}
	if r := h.do(t, "u", "domains cissp 2021"); r.Outcome != bot.OutcomeOK || !strings.Contains(r.Title, "2021") {
		t.Fatalf("domains cissp 2021:\n%s", all(r))
	}
}

// TestDomainByObjectiveOrSubtopic: `domain cissp 7.6` and `domain cism 4A2`
// (the forms the outlines number their parts by) show that domain.
func TestDomainByObjectiveOrSubtopic(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct{ text, want, mark string }{
		{"domain cissp 7.6", "CISSP Domain 7", "7.6"},
		{"domain cism 4A2", "CISM Domain 4", "4A2"},
		{"domain cism 4a2", "CISM Domain 4", "4A2"},
	} {
		r := h.do(t, "u", c.text)
		if r.Outcome != bot.OutcomeOK || !strings.Contains(r.Title, c.want) || !strings.Contains(r.Body, c.mark) {
			t.Errorf("%q:\n%s", c.text, all(r))
		}
	}
	if r := h.do(t, "u", "domain cissp 9.1"); r.Outcome != bot.OutcomeUserError {
		t.Errorf("domain cissp 9.1 should be refused:\n%s", all(r))
	}
}

// TestProgressWithPlanDoesNotAskForOne: with a plan set and no answers yet,
// progress does not tell the user to set a date.
func TestProgressWithPlanDoesNotAskForOne(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if r := h.do(t, "p", "plan cism 2027-03-01"); r.Outcome != bot.OutcomeOK {
		t.Fatalf("plan: %s", all(r))
	}
	r := h.do(t, "p", "progress cism")
	if strings.Contains(r.Body, "set a date") || !strings.Contains(r.Body, "Plan:") {
		t.Fatalf("progress with a plan:\n%s", all(r))
	}
}

// TestLeaderboardWhenHidden: a user who hid themselves is told so, not that
// nobody answered.
func TestLeaderboardWhenHidden(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(t, "hid", "quiz cissp 1 1")
	h.click(t, "hid", h.answerButton(t, r, true))
	if r := h.do(t, "hid", "settings leaderboard off"); r.Outcome != bot.OutcomeOK {
		t.Fatal(all(r))
	}
	lb := h.do(t, "hid", "leaderboard")
	if strings.Contains(lb.Body, "No answers this week") || !strings.Contains(lb.Body, "settings leaderboard on") {
		t.Fatalf("leaderboard while hidden:\n%s", all(lb))
	}
}

// TestExamOverOpenExamOffersResume: starting an exam while one is open
// (running or paused) does not discard it: the user chooses.
func TestExamOverOpenExamOffersResume(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	first := h.do(t, "ex", "exam cism")
	if first.Outcome != bot.OutcomeOK {
		t.Fatal(all(first))
	}
	h.click(t, "ex", h.answerButton(t, first, true))
	for _, state := range []string{"running", "paused"} {
		if state == "paused" {
			if r := h.do(t, "ex", "exam pause"); !strings.Contains(r.Title, "paused") {
				t.Fatalf("exam pause: %s", all(r))
			}
		}
		r := h.do(t, "ex", "exam cism")
		if !strings.Contains(r.Body, "question 2 of 150") || !strings.Contains(r.Body, state) {
			t.Fatalf("exam over a %s exam:\n%s", state, all(r))
		}
		mustButton(t, r, "quiz:resume:")
		mustButton(t, r, "exam:restart:")
	}
	u, _ := h.store.UserByKey(ctx, h.userKey("ex"))
	open, err := h.store.OpenSession(ctx, u.ID, "exam")
	if err != nil || open.Position != 1 {
		t.Fatalf("the open exam should be untouched: %+v %v", open, err)
	}
	// Start over ends the old one and starts a new one.
	r := h.do(t, "ex", "exam cism")
	fresh := h.click(t, "ex", mustButton(t, r, "exam:restart:"))
	if !strings.Contains(fresh.Title, "1 of 150") {
		t.Fatalf("start over:\n%s", all(fresh))
	}
	old, _ := h.store.Session(ctx, open.ID)
	if old.State != "stopped" {
		t.Fatalf("old exam state %q, want stopped", old.State)
	}
	// The same restart button twice does not start a third exam.
	if again := h.click(t, "ex", mustButton(t, r, "exam:restart:")); again.Outcome != bot.OutcomeUserError {
		t.Fatalf("second start over:\n%s", all(again))
	}
}

// TestExamOverTheOtherExam: `exam cism` while a CISSP exam is open offers
// to start a CISM one, and Start over does: it was the CISSP one again.
func TestExamOverTheOtherExam(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	if r := h.do(t, "xo", "exam cissp"); !strings.Contains(r.Title, "CISSP mock exam") {
		t.Fatalf("exam cissp:\n%s", all(r))
	}
	r := h.do(t, "xo", "exam cism")
	if want := "Your CISSP mock exam is running at question 1 of 100-150"; !strings.Contains(r.Body, want) || !strings.Contains(r.Body, "start over with a CISM one") {
		t.Fatalf("exam cism over a CISSP exam: want %q and the CISM start in:\n%s", want, all(r))
	}
	fresh := h.click(t, "xo", mustButton(t, r, "exam:restart:"))
	if !strings.Contains(fresh.Title, "CISM mock exam · 1 of 150") {
		t.Fatalf("start over after exam cism:\n%s", all(fresh))
	}
	u, _ := h.store.UserByKey(ctx, h.userKey("xo"))
	if open, err := h.store.OpenSession(ctx, u.ID, "exam"); err != nil || open.Cert != "cism" {
		t.Fatalf("open exam %+v (%v), want the CISM one", open, err)
	}
	// The same exam asked again keeps the plain wording.
	if r := h.do(t, "xo", "exam cism"); !strings.Contains(r.Body, "Resume it, start over (") {
		t.Fatalf("exam cism over a CISM exam:\n%s", all(r))
	}
}

// TestBareExamWithOneOpen: `exam` alone says where the open exam is and how
// to go on, running or paused; with none open it asks which exam.
func TestBareExamWithOneOpen(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if r := h.do(t, "bx", "exam"); !strings.Contains(r.Body, "Which exam?") {
		t.Fatalf("exam with none open:\n%s", all(r))
	}
	h.click(t, "bx", h.answerButton(t, h.do(t, "bx", "exam cism"), true))
	for _, c := range []struct{ step, want string }{
		{"", "Your exam is at question 2 of 150: answer with a letter A-D, or `exam resume` shows it again."},
		{"exam pause", "Your exam is paused at question 2 of 150: `exam resume` to continue."},
	} {
		if c.step != "" {
			h.do(t, "bx", c.step)
		}
		if r := h.do(t, "bx", "exam"); r.Outcome != bot.OutcomeUserError || r.Body != c.want {
			t.Errorf("exam after %q: want %q, got %s %q", c.step, c.want, r.Outcome, r.Body)
		}
	}
}

// TestReviewTwiceOffersResume: a second `review` while one is open says so.
func TestReviewTwiceOffersResume(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	first := h.do(t, "rv", "review")
	if first.Outcome != bot.OutcomeOK {
		t.Fatal(all(first))
	}
	h.click(t, "rv", h.answerButton(t, first, true))
	again := h.do(t, "rv", "review")
	if !strings.Contains(again.Body, "question 2 of") {
		t.Fatalf("second review:\n%s", all(again))
	}
	resume := h.click(t, "rv", mustButton(t, again, "quiz:next:"))
	if !strings.Contains(resume.Title, "Question 2 of") {
		t.Fatalf("resume review:\n%s", all(resume))
	}
	over := h.click(t, "rv", mustButton(t, again, "review:restart:"))
	if !strings.Contains(over.Title, "Question 1 of") {
		t.Fatalf("review start over:\n%s", all(over))
	}
}

// TestExamPauseResumeWording: `exam cissp pause` pauses the running exam
// (it used to start a new one), and `exam resume` on a running exam does not
// claim to have resumed it.
func TestExamPauseResumeWording(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	start := h.do(t, "pw", "exam cissp")
	if start.Outcome != bot.OutcomeOK {
		t.Fatal(all(start))
	}
	running := h.do(t, "pw", "exam resume")
	if strings.Contains(running.Body, "Resumed") || !strings.Contains(running.Body, "already running") {
		t.Fatalf("exam resume on a running exam:\n%s", all(running))
	}
	p := h.do(t, "pw", "exam cissp pause")
	if !strings.Contains(p.Title, "paused") {
		t.Fatalf("exam cissp pause:\n%s", all(p))
	}
	u, _ := h.store.UserByKey(ctx, h.userKey("pw"))
	s, err := h.store.OpenSession(ctx, u.ID, "exam")
	if err != nil || s.State != "paused" {
		t.Fatalf("open exam after pause: %+v %v", s, err)
	}
	if r := h.do(t, "pw", "exam resume"); !strings.Contains(r.Body, "Resumed") {
		t.Fatalf("exam resume on a paused exam:\n%s", all(r))
	}
	if r := h.do(t, "pw", "exam pause cism"); r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, "CISSP") {
		t.Fatalf("exam pause cism with a CISSP exam running:\n%s", all(r))
	}
	if r := h.do(t, "pw", "help"); !strings.Contains(r.Body, "exam stop") {
		t.Errorf("help does not mention exam stop:\n%s", r.Body)
	}
	if r := h.do(t, "pw", "exam stop"); !strings.Contains(r.Title, "results") {
		t.Fatalf("exam stop:\n%s", all(r))
	}
}

// TestControlWordsOutOfPlace: a control typed with nothing to control says
// what it would do, never a search result.
func TestControlWordsOutOfPlace(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, w := range []string{"next", "n", "yes", "3", "hard", "easy", "stop", "b"} {
		r := h.e.Handle(context.Background(), bot.Request{Actor: bot.Actor{Platform: "console", Workspace: "w1", User: "cw", DM: true}, Text: w})
		if r.Kind == "ask" || !strings.Contains(r.Body, "`quiz`") {
			t.Errorf("%q answered as %s:\n%s", w, r.Kind, all(r))
		}
	}
	// With a quiz open, next shows where it is.
	q := h.do(t, "cw", "quiz cissp 2 2")
	if q.Outcome != bot.OutcomeOK {
		t.Fatal(all(q))
	}
	r := h.e.Handle(context.Background(), bot.Request{Actor: bot.Actor{Platform: "console", Workspace: "w1", User: "cw", DM: true}, Text: "next"})
	if !strings.Contains(r.Title, "Question 1 of 2") {
		t.Errorf("next with a quiz open:\n%s", all(r))
	}
}

// TestSmallTalkAndTypos: "hello" or "thanks" gets a short help line, not the
// list of every topic; a mistyped command gets a did-you-mean.
func TestSmallTalkAndTypos(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dm := bot.Actor{Platform: "console", Workspace: "w1", User: "st", DM: true}
	for _, w := range []string{"hello", "thanks", "thank you", "hi there"} {
		r := h.e.Handle(context.Background(), bot.Request{Actor: dm, Text: w})
		if strings.Contains(r.Body, "incident-response") || !strings.Contains(r.Body, "help") || len(r.Body) > 200 {
			t.Errorf("%q:\n%s", w, all(r))
		}
	}
	for w, want := range map[string]string{"quizz": "`quiz`", "comapre": "`compare`", "progres": "`progress`"} {
		r := h.e.Handle(context.Background(), bot.Request{Actor: dm, Text: w})
		if !strings.Contains(r.Body, "did you mean "+want) {
			t.Errorf("%q:\n%s", w, all(r))
		}
	}
}

// TestNamedOptionsParsedOnce: a command with named options (Discord's)
// is checked against its declaration, one short line naming the argument
// and an example, and a quiz gets exactly the domain and count it was
// given (no number is guessed to be a domain).
func TestNamedOptionsParsedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	do := func(cmd string, opts map[string]string) bot.Reply {
		return h.e.Handle(context.Background(), bot.Request{Actor: actor("named"), Command: cmd, Options: opts})
	}
	for _, c := range []struct {
		cmd  string
		opts map[string]string
		want string
	}{
		{"quiz", map[string]string{"cert": "cissp", "count": "25"}, "The `count` must be a whole number from 1 to 20, e.g. `quiz cissp 7 5`."},
		{"quiz", map[string]string{"cert": "cisp"}, "Unknown exam \"cisp\": say `cism` or `cissp`, e.g. `quiz cissp 7 5`."},
		{"plan", map[string]string{"cert": "cism", "date": "2027-13-01"}, "2027-13-01 is not a date on the calendar: check the day and month, e.g. `plan cissp 2027-05-01`."},
		{"exam", map[string]string{"action": "explode"}, "The `action` must be one of pause, resume, stop"},
	} {
		r := do(c.cmd, c.opts)
		if r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, c.want) || strings.Contains(r.Body, "\n") {
			t.Errorf("%s %v:\n%s", c.cmd, c.opts, all(r))
		}
	}
	for _, c := range []struct {
		opts map[string]string
		want string
	}{
		{map[string]string{"cert": "cissp", "count": "5"}, "Question 1 of 5"},
		{map[string]string{"cert": "cissp", "count": "3"}, "Question 1 of 3"}, // 3 is a count, not domain 3
		{map[string]string{"cert": "cissp", "domain": "iam", "count": "4"}, "CISSP D5 · Question 1 of 4"},
		{map[string]string{"domain": "cism 2", "count": "3"}, "CISM D2 · Question 1 of 3"},
	} {
		h.do(t, "named", "quiz stop") // nothing to stop is fine
		r := do("quiz", c.opts)
		if r.Outcome != bot.OutcomeOK || !strings.Contains(r.Title, c.want) {
			t.Errorf("quiz %v: want %q:\n%s", c.opts, c.want, all(r))
		}
	}
}

// TestGroupPermissionDecidedOnce: who may run `group` is the engine's
// decision, the same for typed text and named options.
func TestGroupPermissionDecidedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	ctx := context.Background()
	member := bot.Actor{Platform: "slack", Workspace: "T1", User: "U1", Channel: "C1"}
	manager := member
	manager.User, manager.CanManage = "U2", true
	dm := member
	dm.DM = true
	for _, req := range []bot.Request{
		{Actor: member, Text: "group daily 09:00 UTC"},
		{Actor: member, Command: "group daily", Options: map[string]string{"time": "09:00", "zone": "UTC"}},
	} {
		if r := h.e.Handle(ctx, req); r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, "manage this channel") {
			t.Errorf("member: %s", all(r))
		}
	}
	if r := h.e.Handle(ctx, bot.Request{Actor: dm, Text: "group off"}); r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, "is for channels") {
		t.Errorf("dm: %s", all(r))
	}
	if r := h.e.Handle(ctx, bot.Request{Actor: manager, Command: "group daily", Options: map[string]string{"time": "09:00", "zone": "UTC"}}); r.Outcome != bot.OutcomeOK || !strings.Contains(r.Body, "09:00") {
		t.Errorf("manager: %s", all(r))
	}
	if r := h.e.Handle(ctx, bot.Request{Actor: manager, Command: "group daily", Options: map[string]string{"time": "9h", "zone": "UTC"}}); !strings.Contains(r.Body, "Give the time as HH:MM (24-hour) or like 7:30am") {
		t.Errorf("bad time: %s", all(r))
	}
	console := bot.Actor{Platform: "console", Workspace: "local", User: "me", Channel: "console"}
	if r := h.e.Handle(ctx, bot.Request{Actor: console, Text: "group daily 09:00 UTC"}); r.Outcome != bot.OutcomeOK {
		t.Errorf("console: %s", all(r))
	}
}

// TestConversationalTextIsAQuestion: text said to the bot in a channel
// mention is a question when it is no command, decided by the engine (the
// Slack adapter used to check the text itself).
func TestConversationalTextIsAQuestion(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := bot.Actor{Platform: "slack", Workspace: "T1", User: "U1", Channel: "C1"}
	r := h.e.Handle(context.Background(), bot.Request{Actor: a, Text: "what is the cissp passing score", Conversational: true})
	if r.Kind != "ask" || !strings.Contains(r.Body, "700") {
		t.Fatalf("mention question:\n%s", all(r))
	}
	if r := h.e.Handle(context.Background(), bot.Request{Actor: a, Text: "what is the cissp passing score"}); r.Outcome != bot.OutcomeUserError {
		t.Fatalf("the same text as a slash command should be an unknown command:\n%s", all(r))
	}
}

// TestPrepareOddRequests: a blank command path is help, an unknown one is
// refused like unknown text, and neither panics.
func TestPrepareOddRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if r := h.e.Handle(context.Background(), bot.Request{Actor: actor("odd"), Command: "   "}); r.Kind != "help" {
		t.Errorf("blank command: %s", all(r))
	}
	if r := h.e.Handle(context.Background(), bot.Request{Actor: actor("odd"), Command: "frobnicate", Options: map[string]string{"x": "y"}}); r.Outcome != bot.OutcomeUserError {
		t.Errorf("unknown command: %s", all(r))
	}
}

// TestReviewOneExam: `review cism` reviews only CISM's due cards (it was
// refused as an unknown argument); bare `review` keeps both exams'.
func TestReviewOneExam(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text, note, exam string // exam: the only exam the review may show, "" for any
		wantErr          string
	}{
		{text: "review cism", note: "CISM review: 2 due cards", exam: "CISM"},
		{text: "review CISSP", note: "CISSP review: 2 due cards", exam: "CISSP"},
		{text: "review", note: "Review: 4 due cards"},
		{text: "review cisp", wantErr: "Unknown exam \"cisp\""},
		{text: "review soon", wantErr: "Unknown argument \"soon\". Usage: `review [cism|cissp]`, e.g. `review cism`."},
	} {
		t.Run(c.text, func(t *testing.T) {
			h := newHarness(t)
			for _, quiz := range []string{"quiz cism 1 2", "quiz cissp 1 2"} {
				r := h.do(t, "ro", quiz)
				for i := 0; i < 2; i++ {
					r = h.click(t, "ro", h.answerButton(t, r, false))
					if i == 0 {
						r = h.click(t, "ro", mustButton(t, r, "quiz:next:"))
					}
				}
			}
			h.clock.Advance(30 * 24 * time.Hour)
			r := h.do(t, "ro", c.text)
			if c.wantErr != "" {
				if r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, c.wantErr) {
					t.Fatalf("want %q, got %s:\n%s", c.wantErr, r.Outcome, all(r))
				}
				return
			}
			if r.Outcome != bot.OutcomeOK || !strings.Contains(r.Body, c.note) {
				t.Fatalf("want %q in:\n%s", c.note, all(r))
			}
			s, err := h.store.Session(context.Background(), strings.Split(mustButton(t, r, "quiz:answer:"), ":")[2])
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, id := range s.Questions {
				q, _ := h.kb.Question(id)
				seen[strings.ToUpper(q.Cert)] = true
			}
			if c.exam != "" && (len(seen) != 1 || !seen[c.exam]) {
				t.Errorf("%s review holds %v", c.exam, seen)
			}
			if c.exam == "" && len(seen) != 2 {
				t.Errorf("review of both exams holds %v", seen)
			}
		})
	}
}

// TestRoughEdgeReplies: one-line replies a new user met say plainly what
// is wrong: the console's `group` says the console has no channels, an
// unknown domain or objective is echoed as typed (it was lower-cased), and
// a parameter error reads as a sentence.
func TestRoughEdgeReplies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	console := bot.Actor{Platform: bot.PlatformConsole, Workspace: "local", User: "me", Channel: "console", Name: "me", DM: true}
	slackDM := bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1", DM: true}
	for _, c := range []struct {
		actor bot.Actor
		text  string
		want  string
	}{
		{console, "group", "The console has no channels: `group` works in a Slack or Discord channel."},
		{console, "group daily 09:00 UTC", "The console has no channels: `group` works in a Slack or Discord channel."},
		{slackDM, "group", "`group` is for channels: run it in the channel of your study group."},
		{console, "domain cism 4Z9", "CISM has no domain \"4Z9\". Domains are 1-4: see `domains cism`."},
		{console, "domain cissp Quantum Stuff", "CISSP has no domain \"Quantum Stuff\". Domains are 1-8: see `domains cissp`."},
		{console, "domain cissp 7.99", "CISSP domain 7 has no objective \"7.99\": see `domain cissp 7`."},
		{console, "quiz cissp Quantum", "CISSP has no domain \"Quantum\"."},
		{console, "plan cism 2027-13-01", "2027-13-01 is not a date on the calendar: check the day and month, e.g. `plan cissp 2027-05-01`."},
		{console, "remind 25:00", "Give the time as HH:MM (24-hour) or like 7:30am, e.g. `remind 07:30 Europe/Paris`."},
	} {
		r := h.e.Handle(context.Background(), bot.Request{Actor: c.actor, Text: c.text})
		if r.Outcome != bot.OutcomeUserError || !strings.HasPrefix(r.Body, c.want) {
			t.Errorf("%s %q: want %q, got %s %q", c.actor.Platform, c.text, c.want, r.Outcome, r.Body)
		}
	}
}

// TestStartOverTyped: "start over" typed with no such button on screen says
// there is nothing to start over (it showed help: `start` is help's alias);
// `start` alone is still help.
func TestStartOverTyped(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		before  string // run first, "" for nothing
		text    string
		outcome string
		want    string // the reply's start
	}{
		{"", "start over", bot.OutcomeUserError, "Nothing is asking to start over. No question is open: `quiz` to start one"},
		{"", "Start Over", bot.OutcomeUserError, "Nothing is asking to start over. No question is open: `quiz` to start one"},
		{"", "restart", bot.OutcomeUserError, "Nothing is asking to start over. No question is open: `quiz` to start one"},
		{"quiz cissp 1 3", "start over", bot.OutcomeUserError, "Nothing is asking to start over. Your quiz is at question 1 of 3: answer with a letter A-D, or `quiz` shows it again."},
		{"", "start", bot.OutcomeOK, "- `ask <question>`"},
		{"", "start quiz", bot.OutcomeOK, "`quiz [cism|cissp] [domain] [count 1-20]`: Practice questions"},
	} {
		h := newHarness(t)
		if c.before != "" {
			h.do(t, "so", c.before)
		}
		r := h.do(t, "so", c.text)
		if r.Outcome != c.outcome || !strings.HasPrefix(r.Body, c.want) {
			t.Errorf("%q after %q: want %s %q, got %s %q", c.text, c.before, c.outcome, c.want, r.Outcome, r.Body)
		}
	}
}

// TestReviewOneExamStartOver: `review cism` over an open review offers to
// start over with CISM's cards, and its button does that.
func TestReviewOneExamStartOver(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text, body, title string
	}{
		{"review cism", "start over with the CISM cards due now", "CISM D"},
		{"review cissp", "start over with the CISSP cards due now", "CISSP D"},
		{"review", "start over with the cards due now", "Question 1 of"},
	} {
		h := newHarness(t)
		if r := h.do(t, "rs", "review"); r.Outcome != bot.OutcomeOK {
			t.Fatal(all(r))
		}
		again := h.do(t, "rs", c.text)
		if !strings.Contains(again.Body, c.body) {
			t.Errorf("%q: want %q in:\n%s", c.text, c.body, all(again))
			continue
		}
		over := h.click(t, "rs", mustButton(t, again, "review:restart:"))
		if !strings.Contains(over.Title, c.title) || !strings.Contains(over.Title, "Question 1 of") {
			t.Errorf("%q start over: want %q in:\n%s", c.text, c.title, all(over))
		}
	}
	h := newHarness(t)
	if r := h.click(t, "rs", "review:restart:nope:cisa"); r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, "not valid any more") {
		t.Errorf("a restart for an unknown exam: %s", all(r))
	}
}

// TestAskFormatComparedInGeneral: the exams compared on their format get
// the general table, which has their items, time, adaptivity and scoring.
func TestAskFormatComparedInGeneral(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(t, "u", "ask how do the cism and cissp tests differ in format?")
	if len(r.Refs) == 0 || r.Refs[0] != "compare:general" || r.Table == nil {
		t.Fatalf("refs %v, table %v:\n%s", r.Refs, r.Table != nil, all(r))
	}
	rows := map[string]bool{}
	for _, row := range r.Table.Rows {
		rows[row.Label] = true
	}
	for _, want := range []string{"Questions", "Duration", "Adaptive?", "Passing score"} {
		if !rows[want] {
			t.Errorf("no %s row:\n%s", want, all(r))
		}
	}
}

// TestSuggest: a mistyped command is suggested within two edits, a short
// one within one (mistyped topics: newuser_test.go).
func TestSuggest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for name, want := range map[string]string{"quizz": "quiz", "reveiw": "review", "helo": "help", "xyzzy": "", "qz": ""} {
		if got := h.e.Suggest(name); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestQuizBesideRunningExam: a quiz or review started while a mock exam
// runs says that the exam's clock keeps going; beside a paused one it
// says nothing of it.
func TestQuizBesideRunningExam(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const note = "Your CISSP mock exam is still running and its clock keeps going: `exam pause` stops it."
	h.do(t, "qe", "exam cissp")
	for _, cmd := range []string{"quiz cism 1 2", "review"} {
		if r := h.do(t, "qe", cmd); !strings.Contains(all(r), note) {
			t.Fatalf("%s beside a running exam: no note in:\n%s", cmd, all(r))
		}
	}
	h.do(t, "qe", "exam pause")
	if r := h.do(t, "qe", "quiz cism 2 2"); strings.Contains(all(r), "mock exam is still running") {
		t.Fatalf("quiz beside a paused exam says it runs:\n%s", all(r))
	}
}
