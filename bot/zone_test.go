package bot_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

// TestParseZone: zones are read as typed, in any case, a bare city as the
// zone it ends, and come back as the zone database spells them;
// abbreviations are refused with the zone to use instead.
func TestParseZone(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want, says string }{
		{"Europe/Berlin", "Europe/Berlin", ""},
		{"europe/berlin", "Europe/Berlin", ""},
		{"america/new_york", "America/New_York", ""},
		{"America/New_York", "America/New_York", ""},
		{"UTC", "UTC", ""},
		{"utc", "UTC", ""},
		{"GMT", "GMT", ""},
		{"gmt", "UTC", ""},
		{"Etc/GMT+5", "Etc/GMT+5", ""},
		{"America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires", ""},
		{"america/indiana/knox", "America/Indiana/Knox", ""},
		// A bare city is the zone whose last part it is.
		{"Berlin", "Europe/Berlin", ""},
		{"berlin", "Europe/Berlin", ""},
		{"new_york", "America/New_York", ""},
		{"new york", "America/New_York", ""},
		{" Hong  Kong ", "Asia/Hong_Kong", ""},
		{"buenos aires", "America/Argentina/Buenos_Aires", ""},
		{"Kolkata", "Asia/Kolkata", ""},
		{"buenos_aires", "America/Argentina/Buenos_Aires", ""},
		{"Indianapolis", "America/Indiana/Indianapolis", ""},
		{"Sydney", "Australia/Sydney", ""},
		// Abbreviations name no one place's rules.
		{"EST", "", "America/New_York"},
		{"est", "", "America/New_York"},
		{"EDT", "", "America/New_York"},
		{"PST", "", "America/Los_Angeles"},
		{"CST", "", "America/Chicago"},
		{"IST", "", "Asia/Kolkata"},
		{"CET", "", "Europe/Berlin"},
		{"MST", "", "America/Denver"},
		{"HST", "", "Pacific/Honolulu"},
		{"", "", "IANA time zone"},
		{"Local", "", "IANA time zone"},
		{"local", "", "IANA time zone"},
		{"Factory", "", "IANA time zone"},
		{"CEST+2", "", "not an IANA time zone"},
		{"+02:00", "", "not an IANA time zone"},
		{"Mars/Base", "", "not an IANA time zone"},
		{"Atlantis", "", "not an IANA time zone"},
		{"../etc/passwd", "", "not an IANA time zone"},
		{"..", "", "not an IANA time zone"},
	} {
		loc, err := bot.ParseZone(c.in)
		got := ""
		if err == nil {
			got = loc.String()
		}
		if got != c.want {
			t.Errorf("ParseZone(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
		if c.want != "" {
			continue
		}
		var ue *bot.UserError
		if !errors.As(err, &ue) || !strings.Contains(ue.Msg, c.says) {
			t.Errorf("ParseZone(%q) error %v: want a user error saying %q", c.in, err, c.says)
		}
	}
}
