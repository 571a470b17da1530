package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/certcoach/certcoach/internal/wire"
	"github.com/certcoach/certcoach/storage/postgres/pgtest"
	"github.com/certcoach/certcoach/storage/sqlite"
)

// These tests run the real binary: signals, exit codes and what reaches
// stderr are properties of the process, not of a handler.

var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "certcoach-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "certcoach")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	// No setting of the developer's shell reaches a test: the parallel
	// tests run the command line without t.Setenv (which they may not use).
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if setting(name) {
			os.Unsetenv(name)
		}
	}
	// The binary builds beside the first tests, which run in this process
	// on one core; startServer reports a failed build.
	flag.Parse()
	if !testing.Short() {
		go buildOnce() //nolint:errcheck
	}
	code := m.Run()
	if bin, err := buildOnce(); err == nil {
		os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

// setting reports whether name is a variable certcoach reads, not one of
// the tests' own switches (CERTCOACH_REQUIRE_*, CERTCOACH_TEST_*).
func setting(name string) bool {
	if strings.HasPrefix(name, "CERTCOACH_REQUIRE_") || strings.HasPrefix(name, "CERTCOACH_TEST_") {
		return false
	}
	return strings.HasPrefix(name, "CERTCOACH_") || strings.HasPrefix(name, "SLACK_") || strings.HasPrefix(name, "DISCORD_")
}

// server is a running `certcoach serve`.
type server struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	mu   sync.Mutex
	log  bytes.Buffer // everything it wrote to stderr and stdout
	done chan struct{}
}

func (s *server) logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// refusedURL is a loopback URL nothing listens on: fakes that refuse.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/"
}

func startServer(t *testing.T, env []string) *server {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve")
	// A clean environment: nothing from the developer's shell or .env
	// (the working directory is a temp dir) leaks into the run.
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir, "CERTCOACH_ADDR=127.0.0.1:0"}, env...)
	s := &server{cmd: cmd, done: make(chan struct{})}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	addr := make(chan string, 1)
	listening := regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			s.mu.Lock()
			s.log.Write(sc.Bytes())
			s.log.WriteByte('\n')
			s.mu.Unlock()
			if m := listening.FindSubmatch(sc.Bytes()); m != nil {
				select {
				case addr <- string(m[1]):
				default:
				}
			}
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	select {
	case a := <-addr:
		s.base = "http://" + a
	case <-s.done:
		_ = cmd.Wait()
		t.Fatalf("server exited before listening:\n%s", s.logs())
	case <-time.After(60 * time.Second):
		t.Fatalf("server not listening after 60s:\n%s", s.logs())
	}
	return s
}

// stop sends SIGTERM and returns the exit code.
func (s *server) stop(t *testing.T) int {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- s.cmd.Wait() }()
	select {
	case err := <-waitErr:
		<-s.done
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(60 * time.Second):
		_ = s.cmd.Process.Kill()
		t.Fatalf("no exit within 60s of SIGTERM:\n%s", s.logs())
		return -1
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.String()
}

