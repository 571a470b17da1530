package console_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/console"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/sqlite"
	"github.com/certcoach/certcoach/storage/sqlite/sqlitetest"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func newConsole(t *testing.T) (*console.Console, *bytes.Buffer, *sqlite.Store) {
	t.Helper()
	e, st := newEngineStore(t)
	var out bytes.Buffer
	return console.New(e, "tester", &out), &out, st
}

// newEngineStore is an engine on the embedded knowledge base and a fresh
// SQLite file, at a fixed time.
func newEngineStore(t *testing.T) (*bot.Engine, *sqlite.Store) {
	t.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	st := sqlitetest.Open(t, "c.db")
	return bot.NewEngine(kb, st, bot.Options{Clock: &clock{time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)}}), st
}

// TestCompareTableFits100Columns: the compare table fits the console's
// width, and no line of it ends in a blank (an empty last cell).
func TestCompareTableFits100Columns(t *testing.T) {
	t.Parallel()
	c, _, _ := newConsole(t)
	text := c.Do(context.Background(), "/cert compare")
	table := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("line ends in a blank: %q", line)
		}
		if strings.Contains(line, " | ") {
			table = true
			if n := utf8.RuneCountInString(strings.TrimRight(line, " ")); n > console.Width {
				t.Errorf("table line of %d columns: %q", n, line)
			}
		}
	}
	if !table {
		t.Fatalf("no table in:\n%s", text)
	}
	for _, want := range []string{"CISM (ISACA)", "CISSP (ISC2)", "Incident Management 29%", "Security Operations 13%"} {
		if !strings.Contains(text, want) {
			t.Errorf("compare lacks %q", want)
		}
	}
}

// TestTypedLettersAnswerQuiz: in the console, A-D answer and the controls
// have stable words (next or n, hard, easy, stop), so a whole quiz runs by
// typing, and help or progress in between does not lose the controls.
func TestTypedLettersAnswerQuiz(t *testing.T) {
	t.Parallel()
	c, _, st := newConsole(t)
	ctx := context.Background()
	out := c.Do(ctx, "quiz cissp 7 3")
	if !strings.Contains(out, "Type A-D (or 1-4) to answer") || !strings.Contains(out, "Question 1 of 3") || strings.Contains(out, "[A]") {
		t.Fatalf("quiz start:\n%s", out)
	}
	out = c.Do(ctx, "b")
	if !strings.Contains(out, "The answer is") || !strings.Contains(out, "next (n)") || !strings.Contains(out, "stop") {
		t.Fatalf("typed B did not answer:\n%s", out)
	}
	// Only the controls line counts: a question's own text may say "hard".
	correct := strings.Contains(out[strings.LastIndex(out, "> Type"):], "hard")
	if help := c.Do(ctx, "help"); !strings.Contains(help, "certcoach") {
		t.Fatalf("help:\n%s", help)
	}
	if p := c.Do(ctx, "progress"); !strings.Contains(p, "progress") {
		t.Fatalf("progress:\n%s", p)
	}
	if correct {
		if r := c.Do(ctx, "hard"); !strings.Contains(r, "Rated hard") {
			t.Fatalf("hard:\n%s", r)
		}
	}
	// A digit is an answer's position: on the feedback screen it asks for
	// next first, as a letter does; it is never searched.
	if r := c.Do(ctx, "3"); !strings.Contains(r, "No question is on screen yet: type next (n)") || strings.Contains(r, "CISM") {
		t.Fatalf("a lone 3:\n%s", r)
	}
	if out = c.Do(ctx, "next"); !strings.Contains(out, "Question 2 of 3") {
		t.Fatalf("next after help and progress:\n%s", out)
	}
	c.Do(ctx, "a")
	if out = c.Do(ctx, "n"); !strings.Contains(out, "Question 3 of 3") {
		t.Fatalf("n:\n%s", out)
	}
	if out = c.Do(ctx, "D"); !strings.Contains(out, "Score:") {
		t.Fatalf("last answer should end with a score:\n%s", out)
	}
	if out = c.Do(ctx, "next"); !strings.Contains(out, "No question is open") {
		t.Fatalf("next after the quiz ended:\n%s", out)
	}
	n, err := st.CountAnswers(ctx, storage.UserKey{Platform: "console", Workspace: "local", User: "tester"})
	if err != nil || n != 3 {
		t.Fatalf("%d answers stored (%v)", n, err)
	}
}

