package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStopAndMetricsSettingsBeforeStart: a stop budget serve cannot use, or
// a metrics address that takes the main listener's port, is one plain line
// naming the variables, exit 1, before the database is opened.
func TestStopAndMetricsSettingsBeforeStart(t *testing.T) {
	tests := []struct {
		name                       string
		addr, metrics, stopTimeout string
		want                       []string
	}{
		{name: "budget without a unit", addr: "127.0.0.1:0", stopTimeout: "25", want: []string{`CERTCOACH_SHUTDOWN_TIMEOUT="25"`, "e.g. 25s"}},
		{name: "budget not a duration", addr: "127.0.0.1:0", stopTimeout: "soon", want: []string{`CERTCOACH_SHUTDOWN_TIMEOUT="soon"`}},
		{name: "budget too short", addr: "127.0.0.1:0", stopTimeout: "1s", want: []string{`CERTCOACH_SHUTDOWN_TIMEOUT="1s"`}},
		{name: "budget negative", addr: "127.0.0.1:0", stopTimeout: "-25s", want: []string{`CERTCOACH_SHUTDOWN_TIMEOUT="-25s"`}},
		{name: "budget too long", addr: "127.0.0.1:0", stopTimeout: "1h", want: []string{`CERTCOACH_SHUTDOWN_TIMEOUT="1h"`}},
		{name: "same address", addr: "127.0.0.1:9090", metrics: "127.0.0.1:9090", want: []string{`CERTCOACH_METRICS_ADDR="127.0.0.1:9090"`, `CERTCOACH_ADDR="127.0.0.1:9090"`}},
		{name: "main listener on every interface", addr: ":8080", metrics: "127.0.0.1:8080", want: []string{`CERTCOACH_METRICS_ADDR="127.0.0.1:8080"`, `CERTCOACH_ADDR=":8080"`}},
		{name: "metrics on every interface, port by name", addr: "127.0.0.1:80", metrics: "0.0.0.0:http", want: []string{`CERTCOACH_METRICS_ADDR="0.0.0.0:http"`, `CERTCOACH_ADDR="127.0.0.1:80"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "stop.db")
			env := map[string]string{"CERTCOACH_ADDR": tc.addr, "CERTCOACH_METRICS_ADDR": tc.metrics, "CERTCOACH_SHUTDOWN_TIMEOUT": tc.stopTimeout,
				"CERTCOACH_DB": db, "CERTCOACH_RATE_LIMIT": "", "CERTCOACH_RATE_BURST": "", "CERTCOACH_WORKSPACE_RATE_LIMIT": "", "CERTCOACH_WORKSPACE_RATE_BURST": ""}
			code, _, errOut := runCLIEnv(t, env, "", "serve")
			if code != 1 || !strings.HasPrefix(errOut, "certcoach: ") || strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "{") {
				t.Fatalf("exit %d, want 1 and one plain line:\n%s", code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("no %q in:\n%s", w, errOut)
				}
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("serve opened the database before refusing the setting")
			}
		})
	}
}

// TestShutdownTimeout: what CERTCOACH_SHUTDOWN_TIMEOUT accepts.
func TestShutdownTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  time.Duration // 0: refused
	}{
		{defaultShutdownTimeout, 25 * time.Second},
		{"10s", 10 * time.Second},
		{"1m30s", 90 * time.Second},
		{"10m", 10 * time.Minute},
		{"9.9s", 0},
		{"10m1s", 0},
		{"0", 0},
		{"", 0},
	}
	for _, tc := range tests {
		got, err := Config{ShutdownTimeout: tc.value}.shutdownTimeout()
		if got != tc.want || (err == nil) != (tc.want != 0) {
			t.Errorf("%q: %s, %v; want %s", tc.value, got, err, tc.want)
		}
	}
}

// TestSharesPort: which pairs of listen addresses would take the same port.
func TestSharesPort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{":8080", ":8080", true},
		{"127.0.0.1:8080", "127.0.0.1:8080", true},
		{":8080", "127.0.0.1:8080", true},
		{"[::]:9090", "127.0.0.1:9090", true},
		{"LOCALHOST:9090", "localhost:9090", true},
		{":8080", ":9090", false},
		{"127.0.0.1:8080", "127.0.0.2:8080", false},
		{"127.0.0.1:0", "127.0.0.1:0", false},       // the kernel picks two ports
		{"localhost:9090", "127.0.0.1:9090", false}, // left to the listen
	}
	for _, tc := range tests {
		if got := sharesPort(tc.a, tc.b); got != tc.want {
			t.Errorf("sharesPort(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
