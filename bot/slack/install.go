package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
)

// Multi-workspace mode (OAuth v2 "Add to Slack"): each workspace that
// installs the app gets its own bot token, kept in an InstallationStore,
// and every Web API call is made with the token of the workspace it is for.

// BotScopes are the bot scopes the install asks for; they must match
// slack-manifest.yaml (a test checks).
const BotScopes = "commands,chat:write,im:write,im:history,app_mentions:read,users:read,files:write"

// ErrNotInstalled is returned by an InstallationStore that has no
// installation for a key.
var ErrNotInstalled = errors.New("slack: not installed in this workspace")

// InstallKey identifies an installation as Bolt does: an org-wide
// (Enterprise Grid) install by its enterprise, any other by its team.
type InstallKey struct {
	EnterpriseID string
	TeamID       string
	OrgWide      bool
}

// Workspace is the key's certcoach workspace (Actor.Workspace): the team,
// or the enterprise for an org-wide install, whose users share one user ID
// across the org's workspaces.
func (k InstallKey) Workspace() string {
	if k.OrgWide {
		return k.EnterpriseID
	}
	return k.TeamID
}

// norm is the key without what does not identify the install (a team
// install's enterprise), for caches.
func (k InstallKey) norm() InstallKey {
	if k.OrgWide {
		return InstallKey{EnterpriseID: k.EnterpriseID, OrgWide: true}
	}
	return InstallKey{TeamID: k.TeamID}
}

// keyOf turns a stored workspace (Actor.Workspace, a reminder's workspace)
// back into a key: Slack enterprise IDs start with E, team IDs with T.
func keyOf(workspace string) InstallKey {
	if strings.HasPrefix(workspace, "E") {
		return InstallKey{EnterpriseID: workspace, OrgWide: true}
	}
	return InstallKey{TeamID: workspace}
}

// Installation is one install, tokens in plain text (in memory only: the
// store seals them).
type Installation struct {
	InstallKey
	TeamName     string
	AppID        string
	BotUserID    string
	Scopes       string
	BotToken     string
	RefreshToken string    // "" unless token rotation is on
	ExpiresAt    time.Time // zero unless token rotation is on
}

// InstallationStore keeps installations and install states (cmd/certcoach
// implements it over the database, sealing tokens).
type InstallationStore interface {
	SaveInstallation(ctx context.Context, in Installation) error
	// FindInstallation returns ErrNotInstalled when there is none.
	FindInstallation(ctx context.Context, k InstallKey) (Installation, error)
	// ReplaceTokens stores refreshed tokens if the stored refresh token is
	// still oldRefresh; it reports whether it did.
	ReplaceTokens(ctx context.Context, in Installation, oldRefresh string) (bool, error)
	ExpiringInstallations(ctx context.Context, before time.Time) ([]Installation, error)
	// DeleteInstallation removes the tokens; it reports whether there were any.
	DeleteInstallation(ctx context.Context, k InstallKey) (bool, error)
	// DeleteWorkspaceData removes everything stored for a workspace's users.
	DeleteWorkspaceData(ctx context.Context, workspace string) error
	SaveState(ctx context.Context, state string, expires time.Time) error
	// ConsumeState reports whether state was saved and unexpired at now;
	// it works once.
	ConsumeState(ctx context.Context, state string, now time.Time) (bool, error)
}

// OAuthConfig turns on multi-workspace mode.
type OAuthConfig struct {
	ClientID     string
	ClientSecret string
	// PublicURL is where Slack and browsers reach certcoach (no trailing
	// slash); the redirect URI is PublicURL + "/slack/oauth_redirect".
	PublicURL string
	Store     InstallationStore
	// AuthorizeURL is Slack's authorize page; empty means the one next to
	// APIURL (".../api/" -> ".../oauth/v2/authorize"), so a fake of the Web
	// API fakes it too.
	AuthorizeURL string
}

// Token lifetimes.
const (
	refreshMargin = time.Hour       // refresh a rotating token this long before it expires
	clientTTL     = time.Minute     // how long a workspace's client is reused before the store is asked again
	RefreshEvery  = 5 * time.Minute // how often RunTokenRefresh looks for expiring tokens
)

// client is a workspace's Web API client with what the adapter needs.
type client struct {
	api       *slackapi.Client
	key       InstallKey
	botUserID string
	until     time.Time // reuse until then
}

type clientCache struct {
	mu sync.Mutex
	m  map[InstallKey]*client
}

func (c *clientCache) get(k InstallKey, now time.Time) *client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl := c.m[k.norm()]; cl != nil && now.Before(cl.until) {
		return cl
	}
	return nil
}

func (c *clientCache) put(cl *client) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10000 {
		clear(c.m)
	}
	c.m[cl.key.norm()] = cl
}

func (c *clientCache) drop(k InstallKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k.norm())
}

func (a *Adapter) multi() bool { return a.cfg.OAuth != nil }

func (a *Adapter) apiURL() string {
	if a.cfg.APIURL != "" {
		return a.cfg.APIURL
	}
	return slackapi.APIURL
}

