package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/certcoach/certcoach/storage"
)

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
		func() (bool, error) { return st.FirstSeen(ctx, "test:old", "e1", old) },
		func() (bool, error) { return st.FirstSeen(ctx, "test:fresh", "e2", now) },
		func() (bool, error) { return st.FirstInteraction(ctx, oldID) },
		func() (bool, error) { return st.FirstInteraction(ctx, freshID) },
	} {
		if first, err := rec(); err != nil || !first {
			t.Fatalf("setup: %v %v", first, err)
		}
	}

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- pruneDeliveries(st, slog.New(slog.DiscardHandler), time.Hour)(runCtx) }()
	// Wait (read-only) for the prune at start to have dropped the old records.
	pruned := func() bool {
		oldEvent, err1 := st.SeenSince(ctx, "test:old", time.Unix(0, 0))
		recent, err2 := st.RecentInteractions(ctx, old.Unix())
		return err1 == nil && err2 == nil && !oldEvent && len(recent) == 1
	}
	for deadline := time.Now().Add(10 * time.Second); !pruned() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("pruneDeliveries returned %v", err)
	}
	if !pruned() {
		t.Fatal("the old records were not pruned at start")
	}
	for name, c := range map[string]struct {
		rec  func() (bool, error)
		want bool
	}{
		"old event forgotten":       {func() (bool, error) { return st.FirstSeen(ctx, "test:old", "e1", now) }, true},
		"fresh event kept":          {func() (bool, error) { return st.FirstSeen(ctx, "test:fresh", "e2", now) }, false},
		"old interaction forgotten": {func() (bool, error) { return st.FirstInteraction(ctx, oldID) }, true},
		"fresh interaction kept":    {func() (bool, error) { return st.FirstInteraction(ctx, freshID) }, false},
	} {
		if first, err := c.rec(); err != nil || first != c.want {
			t.Errorf("%s: first=%v err=%v, want first=%v", name, first, err, c.want)
		}
	}
}
