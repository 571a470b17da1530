package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/slack"
	"github.com/certcoach/certcoach/internal/tokenbox"
	"github.com/certcoach/certcoach/storage"
)

// installStore is the Slack adapter's InstallationStore over the database:
// tokens are sealed with CERTCOACH_TOKEN_KEY on the way in and opened on the
// way out, each bound to its installation's key (a sealed token copied to
// another row does not open), and install states are stored as hashes.
type installStore struct {
	st  installRows
	box *tokenbox.Box
	now func() time.Time
}

var _ slack.InstallationStore = (*installStore)(nil)

// installRows is the part of the database installStore keeps its rows in.
type installRows interface {
	SaveSlackInstallation(ctx context.Context, in storage.SlackInstallation, now time.Time) error
	SlackInstallation(ctx context.Context, enterprise, team string, orgWide bool) (storage.SlackInstallation, error)
	SlackInstallationsExpiring(ctx context.Context, before time.Time) ([]storage.SlackInstallation, error)
	ReplaceSlackTokens(ctx context.Context, in storage.SlackInstallation, oldRefresh []byte, now time.Time) (bool, error)
	DeleteSlackInstallation(ctx context.Context, enterprise, team string, orgWide bool) (bool, error)
	DeleteWorkspace(ctx context.Context, platform, workspace string) (int64, error)
	SaveOAuthState(ctx context.Context, hash string, expires, now time.Time) error
	ConsumeOAuthState(ctx context.Context, hash string, now time.Time) (bool, error)
}

func sealContext(k slack.InstallKey, field string) string {
	return fmt.Sprintf("slack/%s/%s/%t/%s", k.EnterpriseID, k.TeamID, k.OrgWide, field)
}

// rowKey is the key as the row stores it (an org-wide install has no team).
func rowKey(k slack.InstallKey) slack.InstallKey {
	if k.OrgWide {
		k.TeamID = ""
	}
	return k
}

func (s *installStore) seal(in slack.Installation) (storage.SlackInstallation, error) {
	k := rowKey(in.InstallKey)
	bot, err := s.box.Seal(in.BotToken, sealContext(k, "bot"))
	if err != nil {
		return storage.SlackInstallation{}, err
	}
	refresh, err := s.box.Seal(in.RefreshToken, sealContext(k, "refresh"))
	if err != nil {
		return storage.SlackInstallation{}, err
	}
	return storage.SlackInstallation{EnterpriseID: k.EnterpriseID, TeamID: k.TeamID, OrgWide: k.OrgWide, TeamName: in.TeamName,
		AppID: in.AppID, BotUserID: in.BotUserID, Scopes: in.Scopes, BotToken: bot, RefreshToken: refresh, ExpiresAt: in.ExpiresAt}, nil
}

func (s *installStore) open(r storage.SlackInstallation) (slack.Installation, error) {
	k := slack.InstallKey{EnterpriseID: r.EnterpriseID, TeamID: r.TeamID, OrgWide: r.OrgWide}
	bot, err := s.box.Open(r.BotToken, sealContext(k, "bot"))
	if err != nil {
		return slack.Installation{}, fmt.Errorf("installation %s (is CERTCOACH_TOKEN_KEY the one it was saved with?): %w", k.Workspace(), err)
	}
	refresh, err := s.box.Open(r.RefreshToken, sealContext(k, "refresh"))
	if err != nil {
		return slack.Installation{}, fmt.Errorf("installation %s: %w", k.Workspace(), err)
	}
	return slack.Installation{InstallKey: k, TeamName: r.TeamName, AppID: r.AppID, BotUserID: r.BotUserID, Scopes: r.Scopes,
		BotToken: bot, RefreshToken: refresh, ExpiresAt: r.ExpiresAt}, nil
}

func (s *installStore) SaveInstallation(ctx context.Context, in slack.Installation) error {
	row, err := s.seal(in)
	if err != nil {
		return err
	}
	return s.st.SaveSlackInstallation(ctx, row, s.now())
}

func (s *installStore) find(ctx context.Context, k slack.InstallKey) (storage.SlackInstallation, error) {
	r, err := s.st.SlackInstallation(ctx, k.EnterpriseID, k.TeamID, k.OrgWide)
	if errors.Is(err, storage.ErrNotFound) {
		return r, slack.ErrNotInstalled
	}
	return r, err
}

func (s *installStore) FindInstallation(ctx context.Context, k slack.InstallKey) (slack.Installation, error) {
	r, err := s.find(ctx, k)
	if err != nil {
		return slack.Installation{}, err
	}
	return s.open(r)
}

func (s *installStore) ReplaceTokens(ctx context.Context, in slack.Installation, oldRefresh string) (bool, error) {
	row, err := s.seal(in)
	if err != nil {
		return false, err
	}
	// Twice: `certcoach rekey` may reseal the same refresh token between the
	// read and the swap, which changes the sealed bytes but not the token.
	for range 2 {
		cur, err := s.find(ctx, in.InstallKey)
		if err != nil {
			return false, err
		}
		opened, err := s.open(cur)
		if err != nil {
			return false, err
		}
		if opened.RefreshToken != oldRefresh {
			return false, nil // rotated by another process meanwhile
		}
		// The stored sealed bytes make the swap conditional in the database too.
		ok, err := s.st.ReplaceSlackTokens(ctx, row, cur.RefreshToken, s.now())
		if ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

func (s *installStore) ExpiringInstallations(ctx context.Context, before time.Time) ([]slack.Installation, error) {
	rows, err := s.st.SlackInstallationsExpiring(ctx, before)
	if err != nil {
		return nil, err
	}
	out := make([]slack.Installation, 0, len(rows))
	for _, r := range rows {
		in, err := s.open(r)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

func (s *installStore) DeleteInstallation(ctx context.Context, k slack.InstallKey) (bool, error) {
	return s.st.DeleteSlackInstallation(ctx, k.EnterpriseID, k.TeamID, k.OrgWide)
}

func (s *installStore) DeleteWorkspaceData(ctx context.Context, workspace string) error {
	_, err := s.st.DeleteWorkspace(ctx, bot.PlatformSlack, workspace)
	return err
}

func stateHash(state string) string {
	h := sha256.Sum256([]byte(state))
	return hex.EncodeToString(h[:])
}

func (s *installStore) SaveState(ctx context.Context, state string, expires time.Time) error {
	return s.st.SaveOAuthState(ctx, stateHash(state), expires, s.now())
}

func (s *installStore) ConsumeState(ctx context.Context, state string, now time.Time) (bool, error) {
	return s.st.ConsumeOAuthState(ctx, stateHash(state), now)
}
