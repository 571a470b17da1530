-- +goose Up
-- The position of the question last shown to the user (as SQLite's
-- migration 9); -1: not known, so a typed letter shows the question first.
ALTER TABLE sessions ADD COLUMN shown INTEGER NOT NULL DEFAULT -1;

-- +goose Down
ALTER TABLE sessions DROP COLUMN shown;
