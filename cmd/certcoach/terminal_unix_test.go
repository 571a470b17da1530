//go:build unix

package main

import (
	"os"
	"testing"

	"github.com/creack/pty"
)

// TestIsTerminal: only a terminal gets the console's prompt and its
// reminders; /dev/null, a character device too (stdin under cron or a
// service), is input like a pipe or a file.
func TestIsTerminal(t *testing.T) {
	t.Parallel()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ptmx.Close(); _ = tty.Close() })
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = devNull.Close() })
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pr.Close(); _ = pw.Close() })
	file, err := os.Create(t.TempDir() + "/in")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = file.Close() })
	tests := []struct {
		name string
		in   *os.File
		want bool
	}{
		{"a terminal", tty, true},
		{"/dev/null", devNull, false},
		{"a pipe", pr, false},
		{"a file", file, false},
	}
	for _, tt := range tests {
		if got := isTerminal(tt.in); got != tt.want {
			t.Errorf("%s: isTerminal %v, want %v", tt.name, got, tt.want)
		}
	}
}
