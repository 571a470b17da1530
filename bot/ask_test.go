package bot_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/remind"
)

// askCase is one question of a set in testdata/ask (docs/ask.md).
type askCase struct {
	Q      string   `yaml:"q"`
	Src    string   `yaml:"src"`
	Exam   string   `yaml:"exam"`   // cism, cissp, both, none; empty: read from the question
	Want   []string `yaml:"want"`   // refs, any of which may lead
	Refuse string   `yaml:"refuse"` // refusal class expected instead of an answer
	Need   string   `yaml:"need"`   // content the knowledge base lacked when the case was written
}

func loadAskSet(t *testing.T, name string) ([]askCase, bool) {
	t.Helper()
	data, err := os.ReadFile("testdata/ask/" + name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Cases []askCase `yaml:"cases"`
	}
	if err := yaml.Unmarshal(data, &set); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return set.Cases, true
}

var (
	cismWords  = regexp.MustCompile(`(?i)\b(cism|isaca)\b`)
	cisspWords = regexp.MustCompile(`(?i)\b(cissps?|isc ?2|\(isc\)²|\(isc\)2)\b`)
)

// caseExam is the exam a case is about; cases without `exam:` (the older
// search-quality set) are read from the question's own words.
func caseExam(c askCase) string {
	if c.Exam != "" {
		return c.Exam
	}
	m, s := cismWords.MatchString(c.Q), cisspWords.MatchString(c.Q)
	switch {
	case m && s:
		return "both"
	case m:
		return "cism"
	case s:
		return "cissp"
	}
	return "none"
}

// refExam is the exam a ref is about, or "" for refs about neither or both.
func refExam(ref string) string {
	kind, rest, _ := strings.Cut(ref, ":")
	switch kind {
	case "fact":
		cert, _, _ := strings.Cut(rest, ".")
		return cert
	case "objective", "domain":
		cert, _, _ := strings.Cut(rest, "-")
		return cert
	case "list":
		_, cert, _ := strings.Cut(rest, ":")
		return cert
	}
	return ""
}

type askScore struct {
	led, total, refusals, refused int
	misses, wrongExam             []string
}

// wrongExam says why an answer is about the wrong exam, or "": a question
// about one exam (the case's exam) may not lead with the other exam's entry
// when it names its exam, and never with the other exam's entries alone. A
// question that names no exam may get both exams side by side.
func wrongExam(c askCase, refs []string) string {
	exam := caseExam(c)
	if exam != "cism" && exam != "cissp" {
		return ""
	}
	named := caseExam(askCase{Q: c.Q}) == exam
	var other string
	right := false
	for _, ref := range refs {
		switch e := refExam(ref); {
		case e == exam:
			right = true
		case e != "" && other == "":
			other = ref
		}
	}
	if other != "" && (named || !right) {
		return fmt.Sprintf("%q is about %s but the answer leads with %s (refs %v)", c.Q, exam, other, refs)
	}
	return ""
}

// scoreAsk runs every case through Engine.Handle. Answers about the wrong
// exam are collected for the caller to fail on; misses are only counted.
func scoreAsk(t *testing.T, h *harness, name string, cases []askCase) askScore {
	t.Helper()
	var s askScore
	for _, c := range cases {
		r := h.e.Handle(context.Background(), bot.Request{Actor: actor("asker"), Text: "ask " + c.Q})
		s.total++
		if r.Outcome != bot.OutcomeOK {
			t.Errorf("%s: %q: outcome %s: %s", name, c.Q, r.Outcome, r.Body)
		}
		if w := wrongExam(c, r.Refs); w != "" {
			s.wrongExam = append(s.wrongExam, w)
		}
		ok := false
		switch {
		case c.Refuse != "":
			s.refusals++
			ok = len(r.Refs) > 0 && r.Refs[0] == "refuse:"+c.Refuse
			if ok {
				s.refused++
			}
		case len(c.Want) == 0:
			// Nothing in the base answers it (see need): saying so (no
			// refs) or an honest no-figure answer is the right one.
			ok = len(r.Refs) == 0 || r.Refs[0] == "plan:study-time" || strings.HasPrefix(r.Refs[0], "refuse:")
		default:
			for _, ref := range r.Refs {
				for _, w := range c.Want {
					ok = ok || ref == w
				}
			}
		}
		if ok {
			s.led++
		} else {
			want := strings.Join(c.Want, " ")
			if c.Refuse != "" {
				want = "refuse:" + c.Refuse
			}
			s.misses = append(s.misses, c.Q+" -> "+strings.Join(r.Refs, " ")+" (want "+want+")")
		}
	}
	t.Logf("%s: %d/%d led by the right fact; %d/%d refusal questions refused honestly", name, s.led, s.total, s.refused, s.refusals)
	return s
}

