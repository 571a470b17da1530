package sqlstore

import (
	"context"
	"fmt"

	"github.com/certcoach/certcoach/storage"
)

// AnswerCounts returns a user's answers per local day and cert from
// sinceDay (YYYY-MM-DD, inclusive), oldest first: the activity heat map and
// the plan's pace line (answers_user_day serves it).
func (s *Store) AnswerCounts(ctx context.Context, userID int64, sinceDay string) ([]storage.DayCount, error) {
	rows, err := s.query(ctx, "SELECT local_day, cert, count(*) FROM answers WHERE user_id = ? AND local_day >= ? GROUP BY local_day, cert ORDER BY local_day, cert", userID, sinceDay)
	if err != nil {
		return nil, fmt.Errorf("answer counts: %w", err)
	}
	defer rows.Close()
	var out []storage.DayCount
	for rows.Next() {
		var d storage.DayCount
		if err := rows.Scan(&d.Day, &d.Cert, &d.Answers); err != nil {
			return nil, fmt.Errorf("answer counts: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("answer counts: %w", err)
	}
	return out, nil
}
