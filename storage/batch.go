package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Group commit for answers. Every SQLite commit costs a round of WAL writes
// whatever its size, so when many users answer at once one transaction
// carries a batch of answers; each answer runs inside its own SAVEPOINT, so a
// duplicate or stale click rolls back only itself. Callers wait for the
// commit, so an answer is durable before anyone is told its result.

// maxBatch bounds one transaction (and so the wait of its first caller).
const maxBatch = 128

type answerJob struct {
	ctx      context.Context
	a        Answer
	pos      int
	schedule Schedule
	done     chan answerResult
}

type answerResult struct {
	a   Answer
	err error
}

var errClosed = errors.New("database is closed")

func (s *Store) startBatcher() {
	s.jobs = make(chan *answerJob)
	s.closing = make(chan struct{})
	s.batcherDone = make(chan struct{})
	go s.runBatches()
}

func (s *Store) stopBatcher() {
	if s.closing == nil {
		return
	}
	close(s.closing)
	<-s.batcherDone
}

func (s *Store) submitAnswer(ctx context.Context, a Answer, pos int, schedule Schedule) (Answer, error) {
	job := &answerJob{ctx: ctx, a: a, pos: pos, schedule: schedule, done: make(chan answerResult, 1)}
	select {
	case s.jobs <- job:
	case <-ctx.Done():
		return a, ctx.Err()
	case <-s.closing:
		return a, errClosed
	}
	// The batcher answers every job it took, after its transaction ended.
	r := <-job.done
	return r.a, r.err
}

func (s *Store) runBatches() {
	defer close(s.batcherDone)
	for {
		var first *answerJob
		select {
		case first = <-s.jobs:
		case <-s.closing:
			return
		}
		batch := []*answerJob{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		s.commitBatch(batch)
	}
}

func (s *Store) commitBatch(batch []*answerJob) {
	ctx := context.Background() // a caller giving up must not abort the others
	results := make([]answerResult, len(batch))
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for i, j := range batch {
			if err := j.ctx.Err(); err != nil {
				results[i] = answerResult{a: j.a, err: err}
				continue
			}
			if _, err := s.txStmt(ctx, tx, qSavepoint).ExecContext(ctx); err != nil {
				return fmt.Errorf("savepoint: %w", err)
			}
			a, err := s.recordTx(ctx, tx, j.a, j.pos, j.schedule)
			results[i] = answerResult{a: a, err: err}
			if err != nil {
				if _, rerr := s.txStmt(ctx, tx, qRollbackSavepoint).ExecContext(ctx); rerr != nil {
					return fmt.Errorf("rollback to savepoint: %w", rerr)
				}
			}
			if _, err := s.txStmt(ctx, tx, qReleaseSavepoint).ExecContext(ctx); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
		}
		return nil
	})
	for i, j := range batch {
		r := results[i]
		if err != nil && r.err == nil {
			r.err = err // the commit failed: nothing of this batch is stored
		}
		j.done <- r
	}
}
