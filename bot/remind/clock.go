package remind

import (
	"time"

	"github.com/certcoach/certcoach/bot"
)

// Clock is the scheduler's time: Now for decisions and Ticks to wake up.
// Tests pass a fake whose ticks they send by hand, so no test sleeps.
type Clock interface {
	bot.Clock
	// Ticks returns a channel that receives about every d, and a stop func.
	Ticks(d time.Duration) (<-chan time.Time, func())
}

// tickingClock gives a plain bot.Clock real tickers.
type tickingClock struct{ bot.Clock }

func (c tickingClock) Ticks(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// clockOf uses c's own ticks when it has them (a fake), else real ones.
func clockOf(c bot.Clock) Clock {
	if cc, ok := c.(Clock); ok {
		return cc
	}
	return tickingClock{c}
}
