package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot/slack"
	"github.com/certcoach/certcoach/storage/sqlite"
)

// TestRetentionCoversShares: a Share button works for slack.ShareWindow on
// the strength of its click's record in the table of deliveries; pruning
// the record sooner would let a stale copy post the answer twice.
func TestRetentionCoversShares(t *testing.T) {
	t.Parallel()
	if deliveryRetention < slack.ShareWindow {
		t.Errorf("delivery records kept %v, shorter than Slack's share window %v", deliveryRetention, slack.ShareWindow)
	}
}

// notifyingPruner tells when the real store's PruneSeen has returned.
type notifyingPruner struct {
	deliveryPruner
	done chan int64
}

func (p notifyingPruner) PruneSeen(ctx context.Context, before time.Time) (int64, error) {
	n, err := p.deliveryPruner.PruneSeen(ctx, before)
	if err == nil {
		p.done <- n
	}
	return n, err
}

// TestPruneDeliveries: serve's pruning drops delivery records older than
// the retention (Slack events and Discord interactions alike) at start,
// and keeps the fresh ones, so a replay of a fresh one is still refused.
func TestPruneDeliveries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	old := now.Add(-deliveryRetention - time.Hour)
	for _, rec := range []struct{ scope, key string }{{"test:old", "e1"}, {"test:fresh", "e2"}, {"discord:interaction", "1"}, {"discord:interaction", "2"}} {
		at := now
		if rec.key == "e1" || rec.key == "1" {
			at = old
		}
		if first, err := st.FirstSeen(ctx, rec.scope, rec.key, at); err != nil || !first {
			t.Fatalf("setup: %v %v", first, err)
		}
	}

	runCtx, cancel := context.WithCancel(ctx)
	p := notifyingPruner{deliveryPruner: st, done: make(chan int64, 1)}
	done := make(chan error, 1)
	go func() { done <- pruneDeliveries(p, slog.New(slog.DiscardHandler), time.Hour)(runCtx) }()
	n := <-p.done // the prune at start
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("pruneDeliveries returned %v", err)
	}
	if n != 2 {
		t.Fatalf("pruned %d records at start, want the 2 old ones", n)
	}
	for name, c := range map[string]struct {
		scope, key string
		want       bool
	}{
		"old event forgotten":       {"test:old", "e1", true},
		"fresh event kept":          {"test:fresh", "e2", false},
		"old interaction forgotten": {"discord:interaction", "1", true},
		"fresh interaction kept":    {"discord:interaction", "2", false},
	} {
		if first, err := st.FirstSeen(ctx, c.scope, c.key, now); err != nil || first != c.want {
			t.Errorf("%s: first=%v err=%v, want first=%v", name, first, err, c.want)
		}
	}
}