// TestNoMarkdownInTerminal: bold, italic and code markers never reach the
// terminal.
func TestNoMarkdownInTerminal(t *testing.T) {
	t.Parallel()
	c, _, _ := newConsole(t)
	ctx := context.Background()
	for _, cmd := range []string{"quiz cism 1 2", "progress", "review", "domain cism 4", "compare", "exam pause", "plan cissp 2027-01-10"} {
		out := c.Do(ctx, cmd)
		for _, m := range []string{"**", "`", " _", "_\n", "(_"} {
			if strings.Contains(out, m) {
				t.Errorf("%q output has %q:\n%s", cmd, m, out)
			}
		}
	}
	if out := c.Do(ctx, "domains cissp 2021"); strings.Contains(out, "\n  \n") {
		t.Errorf("domains cissp 2021 has empty description lines:\n%s", out)
	}
}

// TestRunRefusesLongLine: a line over MaxLine is refused and the console
// reads on.
func TestRunRefusesLongLine(t *testing.T) {
	t.Parallel()
	c, out, _ := newConsole(t)
	in := strings.NewReader("ask " + strings.Repeat("x", 3<<20) + "\nhelp\n")
	if err := c.Run(context.Background(), in, false); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "longer than") || !strings.Contains(s, "certcoach: CISM and CISSP study partner") {
		t.Fatalf("output:\n%.2000s", s)
	}
}

// TestRunEndsOnInterrupt: when ctx ends (Ctrl-C) while the console waits
// for input, it says so and returns cleanly.
func TestRunEndsOnInterrupt(t *testing.T) {
	t.Parallel()
	c, out, _ := newConsole(t)
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, pr, true) }()
	if _, err := pw.Write([]byte("help\n")); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after interrupt: %v", err)
	}
	if !strings.Contains(out.String(), "Interrupted") {
		t.Fatalf("output:\n%s", out.String())
	}
}

// TestRunEndsWithNewline: at the end of input the last prompt is closed
// with a newline, so the shell's prompt starts on its own line.
func TestRunEndsWithNewline(t *testing.T) {
	t.Parallel()
	c, out, _ := newConsole(t)
	if err := c.Run(context.Background(), strings.NewReader("help\n"), true); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "cert> \n") {
		t.Fatalf("output ends with %q", out.String()[max(0, out.Len()-20):])
	}
}

func TestRunReadsPipedLines(t *testing.T) {
	t.Parallel()
	c, out, _ := newConsole(t)
	in := strings.NewReader("help\n\ndomains cissp\nquit\ncompare\n")
	if err := c.Run(context.Background(), in, false); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "certcoach: CISM and CISSP study partner") || !strings.Contains(s, "CISSP domains") || strings.Contains(s, "Issued by") {
		t.Fatalf("piped run output:\n%s", s)
	}
}

// TestRunQuitInAnyCase: quit and exit end the console in any case and with
// blanks around; "Quit" was a mistyped quiz.
func TestRunQuitInAnyCase(t *testing.T) {
	t.Parallel()
	for _, word := range []string{"quit", "Quit", "EXIT", "  exit  ", "ｑｕｉｔ", "bye", "Bye!", "goodbye"} {
		t.Run(word, func(t *testing.T) {
			c, out, _ := newConsole(t)
			if err := c.Run(context.Background(), strings.NewReader("domains cism\n"+word+"\ndomains cissp\n"), false); err != nil {
				t.Fatal(err)
			}
			if s := out.String(); !strings.Contains(s, "CISM domains") || strings.Contains(s, "CISSP domains") || strings.Contains(s, "Unknown command") {
				t.Fatalf("%q did not end the console:\n%s", word, s)
			}
		})
	}
}

// TestWrapKeepsLongWordsWithinWidth: table cells, long words and CJK or
// emoji text wrap within Width display columns, and the column rules line
// up whatever the cells hold.
func TestWrapKeepsLongWordsWithinWidth(t *testing.T) {
	t.Parallel()
	r := bot.Reply{Table: &bot.Table{Left: "L", Right: "R", Rows: []bot.Row{
		{Label: "x", Left: strings.Repeat("y", 300), Right: "short"},
		{Label: "情報", Left: strings.Repeat("情報セキュリティ ", 20), Right: strings.Repeat("日本語", 40)},
		{Label: "👍🏽", Left: strings.Repeat("cafe\u0301 ", 30), Right: "👍🏽 ok"},
	}}}
	var rules []int
	for _, line := range strings.Split(strings.TrimRight(console.Render(r), "\n"), "\n") {
		if n := uniseg.StringWidth(line); n > console.Width {
			t.Fatalf("line of %d columns: %q", n, line)
		}
		// The rules: " | " twice, or once and " |" at the end after an
		// empty last cell.
		if first := strings.Index(line, " | "); first >= 0 {
			second := first + 3 + strings.Index(line[first+3:]+" | ", " | ")
			rules = append(rules, uniseg.StringWidth(line[:first]), uniseg.StringWidth(line[:min(second, len(line))]))
		}
	}
	for i := 2; i < len(rules); i++ {
		if rules[i] != rules[i%2] {
			t.Fatalf("the column rules are at columns %v", rules)
		}
	}
}

