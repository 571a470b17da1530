package study

import (
	"context"
	"errors"
	"math"
	"sort"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// DomainProgress is a user's standing in one domain of an outline.
type DomainProgress struct {
	N        int
	Name     string
	Weight   int
	Pool     int // questions available in the bank
	Answered int
	Correct  int
	Mastery  float64 // mean recall over the domain's pool; see cardMastery
	Due      int     // cards due by the end of the user's day
}

// Accuracy is the share of correct answers (0 when none).
func (d DomainProgress) Accuracy() float64 {
	if d.Answered == 0 {
		return 0
	}
	return float64(d.Correct) / float64(d.Answered)
}

// Progress is a user's standing for one certification.
type Progress struct {
	Cert      string
	Outline   *knowledge.Outline
	Domains   []DomainProgress
	Streak    int
	Readiness float64 // domain-weighted mastery, 0-1
	Weakest   []DomainProgress
	DueToday  int
	Plan      *PlanStatus
}

// ReadinessMethod explains Readiness in one line. Readiness needs no minimum
// of answers, unlike an accuracy: unseen questions count 0, so it grows
// only with the evidence and a few answers cannot inflate it. What it must
// not be read as is a chance of passing, which no source supports.
const ReadinessMethod = "Readiness = each domain's mastery (FSRS recall probability averaged over its whole question pool; unseen questions and those last answered wrong count 0) weighted by the outline's domain weights: how much of the question bank you would recall now, not a chance of passing."

// cardMastery is what one card adds to its domain's mastery: its FSRS recall
// probability, or 0 when its last answer was a miss. Right after any review
// FSRS puts recall near 1, so without this a wrong answer would raise
// mastery as much as a right one.
func cardMastery(f *fsrs.FSRS, c storage.Card, now time.Time) float64 {
	if fsrs.State(c.State) == fsrs.Relearning {
		return 0
	}
	return f.GetRetrievability(toFSRS(&c), now)
}

// Progress computes the user's standing for cert on outline.
func (s *Service) Progress(ctx context.Context, u storage.User, cert string, outline *knowledge.Outline) (Progress, error) {
	now := s.now()
	loc := Location(u)
	lt := now.In(loc)
	endOfDay := time.Date(lt.Year(), lt.Month(), lt.Day()+1, 0, 0, 0, 0, loc)
	stats, err := s.store.DomainStats(ctx, u.ID)
	if err != nil {
		return Progress{}, err
	}
	cards, err := s.store.Cards(ctx, u.ID)
	if err != nil {
		return Progress{}, err
	}
	p := Progress{Cert: cert, Outline: outline}
	byN := map[int]*DomainProgress{}
	for _, d := range outline.Domains {
		p.Domains = append(p.Domains, DomainProgress{N: d.N, Name: d.Name, Weight: d.Weight, Pool: len(s.kb.QuestionsIn(cert, d.N))})
	}
	for i := range p.Domains {
		byN[p.Domains[i].N] = &p.Domains[i]
	}
	for _, st := range stats {
		if d := byN[st.Domain]; d != nil && st.Cert == cert {
			d.Answered, d.Correct = st.Answered, st.Correct
		}
	}
	f := scheduler(u.Retention)
	sumR := map[int]float64{}
	for _, c := range cards {
		if c.Cert != cert {
			continue
		}
		if d := byN[c.Domain]; d != nil {
			sumR[c.Domain] += cardMastery(f, c, now)
			if c.Due.Before(endOfDay) {
				d.Due++
				p.DueToday++
			}
		}
	}
	wsum := 0
	for i := range p.Domains {
		d := &p.Domains[i]
		if d.Pool > 0 {
			d.Mastery = math.Min(1, sumR[d.N]/float64(d.Pool))
		}
		p.Readiness += float64(d.Weight) * d.Mastery
		wsum += d.Weight
	}
	if wsum > 0 {
		p.Readiness /= float64(wsum)
	}
	p.Weakest = Weakest(p.Domains, 2)
	days, err := s.store.AnswerDays(ctx, u.ID, 400)
	if err != nil {
		return Progress{}, err
	}
	p.Streak = Streak(days, lt)
	plan, err := s.store.Plan(ctx, u.ID)
	switch {
	case err == nil && plan.Cert == cert:
		ps, err := s.planStatus(ctx, u, plan)
		if err != nil {
			return Progress{}, err
		}
		p.Plan = &ps
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return Progress{}, err
	}
	return p, nil
}

// Weakest returns the n domains where study pays most: heavy weight times
// missing mastery.
func Weakest(ds []DomainProgress, n int) []DomainProgress {
	out := append([]DomainProgress(nil), ds...)
	sort.SliceStable(out, func(i, j int) bool {
		return float64(out[i].Weight)*(1-out[i].Mastery) > float64(out[j].Weight)*(1-out[j].Mastery)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Streak counts consecutive local days with an answer, ending today (or
// yesterday, so a streak is not lost before the day is over). days is newest
// first, as YYYY-MM-DD.
func Streak(days []string, today time.Time) int {
	if len(days) == 0 {
		return 0
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if days[0] != day.Format(time.DateOnly) {
		day = day.AddDate(0, 0, -1)
		if days[0] != day.Format(time.DateOnly) {
			return 0
		}
	}
	n := 0
	for _, d := range days {
		if d != day.Format(time.DateOnly) {
			break
		}
		n++
		day = day.AddDate(0, 0, -1)
	}
	return n
}
