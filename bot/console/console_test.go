package console_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/console"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/sqlite"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func newConsole(t *testing.T) (*console.Console, *bytes.Buffer, *sqlite.Store) {
	t.Helper()
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := bot.NewEngine(kb, st, bot.Options{Clock: &clock{time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)}})
	var out bytes.Buffer
	return console.New(e, "tester", &out), &out, st
}

func TestCompareTableFits100Columns(t *testing.T) {
	c, _, _ := newConsole(t)
	text := c.Do(context.Background(), "/cert compare")
	table := false
	for _, line := range strings.Split(text, "\n") {
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

// TestTypedLettersAnswerQuiz: in the console, A-D and the numbered buttons
// press the last reply's buttons, so a whole quiz runs by typing.
func TestTypedLettersAnswerQuiz(t *testing.T) {
	c, _, st := newConsole(t)
	ctx := context.Background()
	out := c.Do(ctx, "quiz cissp 7 2")
	if !strings.Contains(out, "[A] A") || !strings.Contains(out, "Question 1 of 2") {
		t.Fatalf("quiz start:\n%s", out)
	}
	out = c.Do(ctx, "b")
	if !strings.Contains(out, "The answer is") {
		t.Fatalf("typed B did not answer:\n%s", out)
	}
	// "Next" is a numbered button after the explanation.
	var next string
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, "] Next"); i > 0 {
			next = line[strings.LastIndex(line[:i], "[")+1 : i]
		}
	}
	if next == "" {
		t.Fatalf("no Next key:\n%s", out)
	}
	if out = c.Do(ctx, next); !strings.Contains(out, "Question 2 of 2") {
		t.Fatalf("next:\n%s", out)
	}
	if out = c.Do(ctx, "D"); !strings.Contains(out, "Score:") {
		t.Fatalf("last answer should end with a score:\n%s", out)
	}
	n, err := st.CountAnswers(ctx, storage.UserKey{Platform: "console", Workspace: "local", User: "tester"})
	if err != nil || n != 2 {
		t.Fatalf("%d answers stored (%v)", n, err)
	}
}

func TestRunReadsPipedLines(t *testing.T) {
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

func TestWrapKeepsLongWordsWithinWidth(t *testing.T) {
	r := bot.Reply{Table: &bot.Table{Left: "L", Right: "R", Rows: []bot.Row{{Label: "x", Left: strings.Repeat("y", 300), Right: "short"}}}}
	for _, line := range strings.Split(console.Render(r), "\n") {
		if n := utf8.RuneCountInString(strings.TrimRight(line, " ")); n > console.Width {
			t.Fatalf("line of %d columns", n)
		}
	}
}

// TestConsoleDeliversItsReminders: a reminder set in the console comes up
// in the console when it is due, through the scheduler; another console
// user's reminder does not.
func TestConsoleDeliversItsReminders(t *testing.T) {
	ctx := context.Background()
	kb, err := knowledge.Load(knowledge.Embedded())
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
	if got := c.Do(ctx, "remind 08:30 UTC"); !strings.Contains(got, "08:30") {
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
	if !strings.Contains(text, "daily CISM study reminder") || !strings.Contains(text, "[A] A") {
		t.Fatalf("no reminder with its question printed:\n%s", text)
	}
	// The question's buttons answer to typed keys, as replies' do.
	if got := c.Do(ctx, "A"); !strings.Contains(got, "You chose A") && !strings.Contains(got, "Correct: A)") {
		t.Errorf("typing A did not answer the reminder's question: %s", got)
	}
	if otherOut.Len() != 0 {
		t.Errorf("another user's reminder printed in this console: %s", otherOut.String())
	}
}
