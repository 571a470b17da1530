package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certcoach/certcoach/storage"
)

const installCols = "enterprise_id, team_id, org_wide, team_name, app_id, bot_user_id, scopes, bot_token, refresh_token, expires_at, installed_at, updated_at"

func scanInstallation(row rowScanner) (storage.SlackInstallation, error) {
	var in storage.SlackInstallation
	var org int
	var exp, inst, upd int64
	err := row.Scan(&in.EnterpriseID, &in.TeamID, &org, &in.TeamName, &in.AppID, &in.BotUserID, &in.Scopes,
		&in.BotToken, &in.RefreshToken, &exp, &inst, &upd)
	if errors.Is(err, sql.ErrNoRows) {
		return in, storage.ErrNotFound
	}
	in.OrgWide = org != 0
	if exp > 0 {
		in.ExpiresAt = time.Unix(exp, 0).UTC()
	}
	in.InstalledAt, in.UpdatedAt = time.Unix(inst, 0).UTC(), time.Unix(upd, 0).UTC()
	return in, err
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// SaveSlackInstallation inserts or replaces the installation with the same
// key (a reinstall keeps the first install time).
func (s *Store) SaveSlackInstallation(ctx context.Context, in storage.SlackInstallation, now time.Time) error {
	if in.OrgWide {
		in.TeamID = ""
	}
	_, err := s.exec(ctx, `INSERT INTO slack_installations (`+installCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (enterprise_id, team_id, org_wide) DO UPDATE SET team_name = excluded.team_name, app_id = excluded.app_id,
		bot_user_id = excluded.bot_user_id, scopes = excluded.scopes, bot_token = excluded.bot_token,
		refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
		in.EnterpriseID, in.TeamID, boolInt(in.OrgWide), in.TeamName, in.AppID, in.BotUserID, in.Scopes,
		in.BotToken, in.RefreshToken, unixOrZero(in.ExpiresAt), now.Unix(), now.Unix())
	if err != nil {
		return fmt.Errorf("save slack installation %s/%s: %w", in.EnterpriseID, in.TeamID, err)
	}
	return nil
}

// storage.SlackInstallation finds an org-wide install by its enterprise, any other
// by its team (team IDs are unique across Slack). storage.ErrNotFound if none.
func (s *Store) SlackInstallation(ctx context.Context, enterprise, team string, orgWide bool) (storage.SlackInstallation, error) {
	var row *sql.Row
	if orgWide {
		row = s.queryRow(ctx, "SELECT "+installCols+" FROM slack_installations WHERE enterprise_id = ? AND org_wide = 1", enterprise)
	} else {
		row = s.queryRow(ctx, "SELECT "+installCols+" FROM slack_installations WHERE team_id = ? AND org_wide = 0", team)
	}
	in, err := scanInstallation(row)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return in, s.failed("read", fmt.Errorf("load slack installation %s/%s: %w", enterprise, team, err))
	}
	return in, err
}

// SlackInstallationsExpiring lists installations whose token expires
// before t, for the scheduled refresh.
func (s *Store) SlackInstallationsExpiring(ctx context.Context, before time.Time) ([]storage.SlackInstallation, error) {
	return queryAll(ctx, s, "expiring slack installations", scanInstallation, "SELECT "+installCols+" FROM slack_installations WHERE expires_at > 0 AND expires_at < ? ORDER BY expires_at", before.Unix())
}

