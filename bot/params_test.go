package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

// TestQuizTextParsedOnce: typed quiz text is mapped by the engine onto the
// quiz's declared parameters, and starts the same quiz as the named
// options it stands for (the handler has one path, for typed values).
func TestQuizTextParsedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.do(t, "cism-planner", "plan cism 2027-03-01") // CISM is then the default exam
	for _, c := range []struct {
		user, text string
		opts       map[string]string // the same quiz as named options
		want       string
	}{
		{"a", "quiz cissp 7 5", map[string]string{"cert": "cissp", "domain": "7", "count": "5"}, "CISSP D7 · Question 1 of 5"},
		{"a", "quiz cissp d7 3", map[string]string{"cert": "cissp", "domain": "7", "count": "3"}, "CISSP D7 · Question 1 of 3"},
		{"a", "quiz cissp 7", map[string]string{"cert": "cissp", "domain": "7"}, "CISSP D7 · Question 1 of 5"},
		{"a", "quiz cissp 9", map[string]string{"cert": "cissp", "count": "9"}, "Question 1 of 9"},
		{"a", "quiz cissp iam 4", map[string]string{"cert": "cissp", "domain": "iam", "count": "4"}, "CISSP D5 · Question 1 of 4"},
		{"a", "quiz cism governance 3", map[string]string{"cert": "cism", "domain": "governance", "count": "3"}, "CISM D1 · Question 1 of 3"},
		{"a", "quiz cism 0 6", map[string]string{"cert": "cism", "domain": "0", "count": "6"}, "Question 1 of 6"},
		{"a", "quiz cissp", map[string]string{"cert": "cissp"}, "Question 1 of 5"},
		{"a", "quiz CISSP 2 2", map[string]string{"cert": "cissp", "domain": "2", "count": "2"}, "CISSP D2 · Question 1 of 2"},
		// Words around the domain ask nothing: "quiz me on crypto".
		{"a", "quiz me on cissp iam 4", map[string]string{"cert": "cissp", "domain": "iam", "count": "4"}, "CISSP D5 · Question 1 of 4"},
		{"a", "quiz cissp some questions about crypto", map[string]string{"cert": "cissp", "domain": "crypto"}, "CISSP D3 · Question 1 of 5"},
		{"a", "quiz me cissp", map[string]string{"cert": "cissp"}, "Question 1 of 5"},
		// Without an exam, a lone number is read against the default exam's domains.
		{"b", "quiz 6", map[string]string{"domain": "6"}, "CISSP D6 · Question 1 of 5"},
		{"cism-planner", "quiz 3", map[string]string{"cert": "cism", "domain": "3"}, "CISM D3 · Question 1 of 5"},
		{"cism-planner", "quiz 6", map[string]string{"cert": "cism", "count": "6"}, "Question 1 of 6"},
	} {
		h.do(t, c.user, "quiz stop")
		text := h.do(t, c.user, c.text)
		h.do(t, c.user, "quiz stop")
		named := h.e.Handle(context.Background(), bot.Request{Actor: actor(c.user), Command: "quiz", Options: c.opts})
		h.do(t, c.user, "quiz stop")
		if text.Outcome != bot.OutcomeOK || !strings.Contains(text.Title, c.want) {
			t.Errorf("%q: want title with %q, got:\n%s", c.text, c.want, all(text))
		}
		// A quiz over any domain titles each question with its own domain.
		if !strings.Contains(c.want, " D") {
			text.Title, named.Title = cutDomain(text.Title), cutDomain(named.Title)
		}
		if named.Title != text.Title {
			t.Errorf("%q: text and named options differ: %q vs %q", c.text, text.Title, named.Title)
		}
	}
}