// TestConsoleDeliversItsReminders: a reminder set in the console comes up
// in the console when it is due, through the scheduler; another console
// user's reminder does not.
func TestConsoleDeliversItsReminders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clk := &clock{time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)}
	e := bot.NewEngine(kb, st, bot.Options{Clock: clk})
	remind.Register(remind.Deps{Engine: e, Store: st, KB: kb})
	var out, otherOut bytes.Buffer
	c := console.New(e, "tester", &out)
	other := console.New(e, "someone-else", &otherOut)
	// A console user learns that the console is where it arrives.
	if got := c.Do(ctx, "remind 08:30 UTC"); !strings.Contains(got, "08:30") || !strings.Contains(strings.Join(strings.Fields(got), " "), "The console shows it while it is open on a terminal (certcoach console).") {
		t.Fatalf("remind: %s", got)
	}
	if got := other.Do(ctx, "remind 08:30 UTC"); !strings.Contains(got, "08:30") {
		t.Fatalf("remind: %s", got)
	}
	out.Reset()
	clk.t = clk.t.Add(31 * time.Minute)
	s := remind.New(remind.Deps{Engine: e, Store: st, KB: kb}, map[string]remind.Notifier{bot.PlatformConsole: c}, remind.Options{Platforms: []string{bot.PlatformConsole}})
	stats, err := s.RunDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Sent != 1 || stats.Retrying != 1 {
		t.Errorf("stats %+v: want 1 sent (tester) and 1 retrying (not at this console)", stats)
	}
	text := out.String()
	if !strings.Contains(text, "daily CISSP study reminder") || !strings.Contains(text, "Type A-D (or 1-4) to answer") {
		t.Fatalf("no reminder with its question printed:\n%s", text)
	}
	// Its options are drawn as a quiz's: one a line under the stem, no bullets.
	if !strings.Contains(text, "\n\nA) ") || !strings.Contains(text, "\nB) ") || strings.Contains(text, "- A)") {
		t.Errorf("reminder options not drawn as a quiz's:\n%s", text)
	}
	// The question's buttons answer to typed keys, as replies' do.
	if got := c.Do(ctx, "A"); !strings.Contains(got, "You chose A") && !strings.Contains(got, "Correct: A)") {
		t.Errorf("typing A did not answer the reminder's question: %s", got)
	}
	if otherOut.Len() != 0 {
		t.Errorf("another user's reminder printed in this console: %s", otherOut.String())
	}
}

// TestConfirmWordsPeopleType: the words a new user answers a yes/cancel
// question with press its buttons; typed with no question asked, they say so.
func TestConfirmWordsPeopleType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []string
		want  string // in the reply to the last line
	}{
		{"no cancels forget", []string{"forget", "no"}, "Nothing was deleted."},
		{"cancel cancels forget", []string{"forget", "cancel"}, "Nothing was deleted."},
		{"NO in capitals cancels forget", []string{"forget", "NO"}, "Nothing was deleted."},
		{"y confirms forget", []string{"forget", "y"}, "all your certcoach data on the console is deleted"},
		{"yes with nothing asked", []string{"yes"}, "A typed yes confirms nothing here: to delete your data, type forget yes."},
		{"yes after another command deletes nothing", []string{"forget", "help", "yes"}, "A typed yes confirms nothing here: to delete your data, type forget yes."},
		{"no with nothing asked", []string{"no"}, "A typed no cancels nothing, and nothing needs it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _ := newConsole(t)
			var out string
			for _, l := range tc.lines {
				out = c.Do(context.Background(), l)
			}
			if !strings.Contains(out, tc.want) {
				t.Fatalf("after %q: reply lacks %q:\n%s", tc.lines, tc.want, out)
			}
		})
	}
}

