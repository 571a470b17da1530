package proc

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
)

type tally int

func (t tally) String() string { return strings.Repeat("x", int(t)) }

func TestRuns(t *testing.T) {
	for _, c := range []struct {
		name    string
		results []tally // a negative one is a run that could not be made
		code    int
		out     string
	}{
		{"all pass", []tally{1, 2}, 0, "run 1: x\nrun 2: xx\nPASS: 2 runs\n"},
		{"one fails", []tally{1, 0, 2}, 1, "run 1: x\nrun 2: \nrun 3: xx\nFAIL: 1 of 3 runs lost\n"},
		{"error stops", []tally{1, -1, 2}, 2, "run 1: x\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, logged bytes.Buffer
			i := 0
			run := func() (tally, error) {
				r := c.results[i]
				i++
				if r < 0 {
					return 0, errors.New("no database")
				}
				return r, nil
			}
			code := Runs(len(c.results), run, func(r tally) bool { return r > 0 }, " lost", "tool", &out, slog.New(slog.NewTextHandler(&logged, nil)))
			if code != c.code || out.String() != c.out {
				t.Errorf("code %d, out %q; want %d, %q", code, out.String(), c.code, c.out)
			}
			if c.code == 2 && !strings.Contains(logged.String(), "run 2: no database") {
				t.Errorf("error not logged with its run: %q", logged.String())
			}
		})
	}
}

func TestRunDir(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, keep := range []bool{false, true} {
		dir, done, err := RunDir("proc-test-", keep, log)
		if err != nil {
			t.Fatal(err)
		}
		done()
		_, err = os.Stat(dir)
		if kept := err == nil; kept != keep {
			t.Errorf("keep %v: directory kept %v (%v)", keep, kept, err)
		}
		os.RemoveAll(dir)
	}
}

func TestBinaryGiven(t *testing.T) {
	path, done, err := Binary(t.Context(), "/bin/true")
	if err != nil || path != "/bin/true" {
		t.Fatalf("Binary with a path: %q, %v", path, err)
	}
	done() // must not remove what it did not build
	if _, err := os.Stat("/bin/true"); err != nil {
		t.Fatal(err)
	}
}
