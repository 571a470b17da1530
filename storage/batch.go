package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Group commit for the hot writes: answers, and the delivery records that
// let each Slack event and Discord interaction be processed once. Every
// SQLite commit costs a round of WAL writes and file locks whatever its size,
// so when many requests write at once one transaction carries a batch of
// them. Callers wait for the commit, so a write is durable (and visible to
// other replicas on the same file) before anyone is told its result.

// maxBatch bounds one transaction (and so the wait of its first caller).
const maxBatch = 128

// batchLinger is how long a batch waits for company after its first job,
// which it does only while jobs come faster than that (on a quiet process
// nothing waits). Without lingering, batches stay at one job whenever
// requests arrive a little apart (as when each first spends ~60 µs
// verifying a signature), and the group commit saves nothing; measured with
// cmd/certload, lingering took ~40 µs of CPU off each Discord interaction at
// 7-8k/s. Yielding instead of sleeping was tried: it burns the idle
// processor and saved far less.
const batchLinger = 300 * time.Microsecond

// batchJob is one caller's writes inside a batch transaction. apply runs in
// the batch's transaction; an error it returns aborts the whole batch (a
// broken connection), while a per-job failure is kept in the job's own
// result and must leave the transaction usable (see answerJob). done gets
// the transaction's outcome once it has ended.
type batchJob struct {
	ctx   context.Context
	apply func(ctx context.Context, tx *wtx) error
	done  chan error
}

var errClosed = errors.New("database is closed")

func (s *Store) startBatcher() {
	s.jobs = make(chan *batchJob)
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

// submit runs apply in the next batch transaction and returns once that
// transaction has committed (nil) or failed.
func (s *Store) submit(ctx context.Context, apply func(ctx context.Context, tx *wtx) error) error {
	job := &batchJob{ctx: ctx, apply: apply, done: make(chan error, 1)}
	select {
	case s.jobs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closing:
		return errClosed
	}
	// The batcher answers every job it took, after its transaction ended.
	return <-job.done
}

func (s *Store) runBatches() {
	defer close(s.batcherDone)
	batch := make([]*batchJob, 0, maxBatch)
	var pace pacer
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for {
		select {
		case j := <-s.jobs:
			batch = append(batch[:0], j)
		case <-s.closing:
			return
		}
		pace.arrived(time.Now())
		if pace.shouldLinger() {
			linger.Reset(batchLinger)
		wait:
			for len(batch) < maxBatch {
				select {
				case j := <-s.jobs:
					batch = append(batch, j)
					pace.arrived(time.Now())
				case <-linger.C:
					break wait
				}
			}
			linger.Stop()
			pace.lingered(len(batch) - 1)
		}
		s.drainJobs(&batch, &pace)
		s.commitBatch(batch)
		clear(batch) // let finished jobs be collected
	}
}

// drainJobs moves the jobs already waiting into the batch.
func (s *Store) drainJobs(batch *[]*batchJob, pace *pacer) {
	for len(*batch) < maxBatch {
		select {
		case j := <-s.jobs:
			*batch = append(*batch, j)
			pace.arrived(time.Now())
		default:
			return
		}
	}
}

// maxLingerRest is the most batches that go by without lingering, once
// lingering stopped paying, before a batch tries again.
const maxLingerRest = 64

// pacer decides whether a batch lingers for company: only while jobs come
// faster than batchLinger, and only while lingering gains jobs. A lone
// client sending request after request also makes jobs come fast, but
// nobody can join its batch: waiting would only slow it down. So after a
// linger that gained nothing the next batches do not linger, 2 after the
// first such linger in a row, 4 after the second, and so on up to
// maxLingerRest; under load a linger now and then that gains nothing costs
// little.
type pacer struct {
	last time.Time
	gap  time.Duration // moving average of the time between jobs; 0 until known
	rest int           // batches left that do not linger
	dry  int           // lingers in a row that gained nothing
}

func (p *pacer) arrived(now time.Time) {
	switch d := now.Sub(p.last); {
	case p.last.IsZero():
	case p.gap == 0: // the first gap
		p.gap = d
	default:
		p.gap += (d - p.gap) / 8
	}
	p.last = now
}

func (p *pacer) shouldLinger() bool {
	if p.rest > 0 {
		p.rest--
		return false
	}
	return p.gap > 0 && p.gap < batchLinger
}

// lingered records what a linger gained.
func (p *pacer) lingered(joined int) {
	if joined > 0 {
		p.dry = 0
		return
	}
	p.dry++
	p.rest = min(1<<min(p.dry, 16), maxLingerRest)
}

func (s *Store) commitBatch(batch []*batchJob) {
	ctx := context.Background() // a caller giving up must not abort the others
	skipped := make([]error, len(batch))
	err := s.tx(ctx, func(tx *wtx) error {
		for i, j := range batch {
			if err := j.ctx.Err(); err != nil {
				skipped[i] = err // nothing of it is written
				continue
			}
			if err := j.apply(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
	for i, j := range batch {
		switch {
		case skipped[i] != nil:
			j.done <- skipped[i]
		default:
			j.done <- err // nil: committed; else nothing of this batch is stored
		}
	}
}

// submitAnswer records an answer in the next batch. Each answer runs inside
// its own SAVEPOINT, so a duplicate or stale click rolls back only itself.
func (s *Store) submitAnswer(ctx context.Context, a Answer, pos int, schedule Schedule) (Answer, error) {
	out, answerErr := a, error(nil)
	err := s.submit(ctx, func(ctx context.Context, tx *wtx) error {
		if _, err := tx.stmt(ctx, qSavepoint).ExecContext(ctx); err != nil {
			return fmt.Errorf("savepoint: %w", err)
		}
		out, answerErr = s.recordTx(ctx, tx, a, pos, schedule)
		if answerErr != nil {
			if _, err := tx.stmt(ctx, qRollbackSavepoint).ExecContext(ctx); err != nil {
				return fmt.Errorf("rollback to savepoint: %w", err)
			}
		}
		if _, err := tx.stmt(ctx, qReleaseSavepoint).ExecContext(ctx); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
		return nil
	})
	if err != nil {
		return a, err
	}
	return out, answerErr
}