// TestRunEndOfInputMidQuiz: input ending with a question open (Ctrl-D)
// says the session is kept and how to pick it up; with none open it says
// nothing more.
func TestRunEndOfInputMidQuiz(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		note     bool
	}{
		{"mid quiz", "quiz cissp 3\nb\n", true},
		{"at the first question", "quiz cissp 3\n", true},
		{"nothing open", "help\n", false},
		{"quiz finished with a right answer", "quiz cissp 1 1\n!right\n", false},
		{"quiz finished with a wrong answer", "quiz cissp 1 1\n!wrong\n", false},
		{"quiz 2 of 2 answered right", "quiz cissp 1 2\n!right\n", true},
		// quit and exit leave as Ctrl-D does.
		{"quit mid quiz", "quiz cissp 3\nquit\nhelp\n", true},
		{"exit mid quiz", "quiz cissp 3\nexit\n", true},
		{"quit with nothing open", "help\nquit\n", false},
		// Buttons that are no session's: forget's, a reminder's question.
		{"at forget's question", "forget\n", false},
		{"after a reminder's question", "!reminder\n", false},
		{"review open", "review\n", true},
		{"exam open", "exam cism\n", true},
	}
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, out, _ := newConsole(t)
			if tc.in == "!reminder\n" {
				// As the scheduler prints it, with its answer buttons.
				if err := c.SendDM(context.Background(), "local", "tester", bot.Reply{Body: "Today's question", Buttons: []bot.Button{
					{ID: "remind:answer:1:2026-11-25:0", Label: "A"}, {ID: "remind:answer:1:2026-11-25:1", Label: "B"}}}); err != nil {
					t.Fatal(err)
				}
				tc.in = ""
			}
			// "!right" and "!wrong" answer the question on screen, whichever was drawn.
			first, rest, _ := strings.Cut(tc.in, "\n")
			if strings.HasPrefix(rest, "!") {
				screen := c.Do(context.Background(), first)
				var letters []string
				for _, q := range kb.Questions {
					if strings.Contains(strings.Join(strings.Fields(screen), " "), strings.Join(strings.Fields(q.Stem), " ")) {
						right := q.AnswerIndex()
						if strings.HasPrefix(rest, "!wrong") {
							right = (right + 1) % len(q.Options)
						}
						letters = append(letters, string(rune('a'+right)))
					}
				}
				if len(letters) != 1 {
					t.Fatalf("%d questions match:\n%s", len(letters), screen)
				}
				letter := letters[0]
				_, after, _ := strings.Cut(rest, "\n")
				tc.in = letter + "\n" + after
			}
			if err := c.Run(context.Background(), strings.NewReader(tc.in), false); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(out.String(), "Nothing is lost"); got != tc.note {
				t.Fatalf("note shown %v, want %v:\n%s", got, tc.note, out.String()[max(0, out.Len()-300):])
			}
		})
	}
}

// TestRunInterruptMidQuiz: Ctrl-C with a question on screen says the same.
func TestRunInterruptMidQuiz(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		first string
		note  bool
	}{{"quiz cissp 3", true}, {"help", false}} {
		c, out, _ := newConsole(t)
		c.Do(context.Background(), tc.first)
		pr, pw := io.Pipe()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := c.Run(ctx, pr, true); err != nil {
			t.Fatal(err)
		}
		pw.Close()
		if got := strings.Contains(out.String(), "Interrupted: bye.\nNothing is lost"); got != tc.note {
			t.Errorf("after %q: note shown %v, want %v:\n%s", tc.first, got, tc.note, out.String())
		}
	}
}

// TestFoldedInput: fullwidth characters (an East Asian input method) and a
// leading byte order mark (a pasted or piped file) read as plain ASCII, for
// commands and for the letters that press buttons.
func TestFoldedInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, line, want string
	}{
		{"BOM before a command", "\ufeffhelp quiz", "help: quiz"},
		{"fullwidth command", "ｄｏｍａｉｎｓ　ｃｉｓｓｐ", "CISSP domains"},
		{"fullwidth question", "ｃｉｓｓｐ ｐａｓｓｉｎｇ ｓｃｏｒｅ", "700"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _ := newConsole(t)
			if out := c.Do(context.Background(), tc.line); !strings.Contains(out, tc.want) {
				t.Errorf("%q: reply lacks %q:\n%s", tc.line, tc.want, out)
			}
		})
	}
	c, _, _ := newConsole(t)
	ctx := context.Background()
	c.Do(ctx, "quiz cissp 3")
	if out := c.Do(ctx, "Ｂ"); !strings.Contains(out, "The answer is") {
		t.Errorf("fullwidth B did not answer:\n%s", out)
	}
}

