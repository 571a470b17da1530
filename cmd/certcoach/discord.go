package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/discord"
	"github.com/certcoach/certcoach/internal/budget"
)

// setupDiscord wires the Discord adapter when DISCORD_* credentials are set:
// the HTTP interactions endpoint with DISCORD_PUBLIC_KEY, the gateway with
// DISCORD_BOT_TOKEN and DISCORD_APP_ID (registering /cert first when its
// definitions changed since the last registration).
func setupDiscord(ctx context.Context, d deps) (*platform, error) {
	cfg := d.cfg
	if !cfg.HasDiscord() {
		return nil, errNotConfigured
	}
	s, err := discord.NewSession(cfg.DiscordBotToken, cfg.DiscordAPIURL)
	if err != nil {
		return nil, err
	}
	// Every replica spends from one budget of Discord's global limit.
	rate, err := cfg.discordGlobalRate()
	if err != nil {
		return nil, err
	}
	s.Client.Transport = budget.Transport(d.app.store, budget.Discord(rate), s.Client.Transport)
	if s.ShardID, s.ShardCount, err = cfg.discordShard(); err != nil {
		return nil, err
	}
	a, err := discord.New(discord.Options{Engine: d.app.engine, Seen: d.app.store, Session: s, Domains: domainChoices(d.app),
		Logger: d.log.With("adapter", "discord"), MessageContent: d.cfg.messageContent(), RateLimits: d.metrics})
	if err != nil {
		return nil, err
	}
	// close waits for deferred replies still being edited in after SIGTERM.
	p := &platform{name: "discord", routes: map[string]http.Handler{}, close: a.Close}
	if cfg.DiscordPublicKey != "" {
		key, err := discord.ParsePublicKey(cfg.DiscordPublicKey)
		if err != nil {
			return nil, fmt.Errorf("DISCORD_PUBLIC_KEY: %w; copy the Public Key from the Developer Portal (General Information)", err)
		}
		p.routes["POST /discord/interactions"] = a.HTTPHandler(key)
	}
	if n := a.Notifier(); n != nil {
		p.notifier = n
	}
	if cfg.DiscordBotToken != "" && cfg.DiscordAppID != "" {
		defs := discord.Definitions(d.app.engine.Commands())
		done, err := discord.RegisterRetrying(ctx, s, d.app.store, cfg.DiscordAppID, cfg.DiscordGuildID, defs, nil, nil)
		switch {
		case err != nil:
			d.log.Warn("discord: command registration failed; trying again in the background", "err", err)
		case done:
			d.log.Info("discord: registered /cert (definitions changed)", "guild", cfg.DiscordGuildID)
		}
		p.run = a.Run
		if err != nil {
			// Discord unreachable at start: keep trying while serving, so
			// changed definitions land without a restart.
			p.run = func(ctx, inflight context.Context) error {
				go func() {
					select {
					case <-ctx.Done():
						return
					case <-time.After(30 * time.Second):
					}
					waits := []time.Duration{2 * time.Minute, 10 * time.Minute, 30 * time.Minute}
					failed := func(err error) { d.log.Warn("discord: command registration failed again", "err", err) }
					if _, err := discord.RegisterRetrying(ctx, s, d.app.store, cfg.DiscordAppID, cfg.DiscordGuildID, defs, waits, failed); err != nil && ctx.Err() == nil {
						d.log.Warn("discord: command registration gave up; run `certcoach discord register`", "err", err)
					} else if err == nil {
						d.log.Info("discord: registered /cert on a later attempt", "guild", cfg.DiscordGuildID)
					}
				}()
				return a.Run(ctx, inflight)
			}
		}
		p.ready = func(context.Context) error {
			s.RLock()
			defer s.RUnlock()
			if !s.DataReady {
				return errors.New("gateway not connected")
			}
			return nil
		}
	} else if cfg.DiscordBotToken != "" {
		d.log.Warn("discord: DISCORD_BOT_TOKEN without DISCORD_APP_ID: gateway disabled")
	}
	if len(p.routes) == 0 && p.run == nil {
		return nil, errors.New("discord: set DISCORD_PUBLIC_KEY (HTTP interactions) or DISCORD_BOT_TOKEN and DISCORD_APP_ID (gateway)")
	}
	return p, nil
}

