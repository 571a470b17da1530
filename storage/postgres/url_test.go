package postgres

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestParseURLReservedPassword: a URL is split once, where pgx splits it,
// so that pgx, Redact and Passwords read the same user, password and host;
// a password with reserved characters left unencoded is accepted when pgx
// still reads a host, path and query from what follows, and refused, saying
// to percent-encode, when it does not, rather than read another way (which
// would connect somewhere psql would not). Neither Redact nor the refusal
// shows the password.
func TestParseURLReservedPassword(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, dsn      string
		user, password string // what pgx must read; "" with err
		host, database string
		err            error
	}{
		{"plain", "postgres://u:Pw0rd-long@db.example:5432/certcoach?sslmode=disable", "u", "Pw0rd-long", "db.example", "certcoach", nil},
		{"encoded stays encoded", "postgres://u:p%23ss%40w0rd@db.example/certcoach", "u", "p#ss@w0rd", "db.example", "certcoach", nil},
		{"#", "postgres://u:pa#ss-w0rd@db.example:5432/certcoach", "u", "pa#ss-w0rd", "db.example", "certcoach", nil},
		{"# then digits, which net/url reads as a port", "postgres://u:12#345678@db.example/certcoach", "u", "12#345678", "db.example", "certcoach", nil},
		{"+ is itself", "postgres://u:a+b-w0rd@db.example/certcoach", "u", "a+b-w0rd", "db.example", "certcoach", nil},
		{"/", "postgres://u:pa/ss-w0rd@db.example/certcoach", "", "", "", "", errReserved},
		{"? and =", "postgres://u:pa?ss=w0rd@db.example/certcoach?sslmode=disable", "u", "pa?ss=w0rd", "db.example", "certcoach", nil},
		{"@", "postgres://u:pa@ss-w0rd@db.example/certcoach", "", "", "", "", errReserved},
		{"@ and /, two hosts", "postgres://u:p@evil.example/x@db.example/certcoach", "", "", "", "", errReserved},
		{"all of them", "postgres://u:#/?@:x-long@db.example/certcoach", "", "", "", "", errReserved},
		{"user@server, as some clouds name users", "postgres://u@srv:Pw0rd-long@db.example/certcoach", "", "", "", "", errReserved},
		{"user%40server", "postgres://u%40srv:Pw0rd-long@db.example/certcoach", "u@srv", "Pw0rd-long", "db.example", "certcoach", nil},
		{"@ in the query, password well formed", "postgres://u:Pw0rd-long@db.example/certcoach?application_name=a@b", "u", "Pw0rd-long", "db.example", "certcoach", nil},
		{"IPv6 host", "postgres://u:pa#ss-w0rd@[::1]:5432/certcoach", "u", "pa#ss-w0rd", "::1", "certcoach", nil},
		{"? before @, as pgx reads it", "postgres://u:pa?ss-w0rd@db.example/certcoach", "u", "pa?ss-w0rd", "db.example", "certcoach", nil},
		{"@ then ?", "postgres://u:pa@x?ss-w0rd@db.example:5432/certcoach?sslmode=require", "", "", "", "", errReserved},
		{"no userinfo, @ in the query", "postgres://db.example/certcoach?application_name=a@b", "", "", "db.example", "certcoach", nil},
		{"no host after the @", "postgres://u:pa#ss-w0rd@db#example/certcoach", "", "", "", "", errReserved},
		{"cut off before its @ (a .env comment)", "postgres://u:pa-w0rd-long", "", "", "", "", errPort},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := parseURL(tc.dsn)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("parseURL = %v, want %v", err, tc.err)
				}
				if strings.Contains(tc.err.Error(), "%") && !strings.Contains(err.Error(), "percent-encode") {
					t.Errorf("the refusal does not say to percent-encode: %v", err)
				}
				if got := Redact(tc.dsn); strings.Contains(got, "w0rd") {
					t.Errorf("Redact shows the password: %s", got)
				}
				_, err := Open(context.Background(), tc.dsn)
				if err == nil || strings.Contains(err.Error(), "w0rd") {
					t.Errorf("Open's error shows the password, or there is none: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := pgx.ParseConfig(u.String())
			if err != nil {
				t.Fatal(err)
			}
			if tc.user == "" {
				cfg.User = "" // pgx's default, the OS user's name
			}
			if cfg.User != tc.user || cfg.Password != tc.password || cfg.Host != tc.host || cfg.Database != tc.database {
				t.Errorf("pgx reads user %q password %q host %q database %q, want %q %q %q %q",
					cfg.User, cfg.Password, cfg.Host, cfg.Database, tc.user, tc.password, tc.host, tc.database)
			}
			if got := strings.Join(Passwords(tc.dsn), " "); got != tc.password {
				t.Errorf("Passwords = %q, want %q", got, tc.password)
			}
			red := Redact(tc.dsn)
			if strings.Contains(red, "w0rd") || strings.Contains(red, "long") || !strings.Contains(red, tc.host) {
				t.Errorf("Redact = %s: want the host, without the password", red)
			}
		})
	}
}

