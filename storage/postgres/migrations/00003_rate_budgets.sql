-- +goose Up
-- Shared budgets for the platforms' rate limits (as SQLite's migration 8):
-- the time (Unix microseconds) at which a budget's next request may go.
CREATE TABLE rate_budgets (
    name TEXT PRIMARY KEY,
    tat  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE rate_budgets;
