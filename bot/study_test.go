package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/sqlite"
)

func buttonWithPrefix(r bot.Reply, prefix string) (bot.Button, bool) {
	for _, b := range r.Buttons {
		if strings.HasPrefix(b.ID, prefix) {
			return b, true
		}
	}
	return bot.Button{}, false
}

func mustButton(t testing.TB, r bot.Reply, prefix string) string {
	t.Helper()
	b, ok := buttonWithPrefix(r, prefix)
	if !ok {
		t.Fatalf("no %q button in reply:\n%s\nbuttons: %+v", prefix, all(r), r.Buttons)
	}
	return b.ID
}

// answerButton returns the ID of the right (or a wrong) answer to the
// question shown, looked up from the knowledge base via the session.
func (h *harness) answerButton(t testing.TB, r bot.Reply, correct bool) string {
	t.Helper()
	id := mustButton(t, r, "quiz:answer:")
	parts := strings.Split(id, ":") // quiz answer sid pos choice
	s, err := h.store.Session(context.Background(), parts[2])
	if err != nil {
		t.Fatal(err)
	}
	var pos int
	fmt.Sscan(parts[3], &pos)
	q, _ := h.kb.Question(s.Questions[pos])
	choice := q.AnswerIndex()
	if !correct {
		choice = (choice + 1) % 4
	}
	return fmt.Sprintf("quiz:answer:%s:%d:%d", parts[2], pos, choice)
}

func (h *harness) userKey(user string) storage.UserKey {
	return storage.UserKey{Platform: "console", Workspace: "w1", User: user}
}

func TestQuizReviewProgressPlanExportForget(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	r := h.do(t, "carol", "quiz cissp 7 5")
	if r.Outcome != bot.OutcomeOK || !strings.Contains(r.Title, "CISSP D7 · Question 1 of 5") {
		t.Fatalf("quiz start:\n%s", all(r))
	}
	if len(r.Buttons) != 5 {
		t.Fatalf("want A-D and Stop, got %+v", r.Buttons)
	}
	// Q1 wrong, Q2-Q5 right.
	for i := 0; i < 5; i++ {
		ans := h.answerButton(t, r, i != 0)
		res := h.click(t, "carol", ans)
		if res.Outcome != bot.OutcomeOK {
			t.Fatalf("answer %d: %s", i, all(res))
		}
		wantWord := "Correct"
		if i == 0 {
			wantWord = "Not quite"
		}
		if !strings.HasPrefix(res.Title, wantWord) || !strings.Contains(res.Body, "The answer is") {
			t.Fatalf("answer %d reply:\n%s", i, all(res))
		}
		// A second click on the same answer changes nothing.
		if again := h.click(t, "carol", ans); again.Outcome != bot.OutcomeUserError || !strings.Contains(again.Body, "already answered") {
			t.Fatalf("double click: %s", all(again))
		}
		// Another user's click is refused.
		if other := h.click(t, "mallory", ans); other.Outcome != bot.OutcomeUserError || !strings.Contains(other.Body, "someone else") {
			t.Fatalf("other user's click: %s", all(other))
		}
		if i < 4 {
			r = h.click(t, "carol", mustButton(t, res, "quiz:next:"))
		} else if !strings.Contains(res.Body, "Score: 4 of 5") {
			t.Fatalf("final summary:\n%s", all(res))
		}
	}
	n, err := h.store.CountAnswers(ctx, h.userKey("carol"))
	if err != nil || n != 5 {
		t.Fatalf("stored answers = %d, %v; want 5", n, err)
	}
	// Nothing is due right away; the missed card (FSRS Again) comes back the
	// next day, the right ones (Good) later.
	rev := h.do(t, "carol", "review")
	if !strings.Contains(rev.Body, "0 due card") {
		t.Fatalf("review right after the quiz should have no due card:\n%s", all(rev))
	}
	h.click(t, "carol", mustButton(t, rev, "quiz:stop:"))
	h.clock.Advance(26 * time.Hour)
	rev = h.do(t, "carol", "review")
	if !strings.Contains(rev.Body, "1 due card") {
		t.Fatalf("review after 30 min should have 1 due card:\n%s", all(rev))
	}
	prog := h.do(t, "carol", "progress cissp")
	if !strings.Contains(prog.Body, "D7` ") || !strings.Contains(prog.Body, "5 answered, 4 right,") || !strings.Contains(prog.Body, "Streak:** 1") {
		t.Fatalf("progress:\n%s", all(prog))
	}
	plan := h.do(t, "carol", "plan cissp 2027-02-01")
	if plan.Outcome != bot.OutcomeOK || !strings.Contains(plan.Body, "questions a day") {
		t.Fatalf("plan:\n%s", all(plan))
	}
	prog = h.do(t, "carol", "progress")
	if !strings.Contains(prog.Body, "Plan:** exam 2027-02-01") {
		t.Fatalf("progress should show the plan:\n%s", all(prog))
	}
	data := exportData(t, h, "carol")
	if len(data["answers"]) != 5 || len(data["plans"]) != 1 || len(data["cards"]) != 5 {
		t.Fatalf("export has answers=%d plans=%d cards=%d", len(data["answers"]), len(data["plans"]), len(data["cards"]))
	}
	f := h.do(t, "carol", "forget")
	confirm := mustButton(t, f, "forget:confirm:")
	if r := h.click(t, "mallory", confirm); r.Outcome != bot.OutcomeUserError {
		t.Fatalf("another user confirmed carol's forget: %s", all(r))
	}
	u, _ := h.store.UserByKey(ctx, h.userKey("carol"))
	if r := h.click(t, "carol", confirm); !strings.Contains(r.Body, "deleted") {
		t.Fatalf("forget confirm: %s", all(r))
	}
	if rows, err := h.store.CountUserRows(ctx, u.ID); err != nil || rows != 0 {
		t.Fatalf("after forget %d rows remain (%v)", rows, err)
	}
}

