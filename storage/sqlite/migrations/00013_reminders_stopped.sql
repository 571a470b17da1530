-- +goose Up
-- Why the scheduler turned a reminder off (next_fire NULL) rather than its
-- owner: 'dm_refused' when the platform refused the DM for good, so
-- `remind` can say so. '': on, or turned off by its owner. Saving the
-- reminder clears it.
ALTER TABLE reminders ADD COLUMN stopped TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE reminders DROP COLUMN stopped;
