package sqlstore

import (
	"context"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcoach/certcoach/internal/cputime"
)

// BenchmarkDelivery is the hot write (every inbound interaction records
// one) from 8 concurrent callers on SQLite, as under load: group-committed,
// each committed by itself (the prepared statement, as PostgreSQL does it),
// and each in its own transaction re-preparing the statement. cpu-ns/op is what decides
// whether the group commit and the statement registry earn their keep.
func BenchmarkDelivery(b *testing.B) {
	for _, c := range []struct {
		name     string
		group    bool
		prepared bool
	}{{"group-commit", true, true}, {"own-tx", false, true}, {"own-tx-unprepared", false, false}} {
		b.Run(c.name, func(b *testing.B) {
			d := testDialect
			d.GroupCommit = c.group
			s := openSQLiteWith(b, filepath.Join(b.TempDir(), "bench.db"), d)
			ctx := context.Background()
			now := time.Now()
			var seq atomic.Int64
			b.SetParallelism(8)
			b.ReportAllocs()
			b.ResetTimer()
			defer cputime.Measure(b)()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					key := strconv.FormatInt(seq.Add(1), 10)
					var err error
					if c.prepared {
						_, err = s.FirstSeen(ctx, "bench", key, now)
					} else {
						err = s.tx(ctx, func(tx *wtx) error {
							_, err := tx.exec(ctx, qInsertSeen, "bench", key, now.Unix())
							return err
						})
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkRead is a primary-key read (a user's session), prepared once
// and re-prepared per call.
func BenchmarkRead(b *testing.B) {
	s := openSQLiteWith(b, filepath.Join(b.TempDir(), "bench.db"), testDialect)
	ctx := context.Background()
	if err := s.SetKV(ctx, "k", "v"); err != nil {
		b.Fatal(err)
	}
	const q = "SELECT value FROM kv WHERE key = ?"
	for _, prepared := range []bool{true, false} {
		b.Run("prepared="+strconv.FormatBool(prepared), func(b *testing.B) {
			b.SetParallelism(4)
			b.ReportAllocs()
			defer cputime.Measure(b)()
			b.RunParallel(func(pb *testing.PB) {
				var v string
				for pb.Next() {
					var err error
					if prepared {
						err = s.queryRow(ctx, q, "k").Scan(&v)
					} else {
						err = s.r.QueryRowContext(ctx, q, "k").Scan(&v)
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
