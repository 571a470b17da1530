-- +goose Up
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    workspace   TEXT NOT NULL,
    user_ref    TEXT NOT NULL,
    display     TEXT NOT NULL DEFAULT '',
    tz          TEXT NOT NULL DEFAULT '',
    tz_source   TEXT NOT NULL DEFAULT '',  -- '', 'platform' or 'user'
    retention   REAL NOT NULL DEFAULT 0.9,
    leaderboard INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,          -- unix seconds, UTC
    UNIQUE (platform, workspace, user_ref)
);

-- One row per processed inbound delivery (Slack event_id, Discord interaction id):
-- an insert that conflicts means "already seen".
CREATE TABLE seen (
    scope   TEXT NOT NULL,
    key     TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE INDEX seen_at ON seen (seen_at);

-- Small key/value store for operational state (e.g. Discord command hash).
CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE kv;
DROP TABLE seen;
DROP TABLE users;
