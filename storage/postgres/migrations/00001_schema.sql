-- +goose Up
-- The same tables as SQLite's migrations 1-6 reach, so that one set of SQL
-- serves both: times are Unix seconds in BIGINT and flags are 0/1 INTEGERs
-- (not timestamptz and boolean) because the shared queries compare and sum
-- them as numbers.
CREATE TABLE users (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform    TEXT NOT NULL,
    workspace   TEXT NOT NULL,
    user_ref    TEXT NOT NULL,
    display     TEXT NOT NULL DEFAULT '',
    tz          TEXT NOT NULL DEFAULT '',
    tz_source   TEXT NOT NULL DEFAULT '',       -- '', 'platform' or 'user'
    retention   DOUBLE PRECISION NOT NULL DEFAULT 0.9,
    leaderboard INTEGER NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    UNIQUE (platform, workspace, user_ref)
);

-- One row per processed inbound delivery (Slack event_id, Discord
-- interaction ID): the replica whose insert conflicts knows it is a replay.
CREATE TABLE seen (
    scope   TEXT NOT NULL,
    key     TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    cert        TEXT NOT NULL,
    outline     TEXT NOT NULL DEFAULT '',
    domain      INTEGER NOT NULL DEFAULT 0,
    questions   TEXT NOT NULL,                  -- JSON array of question IDs
    position    INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL DEFAULT 'active',
    started_at  BIGINT NOT NULL,
    finished_at BIGINT,
    time_limit  BIGINT NOT NULL DEFAULT 0,
    elapsed     BIGINT NOT NULL DEFAULT 0,
    resumed_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id, state);

CREATE TABLE answers (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    attempt_key TEXT NOT NULL,
    session_id  TEXT,
    question_id TEXT NOT NULL,
    cert        TEXT NOT NULL,
    domain      INTEGER NOT NULL,
    choice      INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    answered_at BIGINT NOT NULL,
    local_day   TEXT NOT NULL,
    rating      INTEGER NOT NULL DEFAULT 0,
    prev_card   TEXT NOT NULL DEFAULT '',
    UNIQUE (user_id, attempt_key)
);
CREATE INDEX answers_user_day ON answers (user_id, local_day);
CREATE INDEX answers_user_domain ON answers (user_id, cert, domain);
CREATE INDEX answers_time ON answers (answered_at);
CREATE INDEX answers_session ON answers (session_id) WHERE session_id IS NOT NULL;

CREATE TABLE cards (
    user_id        BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    question_id    TEXT NOT NULL,
    cert           TEXT NOT NULL,
    domain         INTEGER NOT NULL,
    due            BIGINT NOT NULL,
    stability      DOUBLE PRECISION NOT NULL,
    difficulty     DOUBLE PRECISION NOT NULL,
    elapsed_days   BIGINT NOT NULL,
    scheduled_days BIGINT NOT NULL,
    reps           BIGINT NOT NULL,
    lapses         BIGINT NOT NULL,
    state          INTEGER NOT NULL,
    last_review    BIGINT NOT NULL,
    PRIMARY KEY (user_id, question_id)
);
CREATE INDEX cards_due ON cards (user_id, due);

CREATE TABLE plans (
    user_id    BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    cert       TEXT NOT NULL,
    exam_date  TEXT NOT NULL,
    per_day    INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    start_day  TEXT NOT NULL
);

CREATE TABLE reminders (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           TEXT NOT NULL,
    user_id        BIGINT REFERENCES users(id) ON DELETE CASCADE,
    platform       TEXT NOT NULL,
    workspace      TEXT NOT NULL,
    target         TEXT NOT NULL,
    minute         INTEGER NOT NULL,
    tz             TEXT NOT NULL,
    cert           TEXT NOT NULL DEFAULT '',
    quiet_weekends INTEGER NOT NULL DEFAULT 0,
    paused_until   TEXT NOT NULL DEFAULT '',
    next_fire      BIGINT,                      -- NULL = off
    due_at         BIGINT NOT NULL DEFAULT 0,
    due_day        TEXT NOT NULL DEFAULT '',
    attempts       INTEGER NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL,
    UNIQUE (kind, platform, workspace, target)
);
CREATE INDEX reminders_due ON reminders (next_fire, id) WHERE next_fire IS NOT NULL;
CREATE INDEX reminders_user ON reminders (user_id);

-- The claim on one (reminder, local day): its unique key is what makes a
-- day's message go out at most once across restarts and replicas.
CREATE TABLE reminder_sends (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reminder_id BIGINT NOT NULL REFERENCES reminders(id) ON DELETE CASCADE,
    user_id     BIGINT REFERENCES users(id) ON DELETE CASCADE,
    local_day   TEXT NOT NULL,
    due_at      BIGINT NOT NULL,
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    owner       TEXT NOT NULL DEFAULT '',
    question_id TEXT NOT NULL DEFAULT '',
    sent_at     BIGINT,
    error       TEXT NOT NULL DEFAULT '',
    UNIQUE (reminder_id, local_day)
);
CREATE INDEX reminder_sends_user ON reminder_sends (user_id);

CREATE TABLE qotd_answers (
    send_id     BIGINT NOT NULL REFERENCES reminder_sends(id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    choice      INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (send_id, user_id)
);
CREATE INDEX qotd_answers_user ON qotd_answers (user_id);

-- +goose Down
DROP TABLE qotd_answers;
DROP TABLE reminder_sends;
DROP TABLE reminders;
DROP TABLE plans;
DROP TABLE cards;
DROP TABLE answers;
DROP TABLE sessions;
DROP TABLE kv;
DROP TABLE seen;
DROP TABLE users;
