package postgres

import (
	"errors"
	"net/url"
	"strings"
)

// dbURL is a postgres:// URL split where pgx splits it: the user name and
// password (userinfo, percent-encoded), then the hosts, path and query.
type dbURL struct {
	scheme   string // lower-cased: pgx reads only that spelling as a URL
	userinfo string // user[:password], percent-encoded; "" when hasUser is false
	hasUser  bool
	rest     string // hosts, /dbname and ?query, as written
}

// errReserved is why a URL whose user name or password holds a reserved
// character cannot be read. It never quotes the URL: what it would quote is
// the password, or part of it.
var errReserved = errors.New("the user name and password cannot be told from the host: " +
	"percent-encode the reserved characters in them (@ as %40, / as %2F, ? as %3F, # as %23, % as %25)")

// errPort is why a URL without an '@' whose port is not a number is
// refused: that "port" is most likely the start of a password whose end
// was cut off, and pgx's own error would print it.
var errPort = errors.New("the port after the host is not a number; if it is a password, the @ that ends it is missing " +
	"(in .env, \" #\" starts a comment: put the value in double quotes)")

// parseURL splits dsn, a postgres:// URL, as pgx reads it (as libpq does:
// the userinfo ends at an '@' that comes before any '/') when that reading
// leaves hosts, a path and a query that could be meant. When it does not, as
// with a generated password holding '/', or '@' unencoded, it is read the
// one way that does, with its userinfo encoded for pgx; with none, or more
// than one, it is refused with errReserved.
func parseURL(dsn string) (dbURL, error) {
	scheme, rest, _ := strings.Cut(dsn, "://")
	u := dbURL{scheme: strings.ToLower(scheme), rest: rest}
	if !strings.Contains(rest, "@") {
		if !numericPorts(rest) {
			return dbURL{}, errPort
		}
		return u, nil // what else could be wrong, pgx says
	}
	pgxAt := -1
	if i := strings.IndexAny(rest, "@/"); rest[i] == '@' {
		pgxAt = i
		if afterUserinfo(rest[i+1:]) {
			u.userinfo, u.hasUser, u.rest = encodeUserinfo(rest[:i]), true, rest[i+1:]
			return u, nil
		}
	} else if afterUserinfo(rest) {
		return u, nil
	}
	end := -1
	for i := 0; i < len(rest); i++ {
		if rest[i] != '@' || i == pgxAt || !afterUserinfo(rest[i+1:]) {
			continue
		}
		if end >= 0 {
			return dbURL{}, errReserved // two readings
		}
		end = i
	}
	// Written unencoded, a '%' may be meant as itself or as an escape.
	if end < 0 || strings.IndexByte(rest[:end], '%') >= 0 {
		return dbURL{}, errReserved
	}
	u.userinfo, u.hasUser, u.rest = encodeUserinfo(rest[:end]), true, rest[end+1:]
	return u, nil
}

// encodeUserinfo percent-encodes a userinfo written without escapes, so that
// a '#', '?' or space in it reaches pgx as itself; one with a '%' is taken
// as encoded already.
func encodeUserinfo(s string) string {
	if strings.Contains(s, "%") {
		return s
	}
	user, password, hasPassword := strings.Cut(s, ":")
	if !hasPassword {
		return url.User(user).String()
	}
	return url.UserPassword(user, password).String()
}

// afterUserinfo reports whether s could be what follows a URL's userinfo:
// hosts (host:port, comma-separated; none for the default) with numeric
// ports, then optionally /dbname, then optionally ?key=value&... . Neither
// hosts nor a database name hold an '@', and query keys are words.
func afterUserinfo(s string) bool {
	hosts, path := s, ""
	if i := strings.IndexAny(s, "/?"); i >= 0 {
		hosts, path = s[:i], s[i:]
	}
	if strings.ContainsAny(hosts, "@#") || !numericPorts(hosts) {
		return false
	}
	if db, ok := strings.CutPrefix(path, "/"); ok {
		db, query, _ := strings.Cut(db, "?")
		if strings.ContainsAny(db, "@/") {
			return false
		}
		path = "?" + query
	}
	query := strings.TrimPrefix(path, "?")
	if query == "" {
		return true
	}
	for _, kv := range strings.Split(query, "&") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_%") != "" || strings.Contains(v, "=") {
			return false
		}
	}
	return true
}

// numericPorts reports whether every port in the hosts s begins with is a
// number, or empty.
func numericPorts(s string) bool {
	hosts, _, _ := strings.Cut(s, "/")
	hosts, _, _ = strings.Cut(hosts, "?")
	for _, h := range strings.Split(hosts, ",") {
		if strings.HasPrefix(h, "[") {
			_, h, _ = strings.Cut(h, "]")
		}
		_, port, ok := strings.Cut(h, ":")
		if ok && strings.Trim(port, "0123456789") != "" {
			return false
		}
	}
	return true
}

// String is the URL, its userinfo percent-encoded.
func (u dbURL) String() string {
	if !u.hasUser {
		return u.scheme + "://" + u.rest
	}
	return u.scheme + "://" + u.userinfo + "@" + u.rest
}

// query is the URL's query, parsed as pgx does; nil if there is none or it
// does not parse.
func (u dbURL) query() url.Values {
	_, raw, ok := strings.Cut(u.rest, "?")
	if !ok {
		return nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil
	}
	return q
}

// passwordKeys are the query parameters that carry a password.
var passwordKeys = []string{"password", "sslpassword"}

// Redact returns a database URL fit to log: the password, if any, is
// replaced, and so is a password given as a query parameter. A URL whose
// password cannot be told from the rest is not shown at all.
func Redact(dsn string) string {
	const hidden = "(a database URL that cannot be read: not shown)"
	u, err := parseURL(dsn)
	if err != nil {
		return hidden
	}
	if user, _, ok := strings.Cut(u.userinfo, ":"); ok {
		u.userinfo = user + ":redacted"
	}
	if q := u.query(); q != nil {
		changed := false
		for _, k := range passwordKeys {
			if q.Has(k) {
				q.Set(k, "redacted")
				changed = true
			}
		}
		if changed {
			before, _, _ := strings.Cut(u.rest, "?")
			u.rest = before + "?" + q.Encode()
		}
	} else if strings.Contains(u.rest, "?") && strings.Contains(strings.ToLower(u.rest), "password") {
		return hidden // a query that does not parse may hold one
	}
	return u.String()
}

// Password returns the password in a database URL, in its userinfo or its
// query, or "" (also when the URL cannot be read).
func Password(dsn string) string {
	u, err := parseURL(dsn)
	if err != nil {
		return ""
	}
	if _, pw, ok := strings.Cut(u.userinfo, ":"); ok {
		if p, err := url.PathUnescape(pw); err == nil && p != "" {
			return p
		}
	}
	return u.query().Get("password")
}
