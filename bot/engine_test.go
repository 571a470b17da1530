package bot_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage/sqlite"
	"github.com/certcoach/certcoach/storage/sqlite/sqlitetest"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var loadKB = knowledge.LoadEmbedded

type harness struct {
	e     *bot.Engine
	store *sqlite.Store
	clock *fakeClock
	kb    *knowledge.Base
}

// newHarness is an engine on a database and a clock of its own (the
// knowledge base, read-only, is shared), so the tests run in parallel.
func newHarness(t testing.TB) *harness {
	t.Helper()
	kb, err := loadKB()
	if err != nil {
		t.Fatal(err)
	}
	st := sqlitetest.Open(t, "test.db")
	clk := &fakeClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	return &harness{e: bot.NewEngine(kb, st, bot.Options{Clock: clk}), store: st, clock: clk, kb: kb}
}

func actor(user string) bot.Actor {
	return bot.Actor{Platform: "console", Workspace: "w1", User: user, Channel: "c", Name: user}
}

func (h *harness) do(t testing.TB, user, text string) bot.Reply {
	t.Helper()
	return h.e.Handle(context.Background(), bot.Request{Actor: actor(user), Text: text})
}

func (h *harness) click(t testing.TB, user, action string) bot.Reply {
	t.Helper()
	return h.e.Handle(context.Background(), bot.Request{Actor: actor(user), Action: action})
}

func all(r bot.Reply) string {
	var sb strings.Builder
	sb.WriteString(r.Title + "\n" + r.Body + "\n" + r.Footer + "\n")
	for _, f := range r.Fields {
		sb.WriteString(f.Name + " " + f.Value + "\n")
	}
	if r.Table != nil {
		for _, row := range r.Table.Rows {
			sb.WriteString(row.Label + " | " + row.Left + " | " + row.Right + "\n")
		}
	}
	return sb.String()
}

func TestParseCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, name, rest string
	}{
		{"/cert compare", "compare", ""},
		{"cert compare", "compare", ""},
		{"compare", "compare", ""},
		{"  /CERT   Compare  Incident-Response ", "compare", "Incident-Response"},
		{"certificate", "certificate", ""},
		{"/cert", "", ""},
		{"ask how long is the CISSP exam?", "ask", "how long is the CISSP exam?"},
		{"", "", ""},
		{"cert\tdomains cissp", "domains", "cissp"},
		{"\ufeffhelp quiz", "help", "quiz"},
		{"ｑｕｉｚ　ｃｉｓｓｐ ７", "quiz", "cissp 7"},
		{"／ｃｅｒｔ ｃｏｍｐａｒｅ", "compare", ""},
	}
	for _, tc := range tests {
		name, rest := bot.ParseCommand(tc.in)
		if name != tc.name || rest != tc.rest {
			t.Errorf("ParseCommand(%q) = %q, %q; want %q, %q", tc.in, name, rest, tc.name, tc.rest)
		}
	}
}

func TestReferenceCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct {
		text    string
		want    []string
		outcome string
	}{
		{"help", []string{"compare", "quiz", "ask"}, bot.OutcomeOK},
		{"/cert compare", []string{"Information Security Governance 18%", "Incident Management 29%", "Security Operations 13%", "Software Development Security 10%", "450", "700", "weights unconfirmed"}, bot.OutcomeOK},
		{"compare incident-response", []string{"CISM", "CISSP", "7.6"}, bot.OutcomeOK},
		{"compare bcp", []string{"CISM vs CISSP"}, bot.OutcomeOK},
		{"compare underwater basket weaving", []string{"No comparison"}, bot.OutcomeUserError},
		{"domains cissp", []string{"Security and Risk Management: 16%", "2024"}, bot.OutcomeOK},
		{"domains cism", []string{"unconfirmed", "Incident Management: 29%"}, bot.OutcomeOK},
		{"domains cism 2022", []string{"Incident Management: 30%"}, bot.OutcomeOK},
		{"domains cissp 2021", []string{"Software Development Security: 11%"}, bot.OutcomeOK},
		{"domains", []string{"cism"}, bot.OutcomeUserError},
		{"domains cisa", []string{"Unknown exam"}, bot.OutcomeUserError},
		{"domain cissp 7", []string{"7.6", "incident management", "quiz cissp 7"}, bot.OutcomeOK},
		{"domain cissp operations", []string{"Security Operations"}, bot.OutcomeOK},
		{"domain cissp 8", []string{"10% in the 2024 outline, 11% in the 2021 outline before it"}, bot.OutcomeOK},
		{"domain cism 4", []string{"not yet known", "4A3", "Business continuity plan"}, bot.OutcomeOK},
		{"domain cism 4 2022", []string{"4B6"}, bot.OutcomeOK},
		{"domain cissp 9", []string{"no domain"}, bot.OutcomeUserError},
		{"ask how many questions are on the CISM exam", []string{"150", "Source:"}, bot.OutcomeOK},
		{"ask", []string{"Ask me something"}, bot.OutcomeUserError},
		{"ask zebra migration patterns in the serengeti", []string{"No good answer"}, bot.OutcomeOK},
		{"ask what are the cism domains?", []string{"CISM domains", "Incident Management: 29% (unconfirmed)"}, bot.OutcomeOK},
		{"ask list the ISC2 domains", []string{"CISSP domains", "Asset Security: 10%"}, bot.OutcomeOK},
		{"ask what are the cism and cissp domains", []string{"Exam domains", "Asset Security 10%"}, bot.OutcomeOK},
		{"ask what are the domains", []string{"Exam domains", "Information Security Program 33%?", "Software Development Security 10%"}, bot.OutcomeOK},
		{"ask what is in cissp domain 3", []string{"Security Architecture and Engineering"}, bot.OutcomeOK},
		{"ask how long is cism valid", []string{"three-year cycle"}, bot.OutcomeOK},
		{"ask how many domains in cissp", []string{"CISSP domains", "Software Development Security: 10%"}, bot.OutcomeOK},
		{"ask how long should I study for the CISSP?", []string{"How long to study", "plan"}, bot.OutcomeOK},
		{"ask how many hours of prep for cism", []string{"How long to study"}, bot.OutcomeOK},
		{"ask what is the cissp pass rate", []string{"Pass rates", "no pass-rate figure", "CISSP", "700"}, bot.OutcomeOK},
		{"ask what percentage of people fail the CISM?", []string{"no pass-rate figure", "CISM", "450"}, bot.OutcomeOK},
		{"ask cism vs cissp pass rates", []string{"CISM", "450", "CISSP", "700"}, bot.OutcomeOK},
		{"ask what is the cissp passing score", []string{"Passing score", "700"}, bot.OutcomeOK},
		{"ask what is the difference between cism and cissp", []string{"CISM vs CISSP", "Incident Management 29%"}, bot.OutcomeOK},
		{"ask which one is more technical?", []string{"CISM vs CISSP"}, bot.OutcomeOK},
		{"ask cism vs cissp which is harder", []string{"CISM vs CISSP"}, bot.OutcomeOK},
		{"ask is cism harder than cissp", []string{"CISM vs CISSP"}, bot.OutcomeOK},
		{"ask which certification pays more", []string{"no salary figures", "CISM", "CISSP"}, bot.OutcomeOK},
		{"ask what is the difference between due care and due diligence", []string{"due diligence"}, bot.OutcomeOK},
		{"ask which cissp domain is the most technical", []string{"CISSP"}, bot.OutcomeOK},
		{"ask cissp salary", []string{"Salaries", "no salary figures", "CISSP", "CISO"}, bot.OutcomeOK},
		{"ask what is the average cism salary in the US?", []string{"no salary figures", "CISM"}, bot.OutcomeOK},
		{"ask do I have to pay an annual fee for cism", []string{"fee"}, bot.OutcomeOK},
		{"frobnicate", []string{"Unknown command"}, bot.OutcomeUserError},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			r := h.do(t, "alice", tc.text)
			if r.Outcome != tc.outcome {
				t.Fatalf("outcome %q, want %q; reply:\n%s", r.Outcome, tc.outcome, all(r))
			}
			text := all(r)
			for _, w := range tc.want {
				if !strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
					t.Errorf("reply lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestCompareListsAllDomainsOfBoth(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(t, "alice", "compare")
	if r.Table == nil {
		t.Fatal("compare has no table")
	}
	text := all(r)
	for _, o := range []string{"cism-2026", "cissp-2024"} {
		ol, _ := h.kb.Outline(o)
		for _, d := range ol.Domains {
			if !strings.Contains(text, d.Name) {
				t.Errorf("compare lacks %s domain %q", o, d.Name)
			}
		}
	}
	if !r.Shareable || !r.Private {
		t.Errorf("compare should be private and shareable: %+v", r)
	}
}

func TestOutlineFollowsPlanDate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Before 3 Nov 2026 the 2022 CISM outline applied; a plan date picks it.
	h.clock.t = time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	if r := h.do(t, "bob", "domains cism"); !strings.Contains(all(r), "Incident Management: 29%") {
		t.Fatalf("without a plan, domains cism follows today's outline:\n%s", all(r))
	}
	h.clock.t = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	if r := h.do(t, "bob", "plan cism 2026-10-20"); r.Outcome != bot.OutcomeOK {
		t.Fatalf("plan: %s", all(r))
	}
	r := h.do(t, "bob", "domains cism")
	if !strings.Contains(all(r), "Incident Management: 30%") {
		t.Errorf("with an exam on 2026-10-20, domains cism should show the 2022 outline:\n%s", all(r))
	}
	r = h.do(t, "bob", "plan cism 2026-12-01")
	if !strings.Contains(all(r), "Heads-up") {
		t.Errorf("a plan across the 2026-11-03 change should warn:\n%s", all(r))
	}
}

func TestCompareIsBuiltOncePerOutlinePair(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a, b := h.do(t, "x", "compare"), h.do(t, "y", "compare")
	if a.Table == nil || a.Table != b.Table {
		t.Fatal("compare table rebuilt for an unchanged outline pair")
	}
}

func TestLoneLetterWithoutQuestion(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.e.Handle(context.Background(), bot.Request{Actor: bot.Actor{Platform: "console", Workspace: "w1", User: "x", DM: true}, Text: "B"})
	if r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, "No question is open") {
		t.Fatalf("a lone B: %s", all(r))
	}
}

