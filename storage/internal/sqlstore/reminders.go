package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certcoach/certcoach/storage"
)

const reminderCols = "id, kind, coalesce(user_id, 0), platform, workspace, target, minute, tz, cert, quiet_weekends, paused_until, coalesce(next_fire, 0), due_at, due_day, attempts, updated_at, stopped"

func scanReminder(row rowScanner) (storage.Reminder, error) {
	var r storage.Reminder
	var quiet int
	var next, due, updated int64
	err := row.Scan(&r.ID, &r.Kind, &r.UserID, &r.Platform, &r.Workspace, &r.Target, &r.Minute, &r.TZ, &r.Cert, &quiet,
		&r.PausedUntil, &next, &due, &r.DueDay, &r.Attempts, &updated, &r.Stopped)
	if errors.Is(err, sql.ErrNoRows) {
		return r, storage.ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("scan reminder: %w", err)
	}
	r.QuietWeekends = quiet != 0
	if next != 0 {
		r.NextFire = time.Unix(next, 0).UTC()
	}
	r.DueAt = time.Unix(due, 0).UTC()
	r.Updated = time.Unix(updated, 0).UTC()
	return r, nil
}

func unixOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// SaveReminder creates or replaces the reminder for (kind, platform,
// workspace, target) with r's settings and returns the stored row. The
// pending occurrence is computed by next after now, skipping local days
// already claimed, inside the same transaction so a change racing a send
// cannot schedule the same day twice; a nil next turns the reminder off.
func (s *Store) SaveReminder(ctx context.Context, r storage.Reminder, now time.Time, next storage.NextFunc) (storage.Reminder, error) {
	var out storage.Reminder
	err := s.tx(ctx, func(tx *wtx) error {
		// Insert if missing, then lock the row: two replicas saving the same
		// reminder at once queue on it instead of failing the unique key.
		if _, err := tx.exec(ctx, `INSERT INTO reminders (kind, user_id, platform, workspace, target, minute, tz, updated_at)
			VALUES (?, nullif(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, platform, workspace, target) DO NOTHING`,
			r.Kind, r.UserID, r.Platform, r.Workspace, r.Target, r.Minute, r.TZ, now.Unix()); err != nil {
			return fmt.Errorf("insert reminder: %w", err)
		}
		var id int64
		if err := tx.queryRow(ctx, "SELECT id FROM reminders WHERE kind = ? AND platform = ? AND workspace = ? AND target = ? FOR UPDATE",
			r.Kind, r.Platform, r.Workspace, r.Target).Scan(&id); err != nil {
			return fmt.Errorf("find reminder: %w", err)
		}
		r.ID = id
		last, err := lastDayTx(ctx, tx, id)
		if err != nil {
			return err
		}
		var at time.Time
		var day string
		if next != nil {
			var ok bool
			if at, day, ok = next(r, now, last); !ok {
				at = time.Time{}
			}
		}
		_, err = tx.exec(ctx, `UPDATE reminders SET user_id = nullif(CAST(? AS BIGINT), 0), minute = ?, tz = ?, cert = ?, quiet_weekends = ?, paused_until = ?,
			next_fire = ?, due_at = ?, due_day = ?, attempts = 0, updated_at = ?, stopped = '' WHERE id = ?`,
			r.UserID, r.Minute, r.TZ, r.Cert, boolInt(r.QuietWeekends), r.PausedUntil, unixOrNil(at), at.Unix(), day, now.Unix(), id)
		if err != nil {
			return fmt.Errorf("update reminder: %w", err)
		}
		out, err = scanReminder(tx.queryRow(ctx, "SELECT "+reminderCols+" FROM reminders WHERE id = ?", id))
		return err
	})
	if err != nil {
		return storage.Reminder{}, fmt.Errorf("save reminder %s/%s: %w", r.Kind, r.Target, err)
	}
	return out, nil
}

// lastDayTx is the newest local day that has a claim or an outcome (a
// pending retry does not count: that day is still owed).
func lastDayTx(ctx context.Context, tx *wtx, reminderID int64) (string, error) {
	var last string
	err := tx.queryRow(ctx, "SELECT coalesce(max(local_day), '') FROM reminder_sends WHERE reminder_id = ? AND state <> ?", reminderID, storage.SendRetry).Scan(&last)
	if err != nil {
		return "", fmt.Errorf("last reminder day: %w", err)
	}
	return last, nil
}

