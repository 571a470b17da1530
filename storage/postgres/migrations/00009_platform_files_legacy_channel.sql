-- +goose Up
-- Files recorded as 'message' before DM and channel messages were told
-- apart may be in a channel, where others see them: they count as
-- 'channel', kept until forget, so that the DM's newest-few rule never
-- deletes one of them.
UPDATE platform_files SET shown = 'channel' WHERE shown = 'message';

-- +goose Down
UPDATE platform_files SET shown = 'message' WHERE shown = 'channel';
