-- +goose Up
-- Discord interaction IDs are deduplicated in seen like every other
-- delivery (one unique key, whichever replica inserts first); the
-- snowflake-keyed table only served a one-process replay guard.
INSERT INTO seen (scope, key, seen_at)
    SELECT 'discord:interaction', CAST(id AS TEXT), signed FROM discord_interactions_seen WHERE true
    ON CONFLICT DO NOTHING;
DROP TABLE discord_interactions_seen;

-- +goose Down
CREATE TABLE discord_interactions_seen (
    signed INTEGER NOT NULL,
    id     INTEGER NOT NULL,
    PRIMARY KEY (signed, id)
) WITHOUT ROWID;
