package study

import (
	"context"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// Store is what the study engine reads and writes (storage/sqlite and
// storage/postgres implement it).
type Store interface {
	RecordAnswer(ctx context.Context, a storage.Answer, sessionPos int, schedule storage.Schedule) (storage.Answer, error)
	Rerate(ctx context.Context, userID int64, attemptKey string, rating int, card storage.Card) error
	AnswerByKey(ctx context.Context, userID int64, attemptKey string) (storage.Answer, error)
	LastAnswerID(ctx context.Context, userID int64, questionID string) (int64, error)
	AnswerDays(ctx context.Context, userID int64, limit int) ([]string, error)
	AnswerCounts(ctx context.Context, userID int64, sinceDay string) ([]storage.DayCount, error)
	CountAnswersSince(ctx context.Context, userID int64, cert string, since time.Time) (int, error)
	DomainStats(ctx context.Context, userID int64) ([]storage.DomainStat, error)
	Cards(ctx context.Context, userID int64) ([]storage.Card, error)
	SeenQuestions(ctx context.Context, userID int64) (map[string]bool, error)
	Plan(ctx context.Context, userID int64) (storage.Plan, error)
}
