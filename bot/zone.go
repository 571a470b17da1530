package bot

import (
	"strings"
	"time"
	// The zone database is compiled in: the engine reads zones as users type
	// them, and a container without /usr/share/zoneinfo would refuse all.
	_ "time/tzdata"
)

// ParseZone resolves a time zone as a user types it. IANA names are
// case-sensitive on disk, so "europe/berlin" is retried as
// "Europe/Berlin"; a bare city is the zone it ends ("Berlin" is
// Europe/Berlin), also in words ("new york"). "" and "Local" (the server's
// zone) are refused, and so are abbreviations such as EST: the zone
// database knows some of them, but as one fixed offset or one country's
// rules, an hour off for half the people who type them. A refusal is a
// UserError that says what to type instead.
func ParseZone(s string) (*time.Location, error) {
	typed := s
	s = strings.Join(strings.Fields(s), "_") // "new york" as the database spells it: New_York
	if s == "" || strings.EqualFold(s, "local") || strings.EqualFold(s, "factory") {
		return nil, Errorf("Give an IANA time zone such as `Europe/Berlin` or `America/New_York`.")
	}
	if zones := abbreviationZones(strings.ToUpper(s)); zones != "" {
		return nil, Errorf("%s is an abbreviation, which does not say whose daylight-saving rules apply: give the IANA zone, e.g. %s.", s, zones)
	}
	if loc, err := time.LoadLocation(s); err == nil {
		return loc, nil
	}
	fixed := capitalized(s)
	if loc, err := time.LoadLocation(fixed); err == nil {
		return loc, nil
	}
	if strings.EqualFold(s, "utc") || strings.EqualFold(s, "gmt") {
		return time.UTC, nil
	}
	if isCityWord(fixed) {
		// Subregions first, so Buenos_Aires is America/Argentina/Buenos_Aires,
		// not its old alias; no city is in two regions as different zones.
		// Etc is left out: Etc/GMT+5 is five hours west, not east.
		for _, region := range []string{"America/Argentina", "America/Indiana", "America/Kentucky", "America/North_Dakota",
			"Europe", "America", "Asia", "Africa", "Australia", "Pacific", "Atlantic", "Indian", "Antarctica", "Arctic"} {
			if loc, err := time.LoadLocation(region + "/" + fixed); err == nil {
				return loc, nil
			}
		}
	}
	return nil, Errorf("%q is not an IANA time zone: give one such as `Europe/Berlin` or `America/New_York`.", truncate(typed, 40))
}

// capitalized spells s as the zone database does: each word capitalized
// after a slash, underscore or hyphen ("america/new_york": "America/New_York").
func capitalized(s string) string {
	fixed := []byte(strings.ToLower(s))
	up := true
	for i, c := range fixed {
		if up && c >= 'a' && c <= 'z' {
			fixed[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(fixed)
}

// isCityWord reports whether s can be the last part of a zone name: letters,
// underscores and hyphens only (never a path).
func isCityWord(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

// abbreviationZones returns the IANA zones an upper-case abbreviation
// usually means, as text for a suggestion, or "" for no abbreviation.
func abbreviationZones(abbr string) string {
	switch abbr {
	case "EST", "EDT", "ET":
		return "America/New_York"
	case "CST", "CDT", "CT":
		return "America/Chicago (or Asia/Shanghai for China)"
	case "MST", "MDT", "MT":
		return "America/Denver (or America/Phoenix for Arizona)"
	case "PST", "PDT", "PT":
		return "America/Los_Angeles"
	case "AKST", "AKDT":
		return "America/Anchorage"
	case "HST", "HDT":
		return "Pacific/Honolulu"
	case "AST", "ADT":
		return "America/Halifax"
	case "NST", "NDT":
		return "America/St_Johns"
	case "BST":
		return "Europe/London"
	case "IST":
		return "Asia/Kolkata (or Europe/Dublin, Asia/Jerusalem)"
	case "CET", "CEST", "MET", "MEST":
		return "Europe/Berlin or Europe/Paris"
	case "EET", "EEST":
		return "Europe/Athens or Europe/Helsinki"
	case "WET", "WEST":
		return "Europe/Lisbon"
	case "MSK":
		return "Europe/Moscow"
	case "GST":
		return "Asia/Dubai"
	case "PKT":
		return "Asia/Karachi"
	case "ICT":
		return "Asia/Bangkok"
	case "WIB":
		return "Asia/Jakarta"
	case "SGT":
		return "Asia/Singapore"
	case "HKT":
		return "Asia/Hong_Kong"
	case "PHT", "PHST":
		return "Asia/Manila"
	case "JST":
		return "Asia/Tokyo"
	case "KST":
		return "Asia/Seoul"
	case "AEST", "AEDT":
		return "Australia/Sydney"
	case "ACST", "ACDT":
		return "Australia/Adelaide"
	case "AWST":
		return "Australia/Perth"
	case "NZST", "NZDT":
		return "Pacific/Auckland"
	case "SAST":
		return "Africa/Johannesburg"
	case "WAT":
		return "Africa/Lagos"
	case "CAT":
		return "Africa/Maputo"
	case "EAT":
		return "Africa/Nairobi"
	case "BRT":
		return "America/Sao_Paulo"
	case "ART":
		return "America/Argentina/Buenos_Aires"
	}
	return ""
}
