package sqlstore

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"
)

// CheckSchema refuses a database whose schema has a migration newer than
// p knows: an older binary started on a database a newer one migrated
// (after a rollback) would otherwise run silently on tables it does not
// know. It reads the version only; on a new database goose creates its
// version table, as Up would.
func CheckSchema(ctx context.Context, p *goose.Provider) error {
	current, known, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > known {
		return fmt.Errorf("the database schema is at version %d, newer than this certcoach knows (up to %d): "+
			"a newer certcoach has migrated it; run that version (or newer) again, or restore a backup taken before the upgrade", current, known)
	}
	return nil
}