// TestStartAtStartOverPrompt: at a review's or an exam's "resume or start
// over" prompt, `start`, `restart` and `start over` press Start over; with
// no such prompt on screen `start` is help, and the console's help leaves
// out `group`, which it refuses.
func TestStartAtStartOverPrompt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		open, typed, want string
	}{
		{"review", "start", "Review: "},
		{"review", "restart", "Review: "},
		{"review", "Start Over", "Review: "},
		{"exam cism", "start", "CISM format: 150 questions"},
		{"exam cism", "restart", "CISM format: 150 questions"},
	} {
		con, _, st := newConsole(t)
		con.Do(ctx, c.open)
		u, err := st.UserByKey(ctx, storage.UserKey{Platform: bot.PlatformConsole, Workspace: "local", User: "tester"})
		if err != nil {
			t.Fatal(err)
		}
		kind, _, _ := strings.Cut(c.open, " ")
		before, err := st.OpenSession(ctx, u.ID, kind)
		if err != nil {
			t.Fatal(err)
		}
		prompt := con.Do(ctx, c.open)
		if !strings.Contains(prompt, "Type resume, start over or cancel.") {
			t.Fatalf("%s twice:\n%s", c.open, prompt)
		}
		out := con.Do(ctx, c.typed)
		if !strings.Contains(out, c.want) {
			t.Errorf("%q at the %s prompt: want a new start (%q) in:\n%s", c.typed, c.open, c.want, out)
		}
		old, err := st.Session(ctx, before.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now, err := st.OpenSession(ctx, u.ID, kind); err != nil || now.ID == before.ID || old.State != storage.SessionStopped {
			t.Errorf("%q at the %s prompt: the open one is %s (%v), want it stopped and a new one open", c.typed, c.open, old.State, err)
		}
		// The prompt is gone: `start` is help again.
		if help := con.Do(ctx, "start"); !strings.Contains(help, "certcoach: CISM and CISSP study partner") || strings.Contains(help, "group") {
			t.Errorf("start after the prompt: want help without group:\n%s", help)
		}
	}
}

// TestOneShotControls: run once from the shell, the controls line says
// which command answers next, and offers no key that cannot be typed; a
// command the text names is written as the shell command that runs it.
func TestOneShotControls(t *testing.T) {
	t.Parallel()
	c, _, _ := newConsole(t)
	c.OneShot = true
	c.IsCommand = func(text string) bool { return strings.HasPrefix(text, "forget") || strings.HasPrefix(text, "quiz") }
	ctx := context.Background()
	if out := c.Do(ctx, "quiz cissp 1 2"); !strings.Contains(out, "> Answer with `certcoach ask A` to `certcoach ask D`.") || strings.Contains(out, "> Type") {
		t.Errorf("quiz controls:\n%s", out)
	}
	if out := c.Do(ctx, "forget"); strings.Contains(out, "> Type") || !strings.Contains(out, `To delete, type certcoach ask "forget yes".`) || strings.Contains(out, "button") {
		t.Errorf("forget controls:\n%s", out)
	}
}

// TestLetterBeforeNext: on an answer's feedback, a letter does not answer
// the next question unseen; after next it does.
func TestLetterBeforeNext(t *testing.T) {
	t.Parallel()
	c, _, _ := newConsole(t)
	ctx := context.Background()
	c.Do(ctx, "quiz cissp 1 3")
	c.Do(ctx, "b")
	if out := c.Do(ctx, "c"); !strings.Contains(out, "No question is on screen yet") {
		t.Fatalf("a letter on the feedback screen was not refused:\n%s", out)
	}
	if out := c.Do(ctx, "n"); !strings.Contains(out, "Question 2 of 3") {
		t.Fatalf("next did not show question 2:\n%s", out)
	}
	if out := c.Do(ctx, "c"); !strings.Contains(out, "2 of 3") || strings.Contains(out, "No question is on screen") {
		t.Errorf("a letter after next did not answer question 2:\n%s", out)
	}
}

// TestDigitAnswers: with a question on screen, a digit answers by its
// option's position (1 is A), as pressing the answer button does; on the
// feedback screen it asks for next first, as a letter does; a digit that
// is no option's position (5, 0, 9) is refused in digits, never searched.
func TestDigitAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typed []string // after quiz cissp 1 3
		want  string   // in the reply to the last
	}{
		{[]string{"2"}, "You chose B)"},
		{[]string{"4)"}, "You chose D)"},
		{[]string{"(1)"}, "You chose A)"},
		{[]string{"３"}, "You chose C)"}, // fullwidth, as Fold reads it
		{[]string{"1", "2"}, "No question is on screen yet"},
		{[]string{"1", "n", "3"}, "You chose C)"},
		{[]string{"5"}, "Answer with a number 1-4 or a letter A-D: question 1 has 4 options."},
		{[]string{"0"}, "Answer with a number 1-4 or a letter A-D: question 1 has 4 options."},
		{[]string{"9"}, "Answer with a number 1-4 or a letter A-D: question 1 has 4 options."},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.typed, " "), func(t *testing.T) {
			c, _, _ := newConsole(t)
			ctx := context.Background()
			c.Do(ctx, "quiz cissp 1 3")
			var out string
			for _, l := range tt.typed {
				out = c.Do(ctx, l)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("want %q in:\n%s", tt.want, out)
			}
		})
	}
}