// snapshot is every row of every table in the harness's database, as text.
func snapshot(t *testing.T, h *harness) map[string]string {
	t.Helper()
	ctx := context.Background()
	db := h.store.Reader()
	var tables []string
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range tables {
		rows, err := db.QueryContext(ctx, `SELECT * FROM "`+n+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&sb, vals...)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		out[n] = sb.String()
	}
	return out
}

// TestReadOnlyCommandsWriteNothing: what a command declares read-only
// (adapters answer a repeated delivery of it again instead of recording
// each one) leaves the database as it was, for a new user and one with a
// plan; a command that is not read-only, run the same way, does write.
func TestReadOnlyCommandsWriteNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if r := h.do(t, "planner", "plan cissp 2027-03-01"); r.Outcome != bot.OutcomeOK {
		t.Fatalf("plan: %+v", r)
	}
	lines := map[string][]string{
		"help": {"help"}, "compare": {"compare", "compare incident-response"},
		"domains": {"domains cissp", "domains cism 2022"}, "domain": {"domain cissp 7", "domain cism 4A2"},
		"ask": {"ask how long is the cissp exam", "ask what is bcp"},
	}
	n := 0
	for _, c := range h.e.Commands() {
		if !c.ReadOnly {
			continue
		}
		if len(lines[c.Name]) == 0 {
			t.Errorf("read-only command %s: no test lines", c.Name)
		}
		for _, line := range lines[c.Name] {
			for _, user := range []string{"newcomer", "planner"} {
				before := snapshot(t, h)
				if r := h.do(t, user, line); r.Outcome != bot.OutcomeOK {
					t.Errorf("%s: outcome %v: %s", line, r.Outcome, r.Body)
				}
				if after := snapshot(t, h); !maps.Equal(before, after) {
					t.Errorf("%s (%s) changed the database: %v -> %v", line, user, before, after)
				}
				n++
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d read-only runs", n)
	}
	before := snapshot(t, h)
	h.do(t, "newcomer", "progress")
	if maps.Equal(before, snapshot(t, h)) {
		t.Error("progress for a new user wrote nothing: the snapshot cannot tell a write")
	}
}

// TestReadOnlyAsPrepared: adapters read ReadOnly from Prepare, so every
// typed line Prepare calls read-only (aliases and words routed elsewhere
// included) must leave the database as it was for a new user; "start over"
// is help's alias word but runs the controls, which record the user.
func TestReadOnlyAsPrepared(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	n := 0
	for i, line := range []string{"start", "?", "start over", "restart", "help quiz", "vs", "vs cryptography",
		"q what is bcp", "search bcp", "domains cissp", "domain cism 1", "compare", "ask"} {
		req := bot.Request{Actor: actor(fmt.Sprintf("fresh%d", i)), Text: line}
		if !h.e.Prepare(req).Info.ReadOnly {
			continue
		}
		n++
		before := snapshot(t, h)
		h.e.Handle(context.Background(), req)
		if after := snapshot(t, h); !maps.Equal(before, after) {
			t.Errorf("%q is prepared as read-only but changed the database: %v -> %v", line, before, after)
		}
	}
	if n < 8 {
		t.Errorf("only %d lines prepared as read-only", n)
	}
}

// TestMistyped: a /cert line naming no command, or one word close to a
// command, is a mistyped command; a question is not.
func TestMistyped(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	tests := []struct {
		text, name, guess string
		mistyped          bool
	}{
		{"/cert frobnicate", "frobnicate", "", true},
		{"quizz", "quizz", "quiz", true},
		{"quiz cissp", "", "", false},
		{"what is the cissp passing score?", "what", "", false},
		{"quizz cissp 7 5", "quizz", "quiz", true},
		{"remnd 7:30", "remnd", "remind", true},
		{"qiuz cissp", "qiuz", "quiz", true},
		{"qiuz", "qiuz", "quiz", true},
		{"quizz me on crypto", "quizz", "quiz", true}, // "me on" around the domain ask nothing
		{"process for cissp endorsement", "", "", false},
	}
	for _, tc := range tests {
		name, guess, mistyped := h.e.Mistyped(context.Background(), bot.Request{Actor: actor("alice"), Text: tc.text})
		if mistyped != tc.mistyped || mistyped && (name != tc.name || guess != tc.guess) {
			t.Errorf("Mistyped(%q) = %q, %q, %v; want %q, %q, %v", tc.text, name, guess, mistyped, tc.name, tc.guess, tc.mistyped)
		}
	}
}

// TestTypoWithArguments: a first word one slip from a command, followed by
// words that read as that command's arguments, gets a did-you-mean naming
// the whole corrected line; words that read as a question still go to ask.
func TestTypoWithArguments(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	tests := []struct {
		text    string
		outcome string
		want    string // in the reply
		notWant string
	}{
		{"quizz cissp 7 5", bot.OutcomeUserError, "did you mean `quiz cissp 7 5`?", ""},
		{"remnd 7:30", bot.OutcomeUserError, "did you mean `remind 7:30`?", ""},
		{"qiuz cissp", bot.OutcomeUserError, "did you mean `quiz cissp`?", ""},
		{"qiuz", bot.OutcomeUserError, "did you mean `quiz`?", ""},
		{"quizz cissp security operations", bot.OutcomeUserError, "did you mean `quiz cissp security operations`?", ""},
		{"hepl quiz", bot.OutcomeUserError, "did you mean `help quiz`?", ""},
		{"compaer iam", bot.OutcomeUserError, "did you mean `compare iam`?", ""},
		{"domian cissp 7", bot.OutcomeUserError, "did you mean `domain cissp 7`?", ""},
		{"quizz me on crypto", bot.OutcomeUserError, "did you mean `quiz me on crypto`?", ""},
		// Questions: the words are no arguments of the near command.
		{"process for cissp endorsement", bot.OutcomeOK, "Endorsement", "did you mean"},
		{"task management in cism", bot.OutcomeOK, "", "did you mean"},
		{"plans for the cism exam", bot.OutcomeOK, "", "did you mean"},
		{"exams compared", bot.OutcomeOK, "", "did you mean"},
		{"remain calm during the exam", bot.OutcomeOK, "", "did you mean"},
		{"remnd me to study", bot.OutcomeOK, "", "did you mean"},
		{"hepl me please", bot.OutcomeOK, "", "did you mean"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			a := actor("alice")
			a.DM = true // free text is a question, as in the console
			r := h.e.Handle(context.Background(), bot.Request{Actor: a, Text: tc.text})
			text := all(r)
			if r.Outcome != tc.outcome {
				t.Fatalf("outcome %q, want %q; reply:\n%s", r.Outcome, tc.outcome, text)
			}
			if tc.want != "" && !strings.Contains(text, tc.want) {
				t.Errorf("reply lacks %q:\n%s", tc.want, text)
			}
			if tc.notWant != "" && strings.Contains(text, tc.notWant) {
				t.Errorf("reply has %q:\n%s", tc.notWant, text)
			}
		})
	}
}

