package console_test

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot/console"
)

// answeredOnce is a console, writing charts to a temporary directory,
// whose user has answered one CISSP question.
func answeredOnce(t *testing.T) (*console.Console, context.Context) {
	t.Helper()
	c, _, _ := newConsole(t)
	c.ChartDir = t.TempDir()
	ctx := context.Background()
	c.Do(ctx, "quiz cissp 3 1")
	c.Do(ctx, "a")
	return c, ctx
}

// TestProgressChartWritesAFile: `progress chart` writes the PNG and prints
// its path; plain `progress` writes nothing.
func TestProgressChartWritesAFile(t *testing.T) {
	t.Parallel()
	c, ctx := answeredOnce(t)
	if out := c.Do(ctx, "progress"); strings.Contains(out, ".png") {
		t.Fatalf("plain progress wrote a chart:\n%s", out)
	}
	out := c.Do(ctx, "progress chart")
	m := regexp.MustCompile(`Chart \((\d+)x(\d+) PNG\) written to (\S+\.png)`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "Security Architecture and Engineering") {
		t.Fatalf("no chart path in:\n%s", out)
	}
	if filepath.Dir(m[3]) != c.ChartDir {
		t.Errorf("chart written to %s, want it in %s", m[3], c.ChartDir)
	}
	f, err := os.Open(m[3])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", m[3], err)
	}
	if got := fmt.Sprintf("%dx%d", cfg.Width, cfg.Height); got != m[1]+"x"+m[2] {
		t.Errorf("file is %s, console said %sx%s", got, m[1], m[2])
	}
}

// TestForgetDeletesTheChartFile: the chart file is the user's data too, so
// a confirmed forget removes it; a cancelled one keeps it.
func TestForgetDeletesTheChartFile(t *testing.T) {
	t.Parallel()
	c, ctx := answeredOnce(t)
	m := regexp.MustCompile(`written to (\S+\.png)`).FindStringSubmatch(c.Do(ctx, "progress chart"))
	if m == nil {
		t.Fatal("no chart written")
	}
	c.Do(ctx, "forget")
	c.Do(ctx, "no")
	if _, err := os.Stat(m[1]); err != nil {
		t.Fatalf("a cancelled forget removed the chart: %v", err)
	}
	c.Do(ctx, "forget")
	if out := c.Do(ctx, "y"); !strings.Contains(out, "deleted") || strings.Contains(out, "could not") {
		t.Fatalf("forget said:\n%s", out)
	}
	if _, err := os.Stat(m[1]); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("chart file still there after forget (stat: %v)", err)
	}
}

// TestChartFileIsNewAndPrivate: each chart is a new file with a random name
// (no one can plant a link under a name known in advance), readable only by
// its owner, and it replaces the user's earlier one.
func TestChartFileIsNewAndPrivate(t *testing.T) {
	t.Parallel()
	c, ctx := answeredOnce(t)
	re := regexp.MustCompile(`written to (\S+\.png)`)
	var paths []string
	for range 2 {
		m := re.FindStringSubmatch(c.Do(ctx, "progress chart"))
		if m == nil {
			t.Fatal("no chart written")
		}
		paths = append(paths, m[1])
	}
	tests := []struct {
		name   string
		path   string
		exists bool
	}{
		{"first chart replaced", paths[0], false},
		{"second chart kept", paths[1], true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := os.Lstat(tc.path)
			if !tc.exists {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s still there (stat: %v)", tc.path, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if perm := st.Mode().Perm(); perm != 0o600 || !st.Mode().IsRegular() {
				t.Errorf("%s: mode %v, want a regular file, 0600", tc.path, st.Mode())
			}
			if base := filepath.Base(tc.path); base == "certcoach-tester-progress.png" || !strings.HasPrefix(base, "certcoach-tester-progress-") {
				t.Errorf("chart file name %q", base)
			}
		})
	}
	if paths[0] == paths[1] {
		t.Errorf("both charts written to %s", paths[0])
	}
}
