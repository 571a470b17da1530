package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/certcoach/certcoach/internal/tokenbox"

	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/postgres"
)

// Config is everything certcoach reads from the environment (and .env).
type Config struct {
	DB          string
	DBFrom      string // where DB was set, for messages: "--db" or "CERTCOACH_DB"
	Addr        string
	MetricsAddr string
	KBDir       string
	LogLevel    string
	// ShutdownTimeout is the whole graceful stop's budget, a Go duration
	// (CERTCOACH_SHUTDOWN_TIMEOUT; see shutdownTimeout).
	ShutdownTimeout string

	SlackBotToken      string
	SlackSigningSecret string
	SlackAppToken      string
	SlackAPIURL        string
	// Multi-workspace mode (OAuth "Add to Slack").
	SlackClientID     string
	SlackClientSecret string
	TokenKey          string // CERTCOACH_TOKEN_KEY: 64 hex digits
	// TokenKeyOld is the key being replaced (CERTCOACH_TOKEN_KEY_OLD):
	// tokens still sealed under it are read, never sealed (see rekey).
	TokenKeyOld string
	PublicURL   string // CERTCOACH_PUBLIC_URL

	DiscordBotToken   string
	DiscordAppID      string
	DiscordPublicKey  string
	DiscordGuildID    string
	DiscordAPIURL     string
	DiscordShardID    string
	DiscordShardCount string
	// DiscordGlobalRate is the bot's global REST limit in requests/s, shared
	// by all replicas ("" for the default, just under Discord's 50).
	DiscordGlobalRate string
	// DiscordMessageContent asks for the privileged Message Content intent
	// when true ("" is false; anything but a boolean is refused).
	DiscordMessageContent string

	RateLimit          string // per-user commands per minute, "0" disables
	RateBurst          string // per-user burst
	WorkspaceRateLimit string // per-workspace commands per minute, "0" disables
	WorkspaceRateBurst string // per-workspace burst
}

func loadConfig() Config {
	get := func(k, def string) string {
		if v := strings.TrimSpace(os.Getenv(k)); v != "" {
			return v
		}
		return def
	}
	return Config{
		DB:                    get("CERTCOACH_DB", "./certcoach.db"),
		DBFrom:                "CERTCOACH_DB",
		Addr:                  get("CERTCOACH_ADDR", ":8080"),
		MetricsAddr:           get("CERTCOACH_METRICS_ADDR", ""),
		KBDir:                 get("CERTCOACH_KB_DIR", ""),
		LogLevel:              get("CERTCOACH_LOG_LEVEL", "info"),
		ShutdownTimeout:       get("CERTCOACH_SHUTDOWN_TIMEOUT", defaultShutdownTimeout),
		SlackBotToken:         get("SLACK_BOT_TOKEN", ""),
		SlackSigningSecret:    get("SLACK_SIGNING_SECRET", ""),
		SlackAppToken:         get("SLACK_APP_TOKEN", ""),
		SlackAPIURL:           get("SLACK_API_URL", ""),
		SlackClientID:         get("SLACK_CLIENT_ID", ""),
		SlackClientSecret:     get("SLACK_CLIENT_SECRET", ""),
		TokenKey:              get("CERTCOACH_TOKEN_KEY", ""),
		TokenKeyOld:           get("CERTCOACH_TOKEN_KEY_OLD", ""),
		PublicURL:             get("CERTCOACH_PUBLIC_URL", ""),
		DiscordBotToken:       get("DISCORD_BOT_TOKEN", ""),
		DiscordAppID:          get("DISCORD_APP_ID", ""),
		DiscordPublicKey:      get("DISCORD_PUBLIC_KEY", ""),
		DiscordGuildID:        get("DISCORD_GUILD_ID", ""),
		DiscordAPIURL:         get("DISCORD_API_URL", ""),
		DiscordShardID:        get("DISCORD_SHARD_ID", ""),
		DiscordShardCount:     get("DISCORD_SHARD_COUNT", ""),
		DiscordGlobalRate:     get("DISCORD_GLOBAL_RATE", ""),
		DiscordMessageContent: get("DISCORD_MESSAGE_CONTENT", ""),
		RateLimit:             get("CERTCOACH_RATE_LIMIT", defaultUserRate),
		RateBurst:             get("CERTCOACH_RATE_BURST", defaultUserBurst),
		WorkspaceRateLimit:    get("CERTCOACH_WORKSPACE_RATE_LIMIT", defaultWorkspaceRate),
		WorkspaceRateBurst:    get("CERTCOACH_WORKSPACE_RATE_BURST", defaultWorkspaceBurst),
	}
}