// ReminderFor returns the reminder of (kind, platform, workspace, target) or ErrNotFound.
func (s *Store) ReminderFor(ctx context.Context, kind, platform, workspace, target string) (storage.Reminder, error) {
	r, err := scanReminder(s.queryRow(ctx, "SELECT "+reminderCols+" FROM reminders WHERE kind = ? AND platform = ? AND workspace = ? AND target = ?",
		kind, platform, workspace, target))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return r, fmt.Errorf("load reminder %s/%s: %w", kind, target, err)
	}
	return r, err
}

// ReminderByID returns a reminder or ErrNotFound.
func (s *Store) ReminderByID(ctx context.Context, id int64) (storage.Reminder, error) {
	r, err := scanReminder(s.queryRow(ctx, "SELECT "+reminderCols+" FROM reminders WHERE id = ?", id))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return r, fmt.Errorf("load reminder %d: %w", id, err)
	}
	return r, err
}

// DueReminders returns up to limit reminders with next_fire at or before now,
// in (next_fire, id) order after the cursor (zero for the first page). Both
// of its queries are ranges of the reminders_due index (next_fire, then
// rowid), so a tick costs the size of the due set, not of the table, and a
// page costs the same however deep into the due set it is. (A row-value
// "(next_fire, id) > (?, ?)" would bound only next_fire, and with a whole
// fan-out sharing one minute each page would rescan the ones before it.)
// With platforms, only reminders of those platforms are returned.
func (s *Store) DueReminders(ctx context.Context, now time.Time, after storage.DueRef, limit int, platforms ...string) ([]storage.DueRef, error) {
	out := make([]storage.DueRef, 0, limit)
	only, onlyArgs := "", []any{}
	if len(platforms) > 0 {
		only = " AND platform IN (?" + strings.Repeat(", ?", len(platforms)-1) + ")"
		for _, p := range platforms {
			onlyArgs = append(onlyArgs, p)
		}
	}
	var err error
	if after != (storage.DueRef{}) { // the rest of the cursor's minute
		out, err = s.dueRange(ctx, out, `SELECT id, next_fire FROM reminders INDEXED BY reminders_due
			WHERE next_fire = ? AND id > ?`+only+` ORDER BY id LIMIT ?`, append(append([]any{after.NextFire, after.ID}, onlyArgs...), limit)...)
		if err != nil {
			return nil, err
		}
	}
	if len(out) < limit { // the following minutes up to now
		out, err = s.dueRange(ctx, out, `SELECT id, next_fire FROM reminders INDEXED BY reminders_due
			WHERE next_fire > ? AND next_fire <= ?`+only+` ORDER BY next_fire, id LIMIT ?`,
			append(append([]any{after.NextFire, now.Unix()}, onlyArgs...), limit-len(out))...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) dueRange(ctx context.Context, out []storage.DueRef, q string, args ...any) ([]storage.DueRef, error) {
	refs, err := queryAll(ctx, s, "due reminders", func(row rowScanner) (storage.DueRef, error) {
		var d storage.DueRef
		err := row.Scan(&d.ID, &d.NextFire)
		return d, err
	}, q, args...)
	if err != nil {
		return nil, err
	}
	return append(out, refs...), nil
}

// ClaimReminder takes the due occurrence of reminder id for opts.Owner in
// one transaction: it inserts (or revives a retry of) the send row keyed by
// (reminder, local day) and parks next_fire at the lease expiry, so neither a
// restart nor another replica can send it again. When the occurrence is older
// than MaxAge it is recorded skipped and the next one within MaxAge of now
// (if any) is claimed instead. A day already sent, missed or skipped only
// advances the reminder. An abandoned claim (lease expired: its owner died
// mid-send) is claimed again when opts.Resend says its platform
// deduplicates sends, and is otherwise recorded unknown and not resent,
// because the message may have gone out. It returns ErrNotClaimed when
// there is nothing to send.
func (s *Store) ClaimReminder(ctx context.Context, id int64, now time.Time, opts storage.ClaimOptions) (storage.Claim, error) {
	var c storage.Claim
	claimed := false
	// Paths that only skip or advance return nil so their writes commit.
	err := s.tx(ctx, func(tx *wtx) error {
		// A reminder another replica is claiming right now is locked: skip
		// it rather than wait, it is being taken care of.
		r, err := scanReminder(tx.queryRow(ctx, "SELECT "+reminderCols+" FROM reminders WHERE id = ? FOR UPDATE SKIP LOCKED", id))
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		for range 4 { // at most: skip a stale day, pass a done one, claim a fresh one
			if r.NextFire.IsZero() || r.NextFire.After(now) {
				return nil
			}
			if now.Sub(r.DueAt) >= opts.MaxAge {
				if _, err := tx.exec(ctx, `INSERT INTO reminder_sends (reminder_id, user_id, local_day, due_at, state, owner)
					VALUES (?, nullif(CAST(? AS BIGINT), 0), ?, ?, ?, ?) ON CONFLICT (reminder_id, local_day) DO UPDATE SET
					state = CASE state WHEN 'retry' THEN 'missed' WHEN 'sending' THEN 'unknown' ELSE state END`,
					r.ID, r.UserID, r.DueDay, r.DueAt.Unix(), storage.SendSkipped, opts.Owner); err != nil {
					return fmt.Errorf("skip stale day: %w", err)
				}
				// The next occurrence counted from MaxAge ago: after downtime,
				// today's occurrence is still sent if it is recent enough.
				if r, err = advanceTx(ctx, tx, r, now.Add(-opts.MaxAge), r.DueDay, opts.Next, now); err != nil {
					return err
				}
				continue
			}
			var sendID int64
			var state, qid, owner string
			var attempts int
			err := tx.queryRow(ctx, "SELECT id, state, question_id, attempts, owner FROM reminder_sends WHERE reminder_id = ? AND local_day = ?",
				r.ID, r.DueDay).Scan(&sendID, &state, &qid, &attempts, &owner)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if err := tx.queryRow(ctx, `INSERT INTO reminder_sends (reminder_id, user_id, local_day, due_at, state, attempts, owner)
					VALUES (?, nullif(CAST(? AS BIGINT), 0), ?, ?, ?, 1, ?) RETURNING id`, r.ID, r.UserID, r.DueDay, r.DueAt.Unix(), storage.SendSending, opts.Owner).Scan(&sendID); err != nil {
					return fmt.Errorf("claim: %w", err)
				}
				attempts = 1
			case err != nil:
				return fmt.Errorf("claim: %w", err)
			case state == storage.SendRetry:
				attempts++
				if _, err := tx.exec(ctx, "UPDATE reminder_sends SET state = ?, attempts = ?, owner = ? WHERE id = ?",
					storage.SendSending, attempts, opts.Owner, sendID); err != nil {
					return fmt.Errorf("claim retry: %w", err)
				}
			case state == storage.SendSending && opts.Resend != nil && opts.Resend(r.Platform):
				// Abandoned mid-send on a platform that deduplicates by the
				// send's key: send it again, with the question it carried.
				attempts++
				if _, err := tx.exec(ctx, "UPDATE reminder_sends SET attempts = ?, owner = ?, error = ? WHERE id = ?",
					attempts, opts.Owner, "claim by "+owner+" abandoned mid-send; resent", sendID); err != nil {
					return fmt.Errorf("reclaim abandoned: %w", err)
				}
			default:
				if state == storage.SendSending {
					if _, err := tx.exec(ctx, "UPDATE reminder_sends SET state = ?, error = ? WHERE id = ?",
						storage.SendUnknown, "claim by "+owner+" abandoned mid-send", sendID); err != nil {
						return fmt.Errorf("abandon claim: %w", err)
					}
				}
				if r, err = advanceTx(ctx, tx, r, now, r.DueDay, opts.Next, now); err != nil {
					return err
				}
				continue
			}
			fence := now.Add(opts.Lease).Unix()
			if _, err := tx.exec(ctx, "UPDATE reminders SET next_fire = ? WHERE id = ?", fence, r.ID); err != nil {
				return fmt.Errorf("claim: park reminder: %w", err)
			}
			c = storage.Claim{Reminder: r, SendID: sendID, Day: r.DueDay, DueAt: r.DueAt, Attempt: attempts, QuestionID: qid, Owner: opts.Owner, Fence: fence}
			claimed = true
			return nil
		}
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("claim reminder %d: %w", id, err)
	}
	if !claimed {
		return c, storage.ErrNotClaimed
	}
	return c, nil
}

// advanceTx moves r to its first occurrence after `after` on a day later
// than lastDay (off when there is none).
func advanceTx(ctx context.Context, tx *wtx, r storage.Reminder, after time.Time, lastDay string, next storage.NextFunc, now time.Time) (storage.Reminder, error) {
	at, day, ok := next(r, after, lastDay)
	if !ok {
		at, day = time.Time{}, ""
	}
	if _, err := tx.exec(ctx, "UPDATE reminders SET next_fire = ?, due_at = ?, due_day = ?, attempts = 0, updated_at = ? WHERE id = ?",
		unixOrNil(at), at.Unix(), day, now.Unix(), r.ID); err != nil {
		return r, fmt.Errorf("advance reminder %d: %w", r.ID, err)
	}
	r.NextFire, r.DueAt, r.DueDay, r.Attempts = at, at, day, 0
	if !ok {
		r.NextFire = time.Time{}
	}
	return r, nil
}

// finishTx records a claim's outcome on its send row (only while the claim
// is still this owner's) and, when the reminder still carries the claim's
// fence, moves it on: to retryAt for a retry, off when stop gives why, else
// to the next day.
func (s *Store) finishTx(ctx context.Context, c storage.Claim, state, questionID, errMsg string, now, retryAt time.Time, next storage.NextFunc, stop string) error {
	return s.tx(ctx, func(tx *wtx) error {
		var sentAt any
		if state == storage.SendSent {
			sentAt = now.Unix()
		}
		attempts := c.Attempt
		if state == storage.SendRetry && errMsg == "" { // a release is not an attempt
			attempts--
		}
		res, err := tx.exec(ctx, `UPDATE reminder_sends SET state = ?, question_id = ?, error = ?, sent_at = ?, attempts = ?
			WHERE id = ? AND state = ? AND owner = ?`, state, questionID, errMsg, sentAt, attempts, c.SendID, storage.SendSending, c.Owner)
		if err != nil {
			return fmt.Errorf("record send: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record send: %w", err)
		} else if n == 0 {
			return fmt.Errorf("record send %d: claim lost", c.SendID)
		}
		r, err := scanReminder(tx.queryRow(ctx, "SELECT "+reminderCols+" FROM reminders WHERE id = ? FOR UPDATE", c.Reminder.ID))
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.NextFire.Unix() != c.Fence {
			return nil // changed by the user while sending: their schedule stands
		}
		if state == storage.SendRetry {
			_, err := tx.exec(ctx, "UPDATE reminders SET next_fire = ?, attempts = ? WHERE id = ?", retryAt.Unix(), attempts, r.ID)
			if err != nil {
				return fmt.Errorf("schedule retry: %w", err)
			}
			return nil
		}
		if stop != "" {
			if _, err := tx.exec(ctx, "UPDATE reminders SET next_fire = NULL, due_at = 0, due_day = '', attempts = 0, updated_at = ?, stopped = ? WHERE id = ?",
				now.Unix(), stop, r.ID); err != nil {
				return fmt.Errorf("stop reminder: %w", err)
			}
			return nil
		}
		_, err = advanceTx(ctx, tx, r, now, c.Day, next, now)
		return err
	})
}

// SetSendQuestion records the question a claim is about to carry, so that
// a resend after its owner died carries the same one.
func (s *Store) SetSendQuestion(ctx context.Context, c storage.Claim, questionID string) error {
	if _, err := s.exec(ctx, "UPDATE reminder_sends SET question_id = ? WHERE id = ? AND owner = ? AND state = ?",
		questionID, c.SendID, c.Owner, storage.SendSending); err != nil {
		return fmt.Errorf("record question of reminder %d day %s: %w", c.Reminder.ID, c.Day, err)
	}
	return nil
}

// FinishSend records a claim as sent with the question it carried.
func (s *Store) FinishSend(ctx context.Context, c storage.Claim, questionID string, now time.Time, next storage.NextFunc) error {
	if err := s.finishTx(ctx, c, storage.SendSent, questionID, "", now, time.Time{}, next, ""); err != nil {
		return fmt.Errorf("finish send of reminder %d day %s: %w", c.Reminder.ID, c.Day, err)
	}
	return nil
}

// FailSend records a failed send: to retry at retryAt, or missed when
// retryAt is zero (the scheduler gave up).
func (s *Store) FailSend(ctx context.Context, c storage.Claim, questionID, errMsg string, now, retryAt time.Time, next storage.NextFunc) error {
	state := storage.SendRetry
	if retryAt.IsZero() {
		state = storage.SendMissed
	}
	if errMsg == "" {
		errMsg = "send failed"
	}
	if err := s.finishTx(ctx, c, state, questionID, errMsg, now, retryAt, next, ""); err != nil {
		return fmt.Errorf("fail send of reminder %d day %s: %w", c.Reminder.ID, c.Day, err)
	}
	return nil
}

// StopSend records a claim missed because the platform refused it for good,
// and turns the reminder off with why (storage.StopDMRefused), unless its
// owner changed it while it was being sent.
func (s *Store) StopSend(ctx context.Context, c storage.Claim, questionID, errMsg, why string, now time.Time) error {
	if why == "" {
		return fmt.Errorf("stop send of reminder %d: no reason given", c.Reminder.ID)
	}
	if err := s.finishTx(ctx, c, storage.SendMissed, questionID, errMsg, now, time.Time{}, nil, why); err != nil {
		return fmt.Errorf("stop send of reminder %d day %s: %w", c.Reminder.ID, c.Day, err)
	}
	return nil
}

// ReleaseClaim gives an unsent claim back (graceful stop): the occurrence is
// due again at once, for this or another scheduler.
func (s *Store) ReleaseClaim(ctx context.Context, c storage.Claim, now time.Time) error {
	if err := s.finishTx(ctx, c, storage.SendRetry, c.QuestionID, "", now, now, nil, ""); err != nil {
		return fmt.Errorf("release claim of reminder %d day %s: %w", c.Reminder.ID, c.Day, err)
	}
	return nil
}

const sendCols = "id, reminder_id, coalesce(user_id, 0), local_day, due_at, state, attempts, question_id, coalesce(sent_at, 0), error"

func scanSend(row rowScanner) (storage.Send, error) {
	var sd storage.Send
	var due, sent int64
	err := row.Scan(&sd.ID, &sd.ReminderID, &sd.UserID, &sd.Day, &due, &sd.State, &sd.Attempts, &sd.QuestionID, &sent, &sd.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return sd, storage.ErrNotFound
	}
	if err != nil {
		return sd, fmt.Errorf("scan send: %w", err)
	}
	sd.DueAt = time.Unix(due, 0).UTC()
	if sent != 0 {
		sd.SentAt = time.Unix(sent, 0).UTC()
	}
	return sd, nil
}

// SendByID returns a send row (a channel post) or ErrNotFound.
func (s *Store) SendByID(ctx context.Context, id int64) (storage.Send, error) {
	sd, err := scanSend(s.queryRow(ctx, "SELECT "+sendCols+" FROM reminder_sends WHERE id = ?", id))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return sd, fmt.Errorf("load send %d: %w", id, err)
	}
	return sd, err
}

// SendOn returns the send row of a reminder's local day or ErrNotFound.
func (s *Store) SendOn(ctx context.Context, reminderID int64, day string) (storage.Send, error) {
	sd, err := scanSend(s.queryRow(ctx, "SELECT "+sendCols+" FROM reminder_sends WHERE reminder_id = ? AND local_day = ?", reminderID, day))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return sd, fmt.Errorf("load send of reminder %d day %s: %w", reminderID, day, err)
	}
	return sd, err
}

