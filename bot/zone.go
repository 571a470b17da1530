package bot

import (
	"fmt"
	"strings"
	"time"
	// The zone database is compiled in: the engine reads zones as users type
	// them, and a container without /usr/share/zoneinfo would refuse all.
	_ "time/tzdata"
)

// ParseZone resolves a time zone as a user types it. IANA names are
// case-sensitive on disk, so "europe/berlin" is retried as
// "Europe/Berlin"; "" and "Local" (the server's zone) are refused.
func ParseZone(s string) (*time.Location, error) {
	if s == "" || strings.EqualFold(s, "local") {
		return nil, fmt.Errorf("no time zone")
	}
	if loc, err := time.LoadLocation(s); err == nil {
		return loc, nil
	}
	fixed := []byte(strings.ToLower(s))
	up := true
	for i, c := range fixed {
		if up && c >= 'a' && c <= 'z' {
			fixed[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	if loc, err := time.LoadLocation(string(fixed)); err == nil {
		return loc, nil
	}
	if strings.EqualFold(s, "utc") || strings.EqualFold(s, "gmt") {
		return time.UTC, nil
	}
	return nil, fmt.Errorf("unknown time zone %q", s)
}
