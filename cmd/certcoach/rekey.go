package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/certcoach/certcoach/bot/slack"
	"github.com/certcoach/certcoach/internal/tokenbox"
	"github.com/certcoach/certcoach/storage"
)

// rekeyRows is the part of the database rekey needs.
type rekeyRows interface {
	ResealSlackTokens(ctx context.Context, reseal func([]storage.SlackInstallation) ([]storage.SlackInstallation, error)) (int, error)
}

// rekeyResult counts the installations rekey found.
type rekeyResult struct {
	all      int
	resealed int // were under the old key, now under the new one
	current  int // already under the new key, left alone
}

// unreadableError names the installations that open under neither key
// (their workspaces, never a token).
type unreadableError struct {
	all        int
	workspaces []string
}

// maxNamed caps the workspaces an error lists, so that a wrong old key over
// many installations still prints a readable line.
const maxNamed = 20

func (e *unreadableError) Error() string {
	names := e.workspaces
	more := ""
	if len(names) > maxNamed {
		more = fmt.Sprintf(" and %d more", len(names)-maxNamed)
		names = names[:maxNamed]
	}
	return fmt.Sprintf("rekey: %d of %d installations open under neither CERTCOACH_TOKEN_KEY nor CERTCOACH_TOKEN_KEY_OLD: %s%s; nothing was changed. "+
		"Set CERTCOACH_TOKEN_KEY_OLD to the key they were saved with (or have those workspaces install the app again, which replaces their tokens)",
		len(e.workspaces), e.all, strings.Join(names, ", "), more)
}

// rekeyCommand is `certcoach rekey`: it reseals every stored Slack token
// under CERTCOACH_TOKEN_KEY that is still sealed under
// CERTCOACH_TOKEN_KEY_OLD, all in one transaction.
func rekeyCommand(ctx context.Context, cfg Config, stdout io.Writer) error {
	for _, v := range []struct{ name, value string }{{"CERTCOACH_TOKEN_KEY", cfg.TokenKey}, {"CERTCOACH_TOKEN_KEY_OLD", cfg.TokenKeyOld}} {
		if v.value == "" {
			return fmt.Errorf("rekey needs CERTCOACH_TOKEN_KEY, the new key (`openssl rand -hex 32`), and CERTCOACH_TOKEN_KEY_OLD, the key the tokens are sealed under now: %s is not set", v.name)
		}
	}
	next, err := tokenbox.New(cfg.TokenKey)
	if err != nil {
		return fmt.Errorf("CERTCOACH_TOKEN_KEY: %w", err)
	}
	either, err := cfg.tokenBox()
	if err != nil {
		return err
	}
	if strings.EqualFold(strings.TrimSpace(cfg.TokenKey), strings.TrimSpace(cfg.TokenKeyOld)) {
		return fmt.Errorf("rekey: CERTCOACH_TOKEN_KEY and CERTCOACH_TOKEN_KEY_OLD are the same key: set CERTCOACH_TOKEN_KEY to the new one")
	}
	st, err := openExistingStore(ctx, cfg.DB, cfg.DBFrom, "rekey")
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := rekey(ctx, st, next, either)
	if err != nil {
		return err
	}
	noun := "installations"
	if res.resealed == 1 {
		noun = "installation"
	}
	fmt.Fprintf(stdout, "rekey: %d %s resealed under CERTCOACH_TOKEN_KEY, %d already under it (%d in all)\n", res.resealed, noun, res.current, res.all)
	return nil
}

// rekey reseals under next every installation that opens only under
// either (the new or the old key). One that opens under neither stops it
// before anything is written.
func rekey(ctx context.Context, st rekeyRows, next, either *tokenbox.Box) (rekeyResult, error) {
	var res rekeyResult
	current := &installStore{box: next}
	old := &installStore{box: either}
	_, err := st.ResealSlackTokens(ctx, func(rows []storage.SlackInstallation) ([]storage.SlackInstallation, error) {
		res = rekeyResult{all: len(rows)}
		var changed []storage.SlackInstallation
		var bad []string
		for _, r := range rows {
			if _, err := current.open(r); err == nil {
				res.current++
				continue
			}
			in, err := old.open(r)
			if err != nil {
				bad = append(bad, workspaceLabel(r))
				continue
			}
			sealed, err := current.seal(in)
			if err != nil {
				return nil, fmt.Errorf("rekey %s: %w", workspaceLabel(r), err)
			}
			changed = append(changed, sealed)
		}
		if len(bad) > 0 {
			slices.Sort(bad)
			return nil, &unreadableError{all: len(rows), workspaces: bad}
		}
		res.resealed = len(changed)
		return changed, nil
	})
	if err != nil {
		return rekeyResult{}, err
	}
	return res, nil
}

// workspaceLabel names an installation as an operator knows it.
func workspaceLabel(r storage.SlackInstallation) string {
	k := slack.InstallKey{EnterpriseID: r.EnterpriseID, TeamID: r.TeamID, OrgWide: r.OrgWide}
	if r.OrgWide {
		return k.Workspace() + " (org-wide)"
	}
	return k.Workspace()
}
