-- +goose Up
-- Discord interaction IDs are snowflakes: 64-bit integers that begin with
-- their creation time. Recording them as an INTEGER PRIMARY KEY (the rowid
-- B-tree itself, 8-byte keys, appended in time order) halves the cost of
-- the insert every HTTP interaction makes, and pruning by age is a range
-- delete on the key. IDs that are not snowflakes stay in seen.
CREATE TABLE discord_interactions_seen (
    id INTEGER PRIMARY KEY
);

-- +goose Down
DROP TABLE discord_interactions_seen;
