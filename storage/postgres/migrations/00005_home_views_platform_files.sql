-- +goose Up
-- As SQLite's migration 10: users who opened their home screen (Slack's App
-- Home) and the chart it showed last, and the files uploaded for each user
-- so that forget and uninstall can delete them on the platform.
CREATE TABLE home_views (
    user_id    BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    opened_at  BIGINT NOT NULL,
    chart_file TEXT NOT NULL DEFAULT '',
    chart_at   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE platform_files (
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    file_id    TEXT NOT NULL,
    content_sum TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, file_id)
);
CREATE INDEX platform_files_sum ON platform_files (user_id, content_sum);

-- +goose Down
DROP TABLE platform_files;
DROP TABLE home_views;
