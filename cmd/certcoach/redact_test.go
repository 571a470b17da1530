package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRedactHandler(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := newLogger("debug", &buf, "xoxb-secret-token-123", "short")
	log = log.With("token", "xoxb-secret-token-123")
	log.Error("deliver", "err", errors.New(`Patch "https://discord.com/api/v9/webhooks/1234/aW50ZXJhY3Rpb24tdG9rZW4/messages/@original": refused`),
		"url", "https://hooks.slack.com/commands/T1/99/abcDEF", "cb", "/api/v9/interactions/55/tok-en.x/callback",
		"word", "short")
	out := buf.String()
	for _, leak := range []string{"xoxb-secret-token-123", "aW50ZXJhY3Rpb24tdG9rZW4", "abcDEF", "tok-en.x"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q leaked: %s", leak, out)
		}
	}
	if !strings.Contains(out, `"word":"short"`) {
		t.Errorf("a short value was redacted (too eager): %s", out)
	}
	if !strings.Contains(out, "/webhooks/1234/[REDACTED]/messages") {
		t.Errorf("webhook path not kept around the redaction: %s", out)
	}
}

// TestDatabaseURLPasswordNotEchoed: a database URL whose scheme is not
// spelled in lower case is still PostgreSQL's (schemes are
// case-insensitive), so opening it fails without its password, which is
// known as a secret to redact; it is never taken for a SQLite file name
// and echoed in that error.
func TestDatabaseURLPasswordNotEchoed(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, dsn := range []string{"POSTGRES://u:sekrit-pw@127.0.0.1:1/db?sslmode=disable", "PostgreSQL://u:sekrit-pw@127.0.0.1:1/db?sslmode=disable"} {
		if got := dbPasswords(dsn); !slices.Equal(got, []string{"sekrit-pw"}) {
			t.Errorf("%s: password %q, want it known as a secret", dsn, got)
		}
		if strings.Contains(dbForLog(dsn), "sekrit-pw") {
			t.Errorf("%s: logged as %s", dsn, dbForLog(dsn))
		}
		st, err := openStore(ctx, dsn, "CERTCOACH_DB")
		if err == nil {
			st.Close()
			t.Fatalf("%s: opened", dsn)
		}
		if strings.Contains(err.Error(), "sekrit-pw") || !strings.Contains(err.Error(), "u:redacted@127.0.0.1:1") {
			t.Errorf("%s: want PostgreSQL's error, without the password: %v", dsn, err)
		}
	}
}

// TestLibpqSettingRefused: a key=value database setting is refused without
// being echoed or taken for a SQLite file name, and its password is known
// to the redactor.
func TestLibpqSettingRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		dsn    string
		libpq  bool
		secret string
	}{
		{"host=127.0.0.1 user=u password=sekrit-pw dbname=cc", true, "sekrit-pw"},
		{"dbname=cc PASSWORD='sekrit-pw'", true, "sekrit-pw"},
		{"sslmode=disable host=db", true, ""},
		{filepath.Join(dir, "certcoach.db"), false, ""},
		{filepath.Join(dir, "a=b.db"), false, ""},
		{"postgres://u:sekrit-pw@127.0.0.1:1/db", false, "sekrit-pw"},
	}
	for _, tc := range tests {
		if got := libpqSetting(tc.dsn); got != tc.libpq {
			t.Errorf("libpqSetting(%q) = %v, want %v", tc.dsn, got, tc.libpq)
		}
		if got := strings.Join(dbPasswords(tc.dsn), " "); got != tc.secret {
			t.Errorf("dbPasswords(%q) = %q, want %q", tc.dsn, got, tc.secret)
		}
		if !tc.libpq {
			continue
		}
		if strings.Contains(dbForLog(tc.dsn), "sekrit") {
			t.Errorf("%q logged as %q", tc.dsn, dbForLog(tc.dsn))
		}
		st, err := openStore(context.Background(), tc.dsn, "CERTCOACH_DB")
		if err == nil {
			st.Close()
			t.Fatalf("%q opened", tc.dsn)
		}
		if strings.Contains(err.Error(), "sekrit") || !strings.Contains(err.Error(), "postgres://") {
			t.Errorf("%q: %v", tc.dsn, err)
		}
		if _, err := os.Stat(tc.dsn); err == nil {
			t.Errorf("%q created as a file", tc.dsn)
		}
	}
}

// TestOtherURLRefused: a database URL of another scheme (a typo of
// postgres://, another database's) is refused by name on every path that
// opens the database, never taken for a SQLite file name, and its password
// is neither logged nor echoed.
func TestOtherURLRefused(t *testing.T) {
	for _, dsn := range []string{"postgress://u:typo-SECRET-91@127.0.0.1:5432/db", "mysql://u:typo-SECRET-91@127.0.0.1/db", "postgres:/u:typo-SECRET-91@h/db"} {
		for _, args := range [][]string{{"ask", "help"}, {"serve"}, {"backup", filepath.Join(t.TempDir(), "copy.db")}} {
			t.Run(dsn+" "+args[0], func(t *testing.T) {
				dir := t.TempDir()
				t.Chdir(dir)
				env := map[string]string{"CERTCOACH_DB": dsn, "CERTCOACH_ADDR": "127.0.0.1:0"}
				code, out, errOut := runCLIEnv(t, env, "", args...)
				if code != 1 || !strings.Contains(errOut, "CERTCOACH_DB is not a postgres:// URL") {
					t.Errorf("exit %d, want 1 and a refusal naming CERTCOACH_DB:\n%s%s", code, errOut, out)
				}
				if strings.Contains(errOut+out, "typo-SECRET-91") {
					t.Errorf("the password is shown:\n%s%s", errOut, out)
				}
				if entries, _ := os.ReadDir(dir); len(entries) > 0 {
					t.Errorf("created %s in the working directory", entries[0].Name())
				}
			})
		}
		if got := dbPasswords(dsn); dsn[:9] != "postgres:" && !slices.Equal(got, []string{"typo-SECRET-91"}) {
			t.Errorf("%s: password %q, want it known as a secret", dsn, got)
		}
		if strings.Contains(dbForLog(dsn), "typo-SECRET-91") {
			t.Errorf("%s: logged as %s", dsn, dbForLog(dsn))
		}
	}
}

// TestDBFlagTrimmed: --db is read as CERTCOACH_DB is, without the blanks
// around it, so a pasted URL with a leading space is still a URL (not a
// SQLite path whose error shows the password).
func TestDBFlagTrimmed(t *testing.T) {
	for _, args := range [][]string{{"--db", " postgres://u:flag-SECRET-52@127.0.0.1:1/x?connect_timeout=2", "ask", "help"}, {"ask", "help", "--db", "\tpostgres://u:flag-SECRET-52@127.0.0.1:1/x?connect_timeout=2 "}} {
		code, out, errOut := runCLI(t, "", args...)
		if code != 1 || !strings.Contains(errOut, "u:redacted@127.0.0.1:1") || strings.Contains(errOut+out, "flag-SECRET-52") {
			t.Errorf("%q: exit %d, want 1 and PostgreSQL's error without the password:\n%s%s", args, code, errOut, out)
		}
	}
}
