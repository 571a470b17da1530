package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// jsonColumn reports a column holding JSON as text (a session's questions):
// exported as that JSON, not a quoted string.
func jsonColumn(name string) bool { return name == "questions" }

// boolColumn reports a column holding a boolean as 0 or 1 (the schema is
// shared with PostgreSQL, whose queries sum and compare them as numbers):
// exported as false or true.
func boolColumn(name string) bool {
	return name == "leaderboard" || name == "correct" || name == "quiet_weekends"
}

// timeColumn reports a column holding Unix seconds. 0, NULL and the zero
// time mean unset (a session not finished, a reminder with nothing pending,
// a card never reviewed): left out.
func timeColumn(name string) bool {
	return strings.HasSuffix(name, "_at") || name == "due" || name == "last_review" || name == "next_fire"
}

// exportedCard is a stored card as the export shows it: the names of the
// cards table's columns, times as dates, unset times left out.
type exportedCard struct {
	Due           string  `json:"due,omitempty"`
	Stability     float64 `json:"stability"`
	Difficulty    float64 `json:"difficulty"`
	ElapsedDays   uint64  `json:"elapsed_days"`
	ScheduledDays uint64  `json:"scheduled_days"`
	Reps          uint64  `json:"reps"`
	Lapses        uint64  `json:"lapses"`
	State         int     `json:"state"`
	LastReview    string  `json:"last_review,omitempty"`
}

// exportCard turns a prev_card value into its export form; ok is false for
// a value that is not a stored card (then it is exported as it is).
func exportCard(v string) (exportedCard, bool) {
	// prev_card holds the FSRS card as JSON with its Go field names, the
	// same fields as storage.Card's scheduling state.
	var c storage.Card
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return exportedCard{}, false
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return exportedCard{Due: date(c.Due), Stability: c.Stability, Difficulty: c.Difficulty, ElapsedDays: c.ElapsedDays,
		ScheduledDays: c.ScheduledDays, Reps: c.Reps, Lapses: c.Lapses, State: c.State, LastReview: date(c.LastReview)}, true
}

// exportValue is a column's value as the export shows it; keep is false
// for an unset time or an empty prev_card (a first answer had no card).
func exportValue(col string, v any) (out any, keep bool) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	switch {
	case col == "prev_card":
		s, _ := v.(string)
		if s == "" {
			return nil, false
		}
		if c, ok := exportCard(s); ok {
			return c, true
		}
	case timeColumn(col):
		switch n := v.(type) {
		case nil:
			return nil, false
		case int64:
			// A zero time.Time is stored as its Unix seconds (year 1).
			if n == 0 || n == (time.Time{}).Unix() {
				return nil, false
			}
			return time.Unix(n, 0).UTC().Format(time.RFC3339), true
		}
	case boolColumn(col):
		if n, ok := v.(int64); ok {
			return n != 0, true
		}
	case jsonColumn(col):
		if s, ok := v.(string); ok && json.Valid([]byte(s)) {
			return json.RawMessage(s), true
		}
	}
	return v, true
}

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
			if v, keep := exportValue(c, vals[i]); keep {
				m[c] = v
			}
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
