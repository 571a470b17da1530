package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestStopServingBudgets: the wait for the background tasks has a budget of
// its own, not what the HTTP stage left of a shared one. A request held past
// the HTTP budget must not cut the background tasks short; a task that never
// stops is given up on, saying so.
func TestStopServingBudgets(t *testing.T) {
	// A held request uses all of a short HTTP budget. A long budget is one
	// that only a task that never stops can exhaust; no assertion here is on
	// elapsed time.
	const short, long = 20 * time.Millisecond, time.Minute
	tests := []struct {
		name     string
		hold     bool // a request still in flight when the stop begins
		stops    bool // the background task stops when cancelled
		httpWait time.Duration
		bgWait   time.Duration
		wantWarn bool
	}{
		{name: "nothing in flight", stops: true, httpWait: long, bgWait: long},
		{name: "request held past the HTTP budget", hold: true, stops: true, httpWait: short, bgWait: long},
		{name: "task that never stops", stops: false, httpWait: long, bgWait: short, wantWarn: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			release := make(chan struct{}) // ends the held request and a task that never stops
			defer close(release)
			inFlight := make(chan struct{})
			mux := http.NewServeMux()
			mux.HandleFunc("GET /slow", func(w http.ResponseWriter, _ *http.Request) {
				close(inFlight)
				<-release
			})
			srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go func() { _ = srv.Serve(ln) }()
			defer srv.Close()
			if tc.hold {
				go func() {
					if res, err := http.Get("http://" + ln.Addr().String() + "/slow"); err == nil {
						res.Body.Close()
					}
				}()
				<-inFlight
			}

			// A background task that, like the reminder loop finishing a
			// send, takes a moment to stop once cancelled.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wg sync.WaitGroup
			stopped := make(chan struct{})
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-ctx.Done()
				if !tc.stops {
					<-release
					return
				}
				time.Sleep(50 * time.Millisecond)
				close(stopped)
			}()

			var logs bytes.Buffer
			stopServing(slog.New(slog.NewTextHandler(&logs, nil)), srv, nil, cancel, &wg, tc.httpWait, tc.bgWait)

			warned := strings.Contains(logs.String(), "background tasks did not stop in time")
			if warned != tc.wantWarn {
				t.Errorf("warning logged %v, want %v:\n%s", warned, tc.wantWarn, logs.String())
			}
			if tc.hold && !strings.Contains(logs.String(), "http shutdown") {
				t.Errorf("the held request did not use up the HTTP budget:\n%s", logs.String())
			}
			if tc.stops {
				select {
				case <-stopped:
				default:
					t.Errorf("stopServing returned before the background task had stopped:\n%s", logs.String())
				}
			}
		})
	}
}
