package postgres_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcoach/certcoach/internal/cputime"
	"github.com/certcoach/certcoach/storage/postgres"
	"github.com/certcoach/certcoach/storage/postgres/pgtest"
)

// BenchmarkDelivery is the record each Discord interaction with effects
// (and each Slack event) commits before its answer, from 8 concurrent
// callers. cpu-ns/op is certcoach's own CPU (the server's is not in it).
func BenchmarkDelivery(b *testing.B) {
	s, err := postgres.Open(context.Background(), pgtest.NewSchema(b, pgtest.NewDatabase(b)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	now := time.Now()
	var seq atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	defer cputime.Measure(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.FirstSeen(ctx, "bench", strconv.FormatInt(seq.Add(1), 10), now); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
