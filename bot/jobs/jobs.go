// Package jobs counts a platform adapter's background jobs (bot/slack,
// bot/discord), which lets its Close wait for replies in flight and name
// what it had to cancel. It knows no platform and no storage.
package jobs

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Tracker counts an adapter's background work (deferred replies, event
// handlers, follow-ups) by name, so that Close can wait for it and name
// what it had to cancel. Its context is the parent of that work: Close
// cancels it once the wait is over.
type Tracker struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	closing bool           // no job starts once Close has begun, so none runs after it returns
	running map[string]int // jobs in flight by name
	wg      sync.WaitGroup
}

// New returns a tracker taking jobs.
func New() *Tracker {
	ctx, cancel := context.WithCancel(context.Background())
	return &Tracker{ctx: ctx, cancel: cancel, running: map[string]int{}}
}

// Context is the parent of the jobs' work; it ends when Close has
// finished waiting (or given up).
func (j *Tracker) Context() context.Context { return j.ctx }

// Start counts a job named name; it reports false once Close has begun,
// so that nothing starts that Close would not wait for. The caller calls
// Done(name) when the job ends.
func (j *Tracker) Start(name string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closing {
		return false
	}
	j.add(name)
	return true
}

// Go runs f in a goroutine counted as a job named name, whether or not
// Close has begun. Only call it while holding a job from Start: the job
// held keeps Close waiting, so this one cannot be missed by it.
func (j *Tracker) Go(name string, f func()) {
	j.mu.Lock()
	j.add(name)
	j.mu.Unlock()
	go func() {
		defer j.Done(name)
		f()
	}()
}

// add counts a job; j.mu is held (WaitGroup.Add from zero must never race
// with Close's Wait).
func (j *Tracker) add(name string) {
	j.wg.Add(1)
	j.running[name]++
}

// Done ends a job counted by Start.
func (j *Tracker) Done(name string) {
	j.mu.Lock()
	if j.running[name]--; j.running[name] <= 0 {
		delete(j.running, name)
	}
	j.mu.Unlock()
	j.wg.Done()
}

// Closing reports whether Close has begun.
func (j *Tracker) Closing() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.closing
}

// Close stops taking jobs and waits for those in flight until ctx ends;
// it then cancels Context and waits for the jobs still running, whose
// work takes it, to return. It returns nil when none was left to cancel,
// else a *CancelledError naming those it cancelled.
func (j *Tracker) Close(ctx context.Context) error {
	j.mu.Lock()
	j.closing = true
	j.mu.Unlock()
	defer j.cancel()
	done := make(chan struct{})
	go func() { j.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	j.mu.Lock()
	var left map[string]int
	if len(j.running) > 0 {
		left = maps.Clone(j.running)
	}
	j.mu.Unlock()
	j.cancel()
	<-done
	if left == nil { // all finished as the wait ended
		return nil
	}
	return &CancelledError{Jobs: left}
}

// CancelledError is Close's report of the jobs it had to cancel.
type CancelledError struct {
	Jobs map[string]int // how many of each name were cancelled
}

// Error names the cancelled jobs with their counts, in name order.
func (e *CancelledError) Error() string {
	var b strings.Builder
	b.WriteString("background jobs cancelled at the stop's deadline: ")
	for i, name := range slices.Sorted(maps.Keys(e.Jobs)) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%d)", name, e.Jobs[name])
	}
	return b.String()
}

// Sleep waits d, or until ctx ends (its error then): a job's backoff or
// rate-limit wait never holds up Close.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
