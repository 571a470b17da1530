-- +goose Up
-- A user who opened their platform's home screen (Slack's App Home), so that
-- whichever process handles their next answer refreshes it, and the chart
-- file it showed last (reused for a while after answers).
CREATE TABLE home_views (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    opened_at  INTEGER NOT NULL,            -- unix seconds, UTC
    chart_file TEXT NOT NULL DEFAULT '',    -- platform file ID; '' for none
    chart_at   INTEGER NOT NULL DEFAULT 0   -- when that chart was uploaded
);

-- Files certcoach uploaded to a platform for a user (Slack's chart images),
-- so that forget and uninstall can delete them there. content_sum is the SHA-256 of
-- the content (hex): an unchanged picture is shown again from its file.
CREATE TABLE platform_files (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    file_id    TEXT NOT NULL,
    content_sum TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, file_id)
);
CREATE INDEX platform_files_sum ON platform_files (user_id, content_sum);

-- +goose Down
DROP TABLE platform_files;
DROP TABLE home_views;
