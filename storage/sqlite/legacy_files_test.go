package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestLegacyMessageFilesCountAsChannel: a file recorded as 'message' before
// DM and channel messages were told apart may be in a channel, so the
// migration makes it 'channel' (kept until forget), not a DM chart that
// the newest-few rule may delete.
func TestLegacyMessageFilesCountAsChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "legacy.db")
	raw, err := sql.Open("sqlite", buildDSN(path, busyTimeout))
	if err != nil {
		t.Fatal(err)
	}
	p, err := provider(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users (id, platform, workspace, user_ref, created_at) VALUES (1, 'slack', 'T1', 'U1', 1)`,
		`INSERT INTO platform_files (user_id, file_id, content_sum, created_at, shown) VALUES (1, 'F1', 's1', 1, 'message'), (1, 'F2', 's2', 2, 'reply')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	check, err := sql.Open("sqlite", buildDSN(path, busyTimeout))
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	for file, want := range map[string]string{"F1": "channel", "F2": "reply"} {
		var got string
		if err := check.QueryRowContext(ctx, `SELECT shown FROM platform_files WHERE file_id = ?`, file).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s shown %q after the migration, want %q", file, got, want)
		}
	}
}
