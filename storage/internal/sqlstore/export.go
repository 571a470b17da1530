package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// jsonColumn reports a column holding JSON as text (a session's questions,
// an answer's card before it): exported as that JSON, not a quoted string.
func jsonColumn(name string) bool { return name == "questions" || name == "prev_card" }

// ExportUser returns every row of the user, table by table: the users row
// and every table with a user_id column (so tables added by later
// migrations are exported without changes here).
func (s *Store) ExportUser(ctx context.Context, userID int64) (map[string][]map[string]any, error) {
	tables, err := s.userTables(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]map[string]any{}
	users, err := s.dump(ctx, "SELECT * FROM users WHERE id = ?", userID)
	if err != nil {
		return nil, err
	}
	out["user"] = users
	for _, t := range tables {
		rows, err := s.dump(ctx, fmt.Sprintf("SELECT * FROM %q WHERE user_id = ?", t), userID)
		if err != nil {
			return nil, err
		}
		out[t] = rows
	}
	return out, nil
}

func (s *Store) userTables(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, s.d.UserTables)
	if err != nil {
		return nil, fmt.Errorf("list user tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list user tables: %w", err)
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return out, rows.Err()
}

func (s *Store) dump(ctx context.Context, q string, args ...any) ([]map[string]any, error) {
	rows, err := s.r.QueryContext(ctx, s.d.rewrite(q), args...)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	out := []map[string]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		m := map[string]any{}
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				vals[i] = string(b)
			}
			if v, ok := vals[i].(string); ok && jsonColumn(c) && json.Valid([]byte(v)) {
				vals[i] = json.RawMessage(v)
			}
			// Times are stored as Unix seconds; the person reading their
			// export gets them as dates.
			if v, ok := vals[i].(int64); ok && strings.HasSuffix(c, "_at") {
				vals[i] = time.Unix(v, 0).UTC().Format(time.RFC3339)
			}
			m[c] = vals[i]
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountUserRows counts every row keyed to the user across all user tables
// (forget's tests use it to prove deletion is complete).
func (s *Store) CountUserRows(ctx context.Context, userID int64) (int, error) {
	data, err := s.ExportUser(ctx, userID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, rows := range data {
		n += len(rows)
	}
	return n, nil
}
