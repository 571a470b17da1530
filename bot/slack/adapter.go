// Package slack is certcoach's Slack adapter: one HTTP handler for
// POST /slack/events (slash commands, interactivity and the Events API, all
// verified on their raw bytes first), a Socket Mode runner with the same
// handlers, a Block Kit renderer and a Notifier for scheduled messages.
//
// Identity: Actor.Platform is "slack", Workspace the team ID, User the user
// ID, Channel the channel ID. Actor.TimeZone comes from users.info (cached);
// Actor.CanManage, which group commands require, is true for workspace admins
// and owners (users.info is_admin / is_owner).
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/jobs"
)

// Engine is the part of bot.Engine the adapter uses. What the adapter must
// remember about a user (that they opened the Home tab or were welcomed in
// its Messages tab, the files uploaded for them) is kept through it, in the
// store: the next request may reach another replica, and a restart forgets
// memory.
type Engine interface {
	Handle(ctx context.Context, req bot.Request) bot.Reply
	Prepare(req bot.Request) bot.Prepared
	Stored(ctx context.Context, act bot.Actor) (bool, error)
	OpenHome(ctx context.Context, act bot.Actor) error
	HomeState(ctx context.Context, act bot.Actor) (bot.HomeState, error)
	SetHomeState(ctx context.Context, act bot.Actor, s bot.HomeState) error
	PlatformFile(ctx context.Context, act bot.Actor, sum string) (string, error)
	AddPlatformFile(ctx context.Context, act bot.Actor, fileID, sum string) error
	ShowPlatformFile(ctx context.Context, act bot.Actor, fileID string, where bot.FilePlace) ([]string, error)
	PlatformFilesDeleted(ctx context.Context, act bot.Actor, ids []string) error
	WorkspaceFiles(ctx context.Context, platform, workspace string) ([]string, error)
}

// Dedup records deliveries so that a retried event is processed once
// (storage.Store implements it).
type Dedup interface {
	FirstSeen(ctx context.Context, scope, key string, now time.Time) (bool, error)
}

// Config configures an Adapter. Engine, Dedup and BotToken are required;
// SigningSecret is required to serve HTTP, AppToken to run Socket Mode.
type Config struct {
	Engine        Engine
	Dedup         Dedup
	SigningSecret string
	BotToken      string
	AppToken      string
	// APIURL points the Web API client elsewhere (tests, staging); it must
	// end with "/". Empty means Slack's.
	APIURL string
	Logger *slog.Logger
	// HTTPClient is used for the Web API and response_url posts.
	HTTPClient *http.Client
	// Workers bounds concurrent background jobs (events, button clicks,
	// slow commands); default 32.
	Workers int
	// UserTTL is how long users.info results are cached; default 1 hour.
	UserTTL time.Duration
	// RateLimits, if set, is told of each wait a Web API 429 imposes.
	RateLimits RateLimitObserver
	// OAuth, if set, turns on multi-workspace mode: BotToken is then not
	// used, each workspace's installation brings its own.
	OAuth *OAuthConfig
	// Home, if set, publishes an App Home dashboard on app_home_opened.
	Home Dashboards
	// Now is the clock for token expiry and install states; default time.Now.
	Now func() time.Time
}

// Limits and timings.
const (
	maxBody        = 1 << 20 // bytes; interactivity payloads carry the whole message
	jobTimeout     = 60 * time.Second
	followupWait   = 2 * time.Second // how long a background job waits for users.info
	manageWait     = 1500 * time.Millisecond
	authRecheck    = 15 * time.Second
	startupTimeout = 5 * time.Second
	dedupScope     = "slack:event"
	shareScope     = "slack:share" // one record per shared message, in the same table as deliveries
)

// ShareWindow is how long after its message a Share button still shares.
// A share is recorded in the table of deliveries, which serve prunes; a
// message younger than the window can only have been clicked within it, so
// its record is still there to stop a second post. serve must keep
// delivery records at least this long.
const ShareWindow = 24 * time.Hour