// TestQuizTextErrors: an argument that fits no parameter gets one line
// naming it, with an example.
func TestQuizTextErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct{ text, want string }{
		{"quiz cisp", "Unknown exam \"cisp\": say `cism` or `cissp`, e.g. `quiz cissp 7 5`."},
		{"quiz cissp 42 42", "CISSP has domains 1-8 (0 for any); you asked for 42."},
		{"quiz cissp 1 2 3", "Too many numbers. Usage: `quiz [cism|cissp] [domain] [count 1-20]`, e.g. `quiz cissp 7 5`."},
		{"quiz cissp iam 4 5", "Too many numbers."},
		{"quiz cissp underwater", "CISSP has no domain \"underwater\"."},
		{"quiz cissp 7 99", "A quiz has 1 to 20 questions (you asked for 99)."},
		{"quiz 0", "A quiz has 1 to 20 questions (you asked for 0)."},
	} {
		r := h.do(t, "err", c.text)
		if r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, c.want) || strings.Contains(r.Body, "\n") {
			t.Errorf("%q: want one line with %q, got %q (%s)", c.text, c.want, r.Body, r.Outcome)
		}
	}
}

// TestQuizDomainOfTheOtherExam: with no exam typed, a domain only the
// other exam has is refused with the quiz on it, as the exam studied
// (here the plan's) has no such domain; a domain neither has gets the
// usage.
func TestQuizDomainOfTheOtherExam(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if r := h.do(t, "oe", "plan cism 2027-06-01"); r.Outcome != bot.OutcomeOK {
		t.Fatal(all(r))
	}
	for _, c := range []struct{ text, want string }{
		{"quiz security operations", "CISM has no domain \"security operations\"; CISSP has: `quiz cissp security operations`."},
		{"quiz cism security operations", "CISM has no domain \"security operations\". Usage: `quiz [cism|cissp] [domain] [count 1-20]`"},
		{"quiz underwater", "CISM has no domain \"underwater\". Usage:"},
	} {
		r := h.do(t, "oe", c.text)
		if r.Outcome != bot.OutcomeUserError || !strings.Contains(r.Body, c.want) {
			t.Errorf("%q: want %q, got %q (%s)", c.text, c.want, r.Body, r.Outcome)
		}
	}
	if r := h.do(t, "oe", "quiz cissp security operations"); !strings.Contains(r.Title, "CISSP D7") {
		t.Errorf("the quiz named does not start:\n%s", all(r))
	}
}

// TestQuizResumeTyped: `quiz resume` and a bare `quiz` continue the open
// quiz rather than start another.
func TestQuizResumeTyped(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.do(t, "r", "quiz cissp 7 3")
	for _, text := range []string{"quiz resume", "quiz"} {
		r := h.do(t, "r", text)
		if !strings.Contains(r.Body, "Resuming") || !strings.Contains(r.Title, "of 3") {
			t.Errorf("%q should resume the open quiz:\n%s", text, all(r))
		}
	}
}

// cutDomain drops the " D3" from "CISM D3 · Question 1 of 6".
func cutDomain(title string) string {
	head, tail, ok := strings.Cut(title, " · ")
	if !ok {
		return title
	}
	exam, _, _ := strings.Cut(head, " ")
	return exam + " · " + tail
}

