-- +goose Up
-- Where a platform file (a Slack chart) is shown, so that a chart nothing
-- shows any more is deleted once a newer one is. 'new' uploaded and not
-- yet shown, 'reply' the chart of the user's latest ephemeral reply,
-- 'message' in a lasting message (kept until forget), 'gone' being
-- deleted on the platform, '' on the Home tab only (home_views.chart_file)
-- or nowhere. Files recorded before this read 'message': where they were
-- shown is not known, so they stay.
ALTER TABLE platform_files ADD COLUMN shown TEXT NOT NULL DEFAULT 'message';

-- +goose Down
ALTER TABLE platform_files DROP COLUMN shown;
