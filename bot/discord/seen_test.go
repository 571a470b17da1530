package discord

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// memBatch is a BatchDeduper over a map whose commits take a while, so
// that concurrent callers queue up.
type memBatch struct {
	mu      sync.Mutex
	seen    map[string]bool
	batches []int
	fail    atomic.Bool
}

func (m *memBatch) FirstSeenBatch(_ context.Context, scope string, keys []string, _ time.Time) ([]bool, error) {
	time.Sleep(2 * time.Millisecond)
	if m.fail.Load() {
		return nil, errors.New("disk full")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.batches = append(m.batches, len(keys))
	out := make([]bool, len(keys))
	for i, k := range keys {
		out[i] = !m.seen[scope+"/"+k]
		m.seen[scope+"/"+k] = true
	}
	return out, nil
}

func TestSeenBatcher(t *testing.T) {
	m := &memBatch{seen: map[string]bool{}}
	b := &seenBatcher{b: m}
	const callers, keys = 64, 16
	var firsts [keys]atomic.Int32
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			k := i % keys
			first, err := b.firstSeen(context.Background(), "s", fmt.Sprint(k), time.Now())
			if err != nil {
				t.Error(err)
			}
			if first {
				firsts[k].Add(1)
			}
		})
	}
	wg.Wait()
	for k := range firsts {
		if n := firsts[k].Load(); n != 1 {
			t.Errorf("key %d first seen %d times, want once", k, n)
		}
	}
	m.mu.Lock()
	if len(m.batches) >= callers || len(m.batches) == 0 {
		t.Errorf("%d commits for %d callers: no batching", len(m.batches), callers)
	}
	m.mu.Unlock()
	// Errors reach every caller of the batch; the batcher recovers.
	m.fail.Store(true)
	if _, err := b.firstSeen(context.Background(), "s", "x", time.Now()); err == nil {
		t.Error("store error lost")
	}
	m.fail.Store(false)
	if first, err := b.firstSeen(context.Background(), "s", "x", time.Now()); err != nil || !first {
		t.Errorf("after a failure: %v %v", first, err)
	}
}
