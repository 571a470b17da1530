-- +goose Up
-- A reminder is one daily schedule: a user's study reminder (kind 'user',
-- sent as a DM to target = the user's platform ID) or a channel's question of
-- the day (kind 'channel', target = the channel ID, user_id NULL because the
-- schedule belongs to the channel, not to the admin who set it).
CREATE TABLE reminders (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,                  -- 'user' or 'channel'
    user_id        INTEGER REFERENCES users(id) ON DELETE CASCADE,
    platform       TEXT NOT NULL,
    workspace      TEXT NOT NULL,
    target         TEXT NOT NULL,                  -- user ref (DM) or channel ID
    minute         INTEGER NOT NULL,               -- local wall-clock minutes after midnight
    tz             TEXT NOT NULL,                  -- IANA zone the minute is read in
    cert           TEXT NOT NULL DEFAULT '',       -- channel questions: '' = both certifications
    quiet_weekends INTEGER NOT NULL DEFAULT 0,
    paused_until   TEXT NOT NULL DEFAULT '',       -- YYYY-MM-DD: first local day sent again
    next_fire      INTEGER,                        -- unix seconds UTC when the scheduler next acts; NULL = off
    due_at         INTEGER NOT NULL DEFAULT 0,     -- unix seconds UTC of the pending occurrence
    due_day        TEXT NOT NULL DEFAULT '',       -- its local day, YYYY-MM-DD
    attempts       INTEGER NOT NULL DEFAULT 0,     -- failed sends of the pending occurrence
    updated_at     INTEGER NOT NULL,
    UNIQUE (kind, platform, workspace, target)
);
-- The scheduler's only scan: rows due now, in fire order (rowid breaks ties).
CREATE INDEX reminders_due ON reminders (next_fire) WHERE next_fire IS NOT NULL;
CREATE INDEX reminders_user ON reminders (user_id);

-- One row per (reminder, local day): the claim taken before sending, then the
-- outcome. The unique key is what makes a day's message go out at most once
-- across restarts and replicas. For channels, id is the post ID in qotd:<id>.
CREATE TABLE reminder_sends (
    id          INTEGER PRIMARY KEY,
    reminder_id INTEGER NOT NULL REFERENCES reminders(id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,   -- NULL for channel posts
    local_day   TEXT NOT NULL,
    due_at      INTEGER NOT NULL,
    state       TEXT NOT NULL,                  -- sending, retry, sent, missed, skipped, unknown
    attempts    INTEGER NOT NULL DEFAULT 0,
    owner       TEXT NOT NULL DEFAULT '',       -- scheduler instance holding the claim
    question_id TEXT NOT NULL DEFAULT '',
    sent_at     INTEGER,
    error       TEXT NOT NULL DEFAULT '',
    UNIQUE (reminder_id, local_day)
);
CREATE INDEX reminder_sends_user ON reminder_sends (user_id);

-- Channel question-of-the-day answers: one per member and post (the answer
-- itself, for the member's progress, is in answers under qotd:<post>).
CREATE TABLE qotd_answers (
    send_id     INTEGER NOT NULL REFERENCES reminder_sends(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    choice      INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (send_id, user_id)
) WITHOUT ROWID;
CREATE INDEX qotd_answers_user ON qotd_answers (user_id);

-- +goose Down
DROP TABLE qotd_answers;
DROP TABLE reminder_sends;
DROP TABLE reminders;
