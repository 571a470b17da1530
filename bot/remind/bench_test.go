package remind

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/storage"
)

// BenchmarkHundredThousand: 100,000 users with a reminder in the same minute
// (the worst tick). Seeding takes about half a minute and is not timed.
//
//	go test -bench . -run '^$' ./bot/remind/
func BenchmarkHundredThousand(b *testing.B) {
	count := 100000
	if testing.Short() {
		count = 10000
	}
	e := newEnv(b, utc("2027-06-01T00:00:00Z"))
	start := time.Now()
	e.seed(count, 7*60+30, "UTC")
	b.Logf("seeded %d users with reminders in %s", count, time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	due := utc("2027-06-01T07:30:00Z")

	// What a tick reads before its workers start: the first page.
	b.Run("due-first-page", func(b *testing.B) {
		for b.Loop() {
			page, err := e.store.DueReminders(ctx, due, storage.DueRef{}, 500)
			if err != nil || len(page) != 500 {
				b.Fatal(len(page), err)
			}
		}
	})
	// The whole due set, page by page (what one tick walks in all).
	b.Run("due-all-pages", func(b *testing.B) {
		for b.Loop() {
			n := 0
			var cur storage.DueRef
			for {
				page, err := e.store.DueReminders(ctx, due, cur, 500)
				if err != nil {
					b.Fatal(err)
				}
				n += len(page)
				if len(page) < 500 {
					break
				}
				cur = page[len(page)-1]
			}
			if n != count {
				b.Fatalf("found %d due", n)
			}
		}
	})
	// An idle tick: nothing due.
	b.Run("due-none", func(b *testing.B) {
		for b.Loop() {
			if page, err := e.store.DueReminders(ctx, due.Add(-time.Minute), storage.DueRef{}, 500); err != nil || len(page) != 0 {
				b.Fatal(len(page), err)
			}
		}
	})
	// Claim, compose (progress, weakest domain, question), send to a
	// no-latency fake and record, for every user; one day per iteration.
	b.Run("deliver-all", func(b *testing.B) {
		var delivered atomic.Int64
		n := countingNotifier{n: &delivered}
		s := New(e.deps(), map[string]Notifier{bot.PlatformDiscord: n}, Options{Clock: e.clock, Logger: quietLog()})
		day := 0
		var peak atomic.Uint64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			var ms runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		})
		for b.Loop() {
			e.clock.Set(due.AddDate(0, 0, day))
			day++
			delivered.Store(0)
			st, err := s.RunDue(ctx)
			if err != nil || st.Sent != count || delivered.Load() != int64(count) {
				b.Fatalf("%+v %v", st, err)
			}
		}
		close(stop)
		wg.Wait()
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(count), "reminders/op")
	})
}

type countingNotifier struct{ n *atomic.Int64 }

func (c countingNotifier) SendDM(context.Context, string, string, bot.Reply) error {
	c.n.Add(1)
	return nil
}

func (c countingNotifier) PostChannel(context.Context, string, string, bot.Reply) error {
	c.n.Add(1)
	return nil
}
