-- +goose Up
-- Shared budgets for the platforms' rate limits (Discord's global limit,
-- Slack's per-method ones): one row per budget, holding the time (Unix
-- microseconds) at which its next request may go, advanced by one interval
-- per request (GCRA). Every replica reserves from the same row.
CREATE TABLE rate_budgets (
    name TEXT PRIMARY KEY,
    tat  INTEGER NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE rate_budgets;
