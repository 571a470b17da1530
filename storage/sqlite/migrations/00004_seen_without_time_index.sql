-- +goose Up
-- Every inbound Discord interaction and Slack event inserts into seen, so it
-- is on the hot path; a second B-tree for seen_at doubled that write. Pruning
-- runs once a day and can afford a scan.
DROP INDEX IF EXISTS seen_at;

-- +goose Down
CREATE INDEX seen_at ON seen (seen_at);
