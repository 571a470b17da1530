package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// Group commit for the hot writes on SQLite (Dialect.GroupCommit): answers,
// and the delivery records that let each Slack event and Discord
// interaction be processed once. Every SQLite commit costs a round of WAL
// writes and file locks whatever its size, so when many requests write at
// once one transaction carries a batch of them. Callers wait for the
// commit, so a write is durable before anyone is told its result.
// BenchmarkDelivery (8 concurrent callers, a 2-core machine busy with other
// work, December 2026): 18 µs of CPU per delivery record group-committed,
// 22-26 µs each committed by itself.

// maxBatch bounds one transaction (and so the wait of its first caller).
const maxBatch = 128

// batchLinger is how long a batch waits for company after its first job.
// It waits only while jobs come faster than that, lingering has been paying
// (see pacer) and nobody else is already waiting; on a quiet process
// nothing waits. Without lingering, batches stay at one job whenever
// requests arrive a little apart (each first spends a while verifying its
// signature), and the group commit saves nothing. Yielding instead of
// sleeping burns the idle processor.
const batchLinger = 300 * time.Microsecond

// batchJob is one caller's writes inside a batch transaction. apply runs in
// the batch's transaction; an error it returns aborts the whole batch (a
// broken connection), while a per-job failure is kept in the job's own
// result and must leave the transaction usable (see submitAnswer). done
// gets the job's verdict once its transaction has ended.
type batchJob struct {
	ctx   context.Context
	apply func(ctx context.Context, tx *wtx) error
	done  chan verdict
}

// verdict is what a waiting caller is told: its transaction's outcome, or
// that it is to lead the next batch.
type verdict struct {
	err  error
	lead bool
}

var errClosed = errors.New("database is closed")

// committer gathers jobs for group commit. There is no batcher goroutine:
// the caller that finds nobody leading leads a batch (lingers, takes what
// is pending, commits, tells everyone), then hands the lead to the first
// caller that arrived meanwhile, which was waiting anyway. So a job costs
// its caller one wake-up, not the two of a hand-off to a batcher and back,
// and jobs arriving during a commit queue up for the next one.
type committer struct {
	mu      sync.Mutex
	pending []*batchJob
	leading bool
	closed  bool
	full    chan struct{} // a lingering leader's batch is full
	pace    pacer
	leaders sync.WaitGroup // Close waits for the lead to end
}

func (s *Store) startBatcher() { s.gc.full = make(chan struct{}, 1) }

// stopBatcher refuses new jobs and waits for the batches in progress.
func (s *Store) stopBatcher() {
	s.gc.mu.Lock()
	s.gc.closed = true
	s.gc.mu.Unlock()
	s.gc.leaders.Wait()
}

// submit runs apply in the next batch transaction and returns once that
// transaction has committed (nil) or failed.
func (s *Store) submit(ctx context.Context, apply func(ctx context.Context, tx *wtx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !s.d.GroupCommit { // a transaction of its own
		return s.tx(ctx, func(tx *wtx) error { return apply(ctx, tx) })
	}
	job := &batchJob{ctx: ctx, apply: apply, done: make(chan verdict, 1)}
	g := &s.gc
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return errClosed
	}
	g.pending = append(g.pending, job)
	g.pace.arrived(time.Now())
	lead := !g.leading
	if lead {
		g.leading = true
		g.leaders.Add(1)
	} else if len(g.pending) == maxBatch {
		select { // wake a lingering leader
		case g.full <- struct{}{}:
		default:
		}
	}
	g.mu.Unlock()
	for {
		if lead {
			s.leadBatch()
		}
		// A queued job is always answered (a caller that gave up is skipped
		// at commit), and may be handed the lead: so wait even if ctx ends.
		v := <-job.done
		if !v.lead {
			return v.err
		}
		lead = true
	}
}

// leadBatch lingers if that pays, commits what is pending and hands the
// lead on (or ends it).
func (s *Store) leadBatch() {
	g := &s.gc
	g.mu.Lock()
	linger := len(g.pending) == 1 && g.pace.shouldLinger()
	g.mu.Unlock()
	if linger {
		t := time.NewTimer(batchLinger)
		select {
		case <-t.C:
		case <-g.full:
		}
		t.Stop()
	}
	g.mu.Lock()
	n := min(len(g.pending), maxBatch)
	batch := append([]*batchJob(nil), g.pending[:n]...)
	g.pending = append(g.pending[:0], g.pending[n:]...)
	if linger {
		g.pace.lingered(n - 1)
	}
	select { // a stale "full" must not cut the next linger short
	case <-g.full:
	default:
	}
	g.mu.Unlock()
	s.commitBatch(batch)
	g.mu.Lock()
	if len(g.pending) > 0 {
		next := g.pending[0]
		g.mu.Unlock()
		next.done <- verdict{lead: true}
		return
	}
	g.leading = false
	g.leaders.Done()
	g.mu.Unlock()
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
	err := s.batchTx(ctx, func(tx *wtx) error {
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
			j.done <- verdict{err: skipped[i]}
		default:
			j.done <- verdict{err: err} // nil: committed; else nothing of this batch is stored
		}
	}
}

// batchTx is tx for a batch: a panic in one job's writes (a bug) rolls the
// batch back and fails its jobs, rather than leaving every later writer
// waiting on a lead that never ends.
func (s *Store) batchTx(ctx context.Context, fn func(*wtx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = s.failed("batch", fmt.Errorf("write batch: panic: %v", p))
		}
	}()
	return s.tx(ctx, fn)
}

// submitAnswer records an answer in the next batch. Each answer runs inside
// its own SAVEPOINT, so a duplicate or stale click rolls back only itself.
func (s *Store) submitAnswer(ctx context.Context, a storage.Answer, pos int, schedule storage.Schedule) (storage.Answer, error) {
	out, answerErr := a, error(nil)
	err := s.submit(ctx, func(ctx context.Context, tx *wtx) error {
		if _, err := tx.execStmt(ctx, qSavepoint); err != nil {
			return fmt.Errorf("savepoint: %w", err)
		}
		out, answerErr = s.recordTx(ctx, tx, a, pos, schedule)
		if answerErr != nil {
			if _, err := tx.execStmt(ctx, qRollbackSavepoint); err != nil {
				return fmt.Errorf("rollback to savepoint: %w", err)
			}
		}
		if _, err := tx.execStmt(ctx, qReleaseSavepoint); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
		return nil
	})
	if err != nil {
		return a, err
	}
	return out, answerErr
}
