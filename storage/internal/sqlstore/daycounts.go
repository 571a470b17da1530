package sqlstore

import (
	"context"

	"github.com/certcoach/certcoach/storage"
)

// AnswerCounts returns a user's answers per local day and cert from
// sinceDay (YYYY-MM-DD, inclusive), oldest first: the activity heat map and
// the plan's pace line (answers_user_day serves it).
func (s *Store) AnswerCounts(ctx context.Context, userID int64, sinceDay string) ([]storage.DayCount, error) {
	return queryAll(ctx, s, "answer counts", func(row rowScanner) (storage.DayCount, error) {
		var d storage.DayCount
		err := row.Scan(&d.Day, &d.Cert, &d.Answers)
		return d, err
	}, "SELECT local_day, cert, count(*) FROM answers WHERE user_id = ? AND local_day >= ? GROUP BY local_day, cert ORDER BY local_day, cert", userID, sinceDay)
}