// discordGlobalRate is DISCORD_GLOBAL_RATE, or 0 for the budget's default.
func (c Config) discordGlobalRate() (int, error) {
	if c.DiscordGlobalRate == "" {
		return 0, nil
	}
	rate, err := strconv.Atoi(c.DiscordGlobalRate)
	if err != nil || rate < 1 {
		return 0, fmt.Errorf("discord: DISCORD_GLOBAL_RATE=%q: want requests per second, e.g. 50", c.DiscordGlobalRate)
	}
	return rate, nil
}

// discordShard is the gateway shard: 0 of 1 (discordgo's default) when
// neither variable is set.
func (c Config) discordShard() (id, count int, err error) {
	if c.DiscordShardCount == "" && c.DiscordShardID == "" {
		return 0, 1, nil
	}
	id, err1 := strconv.Atoi(c.DiscordShardID)
	n, err2 := strconv.Atoi(c.DiscordShardCount)
	if err1 != nil || err2 != nil || n < 1 || id < 0 || id >= n {
		return 0, 0, fmt.Errorf("discord: DISCORD_SHARD_ID=%q DISCORD_SHARD_COUNT=%q: want 0 <= id < count", c.DiscordShardID, c.DiscordShardCount)
	}
	return id, n, nil
}

// domainChoices lists a certification's domains (outline in force today)
// for autocomplete.
func domainChoices(a *app) func(cert string) []discord.Choice {
	return func(cert string) []discord.Choice {
		o := a.kb.OutlineFor(cert, time.Now().UTC())
		if o == nil {
			return nil
		}
		out := make([]discord.Choice, 0, len(o.Domains))
		for _, dm := range o.Domains {
			out = append(out, discord.Choice{Name: fmt.Sprintf("%d. %s", dm.N, dm.Name), Value: strconv.Itoa(dm.N)})
		}
		return out
	}
}

// discordCommand runs `certcoach discord ...` subcommands.
func discordCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "register" {
		fmt.Fprintln(stderr, "usage: certcoach discord register   (needs DISCORD_BOT_TOKEN and DISCORD_APP_ID; DISCORD_GUILD_ID registers on one server)")
		return exitUsage
	}
	if cfg.DiscordBotToken == "" || cfg.DiscordAppID == "" {
		fmt.Fprintln(stderr, "certcoach: discord register needs DISCORD_BOT_TOKEN and DISCORD_APP_ID")
		return exitUsage
	}
	if err := cfg.discordIDsProblem(); err != nil {
		fmt.Fprintln(stderr, "certcoach:", err)
		return exitUsage
	}
	// It records what it registered in the database serve reads, creating
	// it as serve would: the README's setup registers before the first serve.
	a, err := openApp(ctx, cfg, log, bot.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "certcoach:", err)
		return 1
	}
	defer a.Close()
	s, err := discord.NewSession(cfg.DiscordBotToken, cfg.DiscordAPIURL)
	if err != nil {
		fmt.Fprintln(stderr, "certcoach:", err)
		return 1
	}
	defs := discord.Definitions(a.engine.Commands())
	if err := discord.Register(ctx, s, cfg.DiscordAppID, cfg.DiscordGuildID, defs); err != nil {
		fmt.Fprintln(stderr, "certcoach:", dialled(err.Error(), cfg.DiscordAPIURL))
		return 1
	}
	if err := a.store.SetKV(ctx, discord.HashKey(cfg.DiscordAppID, cfg.DiscordGuildID), discord.Hash(defs)); err != nil {
		log.Warn("discord: remember registered definitions", "err", err)
	}
	where := "globally (may take up to an hour to appear)"
	if cfg.DiscordGuildID != "" {
		where = "on guild " + cfg.DiscordGuildID
	}
	fmt.Fprintf(stdout, "registered /%s with %d sub-commands %s\n", discord.CommandName, len(defs[0].Options), where)
	return 0
}

// dialled is an error message with Discord's address replaced by apiURL's
// scheme and host when DISCORD_API_URL sends requests elsewhere: the HTTP
// client names the URL it was given, not the one the session dialled.
func dialled(msg, apiURL string) string {
	u, err := url.Parse(apiURL)
	if apiURL == "" || err != nil || u.Host == "" {
		return msg
	}
	return strings.ReplaceAll(msg, strings.TrimSuffix(discordgo.EndpointDiscord, "/"), u.Scheme+"://"+u.Host)
}
