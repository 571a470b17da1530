package study

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/sqlite"
)

func planEnv(t *testing.T) (*Service, *sqlite.Store, *fixedClock, *knowledge.Base, storage.User) {
	t.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	s, st, clk, u := testEnv(t, kb, time.Now(), "America/New_York")
	return s, st, clk, kb, u
}

// TestPlanStatusCountsADayOnceItIsOver: a plan of 10 a day set on
// 2027-03-01 (New York) is not behind on its first day; days before today
// count in full, today as far as it is done, on the user's local days.
func TestPlanStatusCountsADayOnceItIsOver(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day string, hour int) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, day, ny)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(time.Duration(hour) * time.Hour)
	}
	type batch struct {
		day   string
		hour  int // New York time
		count int
	}
	for _, c := range []struct {
		name            string
		answers         []batch
		nowDay          string
		nowHour         int
		expected, ahead int
	}{
		{"set this morning, nothing done", nil, "2027-03-01", 10, 0, 0},
		{"first day, part done", []batch{{"2027-03-01", 9, 4}}, "2027-03-01", 11, 4, 0},
		{"first day, more than its share", []batch{{"2027-03-01", 9, 15}}, "2027-03-01", 11, 10, 5},
		{"second morning after a full day", []batch{{"2027-03-01", 9, 10}}, "2027-03-02", 8, 10, 0},
		{"second morning after a skipped day", nil, "2027-03-02", 8, 10, -10},
		{"third day, ahead from day one", []batch{{"2027-03-01", 9, 25}, {"2027-03-03", 7, 3}}, "2027-03-03", 9, 23, 5},
		// 22:00 in New York is the next day in UTC: it still counts for day one.
		{"late evening counts on its local day", []batch{{"2027-03-01", 22, 10}}, "2027-03-02", 10, 10, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, st, clk, kb, u := planEnv(t)
			if err := st.SetPlan(ctx, storage.Plan{UserID: u.ID, Cert: "cism", ExamDate: "2027-04-01", PerDay: 10,
				StartDay: "2027-03-01", Created: at("2027-03-01", 8)}); err != nil {
				t.Fatal(err)
			}
			q := kb.QuestionsIn("cism", 1)[0]
			n := 0
			for _, b := range c.answers {
				clk.t = at(b.day, b.hour)
				for range b.count {
					n++
					if _, err := s.Record(ctx, u, "", 0, fmt.Sprintf("k:%d", n), q, q.AnswerIndex()); err != nil {
						t.Fatal(err)
					}
				}
			}
			clk.t = at(c.nowDay, c.nowHour)
			p, err := s.Progress(ctx, u, "cism", kb.OutlineFor("cism", clk.t))
			if err != nil {
				t.Fatal(err)
			}
			if p.Plan == nil {
				t.Fatal("no plan status")
			}
			if p.Plan.Done != n || p.Plan.Expected != c.expected || p.Plan.Ahead() != c.ahead {
				t.Errorf("done %d, expected %d, ahead %d; want done %d, expected %d, ahead %d",
					p.Plan.Done, p.Plan.Expected, p.Plan.Ahead(), n, c.expected, c.ahead)
			}
		})
	}
}

// TestMakePlanCapsAShortRunway: an exam tomorrow needs hundreds of
// questions a day; the plan aims for MaxPerDay and keeps the need to say so.
func TestMakePlanCapsAShortRunway(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name       string
		exam       string
		days       int
		capped     bool
		wantPerDay int // 0: Need itself
	}{
		{"exam tomorrow", "2027-03-02", 1, true, MaxPerDay},
		{"exam in three months", "2027-06-01", 92, false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, _, clk, _, u := planEnv(t)
			clk.t = time.Date(2027, 3, 1, 15, 0, 0, 0, time.UTC) // 10:00 in New York
			exam, _ := time.Parse(time.DateOnly, c.exam)
			np, err := s.MakePlan(context.Background(), u, "cism", exam)
			if err != nil {
				t.Fatal(err)
			}
			if np.Days != c.days || (np.Need > MaxPerDay) != c.capped || np.Plan.StartDay != "2027-03-01" {
				t.Errorf("plan %+v: want %d days, capped %v", np, c.days, c.capped)
			}
			want := c.wantPerDay
			if want == 0 {
				want = np.Need
			}
			if np.Plan.PerDay != want {
				t.Errorf("per day %d, want %d (need %d)", np.Plan.PerDay, want, np.Need)
			}
		})
	}
}
