package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// syncBuffer is a log sink safe for the pruning goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPruneDeliveries: serve's pruning drops delivery records older than
// the retention (both the text records and Discord's snowflake ones) at
// start, and keeps the fresh ones, so a replay of a fresh one is still
// refused.
func TestPruneDeliveries(t *testing.T) {
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	old := now.Add(-deliveryRetention - time.Hour)
	oldID := storage.Interaction{ID: storage.SnowflakeAt(old) + 1, Signed: old.Unix()}
	freshID := storage.Interaction{ID: storage.SnowflakeAt(now) + 1, Signed: now.Unix()}
	for _, rec := range []func() (bool, error){
		func() (bool, error) { return st.FirstSeen(ctx, "slack:event", "old", old) },
		func() (bool, error) { return st.FirstSeen(ctx, "slack:event", "fresh", now) },
		func() (bool, error) { return st.FirstInteraction(ctx, oldID) },
		func() (bool, error) { return st.FirstInteraction(ctx, freshID) },
	} {
		if first, err := rec(); err != nil || !first {
			t.Fatalf("setup: %v %v", first, err)
		}
	}

	var logs syncBuffer
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- pruneDeliveries(st, slog.New(slog.NewTextHandler(&logs, nil)), time.Hour)(runCtx) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "pruned delivery records") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("pruneDeliveries returned %v", err)
	}
	if !strings.Contains(logs.String(), "rows=2") {
		t.Fatalf("want two rows pruned at start, log: %s", logs.String())
	}
	for name, c := range map[string]struct {
		rec  func() (bool, error)
		want bool
	}{
		"old event forgotten":       {func() (bool, error) { return st.FirstSeen(ctx, "slack:event", "old", now) }, true},
		"fresh event kept":          {func() (bool, error) { return st.FirstSeen(ctx, "slack:event", "fresh", now) }, false},
		"old interaction forgotten": {func() (bool, error) { return st.FirstInteraction(ctx, oldID) }, true},
		"fresh interaction kept":    {func() (bool, error) { return st.FirstInteraction(ctx, freshID) }, false},
	} {
		if first, err := c.rec(); err != nil || first != c.want {
			t.Errorf("%s: first=%v err=%v, want first=%v", name, first, err, c.want)
		}
	}
}
