-- +goose Up
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,                 -- random, appears in action IDs
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,                    -- quiz, exam, review, single
    cert        TEXT NOT NULL,
    outline     TEXT NOT NULL DEFAULT '',
    domain      INTEGER NOT NULL DEFAULT 0,
    questions   TEXT NOT NULL,                    -- JSON array of question IDs
    position    INTEGER NOT NULL DEFAULT 0,       -- index of the current item
    state       TEXT NOT NULL DEFAULT 'active',   -- active, paused, done, stopped
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    time_limit  INTEGER NOT NULL DEFAULT 0,       -- seconds; 0 = untimed
    elapsed     INTEGER NOT NULL DEFAULT 0,       -- seconds used before the last resume
    resumed_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id, state);

CREATE TABLE answers (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    attempt_key TEXT NOT NULL,                    -- session:item, reminder:date, qotd:post ...
    session_id  TEXT,
    question_id TEXT NOT NULL,
    cert        TEXT NOT NULL,
    domain      INTEGER NOT NULL,
    choice      INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    answered_at INTEGER NOT NULL,
    local_day   TEXT NOT NULL,                    -- YYYY-MM-DD in the user's zone
    rating      INTEGER NOT NULL DEFAULT 0,       -- FSRS rating applied (1 again .. 4 easy)
    prev_card   TEXT NOT NULL DEFAULT '',         -- card before this answer (JSON), to re-rate
    UNIQUE (user_id, attempt_key)
);
CREATE INDEX answers_user_day ON answers (user_id, local_day);
CREATE INDEX answers_user_domain ON answers (user_id, cert, domain);
CREATE INDEX answers_time ON answers (answered_at);

CREATE TABLE cards (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    cert        TEXT NOT NULL,
    domain      INTEGER NOT NULL,
    due         INTEGER NOT NULL,
    stability   REAL NOT NULL,
    difficulty  REAL NOT NULL,
    elapsed_days INTEGER NOT NULL,
    scheduled_days INTEGER NOT NULL,
    reps        INTEGER NOT NULL,
    lapses      INTEGER NOT NULL,
    state       INTEGER NOT NULL,
    last_review INTEGER NOT NULL,
    PRIMARY KEY (user_id, question_id)
) WITHOUT ROWID;
CREATE INDEX cards_due ON cards (user_id, due);

CREATE TABLE plans (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    cert       TEXT NOT NULL,
    exam_date  TEXT NOT NULL,                     -- YYYY-MM-DD
    per_day    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    start_day  TEXT NOT NULL                      -- YYYY-MM-DD when the plan was set
);

-- +goose Down
DROP TABLE plans;
DROP TABLE cards;
DROP TABLE answers;
DROP TABLE sessions;
