package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certcoach/certcoach/storage"
)

const answerCols = "id, user_id, attempt_key, coalesce(session_id, ''), question_id, cert, domain, choice, correct, answered_at, local_day, rating, prev_card"

func scanAnswers(rows *sql.Rows) ([]storage.Answer, error) {
	var out []storage.Answer
	for rows.Next() {
		var a storage.Answer
		var correct int
		var at int64
		if err := rows.Scan(&a.ID, &a.UserID, &a.AttemptKey, &a.SessionID, &a.QuestionID, &a.Cert, &a.Domain, &a.Choice, &correct, &at, &a.LocalDay, &a.Rating, &a.PrevCard); err != nil {
			return nil, fmt.Errorf("scan answer: %w", err)
		}
		a.Correct = correct != 0
		a.At = time.Unix(at, 0).UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// RecordAnswer stores an answer and its card in one transaction, committed
// before the caller tells the user the result. With a session, the answer
// must be for the session's current position, which then advances; a second
// click gets ErrDuplicate and a stale one ErrStale, and nothing changes.
//
// Concurrent calls are group-committed (see batch.go): each answer still
// gets its own outcome, and RecordAnswer returns only after the commit.
func (s *Store) RecordAnswer(ctx context.Context, a storage.Answer, sessionPos int, schedule storage.Schedule) (storage.Answer, error) {
	a, err := s.submitAnswer(ctx, a, sessionPos, schedule)
	if err != nil && !errors.Is(err, storage.ErrDuplicate) && !errors.Is(err, storage.ErrStale) {
		return a, fmt.Errorf("record answer: %w", err)
	}
	return a, err
}

// recordTx is RecordAnswer's work inside a transaction.
func (s *Store) recordTx(ctx context.Context, tx *wtx, a storage.Answer, sessionPos int, schedule storage.Schedule) (storage.Answer, error) {
	err := func() error {
		if a.SessionID != "" {
			var pos int
			var state string
			err := tx.queryRowStmt(ctx, qSessionForAnswer, a.SessionID, a.UserID).Scan(&pos, &state)
			if errors.Is(err, sql.ErrNoRows) {
				return storage.ErrStale
			}
			if err != nil {
				return err
			}
			if pos != sessionPos || state != storage.SessionActive {
				var exists int
				if err := tx.queryRowStmt(ctx, qAnswerExists, a.UserID, a.AttemptKey).Scan(&exists); err != nil {
					return fmt.Errorf("find answer: %w", err)
				}
				if exists > 0 {
					return storage.ErrDuplicate
				}
				return storage.ErrStale
			}
		}
		prev, err := s.cardTx(ctx, tx, a.UserID, a.QuestionID)
		var prevPtr *storage.Card
		switch {
		case err == nil:
			prevPtr = &prev
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		next, rating, prevJSON := schedule(prevPtr)
		a.Rating, a.PrevCard = rating, prevJSON
		err = tx.queryRowStmt(ctx, qInsertAnswer, a.UserID, a.AttemptKey, a.SessionID, a.QuestionID, a.Cert, a.Domain, a.Choice, boolInt(a.Correct), a.At.Unix(), a.LocalDay, a.Rating, a.PrevCard).Scan(&a.ID)
		if errors.Is(err, sql.ErrNoRows) { // the attempt key is taken
			return storage.ErrDuplicate
		}
		if err != nil {
			return fmt.Errorf("insert answer: %w", err)
		}
		if err := s.putCardTx(ctx, tx, next); err != nil {
			return err
		}
		if a.SessionID != "" {
			if _, err := tx.execStmt(ctx, qAdvanceSession, a.SessionID); err != nil {
				return fmt.Errorf("advance session: %w", err)
			}
		}
		return nil
	}()
	return a, err
}

// Rerate replaces the rating of a recorded correct answer (Hard/Good/Easy)
// and its card, as long as no later answer touched that card.
func (s *Store) Rerate(ctx context.Context, userID int64, attemptKey string, rating int, card storage.Card) error {
	return s.tx(ctx, func(tx *wtx) error {
		res, err := tx.execStmt(ctx, qRerate, rating, userID, attemptKey)
		if err != nil {
			return fmt.Errorf("rerate: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("rerate: %w", err)
		} else if n == 0 {
			return storage.ErrNotFound
		}
		return s.putCardTx(ctx, tx, card)
	})
}

// AnswerByKey loads one answer.
func (s *Store) AnswerByKey(ctx context.Context, userID int64, attemptKey string) (storage.Answer, error) {
	rows, err := s.query(ctx, "SELECT "+answerCols+" FROM answers WHERE user_id = ? AND attempt_key = ?", userID, attemptKey)
	if err != nil {
		return storage.Answer{}, fmt.Errorf("load answer: %w", err)
	}
	defer rows.Close()
	as, err := scanAnswers(rows)
	if err != nil {
		return storage.Answer{}, err
	}
	if len(as) == 0 {
		return storage.Answer{}, storage.ErrNotFound
	}
	return as[0], nil
}

// LastAnswerID returns the newest answer ID touching a user's question card.
func (s *Store) LastAnswerID(ctx context.Context, userID int64, questionID string) (int64, error) {
	var id int64
	err := s.queryRow(ctx, "SELECT coalesce(max(id), 0) FROM answers WHERE user_id = ? AND question_id = ?", userID, questionID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("last answer: %w", err)
	}
	return id, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const cardCols = "user_id, question_id, cert, domain, due, stability, difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review"

func scanCard(row rowScanner) (storage.Card, error) {
	var c storage.Card
	var due, last int64
	err := row.Scan(&c.UserID, &c.QuestionID, &c.Cert, &c.Domain, &due, &c.Stability, &c.Difficulty, &c.ElapsedDays, &c.ScheduledDays, &c.Reps, &c.Lapses, &c.State, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return c, storage.ErrNotFound
	}
	c.Due = time.Unix(due, 0).UTC()
	c.LastReview = time.Unix(last, 0).UTC()
	return c, err
}

func (s *Store) cardTx(ctx context.Context, tx *wtx, userID int64, questionID string) (storage.Card, error) {
	return scanCard(tx.queryRowStmt(ctx, qCardByKey, userID, questionID))
}

func (s *Store) putCardTx(ctx context.Context, tx *wtx, c storage.Card) error {
	_, err := tx.execStmt(ctx, qPutCard, c.UserID, c.QuestionID, c.Cert, c.Domain, c.Due.Unix(), c.Stability, c.Difficulty, c.ElapsedDays, c.ScheduledDays, c.Reps, c.Lapses, c.State, c.LastReview.Unix())
	if err != nil {
		return fmt.Errorf("store card: %w", err)
	}
	return nil
}

// Cards returns all of a user's cards (at most one per question).
func (s *Store) Cards(ctx context.Context, userID int64) ([]storage.Card, error) {
	return queryAll(ctx, s, "load cards", scanCard, "SELECT "+cardCols+" FROM cards WHERE user_id = ?", userID)
}

// DueCards returns a user's cards due at or before now, most overdue first.
func (s *Store) DueCards(ctx context.Context, userID int64, cert string, now time.Time, limit int) ([]storage.Card, error) {
	return queryAll(ctx, s, "due cards", scanCard, "SELECT "+cardCols+" FROM cards WHERE user_id = ? AND due <= ? AND (? = '' OR cert = ?) ORDER BY due LIMIT ?", userID, now.Unix(), cert, cert, limit)
}

// DomainStats returns a user's answered/correct counts per cert and domain.
func (s *Store) DomainStats(ctx context.Context, userID int64) ([]storage.DomainStat, error) {
	return queryAll(ctx, s, "domain stats", func(row rowScanner) (storage.DomainStat, error) {
		var d storage.DomainStat
		err := row.Scan(&d.Cert, &d.Domain, &d.Answered, &d.Correct)
		return d, err
	}, "SELECT cert, domain, count(*), sum(correct) FROM answers WHERE user_id = ? GROUP BY cert, domain", userID)
}

// AnswerDays returns the distinct local days with an answer, newest first.
func (s *Store) AnswerDays(ctx context.Context, userID int64, limit int) ([]string, error) {
	return queryAll(ctx, s, "answer days", scanString, "SELECT DISTINCT local_day FROM answers WHERE user_id = ? ORDER BY local_day DESC LIMIT ?", userID, limit)
}

// CountAnswersSince counts a user's answers (for a cert, or all) since t.
func (s *Store) CountAnswersSince(ctx context.Context, userID int64, cert string, since time.Time) (int, error) {
	var n int
	err := s.queryRow(ctx, "SELECT count(*) FROM answers WHERE user_id = ? AND (? = '' OR cert = ?) AND answered_at >= ?", userID, cert, cert, since.Unix()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count answers: %w", err)
	}
	return n, nil
}

// CountAnswers counts a user's recorded answers (tests, export summaries).
func (s *Store) CountAnswers(ctx context.Context, key storage.UserKey) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM answers a JOIN users u ON u.id = a.user_id
		WHERE u.platform = ? AND u.workspace = ? AND u.user_ref = ?`, key.Platform, key.Workspace, key.User).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count answers: %w", err)
	}
	return n, nil
}

// SeenQuestions returns the IDs of questions a user has answered at least once.
func (s *Store) SeenQuestions(ctx context.Context, userID int64) (map[string]bool, error) {
	return querySet(ctx, s, "seen questions", "SELECT question_id FROM cards WHERE user_id = ?", userID)
}
