package remind

import (
	"testing"
	"time"

	"github.com/certcoach/certcoach/storage"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestWallTimeDST(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		zone, day, clock string
		want             string // UTC
	}{
		// Spring forward: 02:00-03:00 does not exist; fire at 03:00 local.
		{"America/New_York", "2027-03-14", "02:30", "2027-03-14T07:00:00Z"},
		{"America/New_York", "2027-03-14", "02:00", "2027-03-14T07:00:00Z"},
		{"America/New_York", "2027-03-14", "02:59", "2027-03-14T07:00:00Z"},
		{"America/New_York", "2027-03-14", "03:00", "2027-03-14T07:00:00Z"},
		{"America/New_York", "2027-03-14", "01:59", "2027-03-14T06:59:00Z"},
		{"Europe/Berlin", "2027-03-28", "02:30", "2027-03-28T01:00:00Z"},
		{"Europe/Berlin", "2027-03-28", "07:30", "2027-03-28T05:30:00Z"},
		{"Europe/Berlin", "2027-03-27", "07:30", "2027-03-27T06:30:00Z"},
		// Fall back: 01:00-02:00 (NY) and 02:00-03:00 (Berlin) happen twice; the first counts.
		{"America/New_York", "2027-11-07", "01:30", "2027-11-07T05:30:00Z"},
		{"America/New_York", "2027-11-07", "01:00", "2027-11-07T05:00:00Z"},
		{"America/New_York", "2027-11-07", "02:00", "2027-11-07T07:00:00Z"},
		{"America/New_York", "2027-11-08", "01:30", "2027-11-08T06:30:00Z"},
		{"Europe/Berlin", "2027-10-31", "02:30", "2027-10-31T00:30:00Z"},
		{"Europe/Berlin", "2027-10-31", "03:00", "2027-10-31T02:00:00Z"},
		// Midnight and leap day.
		{"Europe/Berlin", "2028-02-29", "00:00", "2028-02-28T23:00:00Z"},
		{"America/New_York", "2028-02-29", "23:59", "2028-03-01T04:59:00Z"},
		{"UTC", "2028-02-29", "00:00", "2028-02-29T00:00:00Z"},
	} {
		loc := mustZone(t, tc.zone)
		d, _ := time.Parse(time.DateOnly, tc.day)
		m, err := ParseClock(tc.clock)
		if err != nil {
			t.Fatal(err)
		}
		got := wallTime(d, m, loc).UTC().Format(time.RFC3339)
		if got != tc.want {
			t.Errorf("%s %s %s: got %s, want %s", tc.zone, tc.day, tc.clock, got, tc.want)
		}
	}
}

func TestNextSequence(t *testing.T) {
	t.Parallel()
	z := &zones{}
	// Daily 01:30 in New York across fall back fires once on 2027-11-07.
	r := storage.Reminder{Minute: 90, TZ: "America/New_York"}
	at := time.Date(2027, 11, 6, 0, 0, 0, 0, time.UTC)
	var got []string
	last := ""
	for range 3 {
		next, day, ok := z.next(r, at, last)
		if !ok {
			t.Fatal("no next")
		}
		got = append(got, day+" "+next.Format(time.RFC3339))
		at, last = next, day
	}
	want := []string{"2027-11-06 2027-11-06T05:30:00Z", "2027-11-07 2027-11-07T05:30:00Z", "2027-11-08 2027-11-08T06:30:00Z"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("occurrence %d: got %s, want %s", i, got[i], want[i])
		}
	}
	// After the first 01:30 on the fall-back day, the repeated 01:30 is the same local day: not again.
	next, day, _ := z.next(r, time.Date(2027, 11, 7, 6, 30, 0, 0, time.UTC), "2027-11-07")
	if day != "2027-11-08" || !next.Equal(time.Date(2027, 11, 8, 6, 30, 0, 0, time.UTC)) {
		t.Errorf("after repeated hour: %s %s", day, next)
	}
}

func TestNextRules(t *testing.T) {
	t.Parallel()
	z := &zones{}
	berlin := storage.Reminder{Minute: 7*60 + 30, TZ: "Europe/Berlin"}
	fri := time.Date(2027, 3, 26, 7, 0, 0, 0, time.UTC) // Friday 08:00 CET, after 07:30
	cases := []struct {
		name    string
		r       storage.Reminder
		after   time.Time
		last    string
		wantDay string
	}{
		{"later today is tomorrow", berlin, fri, "", "2027-03-27"},
		{"before time today", berlin, time.Date(2027, 3, 26, 6, 0, 0, 0, time.UTC), "", "2027-03-26"},
		{"today already done", berlin, time.Date(2027, 3, 26, 6, 0, 0, 0, time.UTC), "2027-03-26", "2027-03-27"},
		{"quiet weekends", storage.Reminder{Minute: 450, TZ: "Europe/Berlin", QuietWeekends: true}, fri, "", "2027-03-29"},
		{"paused", storage.Reminder{Minute: 450, TZ: "Europe/Berlin", PausedUntil: "2027-04-02"}, fri, "", "2027-04-02"},
		{"leap day", storage.Reminder{Minute: 0, TZ: "America/New_York"}, time.Date(2028, 2, 28, 5, 0, 1, 0, time.UTC), "", "2028-02-29"},
		{"midnight UTC vs local", storage.Reminder{Minute: 23*60 + 30, TZ: "America/New_York"}, time.Date(2027, 6, 1, 2, 0, 0, 0, time.UTC), "", "2027-05-31"},
	}
	for _, tc := range cases {
		_, day, ok := z.next(tc.r, tc.after, tc.last)
		if !ok || day != tc.wantDay {
			t.Errorf("%s: got %q (ok %v), want %s", tc.name, day, ok, tc.wantDay)
		}
	}
	if _, _, ok := z.next(storage.Reminder{Minute: 1, TZ: "Mars/Olympus"}, fri, ""); ok {
		t.Error("bad zone fired")
	}
}

func TestParseClock(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"7:30", "07:30", "00:00", "23:59"} {
		if _, err := ParseClock(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"24:00", "7:60", "730", "7:3", "", "ab:cd", "-1:30", "7:30pm"} {
		if _, err := ParseClock(s); err == nil {
			t.Errorf("%s accepted", s)
		}
	}
}
