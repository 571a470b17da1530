package discord

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// BatchDeduper records many deliveries in one write transaction; a store
// that offers it lets concurrent interactions share one commit (one WAL
// write) instead of paying one each.
type BatchDeduper interface {
	FirstSeenBatch(ctx context.Context, scope string, keys []string, now time.Time) ([]bool, error)
}

// seenBatcher group-commits FirstSeen calls: the first caller records its
// key at once and, while that write runs, later callers queue up; the
// leader then records the whole queue in one batch, until it is empty. An
// idle server adds no delay; a busy one commits once per batch.
type seenBatcher struct {
	b     BatchDeduper
	mu    sync.Mutex
	queue []seenWait
	busy  bool
}

type seenWait struct {
	scope, key string
	now        time.Time
	done       chan seenResult
}

type seenResult struct {
	first bool
	err   error
}

// maxSeenBatch bounds one transaction.
const maxSeenBatch = 256

func (s *seenBatcher) firstSeen(ctx context.Context, scope, key string, now time.Time) (bool, error) {
	w := seenWait{scope: scope, key: key, now: now, done: make(chan seenResult, 1)}
	s.mu.Lock()
	s.queue = append(s.queue, w)
	lead := !s.busy
	s.busy = true
	s.mu.Unlock()
	if lead {
		s.drain(context.WithoutCancel(ctx))
	}
	select {
	case r := <-w.done:
		return r.first, r.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// drain records queued keys batch by batch until none are left.
func (s *seenBatcher) drain(ctx context.Context) {
	for {
		s.mu.Lock()
		n := min(len(s.queue), maxSeenBatch)
		if n == 0 {
			s.busy = false
			s.mu.Unlock()
			return
		}
		batch := s.queue[:n:n]
		s.queue = s.queue[n:]
		if len(s.queue) == 0 {
			s.queue = nil
		}
		s.mu.Unlock()
		s.commit(ctx, batch)
	}
}

// commit records one batch, one transaction per scope present.
func (s *seenBatcher) commit(ctx context.Context, batch []seenWait) {
	byScope := map[string][]int{}
	for i, w := range batch {
		byScope[w.scope] = append(byScope[w.scope], i)
	}
	for scope, idx := range byScope {
		keys := make([]string, len(idx))
		for j, i := range idx {
			keys[j] = batch[i].key
		}
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		first, err := s.b.FirstSeenBatch(wctx, scope, keys, batch[idx[0]].now)
		cancel()
		if err == nil && len(first) != len(keys) {
			err = fmt.Errorf("record %d deliveries: store answered %d", len(keys), len(first))
		}
		for j, i := range idx {
			r := seenResult{err: err}
			if err == nil {
				r.first = first[j]
			}
			batch[i].done <- r
		}
	}
}
