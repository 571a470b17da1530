package study

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// PlanStatus is a plan measured against what the user has done.
type PlanStatus struct {
	Plan     storage.Plan
	DaysLeft int
	Expected int // answers expected by now: the days before today in full, today as far as done
	Done     int // answers since the plan started
}

// Ahead is Done minus Expected (negative = behind).
func (p PlanStatus) Ahead() int { return p.Done - p.Expected }

// passes is how many times the plan aims to go through the question pool
// before the exam (a first pass and one spaced review).
const passes = 2

// MaxPerDay is more questions a day than anyone studies with thought: a
// plan that would need more aims for this many, and says so.
const MaxPerDay = 100

// ErrNotAfterToday is MakePlan's error for an exam date that is today or
// past in the user's zone: the user's mistake, unlike a failed read.
var ErrNotAfterToday = errors.New("the exam date is not after today")

// NewPlan is a plan as MakePlan computes it, with what it is based on.
type NewPlan struct {
	Plan storage.Plan
	Days int // study days left, today included (the exam day is not)
	// Need is the questions a day that passes through the pool would
	// take; above MaxPerDay, Plan.PerDay is MaxPerDay.
	Need int
}

// MakePlan computes a plan for an exam on examDate (the user's local date).
func (s *Service) MakePlan(ctx context.Context, u storage.User, cert string, examDate time.Time) (NewPlan, error) {
	lt := s.now().In(Location(u))
	today := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC)
	days := int(examDate.Sub(today).Hours() / 24)
	if days < 1 {
		return NewPlan{}, fmt.Errorf("exam date %s, today %s: %w", examDate.Format(time.DateOnly), today.Format(time.DateOnly), ErrNotAfterToday)
	}
	pool := 0
	for _, q := range s.kb.Questions {
		if q.Cert == cert {
			pool++
		}
	}
	done, err := s.store.CountAnswersSince(ctx, u.ID, cert, time.Unix(0, 0))
	if err != nil {
		return NewPlan{}, fmt.Errorf("plan: answers so far: %w", err)
	}
	need := max(int(math.Ceil(float64(max(passes*pool-done, 0))/float64(days))), 5)
	p := storage.Plan{UserID: u.ID, Cert: cert, ExamDate: examDate.Format(time.DateOnly), PerDay: min(need, MaxPerDay),
		StartDay: today.Format(time.DateOnly), Created: s.now()}
	return NewPlan{Plan: p, Days: days, Need: need}, nil
}

// planStatus measures a plan on the user's local today. A day is not
// behind until it is over: the days before today count in full, today only
// as far as it is done (so a plan set this morning is on track, and today's
// answers beyond its share are ahead).
func (s *Service) planStatus(ctx context.Context, u storage.User, p storage.Plan) (PlanStatus, error) {
	loc := Location(u)
	lt := s.now().In(loc)
	today := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC)
	start, err := time.Parse(time.DateOnly, p.StartDay)
	if err != nil {
		return PlanStatus{}, fmt.Errorf("plan start %q: %w", p.StartDay, err)
	}
	exam, err := time.Parse(time.DateOnly, p.ExamDate)
	if err != nil {
		return PlanStatus{}, fmt.Errorf("plan exam date %q: %w", p.ExamDate, err)
	}
	startLocal := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
	done, err := s.store.CountAnswersSince(ctx, u.ID, p.Cert, startLocal)
	if err != nil {
		return PlanStatus{}, fmt.Errorf("plan: answers since %s: %w", p.StartDay, err)
	}
	before := max(int(today.Sub(start).Hours()/24), 0) // whole plan days before today
	doneToday := done
	if before > 0 {
		if doneToday, err = s.store.CountAnswersSince(ctx, u.ID, p.Cert, time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)); err != nil {
			return PlanStatus{}, fmt.Errorf("plan: answers today: %w", err)
		}
	}
	expected := before*p.PerDay + min(doneToday, p.PerDay)
	return PlanStatus{Plan: p, DaysLeft: int(exam.Sub(today).Hours() / 24), Expected: expected, Done: done}, nil
}

// DomainOrder orders an outline's domains for a plan: heaviest weight times
// missing mastery first.
func DomainOrder(p Progress) []DomainProgress {
	return Weakest(p.Domains, len(p.Domains))
}

// OutlineChange returns an outline of cert that takes effect after today and
// on or before the exam date, if any (the user should know the syllabus moves).
func OutlineChange(kb *knowledge.Base, cert string, today, exam time.Time) *knowledge.Outline {
	next := kb.NextOutline(cert, today)
	if next != nil && !next.EffectiveDate().After(exam) {
		return next
	}
	return nil
}