// TestCommandWordQuestions: a typed line that starts with a command's name
// but whose words are no arguments of it is answered as ask of the line
// when it reads as a question, with a first line saying how to run the
// command; a line that does not keeps the command's usage error, and one
// whose arguments parse stays the command. The same in a DM and after /cert
// in a channel.
func TestCommandWordQuestions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	tests := []struct {
		text    string
		title   string // the reply's title contains it
		note    string // the command the answer's first line names, "" for no note
		body    string // the body contains it
		outcome string
	}{
		// Questions.
		{"exam fees for cissp in india?", "CISSP: Exam fee", "exam <cism|cissp>", "US$749", bot.OutcomeOK},
		{"exam cost cism", "CISM: Exam fee", "exam <cism|cissp>", "US$575", bot.OutcomeOK},
		{"domain weights for cissp?", "CISSP domains", "domain <cism|cissp> <n|name|objective> [version]", "16%", bot.OutcomeOK},
		{"domains weights cissp", "CISSP domains", "domains <cism|cissp> [version]", "16%", bot.OutcomeOK},
		{"plan for studying cism while working full time?", "CISM", "plan <cism|cissp> <YYYY-MM-DD>", "", bot.OutcomeOK},
		{"review of the cissp cat rules?", "CISSP: Adaptive", "review [cism|cissp]", "adaptive", bot.OutcomeOK},
		{"progress in cissp is slow, how long should I study?", "How long to study", "progress [cism|cissp] [chart]", "", bot.OutcomeOK},
		// What ask makes of it is ask's business; it is not a quiz on a domain.
		{"quiz questions on the real cism exam are how many?", "", "quiz [cism|cissp] [domain] [count 1-20]", "", bot.OutcomeOK},
		{"compare group a vs group b cpe credits", "CISM and CISSP: CPE", "compare [topic]", "Group A", bot.OutcomeOK},
		{"group a vs group b cpe credits", "CISM and CISSP: CPE", "group daily <HH:MM> [IANA zone] [cism|cissp]", "Group A", bot.OutcomeOK},
		{"compare cryptography salary", "Salaries", "compare [topic]", "", bot.OutcomeOK},
		{"/cert exam cost cism", "CISM: Exam fee", "exam <cism|cissp>", "", bot.OutcomeOK},
		// Commands whose arguments parse.
		{"exam cissp", "CISSP mock exam", "", "", bot.OutcomeOK},
		{"quiz me on crypto", "Question 1 of 5", "", "", bot.OutcomeOK},
		{"domains cissp", "CISSP domains", "", "", bot.OutcomeOK},
		{"compare incident response", "CISM vs CISSP: Incident response", "", "", bot.OutcomeOK},
		{"compare cryptography basics", "CISM vs CISSP: Cryptography", "", "", bot.OutcomeOK},
		{"compare", "CISM vs CISSP", "", "Which is for you?", bot.OutcomeOK},
		{"plan cissp 2027-03-01", "Study plan: CISSP", "", "", bot.OutcomeOK},
		{"review cism", "Question 1 of", "", "", bot.OutcomeOK},
		// Commands typed wrong: no question in them.
		{"exam stop now", "", "", `Unknown argument "now"`, bot.OutcomeUserError},
		{"exam cisa", "", "", `Unknown exam "cisa"`, bot.OutcomeUserError},
		{"plan cism 2027", "", "", "Give the date as YYYY-MM-DD", bot.OutcomeUserError},
		{"quiz cissp firewalls", "", "", `CISSP has no domain "firewalls"`, bot.OutcomeUserError},
		{"quiz cissp 50?", "", "", "", bot.OutcomeUserError},
		{"compare cost extra", "", "", `Unknown argument "extra"`, bot.OutcomeUserError},
		{"compare underwater basket weaving", "", "", "No comparison", bot.OutcomeUserError},
		{"remind me tomorrow", "", "", `Unknown sub-command "me"`, bot.OutcomeUserError},
		{"leaderboard for cissp?", "", "", `Unknown argument "for"`, bot.OutcomeUserError},
	}
	for i, tc := range tests {
		for _, dm := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/dm=%v", tc.text, dm), func(t *testing.T) {
				a := actor(fmt.Sprintf("u%d-%v", i, dm)) // a fresh user: no session open
				a.DM = dm
				r := h.e.Handle(context.Background(), bot.Request{Actor: a, Text: tc.text})
				text := all(r)
				if r.Outcome != tc.outcome {
					t.Fatalf("outcome %q, want %q; reply:\n%s", r.Outcome, tc.outcome, text)
				}
				if !strings.Contains(r.Title, tc.title) || !strings.Contains(r.Body, tc.body) {
					t.Errorf("want title with %q and body with %q; reply:\n%s", tc.title, tc.body, text)
				}
				note := "_Read as a question. For the command: `" + tc.note + "`._\n"
				if got := strings.HasPrefix(r.Body, note); got != (tc.note != "") {
					t.Errorf("note %q: %v; reply:\n%s", tc.note, got, text)
				}
				if tc.note == "" && strings.Contains(r.Body, "Read as a question") {
					t.Errorf("a note on a command's own reply:\n%s", text)
				}
				if r.Asked != (tc.note != "") {
					t.Errorf("Asked %v; reply:\n%s", r.Asked, text)
				}
			})
		}
	}
	// Typed options name their command: nothing to read as a question.
	r := h.e.Handle(context.Background(), bot.Request{Actor: actor("opts"), Command: "compare", Options: map[string]string{"topic": "cryptography salary"}})
	if r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, `Unknown argument "salary"`) {
		t.Errorf("compare with the topic option %q: %s", "cryptography salary", all(r))
	}
}
