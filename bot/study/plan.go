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
	Expected int // answers expected since the plan started
	Done     int // answers since the plan started
}

// Ahead is Done minus Expected (negative = behind).
func (p PlanStatus) Ahead() int { return p.Done - p.Expected }

// passes is how many times the plan aims to go through the question pool
// before the exam (a first pass and one spaced review).
const passes = 2

// MakePlan computes a plan for an exam on examDate (the user's local date).
// ErrNotAfterToday is MakePlan's error for an exam date that is today or
// past in the user's zone: the user's mistake, unlike a failed read.
var ErrNotAfterToday = errors.New("the exam date is not after today")

func (s *Service) MakePlan(ctx context.Context, u storage.User, cert string, examDate time.Time) (storage.Plan, int, error) {
	lt := s.now().In(Location(u))
	today := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC)
	days := int(examDate.Sub(today).Hours() / 24)
	if days < 1 {
		return storage.Plan{}, 0, fmt.Errorf("exam date %s, today %s: %w", examDate.Format(time.DateOnly), today.Format(time.DateOnly), ErrNotAfterToday)
	}
	pool := 0
	for _, q := range s.kb.Questions {
		if q.Cert == cert {
			pool++
		}
	}
	done, err := s.store.CountAnswersSince(ctx, u.ID, cert, time.Unix(0, 0))
	if err != nil {
		return storage.Plan{}, 0, err
	}
	perDay := int(math.Ceil(float64(max(passes*pool-done, 0)) / float64(days)))
	perDay = max(perDay, 5)
	p := storage.Plan{UserID: u.ID, Cert: cert, ExamDate: examDate.Format(time.DateOnly), PerDay: perDay,
		StartDay: today.Format(time.DateOnly), Created: s.now()}
	return p, days, nil
}

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
		return PlanStatus{}, err
	}
	elapsed := int(today.Sub(start).Hours()/24) + 1 // today counts
	return PlanStatus{Plan: p, DaysLeft: int(exam.Sub(today).Hours() / 24), Expected: elapsed * p.PerDay, Done: done}, nil
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
