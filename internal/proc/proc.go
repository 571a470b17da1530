// Package proc starts and stops a `certcoach serve` process for the proof
// tools (cmd/crashtest, cmd/fanout, cmd/soak): on a loopback port it picks
// itself, with its log in a file, and measures what an operator would
// (time to ready, RSS from /proc).
package proc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Build compiles ./cmd/certcoach into dir and returns the binary's path.
// It must run from inside the module.
func Build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "certcoach")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/certcoach/certcoach/cmd/certcoach").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build certcoach: %v\n%s", err, out)
	}
	return bin, nil
}

// Server is a running certcoach.
type Server struct {
	Cmd     *exec.Cmd
	Base    string // http://127.0.0.1:port
	LogPath string
	Started time.Time // just before exec
	done    chan error
}

var listening = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// Start runs `bin serve` with env (on top of PATH and HOME only) and waits
// until it logs its listening address. CERTCOACH_ADDR defaults to
// 127.0.0.1:0 so runs never collide or leave loopback.
func Start(ctx context.Context, bin, logPath string, env []string) (*Server, error) {
	lf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("server log: %w", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		lf.Close()
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Dir = filepath.Dir(logPath)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir, "CERTCOACH_ADDR=127.0.0.1:0"}, env...)
	cmd.Stdout, cmd.Stderr = pw, pw
	s := &Server{Cmd: cmd, LogPath: logPath, done: make(chan error, 1)}
	s.Started = time.Now()
	if err := cmd.Start(); err != nil {
		pw.Close()
		pr.Close()
		lf.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	pw.Close()
	addr := make(chan string, 1)
	go func() {
		defer lf.Close()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			_, _ = lf.Write(append(line, '\n'))
			if m := listening.FindSubmatch(line); m != nil {
				select {
				case addr <- string(m[1]):
				default:
				}
			}
		}
	}()
	go func() { s.done <- cmd.Wait() }()
	select {
	case a := <-addr:
		s.Base = "http://" + a
		return s, nil
	case err := <-s.done:
		s.done <- err
		return nil, fmt.Errorf("certcoach exited before listening (%v); see %s", err, logPath)
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		return nil, ctx.Err()
	}
}

// WaitStatus polls path until it answers want (e.g. /readyz 200).
func (s *Server) WaitStatus(ctx context.Context, path string, want int) error {
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		res, err := c.Get(s.Base + path)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == want {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s never answered %d: %w", path, want, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Kill sends SIGKILL and reaps the process. Killing a server that has
// already exited returns at once.
func (s *Server) Kill() {
	_ = s.Cmd.Process.Signal(syscall.SIGKILL)
	err := <-s.done
	s.done <- err // for a later Kill or Stop
}

// Stop sends SIGTERM and returns the exit code (or an error after timeout,
// having killed it).
func (s *Server) Stop(timeout time.Duration) (int, error) {
	_ = s.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err // for a later Kill or Stop
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), nil
		}
		return 0, err
	case <-time.After(timeout):
		s.Kill()
		return -1, fmt.Errorf("no exit within %s of SIGTERM; killed", timeout)
	}
}

// RSS reads the process's resident set size from /proc (bytes).
func (s *Server) RSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.Cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024, err
			}
		}
	}
	return 0, errors.New("VmRSS not found")
}

// Gauge reads one unlabelled metric (e.g. go_goroutines) from /metrics.
func (s *Server) Gauge(name string) (float64, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(s.Base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(rest), 64)
		}
	}
	return 0, fmt.Errorf("metric %s not found", name)
}