// Adapter serves Slack. It is an http.Handler for POST /slack/events and a
// remind.Notifier.
type Adapter struct {
	eng     Engine
	dedup   Dedup
	secret  string
	api     *slackapi.Client
	cfg     Config
	log     *slog.Logger
	hc      *http.Client
	users   *userCache
	replies *replyCache
	sem     chan struct{}
	// jobs counts background jobs by name, so that Close can wait for them
	// and name those it has to cancel; its Context is their parent.
	jobs   *jobs.Tracker
	reqs   atomic.Uint64
	sleep  func(ctx context.Context, d time.Duration) error // 429 back-off; tests replace it
	dms    sync.Map                                         // user ID -> DM channel ID
	authMu sync.Mutex
	// authRecheck is how long a failed auth.test stands before Ready asks
	// again (tests shorten it).
	authRecheck time.Duration
	auth        *slackapi.AuthTestResponse
	authErr     error
	authAt      time.Time

	apiOpts   []slackapi.Option // for per-workspace clients
	clients   clientCache
	refreshMu sync.Mutex
	now       func() time.Time
	homes     homeQueue // each user's Home tab publishes, one at a time
}

// New returns an adapter; call Start to check the token.
func New(cfg Config) (*Adapter, error) {
	if cfg.Engine == nil || cfg.Dedup == nil {
		return nil, errors.New("slack: engine and dedup are required")
	}
	if cfg.OAuth != nil {
		o := cfg.OAuth
		if o.ClientID == "" || o.ClientSecret == "" || o.Store == nil {
			return nil, errors.New("slack: multi-workspace mode needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and an installation store")
		}
		if !strings.HasPrefix(o.PublicURL, "https://") && !strings.HasPrefix(o.PublicURL, "http://") {
			return nil, fmt.Errorf("slack: CERTCOACH_PUBLIC_URL %q must be an http(s) URL", o.PublicURL)
		}
		o.PublicURL = strings.TrimRight(o.PublicURL, "/")
		if cfg.SigningSecret == "" {
			return nil, errors.New("slack: multi-workspace mode needs SLACK_SIGNING_SECRET (HTTP events)")
		}
	} else if cfg.BotToken == "" {
		return nil, errors.New("slack: SLACK_BOT_TOKEN is required")
	}
	if cfg.SigningSecret == "" && cfg.AppToken == "" {
		return nil, errors.New("slack: set SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)")
	}
	if cfg.APIURL != "" && !strings.HasSuffix(cfg.APIURL, "/") {
		return nil, fmt.Errorf("slack: SLACK_API_URL %q must end with \"/\"", cfg.APIURL)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 32
	}
	if cfg.UserTTL <= 0 {
		cfg.UserTTL = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	opts := []slackapi.Option{slackapi.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.APIURL != "" {
		opts = append(opts, slackapi.OptionAPIURL(cfg.APIURL))
	}
	apiOpts := append([]slackapi.Option(nil), opts...)
	if cfg.AppToken != "" {
		opts = append(opts, slackapi.OptionAppLevelToken(cfg.AppToken))
	}
	api := slackapi.New(cfg.BotToken, opts...)
	a := &Adapter{
		eng: cfg.Engine, dedup: cfg.Dedup, secret: cfg.SigningSecret, api: api, cfg: cfg,
		log: cfg.Logger.With("adapter", "slack"), hc: cfg.HTTPClient,
		sem: make(chan struct{}, cfg.Workers), jobs: jobs.New(), sleep: jobs.Sleep, authRecheck: authRecheck,
		apiOpts: apiOpts, clients: clientCache{m: map[InstallKey]*client{}}, now: cfg.Now,
	}
	a.users = newUserCache(cfg.UserTTL, a.log)
	a.replies = newReplyCache()
	return a, nil
}

// Start checks the bot token with auth.test. A failure is logged and makes
// Ready fail (it is retried there); it never stops the process. serve runs
// it in the background, so a hanging Slack API does not hold up the
// listener.
func (a *Adapter) Start(ctx context.Context) {
	if a.multi() {
		a.log.Info("slack: multi-workspace mode", "install", a.cfg.OAuth.PublicURL+"/slack/install")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	if err := a.checkAuth(ctx); err != nil {
		a.log.Error("slack auth.test failed: check SLACK_BOT_TOKEN and SLACK_API_URL; /readyz reports not ready until it succeeds", "err", err)
	}
}

// checkAuth calls auth.test and logs the connection the first time it
// succeeds, including after failures (readiness recovering).
func (a *Adapter) checkAuth(ctx context.Context) error {
	res, err := a.api.AuthTestContext(ctx)
	a.authMu.Lock()
	defer a.authMu.Unlock()
	a.authAt = time.Now()
	if err != nil {
		a.authErr = fmt.Errorf("auth.test: %w", err)
		return a.authErr
	}
	if a.auth == nil {
		if a.authErr != nil {
			a.log.Info("slack connected after auth.test failures", "team", res.TeamID, "bot_user", res.UserID)
		} else {
			a.log.Info("slack connected", "team", res.TeamID, "bot_user", res.UserID)
		}
	}
	a.auth, a.authErr = res, nil
	return nil
}

// Ready reports whether auth.test succeeded; after a failure it asks again,
// at most every 15 seconds.
func (a *Adapter) Ready(ctx context.Context) error {
	if a.multi() {
		return nil // no single token to check; each workspace's is checked on use
	}
	a.authMu.Lock()
	ok, err, at := a.auth != nil && a.authErr == nil, a.authErr, a.authAt
	a.authMu.Unlock()
	if ok {
		return nil
	}
	if err != nil && time.Since(at) < a.authRecheck {
		return err
	}
	return a.checkAuth(ctx)
}

// botUserID is the bot's own user ID, once auth.test has answered.
func (a *Adapter) botUserID() string {
	a.authMu.Lock()
	defer a.authMu.Unlock()
	if a.auth == nil {
		return ""
	}
	return a.auth.UserID
}

// Close stops taking background jobs and waits for those in flight
// (follow-ups, event replies) until ctx ends; it then cancels them and
// returns once they have returned, with an error naming the jobs it had to
// cancel. Every job's I/O takes its context, so cancelled jobs end
// promptly; nothing of the adapter's runs after Close returns.
func (a *Adapter) Close(ctx context.Context) error {
	if err := a.jobs.Close(ctx); err != nil {
		return fmt.Errorf("slack: %w", err)
	}
	return nil
}

// spawn runs f in the background if a worker slot is free; it reports false
// when the adapter is saturated or closing (the caller then answers "busy").
func (a *Adapter) spawn(name string, f func(ctx context.Context)) bool {
	return a.spawnFor(name, jobTimeout, f)
}

// spawnFor is spawn with a job timeout of its own.
func (a *Adapter) spawnFor(name string, timeout time.Duration, f func(ctx context.Context)) bool {
	select {
	case a.sem <- struct{}{}:
	default:
		a.log.Warn("slack: all workers busy, refusing job", "job", name)
		return false
	}
	if !a.jobs.Start(name) {
		<-a.sem
		a.log.Warn("slack: closing, refusing job", "job", name)
		return false
	}
	go func() {
		defer a.jobs.Done(name)
		defer func() { <-a.sem }()
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("slack: background job panicked", "job", name, "panic", fmt.Sprint(p))
			}
		}()
		ctx, cancel := context.WithTimeout(a.jobs.Context(), timeout)
		defer cancel()
		f(ctx)
	}()
	return true
}

// idOr keeps a request ID given by the HTTP layer (X-Request-ID), so the
// access log and the engine's lines share it; otherwise it makes one.
func (a *Adapter) idOr(given string) string {
	if given != "" {
		return given
	}
	return a.requestID()
}

func (a *Adapter) requestID() string {
	return fmt.Sprintf("slack-%d", a.reqs.Add(1))
}

// actor maps Slack identities to a bot.Actor, with the time zone and admin
// flag from the user cache when known. wait bounds how long it may wait for
// a users.info call (0: use the cache only, fetching in the background).
func (a *Adapter) actor(ctx context.Context, cl *client, user, channel, name string, wait time.Duration) bot.Actor {
	act := bot.Actor{Platform: bot.PlatformSlack, Workspace: cl.key.Workspace(), User: user, Channel: channel, Name: name,
		DM: strings.HasPrefix(channel, "D")}
	if info, ok := a.users.get(ctx, cl, user, wait); ok {
		act.TimeZone = info.tz
		act.CanManage = info.admin
		if act.Name == "" {
			act.Name = info.name
		}
	} else {
		act.RoleUnknown = true
	}
	return act
}

// waitFor decides how long a request may wait for users.info: a command
// declared for channel managers needs the admin flag, one taking a time,
// date or zone (remind, group, plan) the profile's zone, which a new user's
// first command would otherwise not have; everything else uses what the
// cache has.
func waitFor(p bot.Prepared, background bool) time.Duration {
	if p.Info.Who == bot.ChannelManagers || needsZone(p.Info) {
		return manageWait
	}
	if background {
		return followupWait
	}
	return 0
}

// needsZone reports whether a command has a parameter read in the user's
// time zone.
func needsZone(info bot.CommandInfo) bool {
	zoned := func(ps []bot.Param) bool {
		for _, p := range ps {
			if p.Kind == bot.KindTime || p.Kind == bot.KindDate || p.Kind == bot.KindZone {
				return true
			}
		}
		return false
	}
	if zoned(info.Params) {
		return true
	}
	for _, s := range info.Subs {
		if zoned(s.Params) {
			return true
		}
	}
	return false
}