// TestPlanAndProgressTextParsedOnce: plan and progress text is typed by the
// engine (exam word, date, chart), with one line for a word that fits none.
func TestPlanAndProgressTextParsedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct {
		text    string
		outcome string
		want    string
	}{
		{"plan", bot.OutcomeUserError, "No plan yet. Usage: `plan <cism|cissp> <YYYY-MM-DD>`"},
		{"plan cism", bot.OutcomeUserError, "When is your exam? Usage: `plan cism <YYYY-MM-DD>`."},
		{"plan 2027-03-01", bot.OutcomeUserError, "Which certification? Say `cism` or `cissp`, e.g. `plan cissp 2027-05-01`."},
		{"plan cissp tomorrow", bot.OutcomeUserError, "Give the date as YYYY-MM-DD, e.g. `plan cissp 2027-05-01`."},
		{"plan cisp 2027-03-01", bot.OutcomeUserError, "Unknown exam \"cisp\": say `cism` or `cissp`, e.g. `plan cissp 2027-05-01`."},
		{"plan cism 2027-03-01", bot.OutcomeOK, "CISM"},
		{"plan", bot.OutcomeOK, "CISM"}, // shows the plan just made
		{"progress", bot.OutcomeOK, "CISM"},
		{"progress cissp", bot.OutcomeOK, "CISSP"},
		{"progress cissp chart", bot.OutcomeOK, "CISSP"},
		{"progress chart cism", bot.OutcomeOK, "CISM"},
		{"progress bogus", bot.OutcomeUserError, "Unknown argument \"bogus\". Usage: `progress [cism|cissp] [chart]`, e.g. `progress cism`."},
		{"progress cisp", bot.OutcomeUserError, "Unknown exam \"cisp\""},
	} {
		r := h.do(t, "pp", c.text)
		if r.Outcome != c.outcome || !strings.Contains(r.Title+" "+r.Body, c.want) {
			t.Errorf("%q: want %s with %q, got %s:\n%s", c.text, c.outcome, c.want, r.Outcome, all(r))
		}
		if c.outcome == bot.OutcomeUserError && strings.Contains(r.Body, "\n") {
			t.Errorf("%q: error should be one line: %q", c.text, r.Body)
		}
	}
}

// TestExamTextParsedOnce: exam text is typed by the engine into its exam
// and action, in either order, with one line for a word that fits neither.
func TestExamTextParsedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct{ text, outcome, want string }{
		{"exam", bot.OutcomeUserError, "Which exam?"},
		{"exam cisa", bot.OutcomeUserError, "Unknown exam \"cisa\": say `cism` or `cissp`, e.g. `exam cism`."},
		{"exam tomorrow", bot.OutcomeUserError, "Unknown argument \"tomorrow\". Usage: `exam <cism|cissp> | exam pause | exam resume | exam stop`"},
		{"exam cism cissp", bot.OutcomeUserError, "Unknown argument \"cissp\""},
		{"exam cism", bot.OutcomeOK, "CISM"},
		{"exam pause cism", bot.OutcomeOK, "stopped"},
		{"exam cism resume", bot.OutcomeOK, "CISM"},
		{"exam stop", bot.OutcomeOK, ""},
	} {
		r := h.do(t, "ex", c.text)
		if r.Outcome != c.outcome || !strings.Contains(r.Title+" "+r.Body, c.want) {
			t.Errorf("%q: want %s with %q, got %s:\n%s", c.text, c.outcome, c.want, r.Outcome, all(r))
		}
	}
}

// TestSettingsTextParsedOnce: settings text is typed by the engine into its
// key and value (the value as typed: zones keep their case).
func TestSettingsTextParsedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct{ text, outcome, want string }{
		{"settings", bot.OutcomeOK, "- retention: 0.90"},
		{"settings retention", bot.OutcomeUserError, "Usage: `settings retention 0.9 | leaderboard on|off | timezone <IANA zone>`."},
		{"settings retention 0.85", bot.OutcomeOK, "Retention set to 0.85"},
		{"settings retention 2", bot.OutcomeUserError, "a number from 0.70 to 0.99"},
		{"settings leaderboard OFF", bot.OutcomeOK, "Leaderboard visibility: off."},
		{"settings leaderboard maybe", bot.OutcomeUserError, "Say `settings leaderboard on`"},
		{"settings timezone Europe/Berlin", bot.OutcomeOK, "Time zone set to Europe/Berlin."},
		{"settings timezone Mars/Olympus", bot.OutcomeUserError, "\"Mars/Olympus\" is not an IANA time zone"},
		{"settings nonsense x", bot.OutcomeUserError, "Unknown argument \"nonsense\". Usage: `settings retention 0.9 | leaderboard on|off | timezone <IANA zone>`, e.g. `settings retention 0.9`."},
		{"settings", bot.OutcomeOK, "- timezone: Europe/Berlin"},
		// A word another command takes names that command (Elsewhere).
		{"leaderboard off", bot.OutcomeUserError, "Unknown argument \"off\": did you mean `settings leaderboard off`? Usage: `leaderboard`."},
		{"top ON", bot.OutcomeUserError, "did you mean `settings leaderboard on`?"},
		{"leaderboard bogus", bot.OutcomeUserError, "Unknown argument \"bogus\". Usage: `leaderboard`."},
	} {
		r := h.do(t, "st", c.text)
		if r.Outcome != c.outcome || !strings.Contains(r.Title+" "+r.Body, c.want) {
			t.Errorf("%q: want %s with %q, got %s:\n%s", c.text, c.outcome, c.want, r.Outcome, all(r))
		}
	}
}

