package postgres

import (
	"encoding/hex"
	"errors"
	"slices"
	"strings"
)

// dbURL is a postgres:// URL split where pgx splits it: the userinfo (user
// name and password, as written), then the hosts, path and query.
type dbURL struct {
	scheme   string // lower-cased: pgx reads only that spelling as a URL
	userinfo string // "user[:password]@" as written, or ""
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

// parseURL splits dsn, a postgres:// URL, once, as pgx (and libpq) does:
// the userinfo ends at an '@' that comes before any '/'. When what follows
// could not be meant as hosts, a path and a query, a reserved character in
// the password has most likely moved the split, and the URL is refused:
// reading it another way would connect somewhere psql would not.
func parseURL(dsn string) (dbURL, error) {
	scheme, rest, _ := strings.Cut(dsn, "://")
	u := dbURL{scheme: strings.ToLower(scheme), rest: rest}
	if !strings.Contains(rest, "@") {
		if !numericPorts(rest) {
			return dbURL{}, errPort
		}
		return u, nil // what else could be wrong, pgx says
	}
	if i := strings.IndexAny(rest, "@/"); rest[i] == '@' {
		u.userinfo, u.rest = rest[:i+1], rest[i+1:]
	}
	if !afterUserinfo(u.rest) {
		return dbURL{}, errReserved
	}
	return u, nil
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

// String is the URL as pgx is given it.
func (u dbURL) String() string {
	return u.scheme + "://" + u.userinfo + u.rest
}

// passwordKeys are the query parameters that carry a password.
var passwordKeys = []string{"password", "sslpassword"}

// eachParam calls f with each key=value of the URL's query, raw, and
// replaces the value with what f returns.
func (u *dbURL) eachParam(f func(key, value string) string) {
	before, query, ok := strings.Cut(u.rest, "?")
	if !ok {
		return
	}
	pairs := strings.Split(query, "&")
	for i, kv := range pairs {
		if k, v, ok := strings.Cut(kv, "="); ok {
			pairs[i] = k + "=" + f(k, v)
		}
	}
	u.rest = before + "?" + strings.Join(pairs, "&")
}

// isPasswordKey reports whether a raw query key names a password, once
// decoded as pgx decodes it (pass%77ord is password).
func isPasswordKey(raw string) bool {
	k, _ := uriDecode(raw)
	return slices.Contains(passwordKeys, k)
}

// Redact returns a database URL fit to log: the password, if any, is
// replaced, and so is a password given as a query parameter. A URL whose
// password cannot be told from the rest is not shown at all.
func Redact(dsn string) string {
	u, err := parseURL(dsn)
	if err != nil {
		return "(a database URL that cannot be read: not shown)"
	}
	return u.redacted()
}

// redacted is u as Redact shows it.
func (u dbURL) redacted() string {
	if user, _, ok := strings.Cut(u.userinfo, ":"); ok {
		u.userinfo = user + ":redacted@"
	}
	u.eachParam(func(k, v string) string {
		if isPasswordKey(k) {
			return "redacted"
		}
		return v
	})
	return u.String()
}

// Passwords returns the passwords in a database URL, decoded as pgx decodes
// them (as written when they do not decode): the one in its userinfo and
// any password or sslpassword in its query. It returns none when the URL
// cannot be read.
func Passwords(dsn string) []string {
	u, err := parseURL(dsn)
	if err != nil {
		return nil
	}
	var pws []string
	add := func(raw string) {
		p, ok := uriDecode(raw)
		if !ok {
			p = raw
		}
		if p != "" {
			pws = append(pws, p)
		}
	}
	if _, pw, ok := strings.Cut(strings.TrimSuffix(u.userinfo, "@"), ":"); ok {
		add(pw)
	}
	u.eachParam(func(k, v string) string {
		if isPasswordKey(k) {
			add(v)
		}
		return v
	})
	return pws
}

// uriDecode percent-decodes a URL component as pgx does (libpq's rules):
// %XX escapes only, %00 refused, leading and trailing spaces dropped and
// spaces between refused; '+' is itself. ok is false where pgx would fail.
func uriDecode(raw string) (s string, ok bool) {
	raw = strings.Trim(raw, " ")
	if strings.Contains(raw, " ") {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] != '%' {
			b.WriteByte(raw[i])
			continue
		}
		if i+2 >= len(raw) {
			return "", false
		}
		c, err := hex.DecodeString(raw[i+1 : i+3])
		if err != nil || c[0] == 0 {
			return "", false
		}
		b.WriteByte(c[0])
		i += 2
	}
	return b.String(), true
}