// TestAskSearchQuality: the 94 search-quality questions, now through the
// engine. Misses are listed (this set is tuned on); all 94 must lead right.
func TestAskSearchQuality(t *testing.T) {
	t.Parallel()
	testAskTuned(t, "search_quality.yaml", 94, 1)
}

// TestAskTuning: the tuning part of the real-question set. The floor is a
// share, so cases added later do not need the test edited; it sits just
// under the score reached when it was set.
func TestAskTuning(t *testing.T) {
	t.Parallel()
	testAskTuned(t, "tuning.yaml", 100, 0.95)
}

func testAskTuned(t *testing.T, name string, minCases int, floor float64) {
	cases, ok := loadAskSet(t, name)
	if !ok {
		t.Skipf("no testdata/ask/%s", name)
	}
	if len(cases) < minCases {
		t.Fatalf("%s: %d cases, want at least %d", name, len(cases), minCases)
	}
	s := scoreAsk(t, newHarness(t), strings.TrimSuffix(name, ".yaml"), cases)
	for _, w := range s.wrongExam {
		t.Errorf("wrong exam: %s", w)
	}
	for _, m := range s.misses {
		t.Logf("miss: %s", m)
	}
	if float64(s.led) < floor*float64(s.total) {
		t.Errorf("%s: %d/%d led by the right fact, below the floor of %.0f%%", name, s.led, s.total, 100*floor)
	}
	if s.refused < s.refusals {
		t.Errorf("%s: %d of %d refusal questions not refused", name, s.refusals-s.refused, s.refusals)
	}
}

// TestAskHeldout: the held-out parts are run only to report their scores.
// Their misses are deliberately not printed, so nobody tunes on them; a
// wrong-exam answer still fails. heldout.yaml was split off the first
// batches; each later heldout-<date>.yaml is a batch collected after the
// tuning it measures, so nobody has seen its answers.
func TestAskHeldout(t *testing.T) {
	t.Parallel()
	names, err := filepath.Glob("testdata/ask/heldout*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Skip("no testdata/ask/heldout*.yaml")
	}
	var total askScore
	for _, path := range names {
		name := filepath.Base(path)
		cases, _ := loadAskSet(t, name)
		s := scoreAsk(t, newHarness(t), strings.TrimSuffix(name, ".yaml"), cases)
		if n := len(s.wrongExam); n > 0 {
			t.Errorf("%s: %d answers about the wrong exam (not listed: fix the cause in general, not these questions)", name, n)
		}
		total.led += s.led
		total.total += s.total
		total.refused += s.refused
		total.refusals += s.refusals
	}
	if len(names) > 1 {
		t.Logf("all held-out parts: %d/%d led by the right fact; %d/%d refusal questions refused honestly", total.led, total.total, total.refused, total.refusals)
	}
}

