package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcoach/certcoach/storage"
	"github.com/certcoach/certcoach/storage/sqlite"
)

// TestConsoleSessionEndToEnd pipes a whole session into `certcoach console`
// (the real engine on a temp SQLite file): `quiz cissp 7 6` answered by a
// letter and `next` six times records 6 answers, and `quiz cissp iam 4`
// asks 4 questions.
func TestConsoleSessionEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e2e.db")
	t.Setenv("CERTCOACH_DB", db)
	in := "quiz cissp 7 6\n" + strings.Repeat("b\nnext\n", 6) + "quiz cissp iam 4\n" + strings.Repeat("c\nn\n", 4) + "quit\n"
	code, out, errOut := runCLI(t, in, "--user", "e2e", "console")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"CISSP D7 · Question 6 of 6", "Score:", "CISSP D5 · Question 4 of 4"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "Question 1 of 5") {
		t.Errorf("a quiz had the default 5 questions:\n%s", out)
	}
	if errOut != "" {
		t.Errorf("stderr: %s", errOut)
	}
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.CountAnswers(context.Background(), storage.UserKey{Platform: "console", Workspace: "local", User: "e2e"})
	if err != nil || n != 10 {
		t.Fatalf("%d answers stored (%v), want 6 + 4", n, err)
	}
}

// TestAskFreeText: `certcoach ask` with text that is not a command asks
// it; a mistyped command still gets usage and a suggestion.
func TestAskFreeText(t *testing.T) {
	code, out, errOut := runCLI(t, "", "ask", "what is the cissp passing score?")
	if code != 0 || !strings.Contains(out, "700") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "ask", "thanks")
	if code != 0 || strings.Contains(out, "No good answer") || !strings.Contains(out, "help") {
		t.Fatalf("ask thanks: exit %d\n%s", code, out)
	}
	code, _, errOut = runCLI(t, "", "ask", "quizz")
	if code != exitUsage || !strings.Contains(errOut, "quiz") || !strings.Contains(errOut, "did you mean") {
		t.Fatalf("ask quizz: exit %d, stderr:\n%s", code, errOut)
	}
}

// TestAskLetterAfterButtonAnswer: a quiz answered by its button in the
// console and left on the feedback screen; then `certcoach ask b` shows
// question 2 (it was never on screen) and answers nothing, and the next
// `certcoach ask b` answers it.
func TestAskLetterAfterButtonAnswer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shown.db")
	t.Setenv("CERTCOACH_DB", db)
	// In the console "b" presses the question's B button.
	if code, out, errOut := runCLI(t, "quiz cissp 1 3\nb\nquit\n", "--user", "ab", "console"); code != 0 || !strings.Contains(out, "1 of 3") {
		t.Fatalf("console: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, "", "--user", "ab", "ask", "b")
	if code != 0 || !strings.Contains(out, "Here is the next question") || !strings.Contains(out, "Question 2 of 3") {
		t.Fatalf("ask b on the feedback: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	count := func() int {
		t.Helper()
		st, err := sqlite.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		n, err := st.CountAnswers(context.Background(), storage.UserKey{Platform: "console", Workspace: "local", User: "ab"})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 1 {
		t.Fatalf("%d answers after the letter that showed question 2, want 1", n)
	}
	code, out, errOut = runCLI(t, "", "--user", "ab", "ask", "b")
	if code != 0 || !strings.Contains(out, "2 of 3") || !strings.Contains(out, "Question 3 of 3") {
		t.Fatalf("ask b on question 2: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if n := count(); n != 2 {
		t.Fatalf("%d answers, want 2", n)
	}
}

// TestSlackBotTokenAlone: a bot token without a signing secret or an app
// token is an incomplete Slack setup, not "no credentials".
func TestSlackBotTokenAlone(t *testing.T) {
	for _, k := range []string{"SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DISCORD_BOT_TOKEN", "DISCORD_PUBLIC_KEY", "DISCORD_APP_ID"} {
		t.Setenv(k, "")
	}
	t.Setenv("CERTCOACH_DB", filepath.Join(t.TempDir(), "x.db"))
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test-only")
	var out, errb strings.Builder
	code := run(nil, strings.NewReader("help\n"), &out, &errb)
	if code == 0 || strings.Contains(out.String(), "opening the local console") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %s:\n%s", want, errb.String())
		}
	}
	if strings.Contains(errb.String(), "xoxb-test-only") {
		t.Errorf("the token was printed")
	}
}

// TestBackupOfMissingDatabaseFails: backing up a file that does not exist
// fails and creates nothing.
func TestBackupOfMissingDatabaseFails(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	code, out, errOut := runCLI(t, "", "--db", missing, "backup", filepath.Join(dir, "out.db"))
	if code == 0 || !strings.Contains(errOut, "missing.db") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, f := range []string{missing, filepath.Join(dir, "out.db")} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s was created", f)
		}
	}
}

