package bot

import (
	"strings"
	"testing"

	"github.com/certcoach/certcoach/storage"
)

// TestExamVerdict: below the evidence minimum the verdict says how many
// more answers an estimate needs; above it, the accuracy with its range.
// Never a scaled score, a pass or a fail from the share right.
func TestExamVerdict(t *testing.T) {
	const pass = "PASS-MARK-FACT."
	tests := []struct {
		name, cert  string
		right, n    int
		passing     string
		want, notIn []string
	}{
		{"one CISM answer", "cism", 1, 1, pass,
			[]string{"**No estimate yet:** 24 more answers would give one", pass}, []string{"100%", "Accuracy"}},
		{"one short", "cism", 20, 24, pass,
			[]string{"1 more answer would give one"}, []string{"Accuracy"}},
		{"at the minimum", "cism", 25, 25, pass,
			[]string{"**Accuracy: 100%**, from 25 answers", "between 87% and 100%", pass}, []string{"No estimate"}},
		{"a full CISM mock", "cism", 112, 150, pass,
			[]string{"**Accuracy: 75%**, from 150 answers", "between 67% and 81%"}, nil},
		{"a short CISSP mock states the CAT's rule", "cissp", 3, 3, pass,
			[]string{"ending before item 100 is a fail", "22 more answers"}, nil},
		{"a CISSP mock stopped at 60 has a figure and the rule", "cissp", 45, 60, pass,
			[]string{"ending before item 100 is a fail", "**Accuracy: 75%**, from 60 answers"}, nil},
		{"a CISSP mock of 100 has no length rule", "cissp", 100, 100, pass,
			[]string{"**Accuracy: 100%**, from 100 answers"}, []string{"ending before"}},
		{"no pass-mark fact still disclaims", "cism", 30, 40, "",
			[]string{"not a percentage of correct answers"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := examVerdict(storage.Session{Cert: tc.cert}, tc.right, tc.n, tc.passing)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("want %q in:\n%s", w, got)
				}
			}
			for _, w := range append(tc.notIn, "likely", "scale (", "passes)", "Estimated") {
				if strings.Contains(got, w) {
					t.Errorf("%q in:\n%s", w, got)
				}
			}
		})
	}
}