// TestAskBlind: synthetic questions written blind to the vocabulary and
// code, in forum style (testdata/ask/blind_*.yaml, not real questions).
// blind_tuning is tuned on, so its misses are listed; blind_check and
// blind_final are only scored, the check that what was tuned generalises
// to wordings nobody here has read.
func TestAskBlind(t *testing.T) {
	t.Parallel()
	tuning, ok := loadAskSet(t, "blind_tuning.yaml")
	if !ok {
		t.Skip("no testdata/ask/blind_tuning.yaml")
	}
	s := scoreAsk(t, newHarness(t), "blind_tuning", tuning)
	for _, w := range s.wrongExam {
		t.Errorf("wrong exam: %s", w)
	}
	for _, m := range s.misses {
		t.Logf("miss: %s", m)
	}
	// blind_tuning2 was written later, by the writer of blind_2026-12-03's
	// kind, to tune on; it is listed as blind_tuning is.
	if tuning2, ok := loadAskSet(t, "blind_tuning2.yaml"); ok {
		s2 := scoreAsk(t, newHarness(t), "blind_tuning2", tuning2)
		for _, w := range s2.wrongExam {
			t.Errorf("wrong exam: %s", w)
		}
		for _, m := range s2.misses {
			t.Logf("miss: %s", m)
		}
		if float64(s2.led) < 0.9*float64(s2.total) {
			t.Errorf("blind_tuning2: %d/%d led by the right fact, below the floor of 90%%", s2.led, s2.total)
		}
	}
	// A floor just under the score reached, not 100%: these are harder than
	// the real sets, and some labels are the writers' judgement calls.
	if float64(s.led) < 0.85*float64(s.total) {
		t.Errorf("blind_tuning: %d/%d led by the right fact, below the floor of 85%%", s.led, s.total)
	}
	// blind_final was written after the last tuning and is the cleaner
	// figure; blind_2026-12-03 was written later still, by a writer who saw
	// only the ref labels.
	for _, name := range []string{"blind_check", "blind_final", "blind_2026-12-03"} {
		cases, ok := loadAskSet(t, name+".yaml")
		if !ok {
			t.Errorf("no testdata/ask/%s.yaml", name)
			continue
		}
		s := scoreAsk(t, newHarness(t), name, cases)
		if n := len(s.wrongExam); n > 0 {
			t.Errorf("%s: %d answers about the wrong exam (not listed: fix the cause in general)", name, n)
		}
	}
}