// TestDomainsTextParsedOnce: domains text is typed by the engine into its
// exam and outline version, and shows the same outline as the named
// options it stands for.
func TestDomainsTextParsedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct {
		text    string
		opts    map[string]string
		outcome string
		want    string
	}{
		{"domains cissp", map[string]string{"cert": "cissp"}, bot.OutcomeOK, "CISSP domains (2024"},
		{"domains CISM 2022", map[string]string{"cert": "cism", "version": "2022"}, bot.OutcomeOK, "CISM domains (2022"},
		{"domains cissp 2021", map[string]string{"cert": "cissp", "version": "2021"}, bot.OutcomeOK, "CISSP domains (2021"},
		{"domains cissp 2019", map[string]string{"cert": "cissp", "version": "2019"}, bot.OutcomeUserError, "CISSP has no \"2019\" outline. Versions: `domains cissp 2024`, `domains cissp 2021`."},
		{"domains cissp latest", map[string]string{"cert": "cissp", "version": "latest"}, bot.OutcomeUserError, "CISSP has no \"latest\" outline."},
		{"domains", map[string]string{}, bot.OutcomeUserError, "Which certification? Say `cism` or `cissp`, e.g. `domains cissp`."},
		{"domains cisa", nil, bot.OutcomeUserError, "Unknown exam \"cisa\": say `cism` or `cissp`, e.g. `domains cissp`."},
		{"domains cissp 2021 2024", nil, bot.OutcomeUserError, "Unknown argument \"2024\". Usage: `domains <cism|cissp> [version]`"},
	} {
		text := h.do(t, "dm", c.text)
		if text.Outcome != c.outcome || !strings.Contains(all(text), c.want) || strings.Contains(text.Body, "\n") && c.outcome == bot.OutcomeUserError {
			t.Errorf("%q: want %s with %q, got %s:\n%s", c.text, c.outcome, c.want, text.Outcome, all(text))
		}
		if c.opts == nil {
			continue
		}
		named := h.e.Handle(context.Background(), bot.Request{Actor: actor("dm"), Command: "domains", Options: c.opts})
		if named.Title != text.Title || named.Body != text.Body {
			t.Errorf("%q: text and named options differ:\n%s\nvs\n%s", c.text, all(text), all(named))
		}
	}
}

