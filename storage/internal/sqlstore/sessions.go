package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/certcoach/certcoach/storage"
)

const sessionCols = "id, user_id, kind, cert, outline, domain, objective, questions, position, shown, state, started_at, coalesce(finished_at, 0), time_limit, elapsed, resumed_at"

func scanSession(row rowScanner) (storage.Session, error) {
	var s storage.Session
	var qs string
	var started, finished, limit, elapsed, resumed int64
	err := row.Scan(&s.ID, &s.UserID, &s.Kind, &s.Cert, &s.Outline, &s.Domain, &s.Objective, &qs, &s.Position, &s.Shown, &s.State, &started, &finished, &limit, &elapsed, &resumed)
	if errors.Is(err, sql.ErrNoRows) {
		return s, storage.ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("load session: %w", err)
	}
	if err := json.Unmarshal([]byte(qs), &s.Questions); err != nil {
		return s, fmt.Errorf("load session %s: questions: %w", s.ID, err)
	}
	s.StartedAt = time.Unix(started, 0).UTC()
	if finished != 0 {
		s.FinishedAt = time.Unix(finished, 0).UTC()
	}
	s.TimeLimit = time.Duration(limit) * time.Second
	s.Elapsed = time.Duration(elapsed) * time.Second
	s.ResumedAt = time.Unix(resumed, 0).UTC()
	return s, nil
}

// CreateSession stores a new session and stops the user's other unfinished
// sessions of the same kind (one quiz at a time, one exam at a time).
func (s *Store) CreateSession(ctx context.Context, sess storage.Session) error {
	qs, err := json.Marshal(sess.Questions)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return s.tx(ctx, func(tx *wtx) error {
		if _, err := tx.execStmt(ctx, qStopOpenSessions, storage.SessionStopped, sess.StartedAt.Unix(), sess.UserID, sess.Kind, storage.SessionActive, storage.SessionPaused); err != nil {
			return fmt.Errorf("create session: stop previous: %w", err)
		}
		_, err := tx.execStmt(ctx, qInsertSession, sess.ID, sess.UserID, sess.Kind, sess.Cert, sess.Outline, sess.Domain, sess.Objective, string(qs), sess.Shown, storage.SessionActive, sess.StartedAt.Unix(), int64(sess.TimeLimit/time.Second), sess.StartedAt.Unix())
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// Session loads a session by ID.
func (s *Store) Session(ctx context.Context, id string) (storage.Session, error) {
	return scanSession(s.queryRow(ctx, "SELECT "+sessionCols+" FROM sessions WHERE id = ?", id))
}

// OpenSession returns the user's newest active or paused session of a kind.
func (s *Store) OpenSession(ctx context.Context, userID int64, kind string) (storage.Session, error) {
	return scanSession(s.queryRow(ctx, "SELECT "+sessionCols+" FROM sessions WHERE user_id = ? AND kind = ? AND state IN (?, ?) ORDER BY started_at DESC LIMIT 1",
		userID, kind, storage.SessionActive, storage.SessionPaused))
}

// SetSessionShown records pos as the position of the question last shown
// to the user in session id.
func (s *Store) SetSessionShown(ctx context.Context, id string, pos int) error {
	if _, err := s.exec(ctx, "UPDATE sessions SET shown = ? WHERE id = ?", pos, id); err != nil {
		return fmt.Errorf("session %s: shown %d: %w", id, pos, err)
	}
	return nil
}

// SetSessionState moves a session to state; elapsed time is banked on pause
// and the clock restarts on resume. It reports whether the state changed.
func (s *Store) SetSessionState(ctx context.Context, id, from, to string, now time.Time) (bool, error) {
	changed := false
	err := s.tx(ctx, func(tx *wtx) error {
		var (
			res sql.Result
			err error
		)
		switch {
		case to == storage.SessionActive:
			res, err = tx.exec(ctx, "UPDATE sessions SET state = ?, resumed_at = ? WHERE id = ? AND state = ?", to, now.Unix(), id, from)
		case from == storage.SessionActive:
			res, err = tx.exec(ctx, "UPDATE sessions SET state = ?, elapsed = elapsed + (? - resumed_at) WHERE id = ? AND state = ?", to, now.Unix(), id, from)
		default:
			res, err = tx.exec(ctx, "UPDATE sessions SET state = ? WHERE id = ? AND state = ?", to, id, from)
		}
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		changed = n == 1
		if changed && (to == storage.SessionDone || to == storage.SessionStopped) {
			if _, err := tx.exec(ctx, "UPDATE sessions SET finished_at = ? WHERE id = ? AND finished_at IS NULL", now.Unix(), id); err != nil {
				return fmt.Errorf("finish: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("session %s -> %s: %w", id, to, err)
	}
	return changed, nil
}

// FinishSession ends a session as done (or stopped) from any open state.
func (s *Store) FinishSession(ctx context.Context, id, state string, now time.Time) error {
	_, err := s.exec(ctx, `UPDATE sessions SET elapsed = CASE WHEN state = ? THEN elapsed + (? - resumed_at) ELSE elapsed END,
		state = ?, finished_at = ? WHERE id = ? AND state IN (?, ?)`, storage.SessionActive, now.Unix(), state, now.Unix(), id, storage.SessionActive, storage.SessionPaused)
	if err != nil {
		return fmt.Errorf("finish session %s: %w", id, err)
	}
	return nil
}

// SessionAnswers returns the answers recorded in a session, by position.
func (s *Store) SessionAnswers(ctx context.Context, sessionID string) ([]storage.Answer, error) {
	rows, err := s.query(ctx, "SELECT "+answerCols+" FROM answers WHERE session_id = ? ORDER BY id", sessionID)
	if err != nil {
		return nil, fmt.Errorf("session answers: %w", err)
	}
	defer rows.Close()
	return scanAnswers(rows)
}