func TestRateHardEasyReschedules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(t, "dan", "quiz cism 1 2")
	res := h.click(t, "dan", h.answerButton(t, r, true))
	easy := mustButton(t, res, "quiz:rate:")
	easy = strings.TrimSuffix(easy, "hard") + "easy"
	hard := strings.TrimSuffix(easy, "easy") + "hard"
	re := h.click(t, "dan", easy)
	rh := h.click(t, "dan", hard)
	if re.Outcome != bot.OutcomeOK || rh.Outcome != bot.OutcomeOK {
		t.Fatalf("rate: %s / %s", all(re), all(rh))
	}
	if !strings.Contains(re.Body, "days") || re.Body == rh.Body {
		t.Fatalf("easy and hard should schedule differently: %q vs %q", re.Body, rh.Body)
	}
}

func TestQuizResumesAfterRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	kb, err := loadKB()
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{e: bot.NewEngine(kb, st, bot.Options{Clock: clk}), store: st, clock: clk, kb: kb}
	r := h.do(t, "erin", "quiz cissp 3 3")
	res := h.click(t, "erin", h.answerButton(t, r, true))
	next := mustButton(t, res, "quiz:next:")
	st.Close()

	st2, err := sqlite.Open(ctx, filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	h2 := &harness{e: bot.NewEngine(kb, st2, bot.Options{Clock: clk}), store: st2, clock: clk, kb: kb}
	q2 := h2.click(t, "erin", next)
	if !strings.Contains(q2.Title, "Question 2 of 3") {
		t.Fatalf("after restart the Next button should show question 2:\n%s", all(q2))
	}
	if resumed := h2.do(t, "erin", "quiz"); !strings.Contains(resumed.Title, "Question 2 of 3") || !strings.Contains(resumed.Body, "Resuming") {
		t.Fatalf("plain quiz should resume:\n%s", all(resumed))
	}
	// A stale Next (for question 1) is refused.
	stale := strings.Replace(next, ":1", ":0", 1)
	if r := h2.click(t, "erin", stale); r.Outcome != bot.OutcomeUserError {
		t.Fatalf("stale next accepted: %s", all(r))
	}
}

func TestBadInputNeverPanics(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, text := range []string{"quiz cissp 7 99", "quiz cissp 7 0", "quiz cissp 1 2 3", "quiz cissp underwater", "plan cissp tomorrow", "plan cissp 2020-01-01", "plan", "settings retention 2", "settings timezone Mars/Olympus", "settings nonsense x", "exam cisa", "exam pause", "\x00quiz cissp 42 42", strings.Repeat("ask ", 500)} {
		r := h.do(t, "fay", text)
		if r.Outcome != bot.OutcomeUserError || r.Body == "" {
			t.Errorf("%q: outcome %q body %q", text, r.Outcome, r.Body)
		}
	}
	for _, action := range []string{"quiz", "quiz:answer", "quiz:answer:nope:0:0", "quiz:answer:x:-1:9", "forget:confirm:999", "forget:confirm", "nope:nope", strings.Repeat("q:", 300)} {
		r := h.click(t, "fay", action)
		if r.Outcome != bot.OutcomeUserError {
			t.Errorf("action %q: outcome %q body %q", action, r.Outcome, r.Body)
		}
	}
}

func TestExamPauseResumeAndScore(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(t, "gus", "exam cism")
	if !strings.Contains(r.Title, "CISM mock exam · 1 of 150 · 4h 00m left") {
		t.Fatalf("exam start: %s", all(r))
	}
	for i := 0; i < 149; i++ {
		r = h.click(t, "gus", h.answerButton(t, r, i%4 != 0))
		if r.Outcome != bot.OutcomeOK {
			t.Fatalf("answer %d: %s", i, all(r))
		}
		if i == 10 {
			h.clock.Advance(10 * time.Minute)
			p := h.click(t, "gus", mustButton(t, r, "quiz:pause:"))
			if !strings.Contains(p.Title, "paused") {
				t.Fatalf("pause: %s", all(p))
			}
			h.clock.Advance(2 * time.Hour) // paused time does not count
			r = h.do(t, "gus", "exam resume")
			if !strings.Contains(r.Title, "3h 50m left") {
				t.Fatalf("resume: %s", all(r))
			}
		}
	}
	r = h.click(t, "gus", h.answerButton(t, r, true))
	if !strings.Contains(r.Body, "Score: 112 of 150 (75%)") || !strings.Contains(r.Body, "**Accuracy: 75%**, from 150 answers") ||
		!strings.Contains(r.Body, "450 or higher") || strings.Contains(r.Body, "likely") {
		t.Fatalf("exam result:\n%s", all(r))
	}
}