// TestCommandWordQuestion: a question typed at the prompt that starts with
// a command's name is answered, its first line naming the command's form;
// that command typed wrong still gets its usage line.
func TestCommandWordQuestion(t *testing.T) {
	t.Parallel()
	c, _, _ := newConsole(t)
	ctx := context.Background()
	for _, tc := range []struct{ line, want, not string }{
		{"exam fees for cissp in india?", "CISSP: Exam fee\n===============\nRead as a question. For the command: exam <cism|cissp>.\n", "Unknown argument"},
		{"compare group a vs group b cpe credits", "Read as a question. For the command: compare [topic].", "No comparison"},
		{"exam stop now", `Unknown argument "now". Usage: exam <cism|cissp>`, "Read as a question"},
	} {
		out, _ := c.DoOutcome(ctx, tc.line)
		if !strings.Contains(out, tc.want) || strings.Contains(out, tc.not) {
			t.Errorf("%q: want %q, not %q:\n%s", tc.line, tc.want, tc.not, out)
		}
	}
}

// TestLetterAsPrintedPressesTheButton: a letter typed as the options print
// it ("c)", "(c)", "c.") presses the answer button as "c" does: the
// feedback comes with its Next, not with the next question already shown.
func TestLetterAsPrintedPressesTheButton(t *testing.T) {
	t.Parallel()
	for _, typed := range []string{"c", "c)", "C)", "(c)", "c.", " c) "} {
		t.Run(typed, func(t *testing.T) {
			c, _, _ := newConsole(t)
			ctx := context.Background()
			c.Do(ctx, "quiz cissp 7 3")
			out := c.Do(ctx, typed)
			if !strings.Contains(out, "You chose C)") || !strings.Contains(out, "next (n)") || strings.Contains(out, "Question 2 of 3") {
				t.Fatalf("%q did not press C:\n%s", typed, out)
			}
			if out := c.Do(ctx, "n"); !strings.Contains(out, "Question 2 of 3") {
				t.Fatalf("next after %q:\n%s", typed, out)
			}
		})
	}
}

// TestAnotherQuizCommandLine: a finished quiz on one objective names the
// command line for another like it, and that line, typed, starts a quiz
// whose questions are all on the objective.
func TestAnotherQuizCommandLine(t *testing.T) {
	for _, tc := range []struct {
		start, line, objective string
		n                      int
	}{
		{"quiz cissp 1.2 2", "quiz cissp 1.2 2 for another quiz like this one", "1.2", 2},
		{"quiz cism 4a2 3", "quiz cism 4A2 3 for another quiz like this one", "4A2", 3},
	} {
		t.Run(tc.start, func(t *testing.T) {
			c, out, st := newConsole(t)
			kb, err := knowledge.Load(knowledge.Embedded())
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			// Piped, as someone types it: the quiz and each answer.
			in := tc.start + "\n" + strings.Repeat("a\nn\n", tc.n-1) + "a\n"
			if err := c.Run(ctx, strings.NewReader(in), false); err != nil {
				t.Fatal(err)
			}
			text := out.String()
			if !strings.Contains(text, "Next: "+tc.line) {
				t.Fatalf("no %q in:\n%s", tc.line, text)
			}
			again := c.Do(ctx, tc.line[:strings.Index(tc.line, " for ")])
			if !strings.Contains(again, "Question 1 of") || !strings.Contains(again, "Questions on objective "+tc.objective+" only.") {
				t.Fatalf("the command line named:\n%s", again)
			}
			u, err := st.UserByKey(ctx, storage.UserKey{Platform: bot.PlatformConsole, Workspace: "local", User: "tester"})
			if err != nil {
				t.Fatal(err)
			}
			s, err := st.OpenSession(ctx, u.ID, "quiz")
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Questions) != tc.n {
				t.Errorf("%d questions, want %d", len(s.Questions), tc.n)
			}
			for _, id := range s.Questions {
				if q, _ := kb.Question(id); q.Objective != tc.objective {
					t.Errorf("question %s is on objective %s, want %s", id, q.Objective, tc.objective)
				}
			}
		})
	}
}

