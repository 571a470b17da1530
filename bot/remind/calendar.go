package remind

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	// The zone database is compiled in: a container without /usr/share/zoneinfo
	// would otherwise fail every reminder, and zones are this feature's point.
	_ "time/tzdata"

	"github.com/certcoach/certcoach/storage"
)

// zones caches loaded locations: time.LoadLocation parses the zone file on
// every call, and a fan-out computes thousands of next-fire instants.
type zones struct{ m sync.Map }

func (z *zones) load(name string) (*time.Location, error) {
	if loc, ok := z.m.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := loadZone(name)
	if err != nil {
		return nil, err
	}
	z.m.Store(name, loc)
	return loc, nil
}

var errNoZone = errors.New("no time zone")

// loadZone loads an IANA zone by name, refusing "" and "Local" (the server's
// zone means nothing to a user).
func loadZone(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") {
		return nil, errNoZone
	}
	return time.LoadLocation(name)
}

// ParseClock parses a 24-hour local time "H:MM" or "HH:MM" into minutes
// after midnight.
func ParseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("time %q is not HH:MM between 00:00 and 23:59", s)
	}
	return hh*60 + mm, nil
}

// clockText formats minutes after midnight as HH:MM.
func clockText(minute int) string { return fmt.Sprintf("%02d:%02d", minute/60, minute%60) }

// maxScan bounds the search for the next day: a year of pause plus a week.
const maxScan = 366 + 8

// next is the scheduler's storage.NextFunc: the first instant after `after`
// at which r fires, on a local day later than lastDay, not paused and not a
// quiet weekend day. Days are stepped as calendar dates (in UTC, so DST never
// bends the arithmetic) and each day's wall time is placed by wallTime.
func (z *zones) next(r storage.Reminder, after time.Time, lastDay string) (time.Time, string, bool) {
	loc, err := z.load(r.TZ)
	if err != nil {
		return time.Time{}, "", false
	}
	lt := after.In(loc)
	d0 := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC)
	for i := range maxScan {
		d := d0.AddDate(0, 0, i)
		day := d.Format(time.DateOnly)
		if day <= lastDay || (r.PausedUntil != "" && day < r.PausedUntil) {
			continue
		}
		if r.QuietWeekends && (d.Weekday() == time.Saturday || d.Weekday() == time.Sunday) {
			continue
		}
		at := wallTime(d, r.Minute, loc)
		if !at.After(after) {
			continue
		}
		return at.UTC(), day, true
	}
	return time.Time{}, "", false
}

// wallTime is the instant the local clock in loc shows minute on date d.
// A wall time skipped by a DST gap fires at the first valid minute after it
// (the transition); a wall time that occurs twice fires at the first.
func wallTime(d time.Time, minute int, loc *time.Location) time.Time {
	h, m := minute/60, minute%60
	t := time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
	got := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if !got.Equal(d) || t.Hour() != h || t.Minute() != m {
		// In a gap. time.Date used one of the two offsets, so t shows a wall
		// time just before or just after the gap; the gap's end is the end of
		// t's zone period in the first case and its start in the second.
		start, end := t.ZoneBounds()
		if got.Before(d) || (got.Equal(d) && t.Hour()*60+t.Minute() < minute) {
			return end
		}
		return start
	}
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, off := t.Zone()
	_, prevOff := start.Add(-time.Second).Zone()
	if prevOff > off { // the clocks went back at start: the wall time may repeat
		if alt := t.Add(-time.Duration(prevOff-off) * time.Second); alt.Before(start) {
			return alt
		}
	}
	return t
}
