package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// LeaderPlace is a user's place on a workspace's leaderboard over
// [since, until), and how many were ranked (0, 0 when the user is not).
// It ranks as Leaderboard does and reads only that workspace.
func (s *Store) LeaderPlace(ctx context.Context, userID int64, platform, workspace string, since, until time.Time) (place, of int, err error) {
	rows, err := s.query(ctx, `SELECT u.id FROM answers a JOIN users u ON u.id = a.user_id
		WHERE u.platform = ? AND u.workspace = ? AND u.leaderboard = 1 AND a.answered_at >= ? AND a.answered_at < ?
		GROUP BY u.id ORDER BY sum(a.correct) * 10 + count(DISTINCT a.local_day) * 5 DESC, u.id`,
		platform, workspace, since.Unix(), until.Unix())
	if err != nil {
		return 0, 0, fmt.Errorf("leaderboard place: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, 0, fmt.Errorf("leaderboard place: %w", err)
		}
		of++
		if id == userID {
			place = of
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("leaderboard place: %w", err)
	}
	if place == 0 {
		return 0, 0, nil
	}
	return place, of, nil
}
