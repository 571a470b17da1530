-- +goose Up
-- Slack installations for multi-workspace mode (OAuth v2), keyed as Bolt
-- keys them: an org-wide (Enterprise Grid) install by its enterprise, any
-- other by its team. Tokens are sealed (AES-GCM) by the caller before they
-- get here; this table never holds one in plain text.
CREATE TABLE slack_installations (
    enterprise_id TEXT NOT NULL DEFAULT '',
    team_id       TEXT NOT NULL DEFAULT '',   -- '' for an org-wide install
    org_wide      INTEGER NOT NULL DEFAULT 0, -- is_enterprise_install
    team_name     TEXT NOT NULL DEFAULT '',
    app_id        TEXT NOT NULL DEFAULT '',
    bot_user_id   TEXT NOT NULL DEFAULT '',
    scopes        TEXT NOT NULL DEFAULT '',
    bot_token     BLOB NOT NULL,              -- sealed
    refresh_token BLOB,                       -- sealed; NULL when tokens do not rotate
    expires_at    INTEGER NOT NULL DEFAULT 0, -- unix seconds; 0 = does not expire
    installed_at  INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, team_id, org_wide)
);
CREATE INDEX slack_installations_expiry ON slack_installations (expires_at) WHERE expires_at > 0;
CREATE INDEX slack_installations_team ON slack_installations (team_id) WHERE org_wide = 0;

-- OAuth state of installs in progress (a hash of it): used once, expires.
CREATE TABLE slack_oauth_states (
    state_hash TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE slack_oauth_states;
DROP TABLE slack_installations;
