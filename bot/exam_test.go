package bot_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot/study"
)

// TestExamEstimateNeedsEvidence runs mock exams through the engine on a real
// SQLite file, stopped after one, a few and many answers: too few answers
// give the count still needed and no percentage; enough give the accuracy
// with its range; a domain's percentage shows only with enough answers; no
// result claims a scaled score, a pass or a fail.
func TestExamEstimateNeedsEvidence(t *testing.T) {
	// A full CISM exam gives at least its heaviest domain enough answers
	// for a percentage.
	const cismFull = 150
	tests := []struct {
		name, cert  string
		answers     int
		want, notIn []string
	}{
		{"CISM, one answer", "cism", 1, []string{"**Score: 1 of 1**", "24 more answers would give one"}, []string{"%**", "Accuracy:"}},
		{"CISM, a few answers", "cism", 5, []string{"**Score: 4 of 5**", "20 more answers would give one"}, []string{"%**", "Accuracy:"}},
		{"CISM, many answers", "cism", 60, []string{"**Score: 45 of 60 (75%)**", "**Accuracy: 75%**, from 60 answers", "probably between 63% and 84%", "450 or higher"}, []string{"No estimate"}},
		{"CISM, a full exam", "cism", cismFull, []string{"**Score: 112 of 150 (75%)**", "**Accuracy: 75%**, from 150 answers", "probably between 67% and 81%"}, []string{"No estimate", "percentage shows once"}},
		{"CISSP, one answer", "cissp", 1, []string{"ending before item 100 is a fail", "24 more answers would give one"}, []string{"%**", "Accuracy:"}},
		{"CISSP, many answers", "cissp", 60, []string{"**Accuracy: 75%**, from 60 answers", "ending before item 100 is a fail", "700 out of 1000"}, []string{"No estimate"}},
	}
	domainLine := regexp.MustCompile(`(?m)^- (CISM|CISSP) D\d: (\d+)/(\d+)(.*)$`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.do(t, "eve", "exam "+tc.cert)
			for i := range tc.answers {
				// Exactly three in four right: 1 of 1, 4 of 5, 45 of 60.
				r = h.click(t, "eve", h.answerButton(t, r, i%4 != 1))
			}
			if !strings.Contains(r.Title, "results") { // a full exam ends by itself
				r = h.do(t, "eve", "exam stop")
			}
			body := r.Body
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("want %q in:\n%s", w, body)
				}
			}
			for _, w := range append(tc.notIn, "likely", "pass)", "passes)", "Estimated") {
				if strings.Contains(body, w) {
					t.Errorf("%q in:\n%s", w, body)
				}
			}
			lines := domainLine.FindAllStringSubmatch(body, -1)
			total, shown := 0, 0
			for _, m := range lines {
				n, _ := strconv.Atoi(m[3])
				total += n
				pct := strings.Contains(m[4], "%")
				if pct != (n >= study.MinAnswers) {
					t.Errorf("domain line %q: percentage shown %v with %d answers", m[0], pct, n)
				}
				if pct {
					shown++
				}
			}
			if total != tc.answers {
				t.Errorf("domain lines count %d answers, want %d:\n%s", total, tc.answers, body)
			}
			if tc.answers == cismFull && shown == 0 {
				t.Errorf("a full CISM exam shows no domain percentage:\n%s", body)
			}
			thin := fmt.Sprintf("percentage shows once it has %d answers", study.MinAnswers)
			if tc.answers < study.MinAnswers && !strings.Contains(body, thin) {
				t.Errorf("want %q in:\n%s", thin, body)
			}
		})
	}
}

// TestProgressAccuracyNeedsEvidence: progress gives a domain's "% right"
// only once it has the answers any estimate needs, the counts before; the
// readiness line says what it rests on and that it is no chance of passing.
func TestProgressAccuracyNeedsEvidence(t *testing.T) {
	tests := []struct {
		answers int
		want    string
	}{
		{1, "1 answered, 1 right,"},
		{study.MinAnswers - 1, fmt.Sprintf("%d answered, %d right,", study.MinAnswers-1, study.MinAnswers-1)},
		{study.MinAnswers, fmt.Sprintf("%d answered, 100%% right,", study.MinAnswers)},
	}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.answers), func(t *testing.T) {
			h := newHarness(t)
			for left := tc.answers; left > 0; left -= min(left, 20) {
				h.do(t, "fin", fmt.Sprintf("quiz cism 2 %d", min(left, 20)))
				for range min(left, 20) {
					h.do(t, "fin", h.letter(t, "fin", "quiz", true))
				}
			}
			body := h.do(t, "fin", "progress cism").Body
			for _, w := range []string{tc.want, fmt.Sprintf(" from %d answer", tc.answers), "not a chance of passing"} {
				if !strings.Contains(body, w) {
					t.Errorf("want %q in:\n%s", w, body)
				}
			}
		})
	}
}