// TestAskAcceptance: the questions the issue names, end to end.
func TestAskAcceptance(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct {
		q       string
		want    []string
		notWant []string
	}{
		{"/cert ask where do I sit the cissp exam", []string{"Pearson VUE"}, []string{"PSI"}},
		{"ask how do cism and cissp differ on incident response", []string{"CISM vs CISSP: Incident response and incident management", "7.6"}, nil},
		{"ask which should I take first", []string{"Which should I take first?"}, nil},
		{"ask most heavily weighted cissp domain", []string{"Security and Risk Management", "16%"}, []string{"Governance", "Incident Management"}},
		{"ask where does single sign-on and federation fall", []string{"Where Single sign-on and Federated identity sit", "Identity and Access Management", "5.2", "5.3"}, nil},
		{"ask where is the bia in cism", []string{"Where Business impact analysis sits", "4A2", "2022 subtopic"}, []string{"CISSP"}},
		{"ask where can I take the cism", []string{"PSI"}, []string{"Pearson"}},
		{"ask what if I don't know a CISSP to endorse me", []string{"ISC2 itself can act as endorser"}, nil},
		{"ask threat vs vulnerability", []string{"Threat", "Vulnerability", "exploit"}, nil},
		{"ask cism scoring", []string{"450"}, nil},
		{"ask how do i get endorsed for cissp", []string{"endorse"}, []string{"ISACA"}},
		{"ask when will the new cissp outline come out", []string{"15 Apr 2024", "No newer CISSP outline"}, nil},
		// A domain number only one outline has names its exam.
		{"ask was domain 8 11% before the refresh?", []string{"Software Development Security", "11% in the 2021 outline"}, []string{"CISM"}},
		{"ask my book covers the 2021 cissp outline, is it still valid", []string{"Domain 1 was 15%", "Domain 8 was 11%"}, []string{"ISACA"}},
		{"ask best cissp bootcamp", []string{"recommends no vendor"}, nil},
		{"ask how many cissps are there", []string{"no sourced count"}, nil},
		{"ask difference between cism and cisa", []string{"CISM and CISSP only", "CISA", "`compare`"}, nil},
		{"ask when do i get my cissp results", []string{"say nothing about the CISSP's results"}, []string{"CISM"}},
		// Search would find a fact that shares a word ("wait": retakes); the key asked for decides.
		{"ask do you get result immediatly after cissp or have to wait some days", []string{"say nothing about the CISSP's results"}, []string{"Retakes", "CISM"}},
		// A key asked for that only CISM's sources give is said to be missing, not passed over.
		{"ask do you find out at the test centre whether you passed the cissp", []string{"nothing about the CISSP's results; the nearest they give", "Pearson VUE"}, []string{"ISACA"}},
		{"ask do we get cissp result immediately at pearson centre or need to wait for email?", []string{"Pearson VUE", "nothing about the CISSP's results"}, []string{"ISACA"}},
		// CISSP has no "what changed" fact: its current outline is the nearest, said so.
		{"ask what's new in the cissp certification exam in 2024?", []string{"nothing on exactly that for CISSP", "15 Apr 2024"}, []string{"ISACA"}},
		{"ask what is the cancellation policy for the cism", []string{"48 hours", "Note: unconfirmed", "nothing about cancelling, refunds"}, []string{"Security policy"}},
		// A related key of the exam named answers, saying it is only the nearest.
		{"ask does an mba count for cism", []string{"nothing on exactly that for CISM", "master's degree"}, []string{"ISC2"}},
		{"ask can i become a cism associate", []string{"nothing on exactly that for CISM", "five years"}, []string{"ISC2"}},
		{"ask how do i keep my cissp", []string{"120 CPE", "US$135", "Code of Ethics", "do not say what happens"}, []string{"ISACA"}},
		{"ask how many questions do i need to get right to pass cissp", []string{"700", "no number or percentage"}, []string{"450"}},
		{"ask what proportion of the cissp exam is domain 1", []string{"16%"}, []string{"Pass rates"}},
		// A context sentence whose words leave search with nothing: the last sentence alone.
		{"ask studying for a while now. cism exam dates", []string{"CISM Delivery"}, []string{"No good answer"}},
		{"ask new to this. incremental or differential, which one makes the restore faster", []string{"Backup types"}, []string{"No good answer"}},
		// Another certification, named as the vocabulary spells it.
		{"ask what are the cissp concentrations", []string{"Not covered: CISSP concentrations", "nothing sourced on CISSP concentrations"}, []string{"CONCENTRATIONS"}},
		{"ask is security plus better than cissp", []string{"Not covered: security plus"}, []string{"SECURITY PLUS"}},
		// Each sourced fact beside a refusal says which of the exam's facts it is.
		{"ask is cism worth it", []string{"**CISM Typical roles**", "**CISM DoD 8140**"}, []string{"**CISM**:"}},
		{"ask what is the cissp application fee", []string{"name no fee for the application"}, []string{"US$50"}},
		{"ask what happens if i dont pay the cissp amf", []string{"US$135", "do not say what happens if it goes unpaid"}, []string{"ISACA"}},
		// A detail no source gives, with nothing near it: said once, no "nearest" left dangling.
		{"ask is there a tutorial screen on cism", []string{"Not in my sources: the agreement and tutorial screens", "say nothing on the agreement and tutorial screens"}, []string{"The nearest they give", "I don't have a good answer", "No good answer"}},
		// A price asked for a country: the exam fee.
		{"ask how much is cissp in india", []string{"US$749"}, nil},
		// An objective by its number: its domain, the objective pointed out; one that does not exist is said so.
		{"ask what does cissp 1.2 cover", []string{"You asked for **1.2** Security concepts"}, []string{"2.1"}},
		{"ask what is 4a2 in cism", []string{"You asked for **4A2**", "last confirmed list, from the 2022 outline"}, nil},
		{"ask cissp 9.9", []string{"CISSP has no objective 9.9"}, []string{"7.9"}},
		{"ask cism exam changes 2026", []string{"architecture"}, []string{"provisional"}},
		{"ask does isc2 offer payment plans for the cissp fee", []string{"say nothing on payment plans", "US$749"}, nil},
		// Another certification held beside the experience asked: whether it counts.
		{"ask I hold a CISA. Does that help with the CISM experience requirement?", []string{"Waiver categories", "CISA or CISSP"}, []string{"ISC2"}},
		{"ask does cisa still count for the cissp waiver", []string{"dropping CISA", "Note: unconfirmed"}, []string{"ISACA"}},
		{"ask how much do i pay for the cissp exam", []string{"US$749"}, []string{"Salaries"}},
		{"ask which book should i buy for cism", []string{"recommends no vendor", "3 Nov 2026"}, []string{"CISSP"}},
		// Both exams asked about, one has the fact: the other's nearest beside it.
		{"ask cissp has the associate route, is there an equivalent for cism?", []string{"Associate of ISC2", "CISM**: my sources say nothing on exactly that", "three of them as security management"}, nil},
		// Two facts asked in turn: both, in the order asked.
		{"ask how much does the cism cost and how many questions are there?", []string{"US$575", "150 multiple-choice"}, []string{"CISSP"}},
		// "vs" between two cues of one fact asks that fact, not the exams compared.
		{"ask group a vs group b cpe credits", []string{"Group A"}, []string{"CISM vs CISSP"}},
		// One exam, two facts each asked by their own words: both.
		{"ask cissp in german still linear or cat now", []string{"CISSP: Languages · Adaptive?", "German", "no linear form remains"}, []string{"ISACA"}},
		// Context before the question; the question sentence decides.
		{"ask full time job, 2 kids, 2 months to study. realistically can I pass cism?", []string{"No source can say how hard"}, nil},
		{"ask I have a master's in CS and a CISM. Can I stack them and get 2 years waived?", []string{"CISM", "CISSP", "waived"}, nil},
	}
	for _, tc := range tests {
		lead, _, _ := strings.Cut(all(h.do(t, "acc", tc.q)), "**Related**")
		checkHas(t, tc.q, "lead", lead, tc.want, tc.notWant)
	}
}