// ReplaceSlackTokens stores refreshed tokens if the row still holds the
// refresh token the refresh used (another process may have rotated it
// first); it reports whether it did.
func (s *Store) ReplaceSlackTokens(ctx context.Context, in storage.SlackInstallation, oldRefresh []byte, now time.Time) (bool, error) {
	if in.OrgWide {
		in.TeamID = ""
	}
	res, err := s.exec(ctx, `UPDATE slack_installations SET bot_token = ?, refresh_token = ?, expires_at = ?, updated_at = ?
		WHERE enterprise_id = ? AND team_id = ? AND org_wide = ? AND refresh_token = ?`,
		in.BotToken, in.RefreshToken, unixOrZero(in.ExpiresAt), now.Unix(), in.EnterpriseID, in.TeamID, boolInt(in.OrgWide), oldRefresh)
	if err != nil {
		return false, fmt.Errorf("replace slack tokens %s/%s: %w", in.EnterpriseID, in.TeamID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("replace slack tokens: %w", err)
	}
	return n == 1, nil
}

// DeleteSlackInstallation removes an installation and its tokens; it
// reports whether there was one.
func (s *Store) DeleteSlackInstallation(ctx context.Context, enterprise, team string, orgWide bool) (bool, error) {
	var res sql.Result
	var err error
	if orgWide {
		res, err = s.exec(ctx, "DELETE FROM slack_installations WHERE enterprise_id = ? AND org_wide = 1", enterprise)
	} else {
		res, err = s.exec(ctx, "DELETE FROM slack_installations WHERE team_id = ? AND org_wide = 0", team)
	}
	if err != nil {
		return false, fmt.Errorf("delete slack installation %s/%s: %w", enterprise, team, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("delete slack installation: %w", err)
	}
	return n > 0, nil
}

// DeleteWorkspace removes every row of a workspace: its users (and through
// ON DELETE CASCADE their answers, cards, plans, sessions and reminders) and
// its channel reminders. It returns how many users it removed.
func (s *Store) DeleteWorkspace(ctx context.Context, platform, workspace string) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *wtx) error {
		if _, err := tx.exec(ctx, "DELETE FROM reminders WHERE platform = ? AND workspace = ?", platform, workspace); err != nil {
			return fmt.Errorf("delete workspace reminders: %w", err)
		}
		res, err := tx.exec(ctx, "DELETE FROM users WHERE platform = ? AND workspace = ?", platform, workspace)
		if err != nil {
			return fmt.Errorf("delete workspace users: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete workspace %s/%s: %w", platform, workspace, err)
	}
	return n, nil
}

// SaveOAuthState records an install's state (its hash) until expires.
// Expired states are dropped on the way.
func (s *Store) SaveOAuthState(ctx context.Context, hash string, expires, now time.Time) error {
	return s.tx(ctx, func(tx *wtx) error {
		if _, err := tx.exec(ctx, "DELETE FROM slack_oauth_states WHERE expires_at <= ?", now.Unix()); err != nil {
			return fmt.Errorf("prune oauth states: %w", err)
		}
		if _, err := tx.exec(ctx, "INSERT INTO slack_oauth_states (state_hash, expires_at) VALUES (?, ?)", hash, expires.Unix()); err != nil {
			return fmt.Errorf("save oauth state: %w", err)
		}
		return nil
	})
}

// ConsumeOAuthState deletes a state and reports whether it existed and had
// not expired at now: a state works once.
func (s *Store) ConsumeOAuthState(ctx context.Context, hash string, now time.Time) (bool, error) {
	var exp int64
	err := s.writeRow(ctx, "DELETE FROM slack_oauth_states WHERE state_hash = ? RETURNING expires_at", hash).Scan(&exp)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, s.failed("write", fmt.Errorf("consume oauth state: %w", err))
	}
	return now.Unix() < exp, nil
}

// ResealSlackTokens is for replacing the token key: in one write
// transaction, with every installation row locked (so that no replica
// refreshes a token meanwhile), it hands all rows to reseal and stores the
// token fields of the rows reseal returns. An error from reseal, or any
// failure, leaves every row as it was. It returns how many rows it updated.
func (s *Store) ResealSlackTokens(ctx context.Context, reseal func([]storage.SlackInstallation) ([]storage.SlackInstallation, error)) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *wtx) error {
		rows, err := tx.query(ctx, "SELECT "+installCols+" FROM slack_installations ORDER BY enterprise_id, team_id, org_wide FOR UPDATE")
		if err != nil {
			return fmt.Errorf("read slack installations: %w", err)
		}
		all, err := scanAll(rows, scanInstallation)
		if err != nil {
			return fmt.Errorf("read slack installations: %w", err)
		}
		changed, err := reseal(all)
		if err != nil {
			return err
		}
		for _, in := range changed {
			res, err := tx.exec(ctx, "UPDATE slack_installations SET bot_token = ?, refresh_token = ? WHERE enterprise_id = ? AND team_id = ? AND org_wide = ?",
				in.BotToken, in.RefreshToken, in.EnterpriseID, in.TeamID, boolInt(in.OrgWide))
			if err != nil {
				return fmt.Errorf("reseal slack installation %s/%s: %w", in.EnterpriseID, in.TeamID, err)
			}
			if k, err := res.RowsAffected(); err != nil || k != 1 {
				return fmt.Errorf("reseal slack installation %s/%s: no such row (%d updated, %v)", in.EnterpriseID, in.TeamID, k, err)
			}
		}
		n = len(changed)
		return nil
	})
	if err != nil {
		return 0, s.failed("write", err)
	}
	return n, nil
}
