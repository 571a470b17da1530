package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// HomeView returns the home view of the user behind key, or ErrNotFound
// when there is no such user or they never opened it. It is one indexed
// read, made after every answer, and never creates the user.
func (s *Store) HomeView(ctx context.Context, key storage.UserKey) (storage.HomeView, error) {
	var v storage.HomeView
	var opened, chartAt int64
	err := s.queryRow(ctx, `SELECT h.user_id, h.opened_at, h.chart_file, h.chart_at FROM users u JOIN home_views h ON h.user_id = u.id
		WHERE u.platform = ? AND u.workspace = ? AND u.user_ref = ?`, key.Platform, key.Workspace, key.User).
		Scan(&v.UserID, &opened, &v.ChartFile, &chartAt)
	if errors.Is(err, sql.ErrNoRows) {
		return v, storage.ErrNotFound
	}
	if err != nil {
		return v, fmt.Errorf("load home view: %w", err)
	}
	v.OpenedAt = time.Unix(opened, 0).UTC()
	if chartAt != 0 {
		v.ChartAt = time.Unix(chartAt, 0).UTC()
	}
	return v, nil
}

// SetHomeView stores (replacing) the home view of the user behind key
// (v.UserID is not used), or returns ErrNotFound when there is no such user.
// The user is looked up in the same statement: a home view written after
// the user was deleted (a late refresh racing `forget` or an uninstall)
// stores nothing, and never attaches to another user.
func (s *Store) SetHomeView(ctx context.Context, key storage.UserKey, v storage.HomeView) error {
	var chartAt int64
	if !v.ChartAt.IsZero() {
		chartAt = v.ChartAt.Unix()
	}
	// The casts type the parameters for PostgreSQL (a SELECT list gives
	// them none); the WHERE keeps SQLite from reading ON CONFLICT as a join
	// clause.
	n, err := s.execCount(ctx, "store home view", `INSERT INTO home_views (user_id, opened_at, chart_file, chart_at)
		SELECT u.id, CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT) FROM users u WHERE u.platform = ? AND u.workspace = ? AND u.user_ref = ?
		ON CONFLICT (user_id) DO UPDATE SET opened_at = excluded.opened_at, chart_file = excluded.chart_file, chart_at = excluded.chart_at`,
		v.OpenedAt.Unix(), v.ChartFile, chartAt, key.Platform, key.Workspace, key.User)
	if err != nil {
		return err
	}
	if n == 0 {
		return storage.ErrNotFound
	}
	return nil
}

// AddPlatformFile records a file uploaded for a user, not yet shown
// anywhere (ShowPlatformFile deletes no such file: it may be on its way into
// a message); recording one twice changes nothing.
func (s *Store) AddPlatformFile(ctx context.Context, f storage.PlatformFile) error {
	_, err := s.exec(ctx, `INSERT INTO platform_files (user_id, file_id, content_sum, created_at, shown) VALUES (?, ?, ?, ?, 'new')
		ON CONFLICT (user_id, file_id) DO NOTHING`, f.UserID, f.FileID, f.Sum, f.CreatedAt.Unix())
	if err != nil {
		return fmt.Errorf("store platform file: %w", err)
	}
	return nil
}

// messageFilesKept bounds the files a user's lasting DM messages keep: a
// message posted after them (a DM's newest progress replies) keeps its
// file, an older one loses it, so the files do not pile up with the
// conversation. A channel's messages, which others see, keep theirs.
const messageFilesKept = 3

