package study

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/sqlite"
	"github.com/certcoach/certcoach/storage/sqlite/sqlitetest"
)

func TestStreak(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		days []string
		want int
	}{
		{"none", nil, 0},
		{"today only", []string{"2026-11-25"}, 1},
		{"yesterday keeps the streak", []string{"2026-11-24", "2026-11-23"}, 2},
		{"gap of two days breaks it", []string{"2026-11-23", "2026-11-22"}, 0},
		{"run with a hole", []string{"2026-11-25", "2026-11-24", "2026-11-22"}, 2},
		{"across a month end", []string{"2026-11-25", "2026-11-24"}, 2},
		{"leap day", []string{"2028-03-01", "2028-02-29", "2028-02-28"}, 3},
	}
	for _, tc := range tests {
		day := today
		if tc.name == "leap day" {
			day = time.Date(2028, 3, 1, 10, 0, 0, 0, time.UTC)
		}
		if got := Streak(tc.days, day); got != tc.want {
			t.Errorf("%s: Streak = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestApportionFollowsWeights(t *testing.T) {
	t.Parallel()
	o := &knowledge.Outline{Domains: []knowledge.Domain{{N: 1, Weight: 18}, {N: 2, Weight: 20}, {N: 3, Weight: 33}, {N: 4, Weight: 29}}}
	for _, n := range []int{1, 5, 20, 150} {
		q := apportion(o, n)
		sum := 0
		for _, v := range q {
			sum += v
		}
		if sum != n {
			t.Errorf("apportion(%d) sums to %d: %v", n, sum, q)
		}
	}
	if q := apportion(o, 150); q[3] != 50 || q[1] != 27 {
		t.Errorf("150 items: %v, want D3=50 D1=27", q)
	}
}

func TestWeakestPrefersHeavyAndUnmastered(t *testing.T) {
	t.Parallel()
	ds := []DomainProgress{{N: 1, Weight: 16, Mastery: 0.9}, {N: 2, Weight: 10, Mastery: 0}, {N: 3, Weight: 13, Mastery: 0.1}}
	w := Weakest(ds, 2)
	if len(w) != 2 || w[0].N != 3 || w[1].N != 2 {
		t.Fatalf("weakest %+v, want D3 then D2", w)
	}
}

type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time { return c.t }

// testEnv is a Service on a fresh SQLite file with its clock at start, and
// one console user in time zone tz ("" for none).
func testEnv(t *testing.T, kb *knowledge.Base, start time.Time, tz string) (*Service, *sqlite.Store, *fixedClock, storage.User) {
	t.Helper()
	ctx := context.Background()
	st := sqlitetest.Open(t, "s.db")
	clk := &fixedClock{t: start}
	u, err := st.EnsureUser(ctx, storage.UserKey{Platform: "console", Workspace: "w", User: "u"}, "", tz, start)
	if err != nil {
		t.Fatal(err)
	}
	return New(kb, st, clk.now), st, clk, u
}

func TestRecordSchedulesWithFSRS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	s, _, clk, u := testEnv(t, kb, time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC), "Europe/Berlin")
	qs := kb.QuestionsIn("cissp", 5)
	wrong, right := qs[0], qs[1]
	rw, err := s.Record(ctx, u, "", 0, "k:wrong", wrong, (wrong.AnswerIndex()+1)%4)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := s.Record(ctx, u, "", 0, "k:right", right, right.AnswerIndex())
	if err != nil {
		t.Fatal(err)
	}
	if rw.Correct || !rr.Correct {
		t.Fatalf("correctness: wrong=%v right=%v", rw.Correct, rr.Correct)
	}
	if d := rw.Due.Sub(clk.t); d <= 0 || d > 48*time.Hour {
		t.Errorf("a missed card comes back in %v, want within two days", d)
	}
	if !rr.Due.After(rw.Due) {
		t.Errorf("a right answer (%v) should come back after a wrong one (%v)", rr.Due, rw.Due)
	}
	if _, err := s.Record(ctx, u, "", 0, "k:right", right, right.AnswerIndex()); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("second record: %v, want ErrDuplicate", err)
	}
	// Re-rating: Easy pushes further out than Hard; a wrong answer cannot be re-rated.
	hard, err := s.Rerate(ctx, u, "k:right", RatingHard)
	if err != nil {
		t.Fatal(err)
	}
	easy, err := s.Rerate(ctx, u, "k:right", RatingEasy)
	if err != nil {
		t.Fatal(err)
	}
	if !easy.After(hard) {
		t.Errorf("easy due %v not after hard due %v", easy, hard)
	}
	if _, err := s.Rerate(ctx, u, "k:wrong", RatingEasy); !errors.Is(err, storage.ErrStale) {
		t.Errorf("re-rating a wrong answer: %v", err)
	}
	// Progress: one CISSP D5 card remembered at the moment, readiness above 0.
	o, _ := kb.Outline("cissp-2024")
	p, err := s.Progress(ctx, u, "cissp", o)
	if err != nil {
		t.Fatal(err)
	}
	d5 := p.Domains[4]
	if d5.Answered != 2 || d5.Correct != 1 || d5.Mastery <= 0 || p.Readiness <= 0 || p.Streak != 1 {
		t.Fatalf("progress %+v, D5 %+v", p, d5)
	}
	if LocalDay(u, time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC)) != "2026-11-26" {
		t.Error("local day ignores the user's zone")
	}
}