// HasSlack reports whether Slack credentials are present.
func (c Config) HasSlack() bool {
	return c.SlackSigningSecret != "" || c.SlackAppToken != "" || c.SlackMulti()
}

// SlackMulti reports whether Slack runs for many workspaces (OAuth install)
// rather than the one of SLACK_BOT_TOKEN.
func (c Config) SlackMulti() bool { return c.SlackClientID != "" || c.SlackClientSecret != "" }

// incomplete reports a platform set up halfway, or a setting that cannot
// work, before anything starts or logs: a Slack bot token alone can
// neither receive requests (HTTP needs the signing secret) nor connect
// (Socket Mode needs the app token), and would otherwise read as "no
// credentials" and open the console.
func (c Config) incomplete() error {
	if c.SlackBotToken != "" && !c.HasSlack() {
		return errors.New("SLACK_BOT_TOKEN is set, but Slack also needs SLACK_SIGNING_SECRET (to serve HTTP at /slack/events) or SLACK_APP_TOKEN (for Socket Mode); see certcoach --help")
	}
	if c.HasSlack() && !c.SlackMulti() && c.SlackBotToken == "" {
		return errors.New("SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set, but Slack also needs SLACK_BOT_TOKEN (OAuth & Permissions, xoxb-...); see certcoach --help")
	}
	if c.SlackMulti() {
		if err := c.slackMultiProblem(); err != nil {
			return err
		}
	}
	if c.SlackAPIURL != "" && !strings.HasSuffix(c.SlackAPIURL, "/") {
		return fmt.Errorf("SLACK_API_URL=%q must end with \"/\"", c.SlackAPIURL)
	}
	if c.DiscordBotToken != "" && c.DiscordAppID == "" && c.DiscordPublicKey == "" {
		return errors.New("DISCORD_BOT_TOKEN is set, but Discord also needs DISCORD_APP_ID (for the gateway) or DISCORD_PUBLIC_KEY (for HTTP interactions); see certcoach --help")
	}
	if c.DiscordPublicKey != "" {
		if b, err := hex.DecodeString(c.DiscordPublicKey); err != nil || len(b) != ed25519.PublicKeySize {
			return fmt.Errorf("DISCORD_PUBLIC_KEY: want %d bytes as %d hex digits; copy the Public Key from the Developer Portal (General Information)", ed25519.PublicKeySize, 2*ed25519.PublicKeySize)
		}
	}
	if _, err := strconv.ParseBool(c.DiscordMessageContent); err != nil && c.DiscordMessageContent != "" {
		return fmt.Errorf("DISCORD_MESSAGE_CONTENT=%q: want true or false", c.DiscordMessageContent)
	}
	return c.discordIDsProblem()
}

// messageContent reports whether DISCORD_MESSAGE_CONTENT asks for the
// Message Content intent (incomplete refused a value that is no boolean).
func (c Config) messageContent() bool {
	on, _ := strconv.ParseBool(c.DiscordMessageContent)
	return on
}

