package sqlite

import (
	"context"
	"fmt"
	"strings"
)

// IntegrityCheck runs PRAGMA integrity_check and reports any problem it
// finds (operators run it on a backup before trusting it; tests after a
// crash or shutdown).
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.Reader().QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check of %s: %w", s.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check of %s: %w", s.path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check of %s: %w", s.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check of %s: %s", s.path, strings.Join(problems, "; "))
	}
	return nil
}