// ShowPlatformFile records that the user behind key now sees their file
// fileID where says, then marks their files shown nowhere any more as
// going and returns their IDs, for the caller to delete on the platform
// (then DropPlatformFiles): the file of the reply a newer reply replaced,
// the Home tab's chart a newer one replaced, and the files of lasting DM
// messages beyond the newest messageFilesKept (fileID among them, the
// others newest uploaded first) once another is shown in one. The
// remaining files of lasting DM messages, those in channels, the one on
// the Home tab, the latest reply's and any not yet shown are kept. A going file is never found by
// its content again, and stays listed for the user's deletion until
// dropped. An unknown user or file marks nothing.
func (s *Store) ShowPlatformFile(ctx context.Context, key storage.UserKey, fileID string, where storage.FileShown) ([]string, error) {
	var gone []string
	err := s.tx(ctx, func(tx *wtx) error {
		uid, ok, err := userIDTx(ctx, tx, key)
		if err != nil || !ok {
			return err
		}
		// A file only moves towards being kept: one in a lasting message
		// stays there, whatever else shows it too, and one in a channel
		// stays for good.
		var steps []string
		switch where {
		case storage.ShownInMessage:
			steps = []string{"UPDATE platform_files SET shown = 'message' WHERE user_id = ? AND file_id = ? AND shown <> 'channel'"}
		case storage.ShownInChannel:
			steps = []string{"UPDATE platform_files SET shown = 'channel' WHERE user_id = ? AND file_id = ?"}
		case storage.ShownInReply:
			steps = []string{
				"UPDATE platform_files SET shown = '' WHERE user_id = ? AND shown = 'reply' AND file_id <> ?",
				"UPDATE platform_files SET shown = 'reply' WHERE user_id = ? AND file_id = ? AND shown IN ('new', '')",
			}
		case storage.ShownOnHome:
			steps = []string{"UPDATE platform_files SET shown = '' WHERE user_id = ? AND file_id = ? AND shown = 'new'"}
		default:
			return fmt.Errorf("unknown place %q", where)
		}
		for _, q := range steps {
			if _, err := tx.exec(ctx, q, uid, fileID); err != nil {
				return fmt.Errorf("mark shown: %w", err)
			}
		}
		if where == storage.ShownInMessage {
			// The older messages' files leave their place ('' as on the
			// Home tab only, or nowhere), and go below unless the Home tab
			// shows one.
			_, err := tx.exec(ctx, `UPDATE platform_files SET shown = '' WHERE user_id = ? AND shown = 'message' AND file_id <> ?
				AND file_id NOT IN (SELECT file_id FROM platform_files WHERE user_id = ? AND shown = 'message' AND file_id <> ?
					ORDER BY created_at DESC, file_id DESC LIMIT ?)`, uid, fileID, uid, fileID, messageFilesKept-1)
			if err != nil {
				return fmt.Errorf("retire older messages' files: %w", err)
			}
		}
		rows, err := tx.query(ctx, `UPDATE platform_files SET shown = 'gone' WHERE user_id = ? AND shown = '' AND file_id <> ?
			AND file_id NOT IN (SELECT chart_file FROM home_views WHERE user_id = ?) RETURNING file_id`, uid, fileID, uid)
		if err != nil {
			return fmt.Errorf("mark going: %w", err)
		}
		gone, err = scanAll(rows, func(r rowScanner) (string, error) {
			var id string
			return id, r.Scan(&id)
		})
		if err != nil {
			return fmt.Errorf("mark going: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("show platform file: %w", err)
	}
	slices.Sort(gone)
	return gone, nil
}

// DropPlatformFiles deletes the records of files of the user behind key
// that ShowPlatformFile marked as going, once they are deleted on the
// platform; other files and unknown IDs are left alone.
func (s *Store) DropPlatformFiles(ctx context.Context, key storage.UserKey, ids []string) error {
	err := s.tx(ctx, func(tx *wtx) error {
		uid, ok, err := userIDTx(ctx, tx, key)
		if err != nil || !ok {
			return err
		}
		for _, id := range ids {
			if _, err := tx.exec(ctx, "DELETE FROM platform_files WHERE user_id = ? AND file_id = ? AND shown = 'gone'", uid, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("drop platform file: %w", err)
	}
	return nil
}

// userIDTx is the ID of the user behind key; ok is false for an unknown user.
func userIDTx(ctx context.Context, tx *wtx, key storage.UserKey) (id int64, ok bool, err error) {
	err = tx.queryRow(ctx, "SELECT id FROM users WHERE platform = ? AND workspace = ? AND user_ref = ?",
		key.Platform, key.Workspace, key.User).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("load user: %w", err)
	}
	return id, true, nil
}

// PlatformFileBySum returns the newest file of the user behind key with
// content sum that is not going, or ErrNotFound.
func (s *Store) PlatformFileBySum(ctx context.Context, key storage.UserKey, sum string) (string, error) {
	var id string
	err := s.queryRow(ctx, `SELECT f.file_id FROM users u JOIN platform_files f ON f.user_id = u.id
		WHERE u.platform = ? AND u.workspace = ? AND u.user_ref = ? AND f.content_sum = ? AND f.shown <> 'gone' ORDER BY f.created_at DESC LIMIT 1`,
		key.Platform, key.Workspace, key.User, sum).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", storage.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("load platform file: %w", err)
	}
	return id, nil
}

// PlatformFiles lists the IDs of a user's files, oldest first.
func (s *Store) PlatformFiles(ctx context.Context, userID int64) ([]string, error) {
	return queryAll(ctx, s, "list platform files", scanString,
		"SELECT file_id FROM platform_files WHERE user_id = ? ORDER BY created_at, file_id", userID)
}

// WorkspacePlatformFiles lists the IDs of the files of every user of a
// workspace (an uninstall deletes them).
func (s *Store) WorkspacePlatformFiles(ctx context.Context, platform, workspace string) ([]string, error) {
	return queryAll(ctx, s, "list workspace files", scanString,
		`SELECT f.file_id FROM users u JOIN platform_files f ON f.user_id = u.id
		WHERE u.platform = ? AND u.workspace = ? ORDER BY f.created_at, f.file_id`, platform, workspace)
}

func scanString(row rowScanner) (string, error) {
	var v string
	err := row.Scan(&v)
	return v, err
}