// checkHas reports each of want that text (a part of the reply to q) lacks,
// and each of notWant that it has.
func checkHas(t *testing.T, q, part, text string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%q: %s lacks %q:\n%s", q, part, w, text)
		}
	}
	for _, w := range notWant {
		if strings.Contains(text, w) {
			t.Errorf("%q: %s has %q:\n%s", q, part, w, text)
		}
	}
}

// TestAskRelated: what an answer offers under Related is what the asker
// wants next for the same exam, not an entry that shares the exam's name.
func TestAskRelated(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct {
		q       string
		want    []string
		notWant []string
	}{
		{"ask how many questions on cism", []string{"CISM Duration", "CISM Adaptive?"}, []string{"Issuing body", "CISSP"}},
		{"ask how long is the cissp exam", []string{"CISSP Questions", "CISSP Scoring"}, []string{"CPE", "History", "CISM"}},
		{"ask what is the cism exam fee", []string{"CISM Annual fee"}, []string{"CISSP"}},
		// A definition has no see-also facts: search finds its neighbours.
		{"ask what is risk appetite", []string{"Risk tolerance"}, nil},
	}
	for _, tc := range tests {
		_, related, ok := strings.Cut(all(h.do(t, "rel", tc.q)), "**Related**")
		if !ok {
			t.Errorf("%q: no Related section", tc.q)
			continue
		}
		checkHas(t, tc.q, "Related", related, tc.want, tc.notWant)
	}
}

// TestAskUsage: a question about using certcoach itself gets the help of
// the command that does it, and never runs it.
func TestAskUsage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	remind.Register(remind.Deps{Engine: h.e, Store: h.store, KB: h.kb})
	for _, u := range h.kb.Vocab.Usage {
		if r := h.do(t, "u", "help "+u.Key); u.Key != "help" && r.Title != "help: "+u.Key {
			t.Errorf("vocabulary usage key %q is no command: %q", u.Key, r.Title)
		}
	}
	h.do(t, "u", "quiz cissp 1 3")
	tests := []struct{ q, want string }{
		{"what can you do?", "certcoach: CISM and CISSP study partner"},
		{"how do i use this bot", "certcoach: CISM and CISSP study partner"},
		{"test me", "That is what `quiz` does"},
		{"how am i doing", "That is what `progress` does"},
		{"delete my data", "That is what `forget` does"},
		{"remind me every day", "That is what `remind` does"},
	}
	for _, tc := range tests {
		if got := all(h.do(t, "u", "ask "+tc.q)); !strings.Contains(got, tc.want) {
			t.Errorf("%q: reply lacks %q:\n%s", tc.q, tc.want, got)
		}
	}
	// The quiz started above is still there: "delete my data" only explained forget.
	if got := all(h.do(t, "u", "quiz resume")); !strings.Contains(got, "Question") {
		t.Errorf("the open quiz is gone after a usage question:\n%s", got)
	}
}