// serveProblem refuses a setting only serve uses that cannot work (a
// listen address, a rate limit, a Discord shard), before the database is
// opened.
func (c Config) serveProblem() error {
	for _, a := range []struct{ name, value string }{{"CERTCOACH_ADDR", c.Addr}, {"CERTCOACH_METRICS_ADDR", c.MetricsAddr}} {
		if a.value == "" {
			continue
		}
		_, port, err := net.SplitHostPort(a.value)
		if err == nil {
			_, err = net.LookupPort("tcp", port)
		}
		if err != nil {
			return fmt.Errorf("%s=%q: want host:port with a port 0-65535, e.g. :8080 or 127.0.0.1:8080", a.name, a.value)
		}
	}
	if c.MetricsAddr != "" && sharesPort(c.Addr, c.MetricsAddr) {
		return fmt.Errorf("CERTCOACH_METRICS_ADDR=%q and CERTCOACH_ADDR=%q take the same port: give metrics a port of its own, or unset CERTCOACH_METRICS_ADDR to serve /metrics on the main listener", c.MetricsAddr, c.Addr)
	}
	if _, err := c.shutdownTimeout(); err != nil {
		return err
	}
	if _, err := newLimiter(c, nil); err != nil {
		return err
	}
	if c.HasDiscord() {
		if _, err := c.discordGlobalRate(); err != nil {
			return err
		}
		if _, _, err := c.discordShard(); err != nil {
			return err
		}
	}
	return nil
}

// defaultShutdownTimeout leaves room, under Kubernetes' default
// terminationGracePeriodSeconds of 30, for the exit itself.
const defaultShutdownTimeout = "25s"

// The bounds of CERTCOACH_SHUTDOWN_TIMEOUT: a reminder send is bounded by a
// fifth of it (stopBudget.sendTimeout), which below 10 s would be too short
// for an ordinary send, and above 10 min longer than any send needs.
const (
	minShutdownTimeout = 10 * time.Second
	maxShutdownTimeout = 10 * time.Minute
)

// shutdownTimeout is CERTCOACH_SHUTDOWN_TIMEOUT, the budget of the whole
// graceful stop of serve.
func (c Config) shutdownTimeout() (time.Duration, error) {
	d, err := time.ParseDuration(c.ShutdownTimeout)
	if err != nil || d < minShutdownTimeout || d > maxShutdownTimeout {
		return 0, fmt.Errorf("CERTCOACH_SHUTDOWN_TIMEOUT=%q: want a duration from %s to %s with its unit, e.g. %s (keep it under the orchestrator's grace period)",
			c.ShutdownTimeout, minShutdownTimeout, maxShutdownTimeout, defaultShutdownTimeout)
	}
	return d, nil
}

// sharesPort reports whether two listen addresses would take the same
// port: the same number (not 0, for which the kernel picks a free port
// each time) on the same host, or on one that is every interface ("",
// 0.0.0.0, ::) and so includes the other. Two names for one interface
// (localhost, 127.0.0.1) are left to the listen to refuse.
func sharesPort(a, b string) bool {
	ha, pa, errA := net.SplitHostPort(a)
	hb, pb, errB := net.SplitHostPort(b)
	if errA != nil || errB != nil {
		return false
	}
	na, errA := net.LookupPort("tcp", pa)
	nb, errB := net.LookupPort("tcp", pb)
	if errA != nil || errB != nil || na == 0 || na != nb {
		return false
	}
	every := func(h string) bool { ip := net.ParseIP(h); return h == "" || ip != nil && ip.IsUnspecified() }
	return strings.EqualFold(ha, hb) || every(ha) || every(hb)
}

// discordIDsProblem refuses a Discord application or guild ID that is not
// a snowflake (a number): Discord would answer every call with a 404.
func (c Config) discordIDsProblem() error {
	for _, v := range []struct{ name, value, where string }{
		{"DISCORD_APP_ID", c.DiscordAppID, "the Application ID (Developer Portal, General Information)"},
		{"DISCORD_GUILD_ID", c.DiscordGuildID, "the server ID (Discord: Copy Server ID)"},
	} {
		if _, err := strconv.ParseUint(v.value, 10, 64); v.value != "" && err != nil {
			return fmt.Errorf("%s=%q: want %s, a number", v.name, v.value, v.where)
		}
	}
	return nil
}

