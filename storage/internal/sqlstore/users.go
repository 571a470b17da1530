package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certcoach/certcoach/storage"
)

const userCols = "id, platform, workspace, user_ref, display, tz, tz_source, retention, leaderboard, created_at"

func scanUser(row rowScanner) (storage.User, error) {
	var u storage.User
	var created int64
	var lb int
	err := row.Scan(&u.ID, &u.Key.Platform, &u.Key.Workspace, &u.Key.User, &u.Display, &u.TZ, &u.TZSource, &u.Retention, &lb, &created)
	u.Leaderboard = lb != 0
	u.CreatedAt = time.Unix(created, 0).UTC()
	return u, err
}

// EnsureUser returns the user for key, creating the row on first contact.
// A platform time zone hint is stored unless the user chose one themselves.
func (s *Store) EnsureUser(ctx context.Context, key storage.UserKey, display, tzHint string, now time.Time) (storage.User, error) {
	u, err := s.userByKey(ctx, key)
	if err == nil {
		if tzHint != "" && u.TZSource != "user" && u.TZ != tzHint {
			if err := s.SetTimeZone(ctx, u.ID, tzHint, "platform"); err != nil {
				return u, err
			}
			u.PrevTZ = u.TZ
			u.TZ, u.TZSource = tzHint, "platform"
		}
		return u, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return u, err
	}
	src := ""
	if tzHint != "" {
		src = "platform"
	}
	_, err = s.exec(ctx, `INSERT INTO users (platform, workspace, user_ref, display, tz, tz_source, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, workspace, user_ref) DO NOTHING`,
		key.Platform, key.Workspace, key.User, display, tzHint, src, now.Unix())
	if err != nil {
		return u, fmt.Errorf("create user: %w", err)
	}
	return s.userByKey(ctx, key)
}

func (s *Store) userByKey(ctx context.Context, key storage.UserKey) (storage.User, error) {
	row := s.queryRow(ctx, "SELECT "+userCols+" FROM users WHERE platform = ? AND workspace = ? AND user_ref = ?",
		key.Platform, key.Workspace, key.User)
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return u, storage.ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("load user: %w", err)
	}
	return u, nil
}

// UserByKey returns an existing user or ErrNotFound.
func (s *Store) UserByKey(ctx context.Context, key storage.UserKey) (storage.User, error) {
	return s.userByKey(ctx, key)
}

// UserByID returns a user by row ID or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (storage.User, error) {
	u, err := scanUser(s.queryRow(ctx, "SELECT "+userCols+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, storage.ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("load user %d: %w", id, err)
	}
	return u, nil
}

// SetTimeZone stores the user's IANA zone; source is "platform" or "user".
func (s *Store) SetTimeZone(ctx context.Context, userID int64, tz, source string) error {
	if _, err := s.exec(ctx, "UPDATE users SET tz = ?, tz_source = ? WHERE id = ?", tz, source, userID); err != nil {
		return fmt.Errorf("set time zone: %w", err)
	}
	return nil
}

// SetRetention stores the desired FSRS retention.
func (s *Store) SetRetention(ctx context.Context, userID int64, r float64) error {
	if _, err := s.exec(ctx, "UPDATE users SET retention = ? WHERE id = ?", r, userID); err != nil {
		return fmt.Errorf("set retention: %w", err)
	}
	return nil
}

// SetLeaderboard shows or hides the user on leaderboards.
func (s *Store) SetLeaderboard(ctx context.Context, userID int64, on bool) error {
	v := 0
	if on {
		v = 1
	}
	if _, err := s.exec(ctx, "UPDATE users SET leaderboard = ? WHERE id = ?", v, userID); err != nil {
		return fmt.Errorf("set leaderboard: %w", err)
	}
	return nil
}

// DeleteUser removes the user and, through ON DELETE CASCADE, every row of theirs.
func (s *Store) DeleteUser(ctx context.Context, userID int64) error {
	if _, err := s.exec(ctx, "DELETE FROM users WHERE id = ?", userID); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	return nil
}
