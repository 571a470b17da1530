package bot_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/certcoach/certcoach/bot"
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
	cisspWords = regexp.MustCompile(`(?i)\b(cissps?|isc2|\(isc\)²|\(isc\)2)\b`)
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
	misses                        []string
}

// scoreAsk runs every case through Engine.Handle. A lead about the other
// exam fails the test whatever the set; misses are only counted.
func scoreAsk(t *testing.T, h *harness, name string, cases []askCase) askScore {
	t.Helper()
	var s askScore
	for _, c := range cases {
		r := h.e.Handle(context.Background(), bot.Request{Actor: actor("asker"), Text: "ask " + c.Q})
		s.total++
		if r.Outcome != bot.OutcomeOK {
			t.Errorf("%s: %q: outcome %s: %s", name, c.Q, r.Outcome, r.Body)
		}
		exam := caseExam(c)
		for _, ref := range r.Refs {
			if e := refExam(ref); e != "" && (exam == "cism" || exam == "cissp") && e != exam {
				t.Errorf("%s: %q is about %s but the answer leads with %s (refs %v)", name, c.Q, exam, ref, r.Refs)
			}
		}
		ok := false
		if c.Refuse != "" {
			s.refusals++
			ok = len(r.Refs) > 0 && r.Refs[0] == "refuse:"+c.Refuse
			if ok {
				s.refused++
			}
		} else {
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
// engine. Misses are listed (this set is tuned on) and must stay under the floor.
func TestAskSearchQuality(t *testing.T) {
	testAskTuned(t, "search_quality.yaml", 94, 94)
}

// TestAskTuning: the tuning part of the real-question set.
func TestAskTuning(t *testing.T) {
	testAskTuned(t, "tuning.yaml", 0, 0)
}

func testAskTuned(t *testing.T, name string, minCases, floor int) {
	cases, ok := loadAskSet(t, name)
	if !ok {
		t.Skipf("no testdata/ask/%s", name)
	}
	if len(cases) < minCases {
		t.Fatalf("%s: %d cases, want at least %d", name, len(cases), minCases)
	}
	s := scoreAsk(t, newHarness(t), strings.TrimSuffix(name, ".yaml"), cases)
	for _, m := range s.misses {
		t.Logf("miss: %s", m)
	}
	if s.led < floor {
		t.Errorf("%s: %d/%d led by the right fact, below the floor of %d", name, s.led, s.total, floor)
	}
	if s.refused < s.refusals {
		t.Errorf("%s: %d of %d refusal questions not refused", name, s.refusals-s.refused, s.refusals)
	}
}

// TestAskHeldout: the held-out part is run only to report its score. Its
// misses are deliberately not printed, so nobody tunes on them; a
// wrong-exam answer still fails.
func TestAskHeldout(t *testing.T) {
	cases, ok := loadAskSet(t, "heldout.yaml")
	if !ok {
		t.Skip("no testdata/ask/heldout.yaml")
	}
	scoreAsk(t, newHarness(t), "heldout", cases)
}

// TestAskAcceptance: the questions the issue names, end to end.
func TestAskAcceptance(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		q       string
		want    []string
		notWant []string
	}{
		{"/cert ask where do I sit the cissp exam", []string{"Pearson VUE"}, []string{"PSI"}},
		{"ask how do cism and cissp differ on incident response", []string{"Incident response and incident management: CISM vs CISSP", "7.6"}, nil},
		{"ask which should I take first", []string{"Which should I take first?"}, nil},
		{"ask most heavily weighted cissp domain", []string{"Security and Risk Management", "16%"}, []string{"Governance", "Incident Management"}},
		{"ask where does single sign-on and federation fall", []string{"Identity and Access Management", "5.3"}, nil},
		{"ask where can I take the cism", []string{"PSI"}, []string{"Pearson"}},
		{"ask what if I don't know a CISSP to endorse me", []string{"ISC2 itself can act as endorser"}, nil},
		{"ask threat vs vulnerability", []string{"Threat", "Vulnerability", "exploit"}, nil},
		{"ask cism scoring", []string{"450"}, nil},
		{"ask best cissp bootcamp", []string{"recommends no vendor"}, nil},
		{"ask how many cissps are there", []string{"no sourced count"}, nil},
	}
	for _, tc := range tests {
		r := h.do(t, "acc", tc.q)
		lead, _, _ := strings.Cut(all(r), "**Related**")
		for _, w := range tc.want {
			if !strings.Contains(lead, w) {
				t.Errorf("%q: lead lacks %q:\n%s", tc.q, w, lead)
			}
		}
		for _, w := range tc.notWant {
			if strings.Contains(lead, w) {
				t.Errorf("%q: lead has %q:\n%s", tc.q, w, lead)
			}
		}
	}
}

// TestAskRefusesUnrelated: questions the base cannot answer say so rather
// than passing off an entry that shares a word.
func TestAskRefusesUnrelated(t *testing.T) {
	h := newHarness(t)
	for _, q := range []string{"best pizza in naples", "zebra migration patterns", "how do I bake sourdough bread", "what is the capital of peru",
		"kubernetes helm chart syntax", "can i use a calculator in the cissp", "is there a break in the cissp exam", "what id do i need for the cism exam"} {
		if r := h.do(t, "u", "ask "+q); r.Title != "No good answer found" {
			t.Errorf("%q answered %q (%v)", q, r.Title, r.Refs)
		}
	}
}
