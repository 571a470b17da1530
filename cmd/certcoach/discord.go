package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
)

// setupDiscord wires the Discord adapter when DISCORD_* credentials are set.
func setupDiscord(_ context.Context, d deps) (*platform, error) {
	if !d.cfg.HasDiscord() {
		return nil, errNotConfigured
	}
	return nil, errNotConfigured // adapter lands with the Discord issue
}

// discordCommand runs `certcoach discord ...` subcommands.
func discordCommand(_ context.Context, _ Config, _ *slog.Logger, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "usage: certcoach discord register")
	return exitUsage
}
