// Package cputime reports the CPU time a benchmark's process used per
// operation, next to its wall-clock ns/op. The two differ wherever work
// waits (group commit lingering for company) or runs beside the benchmark's
// goroutine (the batcher, GC), and CPU per request is what a server's
// capacity is made of.
package cputime

import (
	"syscall"
	"testing"
	"time"
)

// Measure starts counting; the returned func reports "cpu-ns/op" (user and
// system time of the whole process, divided by b.N). Call it after any
// setup, as in: defer cputime.Measure(b)().
func Measure(b *testing.B) func() {
	b.Helper()
	start := used()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((used()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

func used() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