// TestDomainTextParsedOnce: domain text is typed by the engine into its
// exam, domain (number, name or objective) and outline version, and shows
// the same domain as the named options it stands for.
func TestDomainTextParsedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct {
		text    string
		opts    map[string]string
		outcome string
		want    string
	}{
		{"domain cissp 7", map[string]string{"cert": "cissp", "domain": "7"}, bot.OutcomeOK, "CISSP Domain 7"},
		{"domain cissp d7", map[string]string{"cert": "cissp", "domain": "d7"}, bot.OutcomeOK, "CISSP Domain 7"},
		{"domain cissp security operations", map[string]string{"cert": "cissp", "domain": "security operations"}, bot.OutcomeOK, "CISSP Domain 7"},
		{"domain cissp 7.6", map[string]string{"cert": "cissp", "domain": "7.6"}, bot.OutcomeOK, "CISSP Domain 7"},
		{"domain cism 4A2", map[string]string{"cert": "cism", "domain": "4A2"}, bot.OutcomeOK, "CISM Domain 4"},
		{"domain cism 4 2022", map[string]string{"cert": "cism", "domain": "4", "version": "2022"}, bot.OutcomeOK, "2022 outline in force"},
		{"domain cism 4", map[string]string{"domain": "cism 4"}, bot.OutcomeOK, "CISM Domain 4"}, // autocompleted with its exam
		{"domain cissp 9", map[string]string{"cert": "cissp", "domain": "9"}, bot.OutcomeUserError, "CISSP has no domain \"9\". Domains are 1-8: see `domains cissp`."},
		{"domain cism 4 2019", map[string]string{"cert": "cism", "domain": "4", "version": "2019"}, bot.OutcomeUserError, "CISM has no \"2019\" outline."},
		{"domain cissp", map[string]string{"cert": "cissp"}, bot.OutcomeUserError, "Which domain? e.g. `domain cissp 1`"},
		{"domain", map[string]string{}, bot.OutcomeUserError, "Which certification? Say `cism` or `cissp`, e.g. `domain cissp 7`."},
		{"domain cisa 3", nil, bot.OutcomeUserError, "Unknown exam \"cisa\": say `cism` or `cissp`, e.g. `domain cissp 7`."},
		{"domain cissp 7 8", nil, bot.OutcomeUserError, "Too many numbers."},
	} {
		text := h.do(t, "dm", c.text)
		if text.Outcome != c.outcome || !strings.Contains(all(text), c.want) || strings.Contains(text.Body, "\n") && c.outcome == bot.OutcomeUserError {
			t.Errorf("%q: want %s with %q, got %s:\n%s", c.text, c.outcome, c.want, text.Outcome, all(text))
		}
		if c.opts == nil {
			continue
		}
		named := h.e.Handle(context.Background(), bot.Request{Actor: actor("dm"), Command: "domain", Options: c.opts})
		if named.Title != text.Title || named.Body != text.Body {
			t.Errorf("%q: text and named options differ:\n%s\nvs\n%s", c.text, all(text), all(named))
		}
	}
}

// TestUnknownExamOneRule: a name that is neither exam gets the same one
// line from every command that takes an exam, typed as text or given as
// a named option.
func TestUnknownExamOneRule(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct {
		text string
		cmd  string            // the same as named options, when set
		opts map[string]string //
		want string
	}{
		{"domains cisa", "domains", map[string]string{"cert": "cisa"}, "Unknown exam \"cisa\": say `cism` or `cissp`, e.g. `domains cissp`."},
		{"domain cisa 3", "domain", map[string]string{"cert": "cisa", "domain": "3"}, "Unknown exam \"cisa\": say `cism` or `cissp`, e.g. `domain cissp 7`."},
		{"quiz cisp", "quiz", map[string]string{"cert": "cisp"}, "Unknown exam \"cisp\": say `cism` or `cissp`, e.g. `quiz cissp 7 5`."},
		{"plan CISP 2027-03-01", "plan", map[string]string{"cert": "CISP", "date": "2027-03-01"}, "Unknown exam \"CISP\": say `cism` or `cissp`, e.g. `plan cissp 2027-05-01`."},
		{"progress cisp", "progress", map[string]string{"cert": "cisp"}, "Unknown exam \"cisp\": say `cism` or `cissp`, e.g. `progress cism`."},
		{"exam cisa", "exam", map[string]string{"cert": "cisa"}, "Unknown exam \"cisa\": say `cism` or `cissp`, e.g. `exam cism`."},
	} {
		got := []bot.Reply{h.do(t, "ux", c.text),
			h.e.Handle(context.Background(), bot.Request{Actor: actor("ux"), Command: c.cmd, Options: c.opts})}
		for i, r := range got {
			if r.Outcome != bot.OutcomeUserError || r.Body != c.want {
				t.Errorf("%q (%s): want %q, got %s %q", c.text, []string{"text", "options"}[i], c.want, r.Outcome, r.Body)
			}
		}
	}
}

