package remind

import (
	"context"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// Store is what reminders and channel questions read and write, the
// study engine's part included (storage/sqlite and storage/postgres
// implement it).
type Store interface {
	study.Store
	UserByID(ctx context.Context, id int64) (storage.User, error)
	SetTimeZone(ctx context.Context, userID int64, tz, source string) error
	OpenSession(ctx context.Context, userID int64, kind string) (storage.Session, error)

	SaveReminder(ctx context.Context, r storage.Reminder, now time.Time, next storage.NextFunc) (storage.Reminder, error)
	ReminderFor(ctx context.Context, kind, platform, workspace, target string) (storage.Reminder, error)
	ReminderByID(ctx context.Context, id int64) (storage.Reminder, error)
	DueReminders(ctx context.Context, now time.Time, after storage.DueRef, limit int, platforms ...string) ([]storage.DueRef, error)
	ClaimReminder(ctx context.Context, id int64, now time.Time, opts storage.ClaimOptions) (storage.Claim, error)
	SetSendQuestion(ctx context.Context, c storage.Claim, questionID string) error
	FinishSend(ctx context.Context, c storage.Claim, questionID string, now time.Time, next storage.NextFunc) error
	FailSend(ctx context.Context, c storage.Claim, questionID, errMsg string, now, retryAt time.Time, next storage.NextFunc) error
	StopSend(ctx context.Context, c storage.Claim, questionID, errMsg, why string, now time.Time) error
	ReleaseClaim(ctx context.Context, c storage.Claim, now time.Time) error
	SendByID(ctx context.Context, id int64) (storage.Send, error)
	SendOn(ctx context.Context, reminderID int64, day string) (storage.Send, error)
	PreviousSent(ctx context.Context, reminderID int64, day string) (storage.Send, error)
	SentQuestions(ctx context.Context, reminderID int64) (map[string]bool, error)
	PruneSends(ctx context.Context, before string) (int64, error)
	RecordQotdAnswer(ctx context.Context, sendID, userID int64, choice int, correct bool, at time.Time) (bool, error)
	QotdDistribution(ctx context.Context, sendID int64) (map[int]int, error)
	QotdTop(ctx context.Context, reminderID int64, from, to string, limit int) ([]storage.QotdRow, error)
}

// Deps are what the reminder commands and the scheduler work with, passed
// in by whoever wires the process.
type Deps struct {
	Engine *bot.Engine // commands are registered on it; its clock is the default
	Store  Store
	KB     *knowledge.Base
}

func (d Deps) study() *study.Service {
	return study.New(d.KB, d.Store, d.Engine.Clock().Now)
}
