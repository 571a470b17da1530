-- +goose Up
-- The one objective a quiz was on (as SQLite's migration 11); '': none.
ALTER TABLE sessions ADD COLUMN objective TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN objective;
