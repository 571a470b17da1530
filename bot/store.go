package bot

import (
	"context"
	"time"

	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/storage"
)

// Store is what the engine's commands read and write, the study engine's
// part included (storage/sqlite and storage/postgres implement it).
type Store interface {
	study.Store
	EnsureUser(ctx context.Context, key storage.UserKey, display, tzHint string, now time.Time) (storage.User, error)
	UserByKey(ctx context.Context, key storage.UserKey) (storage.User, error)
	SetTimeZone(ctx context.Context, userID int64, tz, source string) error
	SetRetention(ctx context.Context, userID int64, r float64) error
	SetLeaderboard(ctx context.Context, userID int64, on bool) error
	DeleteUser(ctx context.Context, userID int64) error
	ExportUser(ctx context.Context, userID int64) (map[string][]map[string]any, error)
	Leaderboard(ctx context.Context, platform, workspace string, since time.Time, limit int) ([]storage.LeaderRow, error)
	LeaderPlace(ctx context.Context, userID int64, platform, workspace string, since, until time.Time) (place, of int, err error)
	ReminderFor(ctx context.Context, kind, platform, workspace, target string) (storage.Reminder, error)

	CreateSession(ctx context.Context, sess storage.Session) error
	Session(ctx context.Context, id string) (storage.Session, error)
	OpenSession(ctx context.Context, userID int64, kind string) (storage.Session, error)
	SetSessionState(ctx context.Context, id, from, to string, now time.Time) (bool, error)
	SetSessionShown(ctx context.Context, id string, pos int) error
	FinishSession(ctx context.Context, id, state string, now time.Time) error
	SessionAnswers(ctx context.Context, sessionID string) ([]storage.Answer, error)
	DueCards(ctx context.Context, userID int64, cert string, now time.Time, limit int) ([]storage.Card, error)
	SetPlan(ctx context.Context, p storage.Plan) error
	DeletePlan(ctx context.Context, userID int64) (bool, error)

	HomeView(ctx context.Context, key storage.UserKey) (storage.HomeView, error)
	SetHomeView(ctx context.Context, key storage.UserKey, v storage.HomeView) error
	AddPlatformFile(ctx context.Context, f storage.PlatformFile) error
	PlatformFileBySum(ctx context.Context, key storage.UserKey, sum string) (string, error)
	PlatformFiles(ctx context.Context, userID int64) ([]string, error)
	WorkspacePlatformFiles(ctx context.Context, platform, workspace string) ([]string, error)
	ShowPlatformFile(ctx context.Context, key storage.UserKey, fileID string, where storage.FileShown) ([]string, error)
	DropPlatformFiles(ctx context.Context, key storage.UserKey, ids []string) error
}
