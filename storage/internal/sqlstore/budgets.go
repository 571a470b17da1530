package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// Reserve takes the next slot of the rate budget called name, which lets
// one request through every interval with bursts of up to burst requests
// (GCRA), and returns when that slot starts: now or later, never earlier.
// It is one statement on one row, so replicas sharing the database share
// the budget, and reservations never collide or retry.
func (s *Store) Reserve(ctx context.Context, name string, interval time.Duration, burst int, now time.Time) (time.Time, error) {
	t := interval.Microseconds()
	n := now.UnixMicro()
	var tat int64
	err := s.writeRow(ctx, `INSERT INTO rate_budgets (name, tat) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET tat = CASE WHEN rate_budgets.tat > ? THEN rate_budgets.tat ELSE ? END + ?
		RETURNING tat`, name, n+t, n, n, t).Scan(&tat)
	if err != nil {
		return time.Time{}, s.failed("write", fmt.Errorf("reserve from budget %s: %w", name, err))
	}
	// The slot begins one interval before the new theoretical arrival
	// time, less the burst allowance.
	start := tat - t - int64(max(burst-1, 0))*t
	if start <= n {
		return now, nil
	}
	return now.Add(time.Duration(start-n) * time.Microsecond), nil
}

// PruneBudgets drops budgets idle since before (per-channel budgets would
// otherwise pile up).
func (s *Store) PruneBudgets(ctx context.Context, before time.Time) (int64, error) {
	return s.execCount(ctx, "prune rate budgets", "DELETE FROM rate_budgets WHERE tat < ?", before.UnixMicro())
}
