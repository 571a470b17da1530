package bot_test

import (
	"testing"

	"github.com/certcoach/certcoach/bot"
)

// TestParseZone: zones are read as typed, in any case, and come back as
// the zone database spells them.
func TestParseZone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Europe/Berlin", "Europe/Berlin"},
		{"europe/berlin", "Europe/Berlin"},
		{"america/new_york", "America/New_York"},
		{"America/New_York", "America/New_York"},
		{"UTC", "UTC"},
		{"utc", "UTC"},
		{"America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"},
		{"america/indiana/knox", "America/Indiana/Knox"},
		{"", ""},
		{"Local", ""},
		{"local", ""},
		{"Berlin", ""},
		{"CEST+2", ""},
		{"Mars/Base", ""},
		{"../etc/passwd", ""},
	} {
		loc, err := bot.ParseZone(c.in)
		got := ""
		if err == nil {
			got = loc.String()
		}
		if got != c.want {
			t.Errorf("ParseZone(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