// TestAskRefusesUnrelated: questions the base cannot answer say so rather
// than passing off an entry that shares a word.
func TestAskRefusesUnrelated(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, q := range []string{"best pizza in naples", "zebra migration patterns", "how do I bake sourdough bread", "what is the capital of peru",
		"kubernetes helm chart syntax", "my cat ate my notes"} {
		if r := h.do(t, "u", "ask "+q); r.Title != "No good answer found" {
			t.Errorf("%q answered %q (%v)", q, r.Title, r.Refs)
		}
	}
	// Exam-day rules are in no source: said so, not answered with a fact.
	for _, q := range []string{"can i use a calculator in the cissp", "is there a break in the cissp exam", "what id do i need for the cism exam"} {
		if r := h.do(t, "u", "ask "+q); len(r.Refs) == 0 || r.Refs[0] != "refuse:exam-day" {
			t.Errorf("%q answered %q (%v), want refuse:exam-day", q, r.Title, r.Refs)
		}
	}
}

// BenchmarkAskRealQuestions: ask over the tuning part's real questions,
// one question per op, so the figure covers every kind of answer.
func BenchmarkAskRealQuestions(b *testing.B) {
	data, err := os.ReadFile("testdata/ask/tuning.yaml")
	if err != nil {
		b.Skip("no tuning set")
	}
	var set struct {
		Cases []askCase `yaml:"cases"`
	}
	if err := yaml.Unmarshal(data, &set); err != nil || len(set.Cases) == 0 {
		b.Fatalf("tuning set: %v", err)
	}
	h := newHarness(b)
	ctx := context.Background()
	h.e.Handle(ctx, bot.Request{Actor: actor("bench"), Text: "ask " + set.Cases[0].Q})
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if r := h.e.Handle(ctx, bot.Request{Actor: actor("bench"), Text: "ask " + set.Cases[i%len(set.Cases)].Q}); r.Outcome != bot.OutcomeOK {
			b.Fatal(r.Body)
		}
		i++
	}
}

// TestAskSetRefsExist: every ref a case wants names an entry of the
// knowledge base, so a mislabelled case fails here instead of counting as a
// permanent miss. heldout files are checked too: this reads labels, not
// answers.
func TestAskSetRefsExist(t *testing.T) {
	t.Parallel()
	kb, err := loadKB()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{"compare:general": true}
	for _, c := range kb.Certs {
		known["list:domains:"+c.ID] = true
		for _, f := range c.Facts {
			known["fact:"+f.ID] = true
		}
	}
	for _, tp := range kb.Topics {
		known["topic:"+tp.ID] = true
	}
	for _, term := range kb.Terms {
		known["term:"+term.ID] = true
	}
	for _, o := range kb.Outlines {
		for _, d := range o.Domains {
			known[fmt.Sprintf("domain:%s:%d", o.ID, d.N)] = true
			for _, ob := range d.Objectives {
				known["objective:"+o.ID+":"+ob.ID] = true
			}
		}
	}
	names, err := filepath.Glob("testdata/ask/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range names {
		cases, _ := loadAskSet(t, filepath.Base(path))
		for _, c := range cases {
			for _, ref := range c.Want {
				if !known[ref] {
					t.Errorf("%s: %q wants %s, which is not in the knowledge base", filepath.Base(path), c.Q, ref)
				}
			}
		}
	}
}

// TestAskParaphrases: certcoach's own paraphrases (testdata/ask/paraphrases.yaml,
// synthetic, not real questions) of each refusal class and fact attribute, all
// of which must be answered right: the breadth check the real sets are too
// small for.
func TestAskParaphrases(t *testing.T) {
	t.Parallel()
	testAskTuned(t, "paraphrases.yaml", 100, 1)
}

// TestAskNeverWrongExam asks every attribute phrase of the vocabulary of
// each exam by name ("what is the <phrase> of the cissp"): whatever the
// answer, it may not be the other exam's entry. The rule holds for
// wordings nobody has collected yet.
func TestAskNeverWrongExam(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var phrases []string
	for _, e := range h.kb.Vocab.Attributes {
		for _, p := range e.Phrases {
			// A phrase naming an exam ("associate of isc2") is about that one.
			if !strings.Contains(p, "...") && !cismWords.MatchString(p) && !cisspWords.MatchString(p) {
				phrases = append(phrases, p)
			}
		}
	}
	n := 0
	for _, c := range h.kb.Certs {
		for _, p := range phrases {
			for _, q := range []string{c.ID + " " + p, p + " for the " + c.ID + " exam"} {
				n++
				r := h.e.Handle(context.Background(), bot.Request{Actor: actor("wrongexam"), Text: "ask " + q})
				if w := wrongExam(askCase{Q: q, Exam: c.ID}, r.Refs); w != "" {
					t.Errorf("wrong exam: %s", w)
				}
			}
		}
	}
	t.Logf("%d questions asked", n)
}

