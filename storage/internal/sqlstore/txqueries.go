package sqlstore

// Statements run inside write transactions, prepared at Open (see wtx.stmt).
// The row locks (FOR UPDATE) serialise answers to one session or card across
// PostgreSQL replicas; SQLite drops them (see Dialect.RowLocks).
const (
	qSessionForAnswer = "SELECT position, state FROM sessions WHERE id = ? AND user_id = ? FOR UPDATE"
	qAnswerExists     = "SELECT count(*) FROM answers WHERE user_id = ? AND attempt_key = ?"
	qInsertAnswer     = `INSERT INTO answers (user_id, attempt_key, session_id, question_id, cert, domain, choice, correct, answered_at, local_day, rating, prev_card)
			VALUES (?, ?, nullif(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, attempt_key) DO NOTHING RETURNING id`
	qAdvanceSession = "UPDATE sessions SET position = position + 1 WHERE id = ?"
	qRerate         = "UPDATE answers SET rating = ? WHERE user_id = ? AND attempt_key = ? AND correct = 1"
	qCardByKey      = "SELECT " + cardCols + " FROM cards WHERE user_id = ? AND question_id = ? FOR UPDATE"
	qPutCard        = `INSERT INTO cards (` + cardCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id, question_id) DO UPDATE SET due = excluded.due, stability = excluded.stability, difficulty = excluded.difficulty,
		elapsed_days = excluded.elapsed_days, scheduled_days = excluded.scheduled_days, reps = excluded.reps, lapses = excluded.lapses,
		state = excluded.state, last_review = excluded.last_review`
	qStopOpenSessions = "UPDATE sessions SET state = ?, finished_at = ? WHERE user_id = ? AND kind = ? AND state IN (?, ?)"
	qInsertSession    = `INSERT INTO sessions (id, user_id, kind, cert, outline, domain, objective, questions, position, shown, state, started_at, time_limit, elapsed, resumed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, 0, ?)`
	qInsertSeen        = "INSERT INTO seen (scope, key, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
	qSavepoint         = "SAVEPOINT answer"
	qRollbackSavepoint = "ROLLBACK TO SAVEPOINT answer"
	qReleaseSavepoint  = "RELEASE SAVEPOINT answer"
)

var txQueries = []string{qInsertSeen, qSavepoint, qRollbackSavepoint, qReleaseSavepoint, qSessionForAnswer, qAnswerExists, qInsertAnswer, qAdvanceSession, qRerate, qCardByKey, qPutCard, qStopOpenSessions, qInsertSession}
