package study

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/certcoach/certcoach/knowledge"
)

// TestMasteryCountsOnlyRightAnswers: a card whose last answer was a miss
// adds nothing to mastery or readiness, though FSRS recall is near 1 right
// after any review; answering it right again brings it back.
func TestMasteryCountsOnlyRightAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	o, _ := kb.Outline("cissp-2024")
	pool := kb.QuestionsIn("cissp", 2)
	tests := []struct {
		name string
		// answers per question, in order, one day apart: 'r' right, 'w' wrong
		answers []string
		// cards expected to count (their last answer right)
		counted int
	}{
		{"no answers", nil, 0},
		{"one right", []string{"r"}, 1},
		{"one wrong", []string{"w"}, 0},
		{"2 of 10 right", []string{"r", "r", "w", "w", "w", "w", "w", "w", "w", "w"}, 2},
		{"10 of 10 right", []string{"r", "r", "r", "r", "r", "r", "r", "r", "r", "r"}, 10},
		{"wrong then right counts", []string{"wr"}, 1},
		{"right then wrong does not", []string{"rw"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, clk, u := testEnv(t, kb, time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC), "")
			start := clk.t
			for i, seq := range tc.answers {
				clk.t = start
				q := pool[i]
				for j, a := range seq {
					choice := q.AnswerIndex()
					if a == 'w' {
						choice = (choice + 1) % len(q.Options)
					}
					if _, err := s.Record(ctx, u, "", 0, fmt.Sprintf("k:%d:%d", i, j), q, choice); err != nil {
						t.Fatal(err)
					}
					clk.t = clk.t.Add(24 * time.Hour)
				}
			}
			clk.t = start.Add(2 * 24 * time.Hour)
			p, err := s.Progress(ctx, u, "cissp", o)
			if err != nil {
				t.Fatal(err)
			}
			d2 := p.Domains[1]
			// Each counted card was answered right at most two days ago:
			// its recall is between 0.8 and 1.
			lo, hi := 0.8*float64(tc.counted)/float64(len(pool)), float64(tc.counted)/float64(len(pool))
			if d2.Mastery < lo-1e-9 || d2.Mastery > hi+1e-9 {
				t.Errorf("D2 mastery %.3f, want %.3f-%.3f (%d of %d cards)", d2.Mastery, lo, hi, tc.counted, len(pool))
			}
			if tc.counted == 0 && (d2.Mastery != 0 || p.Readiness != 0) {
				t.Errorf("mastery %.3f, readiness %.3f, want 0", d2.Mastery, p.Readiness)
			}
			if math.IsNaN(p.Readiness) || p.Readiness > d2.Mastery {
				t.Errorf("readiness %.3f with only D2 answered at %.3f", p.Readiness, d2.Mastery)
			}
		})
	}
}
