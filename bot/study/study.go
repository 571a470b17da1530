// Package study is certcoach's study engine: practice question selection,
// spaced repetition (FSRS), progress and readiness per exam domain, study
// plans and leaderboards. It works on stored users and knowledge-base
// questions and knows nothing of chat platforms.
package study

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// Ratings after a correct answer (wrong is always Again).
const (
	RatingAgain = int(fsrs.Again)
	RatingHard  = int(fsrs.Hard)
	RatingGood  = int(fsrs.Good)
	RatingEasy  = int(fsrs.Easy)
)

// Service is the study engine.
type Service struct {
	kb    *knowledge.Base
	store Store
	now   func() time.Time
}

// New returns a study service; now is the clock (tests pass a fake one).
func New(kb *knowledge.Base, store Store, now func() time.Time) *Service {
	return &Service{kb: kb, store: store, now: now}
}

// scheduler is FSRS-5 via go-fsrs (the reference Go port maintained by the
// FSRS authors) at the user's desired retention.
func scheduler(retention float64) *fsrs.FSRS {
	p := fsrs.DefaultParam()
	// Long-term scheduling only: a chat bot reviews at most a few times a
	// day, so minute-level learning steps would just pile up as "due".
	p.EnableShortTerm = false
	if retention >= 0.7 && retention <= 0.99 {
		p.RequestRetention = retention
	}
	return fsrs.NewFSRS(p)
}

func toFSRS(c *storage.Card) fsrs.Card {
	if c == nil {
		return fsrs.NewCard()
	}
	return fsrs.Card{Due: c.Due, Stability: c.Stability, Difficulty: c.Difficulty, ElapsedDays: c.ElapsedDays,
		ScheduledDays: c.ScheduledDays, Reps: c.Reps, Lapses: c.Lapses, State: fsrs.State(c.State), LastReview: c.LastReview}
}

func fromFSRS(userID int64, q *knowledge.Question, c fsrs.Card) storage.Card {
	return storage.Card{UserID: userID, QuestionID: q.ID, Cert: q.Cert, Domain: q.Domain, Due: c.Due, Stability: c.Stability,
		Difficulty: c.Difficulty, ElapsedDays: c.ElapsedDays, ScheduledDays: c.ScheduledDays, Reps: c.Reps, Lapses: c.Lapses,
		State: int(c.State), LastReview: c.LastReview}
}

// Location returns the user's time zone (UTC when unset or invalid).
func Location(u storage.User) *time.Location {
	if u.TZ != "" {
		if loc, err := time.LoadLocation(u.TZ); err == nil {
			return loc
		}
	}
	return time.UTC
}

// LocalDay is the user's calendar day at t, as YYYY-MM-DD.
func LocalDay(u storage.User, t time.Time) string {
	return t.In(Location(u)).Format(time.DateOnly)
}

// Result is a recorded answer and what it means.
type Result struct {
	Answer   storage.Answer
	Question *knowledge.Question
	Correct  bool
	Due      time.Time // when the card comes back
}

// Record stores an answer to q (choice 0-3) under attemptKey, schedules the
// card (wrong = Again, right = Good until the user re-rates it) and, for a
// session, advances it from pos. It returns storage.ErrDuplicate or
// storage.ErrStale unchanged so callers can tell the user.
func (s *Service) Record(ctx context.Context, u storage.User, sessionID string, pos int, attemptKey string, q *knowledge.Question, choice int) (Result, error) {
	now := s.now()
	correct := choice == q.AnswerIndex()
	rating := fsrs.Again
	if correct {
		rating = fsrs.Good
	}
	var due time.Time
	a := storage.Answer{UserID: u.ID, AttemptKey: attemptKey, SessionID: sessionID, QuestionID: q.ID, Cert: q.Cert, Domain: q.Domain,
		Choice: choice, Correct: correct, At: now, LocalDay: LocalDay(u, now)}
	a, err := s.store.RecordAnswer(ctx, a, pos, func(prev *storage.Card) (storage.Card, int, string) {
		prevJSON, _ := json.Marshal(toFSRS(prev))
		next := scheduler(u.Retention).Next(toFSRS(prev), now, rating).Card
		if !correct {
			// The long-term scheduler leaves every card in Review; a miss is
			// marked Relearning (FSRS's state for a lapsed card, scheduled
			// the same way here) so progress can tell it from a hit.
			next.State = fsrs.Relearning
		}
		due = next.Due
		return fromFSRS(u.ID, q, next), int(rating), string(prevJSON)
	})
	if err != nil {
		return Result{}, err
	}
	return Result{Answer: a, Question: q, Correct: correct, Due: due}, nil
}

