package study

import (
	"math"
	"testing"
)

func TestAccuracy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		a        Accuracy
		enough   bool
		need     int
		lo, hi   float64 // percent, to the nearest point
		maxWidth float64 // the range's width in points, at most
	}{
		{"no answers: no figure, the whole range", Accuracy{0, 0}, false, MinAnswers, 0, 100, 100},
		{"one right answer says little", Accuracy{1, 1}, false, MinAnswers - 1, 21, 100, 80},
		{"one short of the minimum", Accuracy{12, MinAnswers - 1}, false, 1, 31, 69, 40},
		{"the minimum, half right: within about ±20 points", Accuracy{12, MinAnswers}, true, 0, 30, 67, 40},
		{"the minimum, all right: below 100 stays possible", Accuracy{MinAnswers, MinAnswers}, true, 0, 87, 100, 14},
		{"the minimum, all wrong", Accuracy{0, MinAnswers}, true, 0, 0, 13, 14},
		{"a full CISM mock", Accuracy{112, 150}, true, 0, 67, 81, 14},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.a.Enough(); got != tc.enough {
				t.Errorf("Enough() = %v, want %v", got, tc.enough)
			}
			if got := tc.a.Need(); got != tc.need {
				t.Errorf("Need() = %d, want %d", got, tc.need)
			}
			lo, hi := tc.a.Range()
			if math.Round(lo*100) != tc.lo || math.Round(hi*100) != tc.hi {
				t.Errorf("Range() = %.1f%%-%.1f%%, want about %.0f%%-%.0f%%", lo*100, hi*100, tc.lo, tc.hi)
			}
			if s := tc.a.Share(); s < lo || s > hi {
				t.Errorf("share %.3f outside its own range %.3f-%.3f", s, lo, hi)
			}
			if w := (hi - lo) * 100; w > tc.maxWidth {
				t.Errorf("range %.1f points wide, want at most %.0f", w, tc.maxWidth)
			}
		})
	}
}
