package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FirstSeen records (scope, key) and reports whether this is its first
// delivery. Adapters use it to process a retried Slack event or a replayed
// Discord interaction once, across restarts and replicas: the primary key
// (scope, key) decides, whichever replica inserts first. Many inbound
// requests make one, so on SQLite they are group-committed with answers
// (batch.go); elsewhere the one statement commits by itself, without a
// BEGIN and a COMMIT round trip around it. Either way the answer is only
// given after the record is committed.
func (s *Store) FirstSeen(ctx context.Context, scope, key string, now time.Time) (bool, error) {
	var n int64
	var err error
	if s.d.GroupCommit {
		err = s.submit(ctx, func(ctx context.Context, tx *wtx) error {
			res, err := tx.execStmt(ctx, qInsertSeen, scope, key, now.Unix())
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
	} else {
		var res sql.Result
		if res, err = s.exec(ctx, qInsertSeen, scope, key, now.Unix()); err == nil {
			n, err = res.RowsAffected()
		}
	}
	if err != nil {
		return false, fmt.Errorf("record delivery %s: %w", scope, err)
	}
	return n == 1, nil
}

// PruneSeen forgets deliveries older than before (platforms stop retrying
// long before a day has passed, and a replayed interaction is refused by
// its timestamp after five minutes).
func (s *Store) PruneSeen(ctx context.Context, before time.Time) (int64, error) {
	return s.execCount(ctx, "prune deliveries", "DELETE FROM seen WHERE seen_at < ?", before.Unix())
}

// GetKV returns a stored operational value, or "" when unset.
func (s *Store) GetKV(ctx context.Context, key string) (string, error) {
	var v string
	err := s.queryRow(ctx, "SELECT value FROM kv WHERE key = ?", key).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("get %s: %w", key, err)
	}
	return v, nil
}

// SetKV stores an operational value.
func (s *Store) SetKV(ctx context.Context, key, value string) error {
	if _, err := s.exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value); err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	return nil
}
