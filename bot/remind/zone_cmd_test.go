package remind

import (
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

// TestRemindZoneWords: `remind` takes a bare city as its IANA zone and
// refuses an abbreviation (EST is fixed UTC-5, an hour off all summer in New
// York); UTC, GMT and IANA names work as before.
func TestRemindZoneWords(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		want string // in a reply that set the reminder; "" = refused
	}{
		{"remind 07:30 Berlin", "07:30 Europe/Berlin"},
		{"remind 07:30 new_york", "07:30 America/New_York"},
		{"remind 07:30 America/New_York", "07:30 America/New_York"},
		{"remind 07:30 UTC", "07:30 UTC"},
		{"remind 07:30 GMT", "07:30 GMT"},
		{"remind 07:30 EST", ""},
		{"remind 07:30 pst", ""},
		{"remind 07:30 IST", ""},
	} {
		t.Run(c.text, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, utc("2027-07-01T12:00:00Z"))
			me := dmActor("z1")
			r := e.do(me, c.text)
			if c.want != "" {
				mustContain(t, r.Body, "Daily reminder set for "+c.want)
				return
			}
			if r.Outcome != bot.OutcomeUserError || strings.Contains(r.Body, "Daily reminder set") {
				t.Errorf("%q was accepted: %+v", c.text, r)
			}
			if got := e.do(me, "remind").Body; !strings.Contains(got, "no daily reminder") {
				t.Errorf("after %q: %q", c.text, got)
			}
		})
	}
}