// TestAskRefusalPhrases: every refusal phrase of the vocabulary, asked of
// an exam by name, is refused with its class: no fact phrase shadows it.
func TestAskRefusalPhrases(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, e := range h.kb.Vocab.Refusals {
		for _, p := range e.Phrases {
			if strings.Contains(p, "...") {
				continue
			}
			for _, q := range []string{"cissp " + p, p + " cism"} {
				r := h.e.Handle(context.Background(), bot.Request{Actor: actor("refusals"), Text: "ask " + q})
				if len(r.Refs) == 0 || r.Refs[0] != "refuse:"+e.Key {
					t.Errorf("%q: refs %v, want refuse:%s first", q, r.Refs, e.Key)
				}
			}
		}
	}
}

// TestAskDetails: a finer point no source gives is named as unsourced
// before the nearest fact, which still follows; a question without one is
// answered as before.
func TestAskDetails(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct {
		q, detail, fact string
	}{
		{"do podcasts count for cissp cpe?", "which activities count for CPE credit", "fact:cissp.cpe"},
		{"whats the late fee if I pay my cissp amf after the due date", "late payment and grace periods", "fact:cissp.fee.amf"},
		{"can my cism registration be transferred to a coworker?", "transferring a registration", ""},
		{"how many cpe does the cissp need", "", "fact:cissp.cpe"},
		// The detail's nearest fact (near: in the vocabulary) answers when
		// nothing else is asked, or when the detail's own words were the cue.
		{"cism test center in dubai", "test centre locations", "fact:cism.exam.delivery"},
		{"does isc2 offer payment plans", "payment plans", "fact:cissp.fee.exam"},
		{"can my employer pay for cissp", "discounts, vouchers and reimbursement", "fact:cissp.fee.exam"},
		{"is there a student discount for cism", "discounts, vouchers and reimbursement", "fact:cism.fee.exam"},
		// A term's definition is the nearest to a study technique asked of it.
		{"any tips for memorizing the OSI layers for cissp? mnemonics?", "study techniques", "term:osi-model"},
		// The exams named as alternatives ask nothing of their own.
		{"do students get a discount on the cissp or cism exam", "discounts, vouchers and reimbursement", "fact:cissp.fee.exam"},
		{"can I claim cpe for my normal job duties, like the IR work I do every day?", "which activities count for CPE credit", "fact:cissp.cpe"},
		{"what happens if my computer crashed during the cissp exam", "technical problems during the exam", "fact:cissp.exam.delivery"},
	}
	for _, tc := range tests {
		r := h.do(t, "details", "ask "+tc.q)
		if tc.detail == "" {
			if slices.Contains(r.Refs, "refuse:detail") || strings.Contains(r.Body, "My sources say nothing on") {
				t.Errorf("%q: a detail noted where none is asked: %v\n%s", tc.q, r.Refs, r.Body)
			}
		} else if len(r.Refs) == 0 || r.Refs[0] != "refuse:detail" || !strings.Contains(r.Body, "My sources say nothing on "+tc.detail) {
			t.Errorf("%q: refs %v, want refuse:detail first and %q named:\n%s", tc.q, r.Refs, tc.detail, r.Body)
		}
		if tc.fact != "" && !slices.Contains(r.Refs, tc.fact) {
			t.Errorf("%q: refs %v, want %s", tc.q, r.Refs, tc.fact)
		}
	}
}

// TestAskOwnPhrasings: each fact's own asked phrasings, asked of its exam
// by name, are answered with that fact.
func TestAskOwnPhrasings(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range h.kb.Certs {
		for _, f := range c.Facts {
			for _, a := range f.Asked {
				for _, q := range []string{a + " for the " + c.ID, c.ID + ": " + a} {
					r := h.e.Handle(context.Background(), bot.Request{Actor: actor("own"), Text: "ask " + q})
					if !slices.Contains(r.Refs, "fact:"+f.ID) {
						t.Errorf("%q: refs %v, want fact:%s", q, r.Refs, f.ID)
					}
				}
			}
		}
	}
}
