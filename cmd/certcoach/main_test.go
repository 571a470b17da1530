package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runCLIEnv(t, nil, stdin, args...)
}

// runCLIEnv runs the command line with no platform credentials but env's.
func runCLIEnv(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	for _, k := range []string{"SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_BOT_TOKEN", "DISCORD_PUBLIC_KEY", "DISCORD_APP_ID", "CERTCOACH_KB_DIR"} {
		t.Setenv(k, "")
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	if os.Getenv("CERTCOACH_DB") == "" {
		t.Setenv("CERTCOACH_DB", filepath.Join(t.TempDir(), "cli.db"))
	}
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	tests := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		out, err []string
		notOut   []string
		env      map[string]string
	}{
		{name: "compare", args: []string{"ask", "/cert compare"}, out: []string{"Information Security Governance 18%", "Information Security Risk Management", "Information Security Program 33%", "Incident Management 29%",
			"Security and Risk Management 16%", "Asset Security 10%", "Security Architecture and Engineering", "Communication and Network Security", "Identity and Access Management (IAM)", "Security Assessment and Testing 12%", "Security Operations 13%", "Software Development Security 10%"}},
		{name: "bare compare", args: []string{"ask", "compare"}, out: []string{"CISM vs CISSP"}},
		{name: "cert prefix", args: []string{"ask", "cert", "compare"}, out: []string{"CISM vs CISSP"}},
		{name: "ask items", args: []string{"ask", "/cert ask how many questions are on the CISM exam"}, out: []string{"150", "Source:", "as of"}},
		// issue 12's acceptance questions
		{name: "ask delivery", args: []string{"ask", "/cert ask where do I sit the cissp exam"}, out: []string{"Pearson VUE"}},
		{name: "ask compare topic", args: []string{"ask", "/cert ask how do cism and cissp differ on incident response"}, out: []string{"CISM vs CISSP: Incident response and incident management"}},
		{name: "ask which first", args: []string{"ask", "/cert ask which should I take first"}, out: []string{"Which should I take first?"}},
		{name: "ask weights", args: []string{"ask", "/cert ask most heavily weighted cissp domain"}, out: []string{"Security and Risk Management (16%)"}},
		{name: "unknown", args: []string{"ask", "/cert frobnicate"}, code: 2, err: []string{"unknown command", "certcoach ask"}},
		{name: "ask without text", args: []string{"ask"}, code: 2, err: []string{"usage"}},
		{name: "ask an empty question", args: []string{"ask", ""}, code: 2, err: []string{`Ask me something, e.g. certcoach ask "how long is the cissp exam?"`}},
		{name: "ask blanks", args: []string{"ask", " ", "\t"}, code: 2, err: []string{"Ask me something"}},
		{name: "bad subcommand", args: []string{"dance"}, code: 2, err: []string{"unknown command"}},
		// A chat command given as a subcommand says how to run it.
		{name: "chat command as a subcommand", args: []string{"quiz", "cissp", "7"}, code: 2, err: []string{`certcoach: quiz is a chat command: run it with certcoach ask "quiz cissp 7", or in certcoach console`}},
		{name: "chat command alias as a subcommand", args: []string{"reminder"}, code: 2, err: []string{`run it with certcoach ask "reminder"`}},
		{name: "progress as a subcommand", args: []string{"--user", "zoe", "progress"}, code: 2, err: []string{`certcoach ask "progress"`}},
		{name: "typo with arguments", args: []string{"ask", "quizz cissp 7 5"}, code: 2, err: []string{`unknown command "quizz": did you mean "quiz cissp 7 5"?`}},
		{name: "typo of remind", args: []string{"ask", "remnd 7:30"}, code: 2, err: []string{`did you mean "remind 7:30"?`}},
		{name: "swapped letters", args: []string{"ask", "qiuz cissp"}, code: 2, err: []string{`did you mean "quiz cissp"?`}},
		{name: "console with an argument", args: []string{"console", "extra"}, code: 2, err: []string{`certcoach console: unknown argument "extra"`}},
		{name: "serve with an argument", args: []string{"serve", "extra"}, code: 2, err: []string{`certcoach serve: unknown argument "extra"`}},
		{name: "kb check with an argument", args: []string{"kb", "check", "extra"}, code: 2, err: []string{`certcoach kb check: unknown argument "extra"`}},
		{name: "help with an argument", args: []string{"help", "quiz"}, code: 2, err: []string{`certcoach ask "help quiz"`}},
		{name: "empty db", args: []string{"--db", "", "ask", "progress"}, code: 2, err: []string{"--db must not be empty"}},
		{name: "blank db after the command", args: []string{"ask", "--db", " ", "progress"}, code: 2, err: []string{"--db must not be empty"}},
		{name: "empty user", args: []string{"--user", "", "ask", "progress"}, code: 2, err: []string{"--user must not be empty"}},
		{name: "blank user after the command", args: []string{"ask", "--user", " ", "progress"}, code: 2, err: []string{"--user must not be empty"}},
		// A refused argument is the caller's error: stderr and exit 2.
		{name: "bad time", args: []string{"ask", "remind 25:00 UTC"}, code: 2, err: []string{"time"}},
		{name: "too many questions", args: []string{"ask", "quiz cissp 99"}, code: 2, err: []string{"99"}},
		// A question that starts with a command's name is answered.
		{name: "question after a command word", args: []string{"ask", "exam cost cism"}, out: []string{"CISM: Exam fee", `For the command: certcoach ask "exam <cism|cissp>".`}},
		{name: "command word, no question", args: []string{"ask", "exam stop now"}, code: 2, err: []string{`Unknown argument "now"`}},
		{name: "question too long", args: []string{"ask", "ask " + strings.Repeat("why ", 130)}, code: 2, err: []string{"at most 500 characters"}},
		{name: "kb check", args: []string{"kb", "check"}, out: []string{"questions", "cues (share of questions", "questions per objective, cissp-2024", "ok: no problems found"}},
		// Piped, stdout is the replies alone: the note goes to stderr, as
		// the console's hint does, without the hint (nobody types).
		{name: "no credentials opens console", stdin: "domains cism\n", out: []string{"CISM domains"}, err: []string{"No Slack or Discord credentials"},
			notOut: []string{"credentials", "Type help"}},
		{name: "console piped says nothing of its own", args: []string{"console"}, stdin: "domains cism\n", out: []string{"CISM domains"}, notOut: []string{"Type help"}},
		{name: "console piped", args: []string{"console"}, stdin: "ask what is an rpo\nquit\n", out: []string{"Recovery point objective"}},
		{name: "user flag", args: []string{"--user", "zoe", "ask", "progress"}, out: []string{"progress"}},
		// Flags after the text are flags, not words of the command.
		{name: "user flag after the text", args: []string{"ask", "progress", "--user", "zoe"}, out: []string{"Your CISSP progress"}},
		{name: "flags between the words", args: []string{"ask", "quiz", "--user=zoe", "cissp", "2"}, out: []string{"CISSP D2 · Question 1 of 5"}},
		{name: "bad flag after the text", args: []string{"ask", "progress", "--bogus"}, code: 2, err: []string{"Unknown argument \"--bogus\""}},
		{name: "words after -- are words", args: []string{"ask", "--", "progress", "--user"}, code: 2, err: []string{"Unknown argument \"--user\""}},
		{name: "words after a later -- are words", args: []string{"ask", "progress", "--", "--user"}, code: 2, err: []string{"Unknown argument \"--user\""}},
		// After ask, a flag that is none was likely meant as text: -- is the way.
		{name: "ask with an unknown flag", args: []string{"ask", "-x"}, code: 2, err: []string{"certcoach ask: -x is not a flag", "certcoach ask -- -x"}},
		{name: "ask with an unknown long flag", args: []string{"ask", "--verbose", "why"}, code: 2, err: []string{"--verbose is not a flag", "certcoach ask -- --verbose"}},
		{name: "unknown flag after a flag", args: []string{"ask", "quiz", "--user=zoe", "-x"}, code: 2, err: []string{"-x is not a flag"}},
		// After --, text is a question as any other: answered, well or not.
		{name: "text after -- is a question", args: []string{"ask", "--", "-x"}, out: []string{`I don't have a good answer for "-x"`}},
		{name: "--user without its value", args: []string{"ask", "--user"}, code: 2, err: []string{"flag needs an argument: -user", "usage: certcoach"}},
		{name: "-h after the text", args: []string{"ask", "progress", "-h"}, out: []string{"usage: certcoach"}},
		// --help asked for the usage: stdout and success, as `help` does.
		{name: "--help", args: []string{"--help"}, out: []string{"usage: certcoach"}},
		{name: "-h", args: []string{"-h"}, out: []string{"usage: certcoach"}},
		{name: "-h after a command", args: []string{"ask", "-h"}, out: []string{"usage: certcoach"}},
		{name: "bad flag", args: []string{"--bogus"}, code: 2, err: []string{"-bogus", "usage: certcoach"}},
		{name: "backup of a missing database", args: []string{"--db", "/nonexistent-walk/c.db", "backup", "x.db"}, code: 1, err: []string{"database /nonexistent-walk/c.db does not exist"}},
		{name: "backup into a missing folder", args: []string{"backup", "/nonexistent-walk/out.db"}, stdin: "", code: 1, err: []string{"folder /nonexistent-walk does not exist"}},
		{name: "bad Discord public key names its variable", args: []string{"serve"}, env: map[string]string{"DISCORD_PUBLIC_KEY": "zz", "CERTCOACH_ADDR": "127.0.0.1:0"},
			code: 1, err: []string{"DISCORD_PUBLIC_KEY:", "Developer Portal"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "backup into a missing folder" {
				// A database to copy: the console's first command creates it.
				if code, _, errOut := runCLI(t, "", "ask", "progress"); code != 0 {
					t.Fatalf("create the database: exit %d: %s", code, errOut)
				}
			}
			code, out, errOut := runCLIEnv(t, tc.env, tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			for _, w := range tc.out {
				if !strings.Contains(strings.ToLower(out), strings.ToLower(w)) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.notOut {
				if strings.Contains(strings.ToLower(out), strings.ToLower(w)) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
			for _, w := range tc.err {
				if !strings.Contains(strings.ToLower(errOut), strings.ToLower(w)) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

func TestKBCheckListsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(`
sources:
  - {id: s1, kind: official, title: t, url: "https://example.org"}
  - {id: s1, kind: official, title: dup, url: "https://example.org/2"}
certs:
  - id: cism
    name: CISM
    full_name: Certified Information Security Manager
    body: ISACA
    facts:
      - {id: f1, key: exam.items, text: "150 questions", sources: [nope]}
outlines:
  - id: cism-x
    cert: cism
    version: x
    effective: "2022-06-01"
    sources: [s1]
    as_of: "2022"
    status: OK
    domains:
      - {n: 1, name: A, weight: 50}
      - {n: 2, name: B, weight: 40}
terms:
  - {id: t1, term: T, definition: d, domains: ["cissp:9"]}
`), 0o600)
	t.Setenv("CERTCOACH_KB_DIR", dir)
	var out, errb bytes.Buffer
	code := kbCheck(loadConfig(), &out, &errb)
	if code == 0 {
		t.Fatal("kb check passed a broken knowledge base")
	}
	for _, want := range []string{"duplicate source id", "unknown source \"nope\"", "no as_of date", "sum to 90", "dangling domain reference \"cissp:9\""} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("problems lack %q:\n%s", want, errb.String())
		}
	}
}

// TestStartupSaysWhatIsWrong: a .env that cannot be read is an error naming
// its line (never quoting it: it holds secrets), not a silent console; a
// log level that is no level is said.
func TestStartupSaysWhatIsWrong(t *testing.T) {
	tests := []struct {
		name        string
		dotenv      string // "" for none
		env         map[string]string
		code        int
		err, notErr []string
	}{
		{name: "malformed .env line", dotenv: "# comment\nCERTCOACH_WALK_A=1\nSLACK_BOT_TOKEN xoxb-secret-1\nSLACK_SIGNING_SECRET=sig-secret-2\n",
			code: 1, err: []string{".env: line 3 is not NAME=value"}, notErr: []string{"secret"}},
		// A quoted value over two lines is one entry: the bad line is still named right.
		{name: "malformed line after a multi-line value", dotenv: "CERTCOACH_WALK_A=1\nCERTCOACH_WALK_B=\"line one\nline two\"\nSLACK_BOT_TOKEN xoxb-secret-1\n",
			code: 1, err: []string{".env: line 4 is not NAME=value"}, notErr: []string{"secret"}},
		{name: "a line without =", dotenv: "CERTCOACH_WALK_A=1\nhello world\nCERTCOACH_WALK_C=3\n", code: 1, err: []string{".env: line 2 is not NAME=value"}},
		{name: "a lone word on line 1", dotenv: "bad\n", code: 1, err: []string{".env: line 1 is not NAME=value"}},
		{name: "a last line without newline", dotenv: "CERTCOACH_WALK_A=1\nhello world", code: 1, err: []string{".env: line 2 is not NAME=value"}},
		{name: "a colon is no =", dotenv: "CERTCOACH_WALK_A=1\nCERTCOACH_WALK_B:2\n", code: 1, err: []string{".env: line 2 is not NAME=value"}},
		{name: "single-quoted value over two lines", dotenv: "CERTCOACH_WALK_A='one\ntwo'\nbad line\n", code: 1, err: []string{".env: line 3 is not NAME=value"}},
		{name: "export and quotes", dotenv: "export CERTCOACH_WALK_A=\"a \\\" b\"\r\nCERTCOACH_WALK_B = 'x'\n\n"},
		{name: "good .env", dotenv: "# comment\nCERTCOACH_WALK_A=1\n"},
		{name: "no .env"},
		{name: "unknown log level", env: map[string]string{"CERTCOACH_LOG_LEVEL": "verbose"}, err: []string{"CERTCOACH_LOG_LEVEL is not debug, info, warn or error"}},
		{name: "known log level", env: map[string]string{"CERTCOACH_LOG_LEVEL": "warn"}, notErr: []string{"CERTCOACH_LOG_LEVEL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			// Set, so a loaded .env leaves the process's environment alone.
			for _, k := range []string{"CERTCOACH_WALK_A", "CERTCOACH_WALK_B", "CERTCOACH_WALK_C"} {
				t.Setenv(k, "")
			}
			if tc.dotenv != "" {
				if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(tc.dotenv), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			code, out, errOut := runCLIEnv(t, tc.env, "", "ask", "help")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			for _, w := range tc.err {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			for _, w := range tc.notErr {
				if strings.Contains(errOut, w) {
					t.Errorf("stderr has %q:\n%s", w, errOut)
				}
			}
		})
	}
}

// TestDatabaseSetting: a bad database setting is named by where it came
// from, and a new SQLite file is its owner's alone.
func TestDatabaseSetting(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		err  string
	}{
		{"flag names a folder", nil, []string{"--db", dir, "ask", "help"}, 1, "--db " + dir + " is a folder: name a database file, e.g. " + filepath.Join(dir, "certcoach.db")},
		{"variable names a folder", map[string]string{"CERTCOACH_DB": dir}, []string{"ask", "help"}, 1, "CERTCOACH_DB " + dir + " is a folder"},
		{"flag is a libpq setting", nil, []string{"ask", "--db", "host=x password=y", "help"}, 1, "--db looks like a PostgreSQL key=value setting"},
		{"variable is a libpq setting", map[string]string{"CERTCOACH_DB": "host=x password=y"}, []string{"ask", "help"}, 1, "CERTCOACH_DB looks like a PostgreSQL key=value setting"},
		{"new file", nil, []string{"--db", filepath.Join(dir, "new.db"), "ask", "progress"}, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLIEnv(t, tc.env, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.err) {
				t.Fatalf("exit %d, want %d; stderr lacks %q:\n%s\nstdout:\n%s", code, tc.code, tc.err, errOut, out)
			}
			if strings.Contains(errOut, "password=y") {
				t.Errorf("stderr echoes the setting:\n%s", errOut)
			}
		})
	}
	st, err := os.Stat(filepath.Join(dir, "new.db"))
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("new database file mode %v, want 0600", perm)
	}
}

// TestConfigProblemsBeforeStart: a platform set up halfway, or a setting
// that cannot work, is one plain line on stderr before anything starts:
// no JSON log lines, no prefix said twice.
func TestConfigProblemsBeforeStart(t *testing.T) {
	key := strings.Repeat("ab", 32)
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"discord bot token alone", map[string]string{"DISCORD_BOT_TOKEN": "t"}, "DISCORD_BOT_TOKEN is set, but Discord also needs DISCORD_APP_ID"},
		{"slack signing secret alone", map[string]string{"SLACK_SIGNING_SECRET": "s"}, "Slack also needs SLACK_BOT_TOKEN"},
		{"slack app token alone", map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, "Slack also needs SLACK_BOT_TOKEN"},
		{"bad public key", map[string]string{"DISCORD_PUBLIC_KEY": "zz"}, "DISCORD_PUBLIC_KEY: want 32 bytes as 64 hex digits"},
		{"app id not a number", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_APP_ID": "abc"}, `DISCORD_APP_ID="abc": want the Application ID`},
		{"guild id not a number", map[string]string{"DISCORD_PUBLIC_KEY": key, "DISCORD_GUILD_ID": "my server"}, `DISCORD_GUILD_ID="my server"`},
		{"slack API URL without slash", map[string]string{"SLACK_BOT_TOKEN": "x", "SLACK_APP_TOKEN": "y", "SLACK_API_URL": "http://127.0.0.1:1"}, `SLACK_API_URL="http://127.0.0.1:1" must end with "/"`},
		{"message content not a boolean", map[string]string{"DISCORD_PUBLIC_KEY": key, "DISCORD_MESSAGE_CONTENT": "yes"}, `DISCORD_MESSAGE_CONTENT="yes": want true or false`},
		{"multi-workspace without a key", map[string]string{"SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "2", "SLACK_SIGNING_SECRET": "3"}, "needs CERTCOACH_TOKEN_KEY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"CERTCOACH_ADDR": "127.0.0.1:0", "SLACK_CLIENT_ID": "", "SLACK_CLIENT_SECRET": "", "SLACK_API_URL": "", "DISCORD_GUILD_ID": "", "DISCORD_MESSAGE_CONTENT": ""}
			maps.Copy(env, tc.env)
			for _, args := range [][]string{{"serve"}, nil} {
				code, _, errOut := runCLIEnv(t, env, "", args...)
				if code != 1 || !strings.HasPrefix(errOut, "certcoach: ") || !strings.Contains(errOut, tc.want) {
					t.Fatalf("%v: exit %d, want 1 and one line with %q:\n%s", args, code, tc.want, errOut)
				}
				if strings.Contains(errOut, "{") || strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "slack: slack") {
					t.Errorf("%v: not one plain line:\n%s", args, errOut)
				}
			}
		})
	}
}

