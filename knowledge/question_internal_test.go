package knowledge

import (
	"slices"
	"testing"
)

func TestPointsBack(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"does that mean I failed?", true},
		{"is it normal?", true},
		{"what is that?", true},
		{"whats that?", true},
		{"what's that?", true}, // an apostrophe is dropped, as normTokens does
		{"What’s it mean?", true},
		{"does cism cover that?", false},
		{"what is cism?", false},
		{"that?", false},
		{"Which one is for integrity?", true},
		{"which domain is it in?", false},
	}
	for _, tt := range tests {
		if got := pointsBack(tt.s); got != tt.want {
			t.Errorf("pointsBack(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestBetweenExams(t *testing.T) {
	b := &Base{Vocab: Vocabulary{BetweenExams: map[string][]string{
		"a-helps": {"waiver"},
		"b-helps": {"waiver"},
		"c-helps": {"other"},
	}}}
	tests := []struct {
		keys []string
		both bool
		want []string
	}{
		{[]string{"waiver", "a-helps", "fee"}, false, []string{"waiver", "fee"}},
		{[]string{"fee"}, true, []string{"fee"}},
		{[]string{"waiver"}, true, []string{"a-helps", "b-helps", "waiver"}},
		{[]string{"b-helps", "waiver"}, true, []string{"a-helps", "b-helps", "waiver"}},
	}
	for _, tt := range tests {
		// The order must not depend on the map's: run it a few times.
		for range 20 {
			if got := b.betweenExams(slices.Clone(tt.keys), tt.both); !slices.Equal(got, tt.want) {
				t.Fatalf("betweenExams(%q, %v) = %q, want %q", tt.keys, tt.both, got, tt.want)
			}
		}
	}
}