// TestOpenBadEscapeInPassword: a '%' that is no escape, in a URL read as
// pgx reads it, is pgx's to refuse, and its error does not quote the
// password either.
func TestOpenBadEscapeInPassword(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), "postgres://u:50%off#w0rd@127.0.0.1:1/x?connect_timeout=2")
	if err == nil || strings.Contains(err.Error(), "w0rd") || strings.Contains(err.Error(), "off") || !strings.Contains(err.Error(), "percent-encoded") {
		t.Fatalf("want pgx's refusal of the escape, without the password, got %v", err)
	}
}

// TestPasswords: every password in a URL, its userinfo's and the query's
// password and sslpassword, is found as pgx decodes it ('+' is itself), or
// as written when pgx could not decode it, and Redact hides each of them.
func TestPasswords(t *testing.T) {
	for _, tc := range []struct {
		dsn  string
		want []string
	}{
		{"postgres://h/db?password=a+b", []string{"a+b"}},
		{"postgres://h/db?sslmode=verify-full&sslpassword=k%2Fey&pass%77ord=p%40w", []string{"k/ey", "p@w"}},
		{"postgres://u:pw@h/db?sslpassword=key", []string{"pw", "key"}},
		{"postgres://u:50%zz@h/db", []string{"50%zz"}},
		{"postgres://h/db?password=a%00b", []string{"a%00b"}},
		{"postgres://u:a%20b@h/db", []string{"a b"}},
		{"postgres://u:@h/db?password=", nil},
		{"postgres://u:pa@ss@h/db", nil}, // refused: nothing is read from it
	} {
		if got := Passwords(tc.dsn); !slices.Equal(got, tc.want) {
			t.Errorf("Passwords(%q) = %q, want %q", tc.dsn, got, tc.want)
		}
		red := Redact(tc.dsn)
		for _, pw := range tc.want {
			if strings.Contains(red, pw) || strings.Contains(red, url.QueryEscape(pw)) {
				t.Errorf("Redact(%q) = %q shows %q", tc.dsn, red, pw)
			}
		}
	}
}

// TestOpenParseErrorWithoutURL: when pgx cannot parse a URL, Open says why
// after the redacted URL, and pgx's copy of the URL is left out whole, even
// when a password holding ": " would have cut its message in the wrong
// place, or a database name holding "`: ".
func TestOpenParseErrorWithoutURL(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://u:s3cret: w0rd@127.0.0.1:1/a`: b":                 "open database postgres://u:redacted@127.0.0.1:1/a`: b: cannot parse it: failed to parse as URL (unexpected spaces found in password, use percent-encoded spaces (%20) instead)",
		"postgres://u:s3cret`: w0rd@127.0.0.1:1/x":                    "open database postgres://u:redacted@127.0.0.1:1/x: cannot parse it: failed to parse as URL (unexpected spaces found in password, use percent-encoded spaces (%20) instead)",
		"postgres://u:s3cret:w0rd@127.0.0.1:1/x?connect_timeout=soon": "open database postgres://u:redacted@127.0.0.1:1/x?connect_timeout=soon: cannot parse it: invalid connect_timeout (strconv.ParseInt: parsing \"soon\": invalid syntax)",
	} {
		_, err := Open(context.Background(), dsn)
		if err == nil || err.Error() != want {
			t.Errorf("Open(%q) = %v,\nwant %s", dsn, err, want)
		}
	}
}