// clientFor returns the Web API client for a workspace: the one bot token in
// single-workspace mode, the workspace's own (refreshed if it is about to
// expire) otherwise. ErrNotInstalled if the workspace has no installation.
func (a *Adapter) clientFor(ctx context.Context, k InstallKey) (*client, error) {
	if !a.multi() {
		// One workspace, one token: the team is the workspace, as it always was.
		return &client{api: a.api, key: InstallKey{TeamID: k.TeamID}, botUserID: a.botUserID()}, nil
	}
	now := a.now()
	if cl := a.clients.get(k, now); cl != nil {
		return cl, nil
	}
	in, err := a.cfg.OAuth.Store.FindInstallation(ctx, k)
	if err != nil {
		return nil, err
	}
	if !in.ExpiresAt.IsZero() && now.Add(refreshMargin).After(in.ExpiresAt) {
		if in, err = a.refresh(ctx, in); err != nil {
			return nil, err
		}
	}
	return a.cacheClient(in, now), nil
}

func (a *Adapter) cacheClient(in Installation, now time.Time) *client {
	until := now.Add(clientTTL)
	if !in.ExpiresAt.IsZero() {
		if t := in.ExpiresAt.Add(-refreshMargin); t.Before(until) {
			until = t
		}
	}
	cl := &client{api: slackapi.New(in.BotToken, a.apiOpts...), key: in.InstallKey, botUserID: in.BotUserID, until: until}
	a.clients.put(cl)
	return cl
}

// refresh exchanges a rotating token's refresh token for new tokens. Refreshes
// run one at a time, and the store only takes the result if nobody rotated
// the tokens meanwhile (then the stored ones are used).
func (a *Adapter) refresh(ctx context.Context, in Installation) (Installation, error) {
	a.refreshMu.Lock()
	defer a.refreshMu.Unlock()
	st := a.cfg.OAuth.Store
	cur, err := st.FindInstallation(ctx, in.InstallKey)
	if err != nil {
		return in, err
	}
	now := a.now()
	if cur.ExpiresAt.IsZero() || now.Add(refreshMargin).Before(cur.ExpiresAt) {
		return cur, nil // refreshed by someone else already
	}
	res, err := slackapi.RefreshOAuthV2TokenContext(ctx, a.hc, a.cfg.OAuth.ClientID, a.cfg.OAuth.ClientSecret, cur.RefreshToken,
		slackapi.OAuthOptionAPIURL(a.apiURL()))
	if err != nil {
		if now.Before(cur.ExpiresAt) {
			a.log.Warn("slack: token refresh failed; using the current token until it expires", "workspace", cur.Workspace(), "err", err)
			return cur, nil
		}
		return cur, fmt.Errorf("slack: refresh token of %s: %w", cur.Workspace(), err)
	}
	next := cur
	next.BotToken, next.RefreshToken = res.AccessToken, res.RefreshToken
	next.ExpiresAt = now.Add(time.Duration(res.ExpiresIn) * time.Second)
	if next.RefreshToken == "" {
		next.RefreshToken = cur.RefreshToken
	}
	if res.ExpiresIn <= 0 {
		next.ExpiresAt = time.Time{}
	}
	ok, err := st.ReplaceTokens(ctx, next, cur.RefreshToken)
	if err != nil {
		return cur, fmt.Errorf("slack: store refreshed token of %s: %w", cur.Workspace(), err)
	}
	if !ok {
		return st.FindInstallation(ctx, in.InstallKey)
	}
	a.clients.drop(in.InstallKey)
	a.log.Info("slack: token refreshed", "workspace", cur.Workspace(), "expires", next.ExpiresAt)
	return next, nil
}

// RefreshDue refreshes every token that expires within the refresh margin;
// reminders are sent without an incoming request, so tokens must not wait
// for one to be refreshed.
func (a *Adapter) RefreshDue(ctx context.Context) error {
	if !a.multi() {
		return nil
	}
	due, err := a.cfg.OAuth.Store.ExpiringInstallations(ctx, a.now().Add(refreshMargin))
	if err != nil {
		return fmt.Errorf("slack: expiring tokens: %w", err)
	}
	var errs []error
	for _, in := range due {
		if _, err := a.refresh(ctx, in); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// RunTokenRefresh calls RefreshDue every RefreshEvery until ctx ends.
func (a *Adapter) RunTokenRefresh(ctx context.Context) error {
	t := time.NewTicker(RefreshEvery)
	defer t.Stop()
	for {
		if err := a.RefreshDue(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("slack: scheduled token refresh", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// forgetInstall deletes a workspace's tokens at once (tokens_revoked,
// app_uninstalled: either may come first, both are idempotent).
func (a *Adapter) forgetInstall(ctx context.Context, k InstallKey) error {
	a.clients.drop(k)
	if !a.multi() {
		return nil
	}
	had, err := a.cfg.OAuth.Store.DeleteInstallation(ctx, k)
	if err != nil {
		return fmt.Errorf("slack: delete installation of %s: %w", k.Workspace(), err)
	}
	if had {
		a.log.Info("slack: installation removed", "workspace", k.Workspace())
	}
	return nil
}