func TestCISSPExamStopsAdaptively(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(t, "hal", "exam cissp")
	n := 0
	for ; n < 150; n++ {
		b, ok := buttonWithPrefix(r, "quiz:answer:")
		if !ok {
			break
		}
		_ = b
		r = h.click(t, "hal", h.answerButton(t, r, true))
	}
	if n != 100 || !strings.Contains(r.Body, "clearly above 70%") || !strings.Contains(r.Body, "not a pass mark") || strings.Contains(r.Body, "likely") {
		t.Fatalf("all-correct CISSP exam stopped after %d items:\n%s", n, all(r))
	}
}

func TestLeaderboardStaysInWorkspace(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	play := func(a bot.Actor, right int) {
		r := h.e.Handle(ctx, bot.Request{Actor: a, Text: fmt.Sprintf("quiz cissp 1 %d", right)})
		for i := 0; i < right; i++ {
			res := h.e.Handle(ctx, bot.Request{Actor: a, Action: h.answerButton(t, r, true)})
			if b, ok := buttonWithPrefix(res, "quiz:next:"); ok {
				r = h.e.Handle(ctx, bot.Request{Actor: a, Action: b.ID})
			}
		}
	}
	play(bot.Actor{Platform: "console", Workspace: "w1", User: "ann", Name: "Ann"}, 3)
	play(bot.Actor{Platform: "console", Workspace: "w1", User: "ben", Name: "Ben"}, 1)
	play(bot.Actor{Platform: "console", Workspace: "w2", User: "zed", Name: "Zed"}, 5)
	lb := h.do(t, "ann", "leaderboard")
	if !strings.Contains(lb.Body, "1. Ann (you): 35 points") || !strings.Contains(lb.Body, "2. Ben") || strings.Contains(lb.Body, "Zed") {
		t.Fatalf("leaderboard:\n%s", lb.Body)
	}
	h.do(t, "ben", "settings leaderboard off")
	if lb := h.do(t, "ann", "leaderboard"); strings.Contains(lb.Body, "Ben") {
		t.Fatalf("hidden user shown:\n%s", lb.Body)
	}
}

// TestConcurrentAnswers: 50 users answer at once through the engine on a real
// file database; every answer is stored exactly once, none fails.
func TestConcurrentAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	const users = 50
	starts := make([]bot.Reply, users)
	for i := range starts {
		starts[i] = h.do(t, fmt.Sprintf("u%d", i), "quiz cism 3 4")
	}
	var wg sync.WaitGroup
	errs := make(chan string, users*8)
	for i := 0; i < users; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			user := fmt.Sprintf("u%d", i)
			r := starts[i]
			for k := 0; k < 4; k++ {
				ans := h.answerButton(t, r, k%2 == 0)
				res := h.e.Handle(ctx, bot.Request{Actor: actor(user), Action: ans})
				if res.Outcome != bot.OutcomeOK {
					errs <- user + ": " + res.Body
					return
				}
				// Double clicks racing the first must not double-record.
				h.e.Handle(ctx, bot.Request{Actor: actor(user), Action: ans})
				if b, ok := buttonWithPrefix(res, "quiz:next:"); ok {
					r = h.e.Handle(ctx, bot.Request{Actor: actor(user), Action: b.ID})
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	for i := 0; i < users; i++ {
		n, err := h.store.CountAnswers(ctx, h.userKey(fmt.Sprintf("u%d", i)))
		if err != nil || n != 4 {
			t.Errorf("u%d has %d answers (%v), want 4", i, n, err)
		}
	}
}

// exportData is user's export as a user would get it: the attachment's
// tables by name.
func exportData(t *testing.T, h *harness, user string) map[string][]map[string]any {
	t.Helper()
	exp := h.do(t, user, "export")
	if exp.Attachment == nil {
		t.Fatalf("export without attachment: %s", all(exp))
	}
	var doc struct {
		Data map[string][]map[string]any `json:"data"`
	}
	if err := json.Unmarshal(exp.Attachment.Content, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Data
}

// TestBareProgressFollowsTheExamStudied: with no plan and nothing answered,
// a bare `progress` or `review` is about the exam of the quiz just started,
// not CISSP by default; with answers, the exam answered more.
func TestBareProgressFollowsTheExamStudied(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.do(t, "dana", "quiz cism 3")
	if r := h.do(t, "dana", "progress"); !strings.Contains(r.Title, "CISM") {
		t.Fatalf("progress after starting a CISM quiz: %q", r.Title)
	}
	if r := h.do(t, "eve", "progress"); !strings.Contains(r.Title, "CISSP") {
		t.Fatalf("progress of a new user: %q", r.Title)
	}
}
