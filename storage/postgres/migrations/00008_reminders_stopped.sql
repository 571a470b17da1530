-- +goose Up
-- Why the scheduler turned a reminder off (as SQLite's migration 13).
ALTER TABLE reminders ADD COLUMN stopped TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE reminders DROP COLUMN stopped;