func TestServeLogsNoSecrets(t *testing.T) {
	t.Parallel() // its own process, temp dir, database and port
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	refused := refusedURL(t)
	secrets := map[string]string{
		"SLACK_SIGNING_SECRET": "slack-signing-SECRET-4c1d8e6f",
		"SLACK_BOT_TOKEN":      "xoxb-SECRET-bot-91a7c3d2",
		"SLACK_APP_TOKEN":      "xapp-SECRET-app-5b2e0f17",
		"DISCORD_BOT_TOKEN":    "SECRET.discord-bot-token.77e1a0",
		"DISCORD_PUBLIC_KEY":   hex.EncodeToString(pub),
	}
	env := []string{"CERTCOACH_DB=" + filepath.Join(t.TempDir(), "c.db"), "CERTCOACH_LOG_LEVEL=debug",
		"SLACK_API_URL=" + refused, "DISCORD_API_URL=" + refused, "DISCORD_APP_ID=100000000000000001"}
	for k, v := range secrets {
		env = append(env, k+"="+v)
	}
	// Per-request credentials travel in bodies: a Discord interaction token
	// and a Slack response_url. They must not be logged either.
	interactionToken := "SECRET-interaction-token-3d9a5c"
	responseURL := refused + "commands/T1/SECRET-response-url-8b4f2e"
	secrets["interaction token"] = interactionToken
	secrets["response_url"] = "SECRET-response-url-8b4f2e"

	s := startServer(t, env)
	ctx := context.Background()
	if code, _ := get(t, s.base+"/healthz"); code != 200 {
		t.Fatalf("/healthz: %d", code)
	}
	get(t, s.base+"/readyz") // 503 here: the fakes refuse; it must still not log tokens
	if code, body := get(t, s.base+"/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("/metrics: %d", code)
	}

	sl := wire.Slack{URL: s.base + "/slack/events", Secret: secrets["SLACK_SIGNING_SECRET"]}
	res, err := sl.Command(ctx, "T1", "U1", "C1", "quiz cism 3", responseURL)
	if err != nil || res.Status != 200 {
		t.Fatalf("slack quiz: %v %d %s", err, res.Status, res.Body)
	}
	id, _, _, ok := wire.QuizButton(res.Body, 1)
	if !ok {
		t.Fatalf("no answer button in %s", res.Body)
	}
	if res, err := sl.Action(ctx, "T1", "U1", "C1", id, responseURL); err != nil || res.Status != 200 {
		t.Fatalf("slack click: %v %d", err, res.Status)
	}
	for _, text := range []string{"export", "compare", "ask what is a BIA?", "nonsense command"} {
		if _, err := sl.Command(ctx, "T1", "U1", "C1", text, responseURL); err != nil {
			t.Fatal(err)
		}
	}
	bad := wire.Slack{URL: sl.URL, Secret: "wrong"}
	if res, _ := bad.Command(ctx, "T1", "U1", "C1", "help", responseURL); res.Status != 401 {
		t.Fatalf("bad signature: %d, want 401", res.Status)
	}

	dc := wire.NewDiscord(s.base+"/discord/interactions", priv, "7")
	res, err = dc.Command(ctx, "500000000000000001", "600000000000000001", interactionToken, "quiz", map[string]string{"cert": "cissp"})
	if err != nil || res.Status != 200 {
		t.Fatalf("discord quiz: %v %d %s", err, res.Status, res.Body)
	}
	if id, _, _, ok := wire.QuizButton(res.Body, 0); ok {
		if _, err := dc.Button(ctx, "500000000000000001", "600000000000000001", interactionToken, id); err != nil {
			t.Fatal(err)
		}
	}
	// export is slow: deferred, then delivered by a webhook call (to the
	// refusing fake) whose URL contains the interaction token.
	if _, err := dc.Command(ctx, "500000000000000001", "600000000000000001", interactionToken, "export", nil); err != nil {
		t.Fatal(err)
	}
	// Oversized body: refused by the mux-level limit, not buffered.
	big, _ := http.Post(s.base+"/discord/interactions", "application/json", bytes.NewReader(make([]byte, 2<<20)))
	if big != nil {
		big.Body.Close()
		if big.StatusCode != http.StatusRequestEntityTooLarge && big.StatusCode != http.StatusUnauthorized {
			t.Fatalf("2 MiB body: %d", big.StatusCode)
		}
	}
	if _, body := get(t, s.base+"/metrics"); !strings.Contains(body, `certcoach_signature_failures_total{platform="slack"} 1`) {
		t.Errorf("signature failure not counted")
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("exit code %d after SIGTERM", code)
	}
	logs := s.logs()
	for name, v := range secrets {
		if strings.Contains(logs, v) {
			t.Errorf("%s appears in the log output", name)
		}
	}
	if !strings.Contains(logs, `"request_id"`) {
		t.Errorf("no request IDs in the log")
	}
	if t.Failed() {
		t.Logf("log output:\n%s", logs)
	}
}