// TestReminderDuringQuizQuestion: a reminder with a question that comes
// while a quiz question is on screen leaves A-D and the digits to the
// quiz, and shows, options as a quiz draws them, once that question is
// answered; on the feedback screen it takes A-D but next still goes on
// with the quiz.
func TestReminderDuringQuizQuestion(t *testing.T) {
	t.Parallel()
	reminder := bot.Reply{Title: "Your daily CISSP study reminder", Body: "**Today's question:**\nWhich one?\n\n**A)** one\n**B)** two",
		Buttons: []bot.Button{{ID: "remind:answer:1:2026-11-25:0", Label: "A"}, {ID: "remind:answer:1:2026-11-25:1", Label: "B"}}}
	tests := []struct {
		name   string
		before []string // typed before the reminder comes, after quiz cissp 1 3
		note   bool     // the reminder waits, with a note
	}{
		{"at a question", nil, true},
		{"at an answer's feedback", []string{"a"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, out, _ := newConsole(t)
			ctx := context.Background()
			c.Do(ctx, "quiz cissp 1 3")
			for _, l := range tt.before {
				c.Do(ctx, l)
			}
			out.Reset()
			if err := c.SendDM(ctx, "local", "tester", reminder); err != nil {
				t.Fatal(err)
			}
			shown := out.String()
			if tt.note {
				if !strings.Contains(shown, "it shows once you answer this question") || strings.Contains(shown, "Which one?") {
					t.Fatalf("the reminder did not wait:\n%s", shown)
				}
				// 2 answers the quiz, not the reminder; the reminder follows.
				shown = c.Do(ctx, "2")
				if !strings.Contains(shown, "You chose B)") {
					t.Fatalf("2 did not answer the quiz:\n%s", shown)
				}
				if strings.Count(shown, "Which one?") != 1 {
					t.Fatalf("the reminder did not follow the answer once:\n%s", shown)
				}
			}
			// After a right answer the controls also offer hard and easy.
			for _, want := range []string{"Which one?\n\nA) one\nB) two", "> Type A-B (or 1-2) to answer, or ", "next (n)"} {
				if !strings.Contains(shown, want) {
					t.Errorf("reminder lacks %q:\n%s", want, shown)
				}
			}
			if r := c.Request("1"); r.Action != "remind:answer:1:2026-11-25:0" {
				t.Errorf("1 after the reminder: action %q, want the reminder's A", r.Action)
			}
			if r := c.Request("n"); !strings.HasPrefix(r.Action, "quiz:next:") {
				t.Errorf("n after the reminder: action %q, want the quiz's next", r.Action)
			}
			if again := c.Do(ctx, "help"); strings.Contains(again, "Which one?") {
				t.Errorf("the reminder showed twice:\n%s", again)
			}
		})
	}
	// Input that ends with the quiz question still open prints the
	// reminder that waited, without keys that nothing reads any more.
	c, out, _ := newConsole(t)
	ctx := context.Background()
	c.Do(ctx, "quiz cissp 1 3")
	if err := c.SendDM(ctx, "local", "tester", reminder); err != nil {
		t.Fatal(err)
	}
	if err := c.Run(ctx, strings.NewReader(""), false); err != nil {
		t.Fatal(err)
	}
	if left := out.String(); !strings.Contains(left, "Which one?") || strings.Contains(left, "Type A-B") || !strings.Contains(left, "Nothing is lost") {
		t.Errorf("at the end of input:\n%s", left)
	}
}

// handlerFunc is a Handler of a function.
type handlerFunc func(context.Context, bot.Request) bot.Reply

func (f handlerFunc) Handle(ctx context.Context, req bot.Request) bot.Reply { return f(ctx, req) }

// scripted is a Handler that answers each request with the next reply.
type scripted struct{ replies []bot.Reply }

func (s *scripted) Handle(context.Context, bot.Request) bot.Reply {
	r := s.replies[0]
	s.replies = s.replies[1:]
	return r
}

// TestReminderWaitsPastAFile: a file printed alone (FileOnly) has no room
// for a reminder that waited: it waits on, keys and all, for the next
// reply.
func TestReminderWaitsPastAFile(t *testing.T) {
	t.Parallel()
	question := bot.Reply{Body: "Question 1", Buttons: []bot.Button{{ID: "quiz:answer:s:0:0", Label: "A"}, {ID: "quiz:answer:s:0:1", Label: "B"}}}
	file := bot.Reply{Replace: true, Attachment: &bot.Attachment{Name: "export.json", Content: []byte(`{"ok":true}`)}}
	h := &scripted{replies: []bot.Reply{question, file, {Body: "Help text"}}}
	var out bytes.Buffer
	c := console.New(h, "tester", &out)
	c.FileOnly = true
	ctx := context.Background()
	c.Do(ctx, "quiz")
	reminder := bot.Reply{Body: "Which one?", Buttons: []bot.Button{{ID: "remind:answer:1:2026-11-25:0", Label: "A"}}}
	if err := c.SendDM(ctx, "local", "tester", reminder); err != nil {
		t.Fatal(err)
	}
	if got := c.Do(ctx, "export"); got != "{\"ok\":true}\n" {
		t.Fatalf("the file is not alone: %q", got)
	}
	if r := c.Request("a"); r.Action != "" {
		t.Errorf("a after the file pressed %q, a reminder not shown", r.Action)
	}
	if got := c.Do(ctx, "help"); !strings.Contains(got, "Help text") || strings.Count(got, "Which one?") != 1 {
		t.Fatalf("the reminder did not follow the next reply:\n%s", got)
	}
	if r := c.Request("a"); r.Action != "remind:answer:1:2026-11-25:0" {
		t.Errorf("a after the reminder: action %q, want the reminder's A", r.Action)
	}
}