// TestServeSettingsBeforeStart: a listen address, a rate limit or a shard serve
// cannot use is one plain line naming its variable, before the database is
// opened (no JSON log lines, no database file); the console, which uses
// neither, still opens.
func TestServeSettingsBeforeStart(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"port out of range", map[string]string{"CERTCOACH_ADDR": ":99999"}, `CERTCOACH_ADDR=":99999"`},
		{"address without a port", map[string]string{"CERTCOACH_ADDR": "localhost"}, `CERTCOACH_ADDR="localhost"`},
		{"metrics address without a port", map[string]string{"CERTCOACH_METRICS_ADDR": "9090"}, `CERTCOACH_METRICS_ADDR="9090"`},
		{"rate limit not a number", map[string]string{"CERTCOACH_RATE_LIMIT": "lots"}, `CERTCOACH_RATE_LIMIT="lots"`},
		{"burst named by its own variable", map[string]string{"CERTCOACH_RATE_BURST": "-1"}, `CERTCOACH_RATE_BURST="-1"`},
		{"workspace burst named by its own variable", map[string]string{"CERTCOACH_WORKSPACE_RATE_BURST": "x"}, `CERTCOACH_WORKSPACE_RATE_BURST="x"`},
		{"discord global rate not a number", map[string]string{"DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32), "DISCORD_GLOBAL_RATE": "fast"}, `DISCORD_GLOBAL_RATE="fast"`},
		{"discord shard out of range", map[string]string{"DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32), "DISCORD_SHARD_ID": "2", "DISCORD_SHARD_COUNT": "2"}, `DISCORD_SHARD_ID="2" DISCORD_SHARD_COUNT="2"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "walk.db")
			env := map[string]string{"CERTCOACH_ADDR": "127.0.0.1:0", "CERTCOACH_METRICS_ADDR": "", "CERTCOACH_DB": db,
				"CERTCOACH_RATE_LIMIT": "", "CERTCOACH_RATE_BURST": "", "CERTCOACH_WORKSPACE_RATE_LIMIT": "", "CERTCOACH_WORKSPACE_RATE_BURST": "",
				"DISCORD_GLOBAL_RATE": "", "DISCORD_SHARD_ID": "", "DISCORD_SHARD_COUNT": ""}
			maps.Copy(env, tc.env)
			code, _, errOut := runCLIEnv(t, env, "", "serve")
			if code != 1 || !strings.HasPrefix(errOut, "certcoach: ") || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, want 1 and one line with %q:\n%s", code, tc.want, errOut)
			}
			if strings.Contains(errOut, "{") || strings.Count(errOut, "\n") != 1 {
				t.Errorf("not one plain line:\n%s", errOut)
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("serve opened the database before refusing the setting")
			}
			if code, out, errOut := runCLIEnv(t, env, "help\n", "console"); code != 0 {
				t.Errorf("console refused a setting only serve uses: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}

// TestDiscordRegisterNamesTheDialledURL: with DISCORD_API_URL set, a failed
// registration names the address it dialled, not discord.com.
func TestDiscordRegisterNamesTheDialledURL(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		code int
		want string
	}{
		{"API URL", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_APP_ID": "123", "DISCORD_API_URL": "http://127.0.0.1:9/"}, 1, `"http://127.0.0.1:9/api/v9/applications/123/commands"`},
		{"app id not a number", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_APP_ID": "abc"}, 2, `DISCORD_APP_ID="abc"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// register records what it registered: in a database that exists.
			db := filepath.Join(t.TempDir(), "c.db")
			if code, _, errOut := runCLI(t, "", "--db", db, "ask", "progress"); code != 0 {
				t.Fatalf("create the database: exit %d: %s", code, errOut)
			}
			code, _, errOut := runCLIEnv(t, tc.env, "", "--db", db, "discord", "register")
			if code != tc.code || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "discord.com") {
				t.Fatalf("exit %d, want %d; stderr lacks %q or names discord.com:\n%s", code, tc.code, tc.want, errOut)
			}
		})
	}
}

// TestReadOnlyDatabaseFile: a database file the user may not write is
// refused when it is opened, in one line, instead of every answer failing
// later as "something went wrong on our side" with SQLite's error logged.
// (Root writes any file: the check runs as another user.)
func TestReadOnlyDatabaseFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write a read-only file")
	}
	db := filepath.Join(t.TempDir(), "ro.db")
	if code, _, errOut := runCLI(t, "", "--db", db, "ask", "progress"); code != 0 {
		t.Fatalf("create the database: exit %d: %s", code, errOut)
	}
	if err := os.Chmod(db, 0o400); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--db", db, "ask", "quiz cissp"}, {"--db", db, "console"}} {
		code, out, errOut := runCLI(t, "quiz cissp\n", args...)
		if want := "the file is read-only for this user"; code != 1 || !strings.Contains(errOut, want) || strings.Contains(errOut, "{") || out != "" {
			t.Errorf("%v: exit %d, want 1 and %q alone\nstdout:\n%s\nstderr:\n%s", args, code, want, out, errOut)
		}
	}
}

// TestDBFlagAfterTheText: --db after the command's words names the
// database (it was read as a domain: CISSP has no domain "--db x.db").
func TestDBFlagAfterTheText(t *testing.T) {
	db := filepath.Join(t.TempDir(), "after.db")
	code, out, errOut := runCLI(t, "", "ask", "quiz cissp 2", "--db", db)
	if code != 0 || !strings.Contains(out, "CISSP D2 · Question 1 of 5") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("--db after the text was not used: %v", err)
	}
}
