package sqlstore

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcoach/certcoach/internal/cputime"
)

// BenchmarkFirstSeenParallel: delivery records from many concurrent
// requests (as under load: every interaction makes one). It is a closed
// loop: all callers end up waiting in one batch, so the batch's linger sets
// ns/op; cpu-ns/op is the cost the group commit cuts.
func BenchmarkFirstSeenParallel(b *testing.B) {
	s, _ := openTemp(b)
	ctx := context.Background()
	now := time.Now()
	var seq atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	defer cputime.Measure(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			first, err := s.FirstSeen(ctx, "bench", strconv.FormatInt(seq.Add(1), 10), now)
			if err != nil || !first {
				b.Errorf("%v %v", first, err)
				return
			}
		}
	})
}
