package jobs

import (
	"context"
	"errors"
	"maps"
	"runtime"
	"testing"
)

// TestJobsClose: Close waits for jobs that finish by themselves and
// reports nothing; it cancels, waits for and names by count the jobs that
// run until their context ends; and it takes no job once begun.
func TestJobsClose(t *testing.T) {
	for _, tc := range []struct {
		name string
		// finish are jobs that end once Close has begun; hold, jobs that
		// end only when the jobs' context does. "go:" jobs are started by
		// Go from a held job instead of by Start.
		finish, hold []string
		// expired: Close's context has ended before Close is called.
		expired bool
		want    map[string]int
	}{
		{name: "none"},
		{name: "already-expired ctx, no jobs", expired: true},
		{name: "all finish", finish: []string{"event", "event", "reply"}},
		{name: "one held", finish: []string{"event"}, hold: []string{"reply"}, want: map[string]int{"reply": 1}},
		{name: "held by name", hold: []string{"event", "reply", "event"}, want: map[string]int{"event": 2, "reply": 1}},
		{name: "go from a held job", hold: []string{"request", "go:deferred"}, want: map[string]int{"request": 1, "deferred": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := New()
			began := make(chan struct{})
			ended := make(chan string, len(tc.finish)+len(tc.hold))
			start := func(name string, f func()) {
				if n, ok := cutGo(name); ok {
					j.Go(n, func() { f(); ended <- n })
					return
				}
				if !j.Start(name) {
					t.Fatalf("Start(%q) refused before Close", name)
				}
				go func() { defer j.Done(name); f(); ended <- name }()
			}
			for _, name := range tc.finish {
				start(name, func() { <-began })
			}
			for _, name := range tc.hold {
				start(name, func() { <-j.Context().Done() })
			}
			ctx, deadline := context.WithCancel(context.Background())
			defer deadline()
			if tc.expired {
				deadline()
			}
			closed := make(chan error)
			go func() { closed <- j.Close(ctx) }()
			for !j.Closing() {
				runtime.Gosched() // Close has not begun: the finishing jobs must wait for it
			}
			close(began)
			if len(tc.hold) > 0 {
				// Held jobs never end by themselves: once the others have,
				// Close's wait ends with its context.
				for range tc.finish {
					<-ended
				}
				deadline()
			}
			err := <-closed
			var got map[string]int
			if ce, ok := errors.AsType[*CancelledError](err); ok {
				got = ce.Jobs
			} else if err != nil {
				t.Fatalf("Close = %v, want nil or a *CancelledError", err)
			}
			// maps.Equal takes an empty map for nil: the callers report any
			// error as jobs cancelled.
			if !maps.Equal(got, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("Close = %v, want %#v", err, tc.want)
			}
			want := len(tc.finish) + len(tc.hold)
			if len(tc.hold) > 0 {
				want = len(tc.hold) // the finished ones were taken from ended above
			}
			if n := len(ended); n != want {
				t.Errorf("%d jobs had returned when Close did, want %d", n, want)
			}
			if j.Context().Err() == nil {
				t.Error("jobs' context not cancelled after Close")
			}
			if j.Start("late") {
				t.Error("Start accepted a job after Close")
			}
		})
	}
}

func cutGo(name string) (string, bool) {
	if len(name) > 3 && name[:3] == "go:" {
		return name[3:], true
	}
	return name, false
}

// TestCancelledErrorNamesJobs: the report names each job with its count,
// in name order whatever the map's, so two stops read alike.
func TestCancelledErrorNamesJobs(t *testing.T) {
	for _, tc := range []struct {
		jobs map[string]int
		want string
	}{
		{map[string]int{"event": 1}, "background jobs cancelled at the stop's deadline: event (1)"},
		{map[string]int{"reply": 1, "delete files": 2, "event": 3},
			"background jobs cancelled at the stop's deadline: delete files (2), event (3), reply (1)"},
	} {
		if got := (&CancelledError{Jobs: tc.jobs}).Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}
