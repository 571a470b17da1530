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

// parseURL splits dsn, a postgres:// URL. A user name or password written
// with reserved characters left unencoded (a '#', '/', '?' or '@' in a
// generated password) is read as what it must be when only one '@' leaves
// a host, path and query that could be one; otherwise it is refused with
// errReserved.
func parseURL(dsn string) (dbURL, error) {
	scheme, rest, _ := strings.Cut(dsn, "://")
	u := dbURL{scheme: strings.ToLower(scheme), rest: rest}
	first := strings.IndexByte(rest, '@')
	if first < 0 {
		if !numericPorts(rest) {
			return dbURL{}, errPort
		}
		return u, nil
	}
	// The usual case: a well-formed userinfo ends at the first '@', where
	// pgx, as libpq, ends it too.
	if wellFormedUserinfo(rest[:first]) && hostsPathQuery(rest[first+1:]) {
		u.userinfo, u.hasUser, u.rest = rest[:first], true, rest[first+1:]
		return u, nil
	}
	end := -1
	for i := first; i < len(rest); i++ {
		if rest[i] != '@' || !hostsPathQuery(rest[i+1:]) {
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
	user, password, hasPassword := strings.Cut(rest[:end], ":")
	ui := url.User(user)
	if hasPassword {
		ui = url.UserPassword(user, password)
	}
	u.userinfo, u.hasUser, u.rest = ui.String(), true, rest[end+1:]
	return u, nil
}

// wellFormedUserinfo reports whether s is a userinfo as RFC 3986 writes it:
// no reserved character but ':', and '%' only in escapes.
func wellFormedUserinfo(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&'()*+,;=:", c) >= 0:
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// hostsPathQuery reports whether s could be what follows the userinfo:
// hosts (host:port, comma-separated; empty for the default), then
// optionally /dbname, then optionally ?query. Neither hosts nor a database
// name hold an '@' or a '#'; a query may hold anything.
func hostsPathQuery(s string) bool {
	hosts, path := s, ""
	if i := strings.IndexAny(s, "/?"); i >= 0 {
		hosts, path = s[:i], s[i:]
	}
	if strings.ContainsAny(hosts, "@#") {
		return false
	}
	if db, ok := strings.CutPrefix(path, "/"); ok {
		db, _, _ = strings.Cut(db, "?")
		return !strings.ContainsAny(db, "@#/")
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