// PreviousSent returns the newest sent row of a reminder before day, or ErrNotFound.
func (s *Store) PreviousSent(ctx context.Context, reminderID int64, day string) (storage.Send, error) {
	sd, err := scanSend(s.queryRow(ctx, "SELECT "+sendCols+` FROM reminder_sends
		WHERE reminder_id = ? AND local_day < ? AND state = ? ORDER BY local_day DESC LIMIT 1`, reminderID, day, storage.SendSent))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return sd, fmt.Errorf("previous send of reminder %d: %w", reminderID, err)
	}
	return sd, err
}

// SentQuestions returns the question IDs a reminder has already carried
// (channels avoid repeating a question).
func (s *Store) SentQuestions(ctx context.Context, reminderID int64) (map[string]bool, error) {
	return querySet(ctx, s, "sent questions", "SELECT question_id FROM reminder_sends WHERE reminder_id = ? AND question_id <> ''", reminderID)
}

// SendsOf lists a reminder's send rows, oldest day first (tests, status).
func (s *Store) SendsOf(ctx context.Context, reminderID int64) ([]storage.Send, error) {
	rows, err := s.query(ctx, "SELECT "+sendCols+" FROM reminder_sends WHERE reminder_id = ? ORDER BY local_day", reminderID)
	if err != nil {
		return nil, fmt.Errorf("sends of reminder %d: %w", reminderID, err)
	}
	defer rows.Close()
	var out []storage.Send
	for rows.Next() {
		sd, err := scanSend(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sd)
	}
	return out, rows.Err()
}