// tokenBox seals under CERTCOACH_TOKEN_KEY and opens under it or, while
// the key is being replaced, CERTCOACH_TOKEN_KEY_OLD.
func (c Config) tokenBox() (*tokenbox.Box, error) {
	var older []string
	if c.TokenKeyOld != "" {
		if _, err := tokenbox.New(c.TokenKeyOld); err != nil {
			return nil, fmt.Errorf("CERTCOACH_TOKEN_KEY_OLD: %w", err)
		}
		older = append(older, c.TokenKeyOld)
	}
	box, err := tokenbox.New(c.TokenKey, older...)
	if err != nil {
		return nil, fmt.Errorf("CERTCOACH_TOKEN_KEY: %w", err)
	}
	return box, nil
}

// slackMultiProblem checks the multi-workspace settings: serve refuses to
// start without a token key, as tokens would otherwise be stored readable.
func (c Config) slackMultiProblem() error {
	if c.SlackClientID == "" || c.SlackClientSecret == "" {
		return errors.New("multi-workspace Slack needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
	}
	if c.TokenKey == "" {
		return errors.New("multi-workspace Slack (SLACK_CLIENT_ID set) needs CERTCOACH_TOKEN_KEY to encrypt the workspaces' tokens: generate one with `openssl rand -hex 32`")
	}
	if _, err := c.tokenBox(); err != nil {
		return err
	}
	if c.PublicURL == "" || !(strings.HasPrefix(c.PublicURL, "https://") || strings.HasPrefix(c.PublicURL, "http://")) {
		return errors.New("multi-workspace Slack needs CERTCOACH_PUBLIC_URL, the https:// address Slack and browsers reach serve at (the redirect URL is <it>/slack/oauth_redirect)")
	}
	if c.SlackSigningSecret == "" {
		return errors.New("multi-workspace Slack needs SLACK_SIGNING_SECRET (events arrive over HTTP)")
	}
	return nil
}

// HasDiscord reports whether Discord credentials are present.
func (c Config) HasDiscord() bool { return c.DiscordPublicKey != "" || c.DiscordBotToken != "" }

// String lists the settings with secrets redacted (safe to log).
func (c Config) String() string {
	red := func(s string) string {
		if s == "" {
			return "unset"
		}
		return "set"
	}
	return fmt.Sprintf("db=%s addr=%s slack_bot_token=%s slack_signing_secret=%s slack_app_token=%s slack_client_secret=%s token_key=%s token_key_old=%s discord_bot_token=%s discord_public_key=%s",
		dbForLog(c.DB), c.Addr, red(c.SlackBotToken), red(c.SlackSigningSecret), red(c.SlackAppToken), red(c.SlackClientSecret), red(c.TokenKey), red(c.TokenKeyOld), red(c.DiscordBotToken), red(c.DiscordPublicKey))
}

// secrets lists the configured credentials, for the log redactor.
func (c Config) secrets() []string {
	return append([]string{c.SlackBotToken, c.SlackSigningSecret, c.SlackAppToken, c.SlackClientSecret, c.TokenKey, c.TokenKeyOld, c.DiscordBotToken}, dbPasswords(c.DB)...)
}

// dbForLog is the database setting fit to log: a URL without its password.
func dbForLog(dsn string) string {
	if libpqSetting(dsn) {
		return "(a PostgreSQL key=value setting, not logged)"
	}
	if otherURLScheme(dsn) != "" {
		return "(a URL that is not postgres://, not logged)"
	}
	if storage.IsPostgresURL(dsn) {
		return postgres.Redact(dsn)
	}
	return dsn
}

// dbPasswords are the passwords in a database setting, if any.
func dbPasswords(dsn string) []string {
	if libpqSetting(dsn) {
		for _, f := range strings.Fields(dsn) {
			if k, v, _ := strings.Cut(f, "="); strings.EqualFold(k, "password") {
				return []string{strings.Trim(v, "'")}
			}
		}
		return nil
	}
	if storage.IsPostgresURL(dsn) {
		return postgres.Passwords(dsn)
	}
	if otherURLScheme(dsn) == "" {
		return nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return nil
	}
	if pw, ok := u.User.Password(); ok {
		return []string{pw}
	}
	if pw := u.Query().Get("password"); pw != "" {
		return []string{pw}
	}
	return nil
}
