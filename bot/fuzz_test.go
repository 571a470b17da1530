package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage/sqlite/sqlitetest"
)

// fuzzClock is fixed: fuzzing explores input, not time.
type fuzzClock struct{}

func (fuzzClock) Now() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }

// fuzzEngine builds one engine per fuzz process over a real SQLite file;
// each input runs against the state earlier inputs left, as in production.
func fuzzEngine(f *testing.F) *bot.Engine {
	f.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		f.Fatal(err)
	}
	st := sqlitetest.Open(f, "fuzz.db")
	return bot.NewEngine(kb, st, bot.Options{Clock: fuzzClock{}})
}

var fuzzActor = bot.Actor{Platform: "console", Workspace: "w1", User: "fuzzer", Channel: "c1", Name: "Fuzzer"}

// visible reports whether a reply shows the user something.
func visible(r bot.Reply) bool {
	return strings.TrimSpace(r.Body) != "" || strings.TrimSpace(r.Title) != "" || len(r.Fields) > 0 || r.Table != nil
}

func checkReply(t *testing.T, what string, r bot.Reply) {
	t.Helper()
	if !visible(r) {
		t.Fatalf("%s: empty reply %+v", what, r)
	}
	switch r.Outcome {
	case bot.OutcomeOK, bot.OutcomeUserError, bot.OutcomeError, bot.OutcomeLimited:
	default:
		t.Fatalf("%s: outcome %q", what, r.Outcome)
	}
	if r.Outcome == bot.OutcomeError {
		t.Fatalf("%s: internal error reply (see log): %q", what, r.Body)
	}
	for _, b := range r.Buttons {
		if len(b.ID) > 100 {
			t.Fatalf("%s: button ID %q longer than Discord's 100", what, b.ID)
		}
	}
}

// FuzzCommandText: any typed text parses without panicking into a clean
// command name, and the engine answers it with something to show.
func FuzzCommandText(f *testing.F) {
	for _, s := range []string{
		"", "help", "/cert help", "cert compare", "COMPARE incident-response", "compare bcp",
		"domains cissp", "domain cism 3", "domain cissp 99", "ask what is a BIA?", "what is RTO?",
		"quiz", "quiz cism", "quiz cissp 7 5", "quiz cissp 7 5 9", "quiz 0", "quiz cism governance",
		"review", "progress", "plan cissp 2027-03-01", "plan cism tomorrow", "remind 07:30 Europe/Paris",
		"remind off", "leaderboard", "group daily 09:00", "export", "settings", "exam cism", "exam resume",
		"/cert\tquiz\ncism", "/certquiz", "cert", "\x00\x01quiz", "quiz -1", "quiz 99999999999999999999",
		"compare " + strings.Repeat("a", 5000), "ask " + strings.Repeat("é", 300), "\u202equiz", "forget",
		"quiz\u00a0cism 5", "compare\u2028bcp", "\u3000help",
	} {
		f.Add(s)
	}
	e := fuzzEngine(f)
	f.Fuzz(func(t *testing.T, text string) {
		name, rest := bot.ParseCommand(text)
		if strings.ContainsFunc(name, unicode.IsSpace) {
			t.Fatalf("ParseCommand(%q): name %q contains space", text, name)
		}
		if name != strings.ToLower(name) {
			t.Fatalf("ParseCommand(%q): name %q not lower case", text, name)
		}
		if rest != strings.TrimSpace(rest) {
			t.Fatalf("ParseCommand(%q): rest %q not trimmed", text, rest)
		}
		if strings.HasPrefix(name, "forget") {
			return // would wipe the fuzzer's own state each time; covered by seeds above
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		checkReply(t, "text "+strings.ToValidUTF8(text[:min(len(text), 80)], "?"), e.Handle(ctx, bot.Request{Actor: fuzzActor, Text: text, ID: "fuzz"}))
	})
}

// FuzzAction: any button action ID, forged or stale, gets an answer and no
// panic. "SID" in an input stands for a real open quiz session of the
// fuzzer, so the mutator reaches the deep quiz paths (answer, next, rate).
func FuzzAction(f *testing.F) {
	for _, s := range []string{
		"", ":", "quiz", "quiz:", "quiz:answer", "quiz:answer:SID:0:0", "quiz:answer:SID:0:3", "quiz:answer:SID:0:4",
		"quiz:answer:SID:-1:0", "quiz:answer:SID:99:0", "quiz:answer:SID:0", "quiz:next:SID:1", "quiz:rate:SID:0:easy",
		"quiz:rate:SID:0:hard", "quiz:rate:SID:0:bogus", "quiz:stop:SID", "quiz:pause:SID", "quiz:resume:SID",
		"quiz:answer:nosuchsession:0:0", "forget:confirm", "forget:cancel", "share:compare", "btn:0",
		"quiz:answer:SID:0:0:extra:parts", strings.Repeat("quiz:", 60), "quiz:answer:SID:1e3:0", "quiz:answer:SID: 0:0",
	} {
		f.Add(s)
	}
	e := fuzzEngine(f)
	start := e.Handle(context.Background(), bot.Request{Actor: fuzzActor, Text: "quiz cism 20"})
	sid := ""
	for _, b := range start.Buttons {
		if p := strings.Split(b.ID, ":"); len(p) >= 3 && p[0] == "quiz" {
			sid = p[2]
		}
	}
	if sid == "" {
		f.Fatalf("quiz start gave no session buttons: %+v", start)
	}
	f.Fuzz(func(t *testing.T, action string) {
		if strings.HasPrefix(action, "forget") {
			return // see FuzzCommandText
		}
		action = strings.ReplaceAll(action, "SID", sid)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		checkReply(t, "action "+strings.ToValidUTF8(action[:min(len(action), 80)], "?"), e.Handle(ctx, bot.Request{Actor: fuzzActor, Action: action, ID: "fuzz"}))
	})
}
