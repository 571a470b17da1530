package proc

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
)

// Binary returns bin, or builds certcoach into a temp directory when bin
// is empty. done removes what it built.
func Binary(ctx context.Context, bin string) (path string, done func(), err error) {
	if bin != "" {
		return bin, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "proof-tool-bin-")
	if err != nil {
		return "", nil, fmt.Errorf("build dir: %w", err)
	}
	if path, err = Build(ctx, dir); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return path, func() { os.RemoveAll(dir) }, nil
}

// RunDir makes a temp directory for one run's databases and server logs.
// done removes it, unless keep, in which case its path is logged so the
// run can be looked into.
func RunDir(prefix string, keep bool, log *slog.Logger) (dir string, done func(), err error) {
	dir, err = os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, fmt.Errorf("run dir: %w", err)
	}
	if keep {
		log.Info("keeping run directory", "dir", dir)
		return dir, func() {}, nil
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// StartReady is Start, then waiting for /readyz 200; a server that never
// gets ready is killed.
func StartReady(ctx context.Context, bin, logPath string, env []string) (*Server, error) {
	s, err := Start(ctx, bin, logPath, env)
	if err != nil {
		return nil, err
	}
	if err := s.WaitStatus(ctx, "/readyz", 200); err != nil {
		s.Kill()
		return nil, err
	}
	return s, nil
}

// Runs makes n runs, printing each one's result to out, then PASS, or
// FAIL with how many runs failed and failure after it (e.g. " lost or
// duplicated answers"). It returns the exit code: 0 when every run passed,
// 1 when one failed, 2 when a run could not be made (logged as name).
func Runs[R fmt.Stringer](n int, run func() (R, error), ok func(R) bool, failure, name string, out io.Writer, log *slog.Logger) int {
	failed := 0
	for i := 1; i <= n; i++ {
		r, err := run()
		if err != nil {
			log.Error(name, "err", fmt.Errorf("run %d: %w", i, err))
			return 2
		}
		fmt.Fprintf(out, "run %d: %s\n", i, r)
		if !ok(r) {
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(out, "FAIL: %d of %d runs%s\n", failed, n, failure)
		return 1
	}
	fmt.Fprintf(out, "PASS: %d runs\n", n)
	return 0
}