// TestEveryCommandTypedOnce: every command's text is typed by the engine
// against its declaration (there is no raw-word path left): free text
// (ask's question, compare's topic, help's command) takes the rest of
// the words and is the same as the named option; a command without
// arguments refuses a stray word with its usage.
func TestEveryCommandTypedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	long := strings.Repeat("why ", 130)
	for _, c := range []struct {
		text    string
		cmd     string
		opts    map[string]string
		outcome string
		want    string // in the title and body
	}{
		{"ask what is the CISSP passing score", "ask", map[string]string{"question": "what is the CISSP passing score"}, bot.OutcomeOK, "700 out of 1000"},
		{"ask " + long, "ask", map[string]string{"question": long}, bot.OutcomeUserError, "The `question` must be at most 500 characters, e.g. `ask how long is the cissp exam`."},
		{long + "?", "", nil, bot.OutcomeUserError, "The `question` must be at most 500 characters"},
		{"ask", "ask", nil, bot.OutcomeUserError, "Ask me something, e.g. `ask how long is the cissp exam`."},
		{"compare Cryptography", "compare", map[string]string{"topic": "Cryptography"}, bot.OutcomeOK, "CISM vs CISSP: Cryptography"},
		{"compare crypto basics", "compare", map[string]string{"topic": "crypto basics"}, bot.OutcomeOK, "CISM vs CISSP: Cryptography"},
		{"compare zebra migration", "compare", map[string]string{"topic": "zebra migration"}, bot.OutcomeUserError, "No comparison for \"zebra migration\"."},
		{"help quiz", "help", map[string]string{"command": "quiz"}, bot.OutcomeOK, "help: quiz\n`quiz [cism|cissp] [domain] [count 1-20]`: Practice questions with explanations\n- cert:"},
		{"? exam", "help", map[string]string{"command": "exam"}, bot.OutcomeOK, "Example: `exam cism`"},
		{"help me please", "help", map[string]string{"command": "me please"}, bot.OutcomeOK, "- `quiz [cism|cissp] [domain] [count 1-20]`: Practice questions"},
		{"help quz", "help", map[string]string{"command": "quz"}, bot.OutcomeOK, "No command `quz`: did you mean `help quiz`?\n\n- `ask <question>`"},
		{"review now", "", nil, bot.OutcomeUserError, "Unknown argument \"now\". Usage: `review [cism|cissp]`, e.g. `review cism`."},
		{"leaderboard please", "", nil, bot.OutcomeUserError, "Unknown argument \"please\". Usage: `leaderboard`."},
		{"export json", "", nil, bot.OutcomeUserError, "Unknown argument \"json\". Usage: `export`."},
		{"progress cism chart now", "", nil, bot.OutcomeUserError, "Unknown argument \"now\". Usage: `progress [cism|cissp] [chart]`, e.g. `progress cism`."},
	} {
		forms := []bot.Request{{Actor: actor("typed"), Text: c.text}}
		if c.cmd != "" {
			forms = append(forms, bot.Request{Actor: actor("typed"), Command: c.cmd, Options: c.opts})
		}
		for _, req := range forms {
			r := h.e.Handle(context.Background(), req)
			if r.Outcome != c.outcome || !strings.Contains(r.Title+"\n"+r.Body, c.want) {
				t.Errorf("%.40q %q: want %s with %q, got %s:\n%s", req.Text, req.Command, c.outcome, c.want, r.Outcome, all(r))
			}
		}
	}
}
