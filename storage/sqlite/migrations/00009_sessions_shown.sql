-- +goose Up
-- The position of the question last shown to the user, so a typed letter
-- answers only a question that was on screen (after a button answer the
-- session has moved on to a question not shown yet). -1: not known, as for
-- sessions in flight at the upgrade and rows an older replica inserts: a
-- letter then shows the current question first instead of answering it.
ALTER TABLE sessions ADD COLUMN shown INTEGER NOT NULL DEFAULT -1;

-- +goose Down
ALTER TABLE sessions DROP COLUMN shown;