// Rerate changes a correct answer's rating to Hard, Good or Easy, rescheduling
// its card from the state before that answer. It refuses once a later answer
// has touched the card.
func (s *Service) Rerate(ctx context.Context, u storage.User, attemptKey string, rating int) (time.Time, error) {
	if rating < RatingHard || rating > RatingEasy {
		return time.Time{}, fmt.Errorf("rerate: rating %d out of range", rating)
	}
	a, err := s.store.AnswerByKey(ctx, u.ID, attemptKey)
	if err != nil {
		return time.Time{}, err
	}
	if !a.Correct {
		return time.Time{}, storage.ErrStale
	}
	last, err := s.store.LastAnswerID(ctx, u.ID, a.QuestionID)
	if err != nil {
		return time.Time{}, err
	}
	if last != a.ID {
		return time.Time{}, storage.ErrStale
	}
	q, ok := s.kb.Question(a.QuestionID)
	if !ok {
		return time.Time{}, storage.ErrStale
	}
	var prev fsrs.Card
	if err := json.Unmarshal([]byte(a.PrevCard), &prev); err != nil {
		return time.Time{}, fmt.Errorf("rerate: previous card: %w", err)
	}
	next := scheduler(u.Retention).Next(prev, a.At, fsrs.Rating(rating)).Card
	if err := s.store.Rerate(ctx, u.ID, attemptKey, rating, fromFSRS(u.ID, q, next)); err != nil {
		return time.Time{}, err
	}
	return next.Due, nil
}

// Pick chooses count questions of cert (one domain, or all when domain is 0)
// preferring questions the user has not seen; across all domains it follows
// the outline's weights.
func (s *Service) Pick(ctx context.Context, u storage.User, cert string, outline *knowledge.Outline, domain, count int) ([]string, error) {
	seen, err := s.store.SeenQuestions(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if domain != 0 {
		return pickFrom(s.kb.QuestionsIn(cert, domain), seen, count), nil
	}
	// Spread over domains by weight (largest remainder), then shuffle.
	quota := apportion(outline, count)
	var ids []string
	for _, d := range outline.Domains {
		ids = append(ids, pickFrom(s.kb.QuestionsIn(cert, d.N), seen, quota[d.N])...)
	}
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	return ids, nil
}

// PickObjective chooses up to count questions of cert on one objective of
// domain (CISSP "7.6", CISM "4A2"), preferring questions the user has not
// seen.
func (s *Service) PickObjective(ctx context.Context, u storage.User, cert string, domain int, objective string, count int) ([]string, error) {
	seen, err := s.store.SeenQuestions(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var pool []*knowledge.Question
	for _, q := range s.kb.QuestionsIn(cert, domain) {
		if strings.EqualFold(q.Objective, objective) {
			pool = append(pool, q)
		}
	}
	return pickFrom(pool, seen, count), nil
}

// PickNew chooses up to count questions the user has never answered, filling
// from domains in the order given (reviews pass the weakest, heaviest first).
func (s *Service) PickNew(ctx context.Context, u storage.User, cert string, domains []int, count int, exclude map[string]bool) ([]string, error) {
	seen, err := s.store.SeenQuestions(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range domains {
		for _, id := range pickFrom(s.kb.QuestionsIn(cert, d), seen, count) {
			if len(out) == count {
				return out, nil
			}
			if !seen[id] && !exclude[id] {
				out = append(out, id)
			}
		}
	}
	return out, nil
}

func apportion(o *knowledge.Outline, count int) map[int]int {
	quota := map[int]int{}
	type rem struct {
		n int
		r float64
	}
	var rems []rem
	total := 0
	for _, d := range o.Domains {
		exact := float64(count*d.Weight) / 100
		quota[d.N] = int(exact)
		total += int(exact)
		rems = append(rems, rem{d.N, exact - float64(int(exact))})
	}
	sort.SliceStable(rems, func(i, j int) bool { return rems[i].r > rems[j].r })
	for i := 0; total < count && len(rems) > 0; i = (i + 1) % len(rems) {
		quota[rems[i].n]++
		total++
	}
	return quota
}

func pickFrom(pool []*knowledge.Question, seen map[string]bool, count int) []string {
	var fresh, old []string
	for _, q := range pool {
		if seen[q.ID] {
			old = append(old, q.ID)
		} else {
			fresh = append(fresh, q.ID)
		}
	}
	rand.Shuffle(len(fresh), func(i, j int) { fresh[i], fresh[j] = fresh[j], fresh[i] })
	rand.Shuffle(len(old), func(i, j int) { old[i], old[j] = old[j], old[i] })
	out := append(fresh, old...)
	if len(out) > count {
		out = out[:count]
	}
	return out
}
