package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FirstSeen records (scope, key) and reports whether this is its first
// delivery. Adapters use it to process a retried Slack event or a Discord
// gateway delivery once, across restarts and replicas (Discord HTTP
// interactions have their own record, see Interaction). Many inbound
// requests make one, so they are group-committed with answers (batch.go):
// the answer is still only given after the record is committed.
func (s *Store) FirstSeen(ctx context.Context, scope, key string, now time.Time) (bool, error) {
	var n int64
	err := s.submit(ctx, func(ctx context.Context, tx *wtx) error {
		res, err := tx.stmt(ctx, qInsertSeen).ExecContext(ctx, scope, key, now.Unix())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record delivery %s: %w", scope, err)
	}
	return n == 1, nil
}

// SeenSince reports whether any delivery of scope was recorded at or after
// since.
func (s *Store) SeenSince(ctx context.Context, scope string, since time.Time) (bool, error) {
	var one int
	err := s.queryRow(ctx, "SELECT 1 FROM seen WHERE scope = ? AND seen_at >= ? LIMIT 1", scope, since.Unix()).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("deliveries since: %w", err)
	}
	return true, nil
}

// Interaction is a Discord interaction as its replay record keeps it: the
// snowflake ID (see SnowflakeAt) and the Unix time its request was signed.
type Interaction struct{ ID, Signed int64 }

// FirstInteraction records in and reports whether this is its first
// delivery, once committed (group-committed like FirstSeen).
func (s *Store) FirstInteraction(ctx context.Context, in Interaction) (bool, error) {
	var n int64
	err := s.submit(ctx, func(ctx context.Context, tx *wtx) error {
		res, err := tx.stmt(ctx, qInsertInteraction).ExecContext(ctx, in.Signed, in.ID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record interaction: %w", err)
	}
	return n == 1, nil
}

// RecordInteractions stores interactions already known to be first (by a
// caller that keeps the recent ones in memory) in one transaction; one
// already stored is left as it is.
func (s *Store) RecordInteractions(ctx context.Context, ins []Interaction) error {
	err := s.submit(ctx, func(ctx context.Context, tx *wtx) error {
		// interactionChunk rows a statement: per row, an insert through
		// database/sql costs ~2.5 µs, a row of a multi-row insert ~0.5.
		args := make([]any, 0, 2*interactionChunk)
		rest := ins
		for ; len(rest) >= interactionChunk; rest = rest[interactionChunk:] {
			args = args[:0]
			for _, in := range rest[:interactionChunk] {
				args = append(args, in.Signed, in.ID)
			}
			if _, err := tx.stmt(ctx, qInsertInteractions).ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		st := tx.stmt(ctx, qInsertInteraction)
		for _, in := range rest {
			if _, err := st.ExecContext(ctx, in.Signed, in.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record %d interactions: %w", len(ins), err)
	}
	return nil
}

// interactionChunk is how many records one multi-row insert writes.
const interactionChunk = 32

// RecentInteractions returns the recorded interactions signed at or after
// signedSince (Unix seconds).
func (s *Store) RecentInteractions(ctx context.Context, signedSince int64) ([]Interaction, error) {
	rows, err := s.query(ctx, "SELECT id, signed FROM discord_interactions_seen WHERE signed >= ?", signedSince)
	if err != nil {
		return nil, fmt.Errorf("recent interactions: %w", err)
	}
	defer rows.Close()
	var out []Interaction
	for rows.Next() {
		var in Interaction
		if err := rows.Scan(&in.ID, &in.Signed); err != nil {
			return nil, fmt.Errorf("recent interactions: %w", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recent interactions: %w", err)
	}
	return out, nil
}

// discordEpoch is the Unix time in milliseconds that snowflakes count from.
const discordEpoch = 1420070400000

// SnowflakeAt is the smallest Discord snowflake created at t or later.
func SnowflakeAt(t time.Time) int64 {
	return max(t.UnixMilli()-discordEpoch, 0) << 22
}

// PruneSeen forgets deliveries older than before (platforms stop retrying
// long before a day has passed, and a replayed interaction is refused by
// its timestamp after five minutes).
func (s *Store) PruneSeen(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(ctx, "DELETE FROM seen WHERE seen_at < ?", before.Unix())
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	res, err = s.exec(ctx, "DELETE FROM discord_interactions_seen WHERE signed < ?", before.Unix())
	if err != nil {
		return n, fmt.Errorf("prune interactions: %w", err)
	}
	m, err := res.RowsAffected()
	if err != nil {
		return n, fmt.Errorf("prune interactions: %w", err)
	}
	return n + m, nil
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
