package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// SetPlan stores (replacing) the user's plan.
func (s *Store) SetPlan(ctx context.Context, p storage.Plan) error {
	_, err := s.exec(ctx, `INSERT INTO plans (user_id, cert, exam_date, per_day, created_at, start_day) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET cert = excluded.cert, exam_date = excluded.exam_date, per_day = excluded.per_day,
		created_at = excluded.created_at, start_day = excluded.start_day`, p.UserID, p.Cert, p.ExamDate, p.PerDay, p.Created.Unix(), p.StartDay)
	if err != nil {
		return fmt.Errorf("store plan: %w", err)
	}
	return nil
}

// DeletePlan removes the user's plan; it reports whether there was one.
func (s *Store) DeletePlan(ctx context.Context, userID int64) (bool, error) {
	n, err := s.execCount(ctx, "delete plan", "DELETE FROM plans WHERE user_id = ?", userID)
	return n > 0, err
}

// Plan returns the user's plan or ErrNotFound.
func (s *Store) Plan(ctx context.Context, userID int64) (storage.Plan, error) {
	var p storage.Plan
	var created int64
	err := s.queryRow(ctx, "SELECT user_id, cert, exam_date, per_day, created_at, start_day FROM plans WHERE user_id = ?", userID).
		Scan(&p.UserID, &p.Cert, &p.ExamDate, &p.PerDay, &created, &p.StartDay)
	if errors.Is(err, sql.ErrNoRows) {
		return p, storage.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("load plan: %w", err)
	}
	p.Created = time.Unix(created, 0).UTC()
	return p, nil
}

// Leaderboard returns the workspace's users with answers since `since`,
// excluding users who opted out, ranked by correct answers then active days.
// It never reads across workspaces.
func (s *Store) Leaderboard(ctx context.Context, platform, workspace string, since time.Time, limit int) ([]storage.LeaderRow, error) {
	return queryAll(ctx, s, "leaderboard", func(row rowScanner) (storage.LeaderRow, error) {
		var r storage.LeaderRow
		err := row.Scan(&r.UserID, &r.Display, &r.User, &r.Correct, &r.Days)
		return r, err
	}, `SELECT u.id, u.display, u.user_ref, sum(a.correct), count(DISTINCT a.local_day)
		FROM answers a JOIN users u ON u.id = a.user_id
		WHERE u.platform = ? AND u.workspace = ? AND u.leaderboard = 1 AND a.answered_at >= ?
		GROUP BY u.id ORDER BY sum(a.correct) * 10 + count(DISTINCT a.local_day) * 5 DESC, u.id LIMIT ?`,
		platform, workspace, since.Unix(), limit)
}
