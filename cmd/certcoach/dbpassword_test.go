package main

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/storage/postgres/pgtest"
)

// TestDBPasswordOnCommandLine: a PostgreSQL URL with a password given with
// --db, where ps shows it to every user of the machine, draws one warning
// pointing to CERTCOACH_DB and .env, without the password; the command
// still runs. The same URL in CERTCOACH_DB, or one without a password,
// draws none. On a real PostgreSQL (trust: any password is accepted).
func TestDBPasswordOnCommandLine(t *testing.T) {
	const pw = "s3cret-on-the-command-line"
	plain := pgtest.NewDatabase(t)
	u, err := url.Parse(plain)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), pw)
	withUser := u.String()
	q := u.Query()
	q.Set("password", pw)
	u.User = url.User(u.User.Username())
	u.RawQuery = q.Encode()
	inQuery := u.String()
	u.User = url.UserPassword(u.User.Username(), pw)
	u.RawQuery = ""
	u.Path = "/certcoach_no_such_database"
	missing := u.String()

	const warning = "--db carries a password"
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		warn bool
		code int
	}{
		{"user:password@ in --db", nil, []string{"--db", withUser, "ask", "/cert compare"}, true, 0},
		{"password= in --db", nil, []string{"--db", inQuery, "ask", "/cert compare"}, true, 0},
		{"--db after the command", nil, []string{"ask", "/cert compare", "--db", withUser}, true, 0},
		{"--db=URL", nil, []string{"--db=" + withUser, "ask", "/cert compare"}, true, 0},
		{"no password in --db", nil, []string{"--db", plain, "ask", "/cert compare"}, false, 0},
		{"password in CERTCOACH_DB", map[string]string{"CERTCOACH_DB": withUser}, []string{"ask", "/cert compare"}, false, 0},
		// The error names the URL, without the password, after the warning.
		{"a database that does not exist", nil, []string{"--db", missing, "ask", "/cert compare"}, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLIEnv(t, tc.env, "", tc.args...)
			switch {
			case code != tc.code:
				t.Fatalf("exit %d, want %d: %s%s", code, tc.code, out, errOut)
			case code == 0 && !strings.Contains(out, "CISM vs CISSP"):
				t.Fatalf("no comparison: %s%s", out, errOut)
			case code != 0 && !strings.Contains(errOut, "certcoach_no_such_database"):
				t.Errorf("the error does not name the database: %s", errOut)
			}
			if n := strings.Count(errOut, warning); (n == 1) != tc.warn || n > 1 {
				t.Errorf("%d warnings %q, want warned=%v:\n%s", n, warning, tc.warn, errOut)
			}
			if tc.warn && !strings.Contains(errOut, "CERTCOACH_DB") {
				t.Errorf("the warning does not say what to use instead:\n%s", errOut)
			}
			if strings.Contains(errOut, pw) {
				t.Errorf("stderr shows the password:\n%s", errOut)
			}
		})
	}
}

// TestDBPasswordReservedCharacters: a PostgreSQL URL whose password holds
// reserved characters left unencoded opens the database when pgx's split
// still leaves a host, path and query, and is refused, saying to
// percent-encode, when it does not; stderr never shows the password, nor
// does the logged configuration, and the password given with --db is
// redacted from the log as any secret is.
func TestDBPasswordReservedCharacters(t *testing.T) {
	const pw = "k#9?x=q:Z+s3cret"
	u, err := url.Parse(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	readable := u.Scheme + "://" + u.User.Username() + ":" + pw + "@" + u.Host + u.Path + "?" + u.RawQuery
	ambiguous := u.Scheme + "://" + u.User.Username() + ":k@9/x-s3cret@" + u.Host + u.Path
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		err  string
	}{
		{"in CERTCOACH_DB", map[string]string{"CERTCOACH_DB": readable}, []string{"ask", "/cert compare"}, 0, ""},
		{"in --db", nil, []string{"--db", readable, "ask", "/cert compare"}, 0, "--db carries a password"},
		{"ambiguous", map[string]string{"CERTCOACH_DB": ambiguous}, []string{"ask", "/cert compare"}, 1, "percent-encode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLIEnv(t, tc.env, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.err) {
				t.Fatalf("exit %d, want %d with %q: %s%s", code, tc.code, tc.err, out, errOut)
			}
			if code == 0 && !strings.Contains(out, "CISM vs CISSP") {
				t.Errorf("no comparison: %s", out)
			}
			if strings.Contains(errOut, "s3cret") {
				t.Errorf("stderr shows the password:\n%s", errOut)
			}
		})
	}
	for _, dsn := range []string{readable, ambiguous} {
		cfg := Config{DB: dsn}
		if s := cfg.String(); strings.Contains(s, "s3cret") {
			t.Errorf("the configuration logs the password: %s", s)
		}
		var logged strings.Builder
		newLogger("info", &logged, cfg.secrets()...).Info("dialled", "err", errors.New("connect "+pw+" failed"))
		if dsn == readable && strings.Contains(logged.String(), "s3cret") {
			t.Errorf("the log shows the password: %s", logged.String())
		}
	}
}