// TestMissingKBDirNamed: a CERTCOACH_KB_DIR that does not exist is named.
func TestMissingKBDirNamed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "no-such-kb")
	for _, args := range [][]string{{"ask", "compare"}, {"kb", "check"}} {
		t.Setenv("CERTCOACH_DB", filepath.Join(t.TempDir(), "kb.db"))
		var out, errb strings.Builder
		for _, k := range []string{"SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_BOT_TOKEN", "DISCORD_PUBLIC_KEY"} {
			t.Setenv(k, "")
		}
		t.Setenv("CERTCOACH_KB_DIR", dir)
		code := run(args, strings.NewReader(""), &out, &errb)
		if code == 0 || !strings.Contains(errb.String(), "CERTCOACH_KB_DIR") || !strings.Contains(errb.String(), dir) {
			t.Errorf("%v: exit %d, stderr:\n%s", args, code, errb.String())
		}
	}
}

// TestServeStartsBeforeSlackAnswers: with Slack's API hanging, serve opens
// its listener at once (it used to wait out auth.test first); /readyz says
// what failed without repeating "slack"; the scheduler logs its interval as
// a duration.
func TestServeStartsBeforeSlackAnswers(t *testing.T) {
	t.Parallel() // its own process, temp dir, database and port
	var mu sync.Mutex
	calls, gaveUp := 0, false
	release := make(chan struct{})
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/auth.test" {
			_, _ = io.WriteString(w, `{"ok":true}`)
			return
		}
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if !first {
			_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
			return
		}
		select { // the first auth.test hangs
		case <-release:
		case <-r.Context().Done():
			mu.Lock()
			gaveUp = true
			mu.Unlock()
		}
	}))
	defer fake.Close()
	defer close(release)
	s := startServer(t, []string{"CERTCOACH_DB=" + filepath.Join(t.TempDir(), "s.db"), "SLACK_SIGNING_SECRET=sig", "SLACK_BOT_TOKEN=xoxb-t", "SLACK_API_URL=" + fake.URL + "/"})
	defer s.stop(t)
	if code, _ := get(t, s.base+"/healthz"); code != 200 {
		t.Fatalf("/healthz %d", code)
	}
	mu.Lock()
	waited := gaveUp
	mu.Unlock()
	if waited {
		t.Fatalf("the listener opened only after auth.test gave up:\n%s", s.logs())
	}
	code, body := get(t, s.base+"/readyz")
	if code != 503 || !strings.Contains(body, "slack: auth.test") || strings.Contains(body, "slack: slack") {
		t.Errorf("/readyz %d %q", code, body)
	}
	for i := 0; i < 100 && !strings.Contains(s.logs(), "reminder scheduler started"); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if !regexp.MustCompile(`"interval":"[0-9hms.]+"`).MatchString(s.logs()) {
		t.Errorf("scheduler interval not logged as a duration:\n%s", s.logs())
	}
}

// TestConsoleBusyDatabase: while another process holds the database's write
// lock, a console command says in one line that the database is busy (after
// the store's busy timeout), with no log line in the terminal.
func TestConsoleBusyDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the store's busy timeout")
	}
	// The wait runs beside the other parallel tests: no t.Setenv here
	// (TestMain keeps the shell's settings out), the database by --db.
	t.Parallel()
	db := filepath.Join(t.TempDir(), "busy.db")
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	other, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK") //nolint:errcheck
	var outb, errb bytes.Buffer
	code := run([]string{"--db", db, "--user", "busy", "console"}, strings.NewReader("quiz cissp 1 1\n"), &outb, &errb)
	out, errOut := outb.String(), errb.String()
	if code != 0 || !strings.Contains(out, "The database is busy") || strings.Contains(out, "something went wrong") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if errOut != "" {
		t.Errorf("stderr: %s", errOut)
	}
}