func TestServeGracefulShutdown(t *testing.T) {
	t.Parallel() // its own process, temp dir, database and port
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "c.db")
	s := startServer(t, []string{"CERTCOACH_DB=" + db, "DISCORD_PUBLIC_KEY=" + hex.EncodeToString(pub),
		"CERTCOACH_RATE_LIMIT=0", "CERTCOACH_WORKSPACE_RATE_LIMIT=0", "CERTCOACH_METRICS_ADDR=127.0.0.1:0"})
	// With CERTCOACH_METRICS_ADDR, /metrics moves off the main listener.
	m := regexp.MustCompile(`"msg":"metrics listening","addr":"([^"]+)"`).FindStringSubmatch(s.logs())
	if m == nil {
		t.Fatalf("no metrics listener logged:\n%s", s.logs())
	}
	if code, body := get(t, "http://"+m[1]+"/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("metrics address: %d", code)
	}
	if code, _ := get(t, s.base+"/metrics"); code == 200 {
		t.Fatal("/metrics still served on the main listener")
	}
	dc := wire.NewDiscord(s.base+"/discord/interactions", priv, "9")
	dc.Client = &http.Client{Timeout: 30 * time.Second}
	ctx := context.Background()

	// Users answer quizzes over the Discord HTTP path, which answers
	// synchronously: a 200 carrying the result means the answer was
	// committed. SIGTERM lands after a fixed number of answers, while the
	// rest are still being sent.
	const users, sigAfter = 6, 12
	var (
		mu       sync.Mutex
		acked    []string // attempt keys "s:<session>:<pos>" answered with a 200
		answered = make(chan struct{}, users*40)
		wg       sync.WaitGroup
	)
	for u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("6000000000000000%02d", u)
			res, err := dc.Command(ctx, "500000000000000001", user, "tok", "quiz", map[string]string{"cert": "cism", "count": "20"})
			if err != nil || res.Status != 200 {
				return
			}
			for {
				id, sid, pos, ok := wire.QuizButton(res.Body, 0)
				if !ok {
					return
				}
				res, err = dc.Button(ctx, "500000000000000001", user, "tok", id)
				if err != nil || res.Status != 200 {
					return // the server is going away
				}
				mu.Lock()
				acked = append(acked, fmt.Sprintf("s:%s:%d", sid, pos))
				mu.Unlock()
				answered <- struct{}{}
				// The answer reply has Next, not answer buttons: click it.
				next := ""
				for _, a := range wire.ActionIDs(res.Body) {
					if strings.HasPrefix(a, "quiz:next:") {
						next = a
					}
				}
				if next == "" {
					return
				}
				if res, err = dc.Button(ctx, "500000000000000001", user, "tok", next); err != nil || res.Status != 200 {
					return
				}
			}
		}()
	}
	for range sigAfter {
		<-answered
	}
	code := s.stop(t)
	wg.Wait()
	if code != 0 {
		t.Fatalf("exit code %d after SIGTERM:\n%s", code, s.logs())
	}
	logs := s.logs()
	for _, want := range []string{`"msg":"shutting down"`, `"msg":"database closed"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s", want)
		}
	}
	// Close checkpointed the WAL into the main file.
	if st, err := os.Stat(db + "-wal"); err == nil && st.Size() > 0 {
		t.Errorf("WAL not checkpointed: %d bytes left", st.Size())
	}
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, k := range acked {
		var n int
		if err := raw.QueryRow("SELECT count(*) FROM answers WHERE attempt_key = ?", k).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("answer %s got a 200 but is stored %d times", k, n)
		}
	}
	if len(acked) < sigAfter {
		t.Fatalf("only %d answers acknowledged", len(acked))
	}
	t.Logf("%d answers acknowledged before and during shutdown, all stored once", len(acked))
}

// TestServeSaysWhenNoPlatformIsConfigured: `serve` with no credentials
// says it serves only its probes, and how to get more; with one it does not.
func TestServeSaysWhenNoPlatformIsConfigured(t *testing.T) {
	t.Parallel() // its own process, temp dir, database and port
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  []string
		warn bool
	}{
		{"none", nil, true},
		{"discord", []string{"DISCORD_PUBLIC_KEY=" + hex.EncodeToString(pub)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, append([]string{"CERTCOACH_DB=" + filepath.Join(t.TempDir(), "c.db")}, tc.env...))
			if code, body := get(t, s.base+"/readyz"); code != 200 {
				t.Fatalf("/readyz %d: %s", code, body)
			}
			if code := s.stop(t); code != 0 {
				t.Fatalf("exit %d:\n%s", code, s.logs())
			}
			if got := strings.Contains(s.logs(), "no Slack or Discord credentials: serving only /healthz, /readyz and /metrics"); got != tc.warn {
				t.Fatalf("warning logged %v, want %v:\n%s", got, tc.warn, s.logs())
			}
		})
	}
}

// waitLog waits until the server has logged want (or has exited).
func (s *server) waitLog(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(s.logs(), want) {
			return
		}
		select {
		case <-s.done:
			t.Fatalf("exited before logging %s:\n%s", want, s.logs())
		default:
		}
	}
	t.Fatalf("no %s within 60s:\n%s", want, s.logs())
}

// A second Ctrl-C while the graceful stop waits for a request ends the
// process at once, saying so, with 130 (a shell's code for an interrupt).
func TestServeSecondInterruptForcesExit(t *testing.T) {
	t.Parallel() // its own process, temp dir, database and port
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, []string{"CERTCOACH_DB=" + filepath.Join(t.TempDir(), "c.db"), "DISCORD_PUBLIC_KEY=" + hex.EncodeToString(pub)})
	// A request whose body never comes: the graceful stop waits for it.
	// The server's "100 Continue" says its handler is reading the body.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprint(conn, "POST /discord/interactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(conn).ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 100") {
		t.Fatalf("want 100 Continue, got %q, %v", line, err)
	}
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	s.waitLog(t, `"msg":"shutting down"`)
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = s.cmd.Wait()
	<-s.done
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitForced {
		t.Errorf("exit %v after a second interrupt, want code %d:\n%s", err, exitForced, s.logs())
	}
	logs := s.logs()
	if !strings.Contains(logs, `"msg":"second interrupt: exiting now, without waiting for the graceful stop"`) {
		t.Errorf("the forced exit is not logged:\n%s", logs)
	}
	if strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("the graceful stop ran to its end:\n%s", logs)
	}
}

// A SIGTERM or SIGINT while the database is still opening (a PostgreSQL
// that accepts and never answers) stops the start with one short line and
// exit code 0, as any stop by a signal, not "context canceled" and 1.
func TestSignalWhileDatabaseOpens(t *testing.T) {
	t.Parallel() // its own process, temp dir, database and port
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	addr := pgtest.SilentServer(t)
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "serve")
			cmd.Dir = t.TempDir()
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir, "CERTCOACH_ADDR=127.0.0.1:0",
				"CERTCOACH_DB=postgres://certcoach@" + addr + "/x?sslmode=disable&connect_timeout=120",
				"DISCORD_PUBLIC_KEY=" + hex.EncodeToString(pub)}
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill() }()
			var out strings.Builder
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				out.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), `"msg":"starting"`) {
					break // the database opens next
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			for sc.Scan() {
				out.WriteString(sc.Text() + "\n")
			}
			err = cmd.Wait()
			got := out.String()
			if err != nil {
				t.Errorf("exit %v, want 0:\n%s", err, got)
			}
			last := strings.TrimSpace(got[strings.LastIndex(strings.TrimSpace(got), "\n")+1:])
			if last != stoppedDuringStart || strings.Contains(got, "context canceled") {
				t.Errorf("last line %q, want %q:\n%s", last, stoppedDuringStart, got)
			}
		})
	}
}