// PruneSends deletes personal reminders' send rows for local days before
// `before` (they only guard against sending a day twice; a channel's posts
// are kept for its weekly ranking and history). It deletes in batches so the
// writer is never held long, and returns how many rows went.
func (s *Store) PruneSends(ctx context.Context, before string) (int64, error) {
	var total int64
	for {
		n, err := s.execCount(ctx, "prune reminder sends", `DELETE FROM reminder_sends WHERE id IN (SELECT id FROM reminder_sends
			WHERE user_id IS NOT NULL AND local_day < ? AND state <> ? LIMIT 1000)`, before, storage.SendRetry)
		if err != nil {
			return total, err
		}
		total += n
		if n < 1000 {
			return total, nil
		}
	}
}

// RecordQotdAnswer stores a member's answer to a channel post; a second
// answer by the same member changes nothing (reports false).
func (s *Store) RecordQotdAnswer(ctx context.Context, sendID, userID int64, choice int, correct bool, at time.Time) (bool, error) {
	n, err := s.execCount(ctx, "record channel answer", `INSERT INTO qotd_answers (send_id, user_id, choice, correct, answered_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (send_id, user_id) DO NOTHING`, sendID, userID, choice, boolInt(correct), at.Unix())
	return n == 1, err
}

// QotdDistribution counts a post's answers per choice index.
func (s *Store) QotdDistribution(ctx context.Context, sendID int64) (map[int]int, error) {
	rows, err := s.query(ctx, "SELECT choice, count(*) FROM qotd_answers WHERE send_id = ? GROUP BY choice", sendID)
	if err != nil {
		return nil, fmt.Errorf("answer distribution: %w", err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var c, n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, fmt.Errorf("answer distribution: %w", err)
		}
		out[c] = n
	}
	return out, rows.Err()
}

// QotdTop ranks a channel reminder's members by correct answers to posts of
// local days in [from, to), then by answers, then by who answered first;
// members who opted out of leaderboards are left out.
func (s *Store) QotdTop(ctx context.Context, reminderID int64, from, to string, limit int) ([]storage.QotdRow, error) {
	return queryAll(ctx, s, "channel ranking", func(row rowScanner) (storage.QotdRow, error) {
		var r storage.QotdRow
		err := row.Scan(&r.UserID, &r.Display, &r.User, &r.Correct, &r.Answered)
		return r, err
	}, `SELECT u.id, u.display, u.user_ref, sum(a.correct), count(*)
		FROM qotd_answers a JOIN reminder_sends p ON p.id = a.send_id JOIN users u ON u.id = a.user_id
		WHERE p.reminder_id = ? AND p.local_day >= ? AND p.local_day < ? AND u.leaderboard = 1
		GROUP BY u.id ORDER BY sum(a.correct) DESC, count(*) DESC, min(a.answered_at), u.id LIMIT ?`, reminderID, from, to, limit)
}
