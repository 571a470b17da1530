#!/usr/bin/env bash
# Alternating loopback runs: the bare ceiling servers vs `certcoach serve`,
# Slack then Discord, 16 and 64 connections, ROUNDS rounds each. For Discord
# there are two ceilings: a small fixed embed, and the very bytes serve
# answers /cert compare with (fetched from serve first). Loopback only;
# every run is bounded by -d. Run from the repository root.
set -euo pipefail
ROUNDS=${ROUNDS:-2}
ONLY=${ONLY:-} # slack or discord to run one platform
DUR=${DUR:-6s}
tmp=$(mktemp -d)
DB=${DB:-$tmp/load.db} # or a postgres:// URL of an empty database, for the PostgreSQL figures
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/cc" ./cmd/certcoach
go build -o "$tmp/certload" ./cmd/certload
go build -o "$tmp/slack-ceiling" ./bot/slack/testdata/ceiling
go build -o "$tmp/discord-ceiling" ./bot/discord/testdata/ceiling
seed=certload-discord
pk=$( { "$tmp/certload" -mode discord -secret "$seed" -url http://127.0.0.1:9/x -c 1 -d 1ms 2>&1 || true; } | awk '/public key/{print $NF}' | head -1)
SLACK_SIGNING_SECRET=x CERTCOACH_ADDR=127.0.0.1:18083 "$tmp/slack-ceiling" 2>/dev/null & sc=$!
DISCORD_PUBLIC_KEY=$pk CERTCOACH_ADDR=127.0.0.1:18084 "$tmp/discord-ceiling" 2>/dev/null & dc=$!
SLACK_SIGNING_SECRET=x SLACK_BOT_TOKEN=xoxb-test SLACK_API_URL=http://127.0.0.1:9/ DISCORD_PUBLIC_KEY=$pk \
  CERTCOACH_DB="$DB" CERTCOACH_ADDR=127.0.0.1:18080 CERTCOACH_RATE_LIMIT=0 CERTCOACH_WORKSPACE_RATE_LIMIT=0 \
  CERTCOACH_LOG_LEVEL=warn "$tmp/cc" serve 2>"$tmp/serve.log" & sp=$!
sleep 2
"$tmp/certload" -mode discord -secret "$seed" -url http://127.0.0.1:18080/discord/interactions -dump >"$tmp/compare.json"
CEILING_BODY="$tmp/compare.json" DISCORD_PUBLIC_KEY=$pk CERTCOACH_ADDR=127.0.0.1:18085 "$tmp/discord-ceiling" 2>/dev/null & db=$!
sleep 1
run() { # name url mode secret pid c
  echo "== $1 c=$6"
  "$tmp/certload" -mode "$3" -url "$2" -secret "$4" -c "$6" -d "$DUR" -users 100 -pid "$5" 2>&1 | grep -E "throughput|latency|server cpu|rss"
}
[ "$ONLY" = discord ] || for c in 16 64; do for _ in $(seq "$ROUNDS"); do
  run "slack ceiling" http://127.0.0.1:18083/slack/events slack x "$sc" "$c"
  run "slack serve" http://127.0.0.1:18080/slack/events slack x "$sp" "$c"
done; done
[ "$ONLY" = slack ] || for c in 16 64; do for _ in $(seq "$ROUNDS"); do
  run "discord ceiling" http://127.0.0.1:18084/ceiling/interactions discord "$seed" "$dc" "$c"
  run "discord ceiling, real reply" http://127.0.0.1:18085/ceiling/interactions discord "$seed" "$db" "$c"
  run "discord serve" http://127.0.0.1:18080/discord/interactions discord "$seed" "$sp" "$c"
done; done