// TestRemindersWhileLeavingOrHeld: a second reminder while one waits shows
// the first (without its keys, the quiz keeps A-D) and waits itself; one
// that comes once the console has begun to leave shows at once, as nothing
// would show it later; Ctrl-C during a command shows the one that waited.
func TestRemindersWhileLeavingOrHeld(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reminder := func(body string) bot.Reply {
		return bot.Reply{Body: body, Buttons: []bot.Button{{ID: "remind:answer:1:2026-11-25:0", Label: "A"}, {ID: "remind:answer:1:2026-11-25:1", Label: "B"}}}
	}

	t.Run("a second while one waits", func(t *testing.T) {
		t.Parallel()
		c, out, _ := newConsole(t)
		c.Do(ctx, "quiz cissp 1 3")
		for _, body := range []string{"First reminder", "Second reminder"} {
			if err := c.SendDM(ctx, "local", "tester", reminder(body)); err != nil {
				t.Fatal(err)
			}
		}
		shown := out.String()
		if !strings.Contains(shown, "First reminder") || strings.Contains(shown, "Second reminder") || strings.Contains(shown, "Type A-B") {
			t.Fatalf("the first reminder did not show keyless, or the second did not wait:\n%s", shown)
		}
		if r := c.Request("a"); !strings.HasPrefix(r.Action, "quiz:answer:") {
			t.Errorf("a with two reminders in: action %q, want the quiz's answer", r.Action)
		}
		if got := c.Do(ctx, "2"); !strings.Contains(got, "You chose B)") || strings.Count(got, "Second reminder") != 1 || strings.Contains(got, "First reminder") {
			t.Fatalf("the answer did not bring the second reminder alone:\n%s", got)
		}
	})
	t.Run("after leaving", func(t *testing.T) {
		t.Parallel()
		c, out, _ := newConsole(t)
		c.Do(ctx, "quiz cissp 1 3")
		if err := c.Run(ctx, strings.NewReader(""), false); err != nil {
			t.Fatal(err)
		}
		out.Reset()
		if err := c.SendDM(ctx, "local", "tester", reminder("Late reminder")); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); !strings.Contains(got, "Late reminder") || strings.Contains(got, "it shows once you answer") || strings.Contains(got, "Type A-B") {
			t.Errorf("a reminder after leaving:\n%s", got)
		}
	})
	t.Run("a command cancelled while one waits", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var out bytes.Buffer
		var c *console.Console
		question := bot.Reply{Body: "Question 1", Buttons: []bot.Button{{ID: "quiz:answer:s:0:0", Label: "A"}, {ID: "quiz:answer:s:0:1", Label: "B"}}}
		h := handlerFunc(func(_ context.Context, req bot.Request) bot.Reply {
			if req.Text == "quiz" {
				return question
			}
			// The reminder comes in while this command runs, then Ctrl-C.
			if err := c.SendDM(ctx, "local", "tester", reminder("Waiting reminder")); err != nil {
				t.Error(err)
			}
			cancel()
			return bot.Reply{}
		})
		c = console.New(h, "tester", &out)
		if err := c.Run(ctx, strings.NewReader("quiz\nhelp\n"), false); err != nil {
			t.Fatal(err)
		}
		_, got, ok := strings.Cut(out.String(), "the last command was cancelled")
		if !ok || !strings.Contains(got, "Waiting reminder") || strings.Contains(got, "Type A-B") {
			t.Errorf("the waiting reminder at Ctrl-C:\n%s", out.String())
		}
	})
}

// TestReminderKeepsNonAnswerButtons: a reminder shown over a review's
// "resume or start over" prompt leaves every key of that prompt working,
// as its controls line says.
func TestReminderKeepsNonAnswerButtons(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, out, _ := newConsole(t)
	c.Do(ctx, "review")
	if prompt := c.Do(ctx, "review"); !strings.Contains(prompt, "Type resume, start over or cancel.") {
		t.Fatalf("review twice:\n%s", prompt)
	}
	out.Reset()
	if err := c.SendDM(ctx, "local", "tester", bot.Reply{Body: "Which one?", Buttons: []bot.Button{
		{ID: "remind:answer:1:2026-11-25:0", Label: "A"}, {ID: "remind:answer:1:2026-11-25:1", Label: "B"}}}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "Type A-B (or 1-2) to answer, or resume, start over or cancel.") {
		t.Fatalf("reminder's controls line:\n%s", got)
	}
	for typed, want := range map[string]string{"a": "remind:answer:", "resume": "quiz:next:", "start over": "review:restart:", "cancel": "quiz:keep:"} {
		if r := c.Request(typed); !strings.HasPrefix(r.Action, want) {
			t.Errorf("%q after the reminder: action %q, want %s...", typed, r.Action, want)
		}
	}
}
