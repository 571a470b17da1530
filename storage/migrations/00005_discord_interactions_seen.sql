-- +goose Up
-- Discord interaction IDs are snowflakes: 64-bit integers that begin with
-- their creation time. Recording them as an INTEGER PRIMARY KEY (the rowid
-- B-tree itself, appended in time order) is the cheapest insert SQLite has.
-- signed is the request's signed timestamp (Unix seconds): a restarted
-- process reloads the records a replay could still be sent with, and old
-- ones are pruned by it. IDs that are not snowflakes stay in seen.
CREATE TABLE discord_interactions_seen (
    id     INTEGER PRIMARY KEY,
    signed INTEGER NOT NULL
);
CREATE INDEX discord_interactions_seen_signed ON discord_interactions_seen (signed);

-- +goose Down
DROP TABLE discord_interactions_seen;
