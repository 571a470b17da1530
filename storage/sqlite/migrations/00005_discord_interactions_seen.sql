-- +goose Up
-- The replay record of Discord HTTP interactions: the request's signed
-- timestamp (Unix seconds) and the interaction's snowflake ID. A replay is
-- byte for byte the same request, so it has the same pair. Keyed by the
-- pair in that order, records are appended at the end of one B-tree (the
-- cheapest insert SQLite has), a restarted process reloads the ones a
-- replay could still be sent with by a range scan, and old ones are pruned
-- by a range delete. IDs that are not snowflakes, and gateway deliveries,
-- stay in seen.
CREATE TABLE discord_interactions_seen (
    signed INTEGER NOT NULL,
    id     INTEGER NOT NULL,
    PRIMARY KEY (signed, id)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE discord_interactions_seen;
