-- +goose Up
-- The one objective a quiz was on (CISSP "7.6", CISM "4A2"), so Another
-- quiz repeats it. '': none, the domain or whole exam as the session says,
-- which is also how sessions stored before it read.
ALTER TABLE sessions ADD COLUMN objective TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN objective;
