package bot

import (
	"fmt"
	"testing"

	"github.com/certcoach/certcoach/bot/chart"
)

// TestChartCacheIsBounded: the cache holds at most maxCharts entries,
// dropping the least recently used; forget drops one user's entries only;
// an entry serves only the data it was drawn from.
func TestChartCacheIsBounded(t *testing.T) {
	t.Parallel()
	c := newChartCache()
	d := func(i int) chart.Data { return chart.Data{Exam: fmt.Sprint(i)} }
	for i := range maxCharts {
		c.put(chartKey{user: int64(i), cert: "cissp"}, d(i), []byte{byte(i)})
	}
	if _, ok := c.get(chartKey{user: 0, cert: "cissp"}, d(0)); !ok { // 0 is now the most recent
		t.Fatal("entry 0 missing")
	}
	c.put(chartKey{user: 1000, cert: "cissp"}, d(1000), []byte{1})
	if n := c.len(); n != maxCharts {
		t.Fatalf("%d entries, want %d", n, maxCharts)
	}
	if _, ok := c.get(chartKey{user: 1, cert: "cissp"}, d(1)); ok {
		t.Error("least recently used entry kept")
	}
	if _, ok := c.get(chartKey{user: 0, cert: "cissp"}, d(0)); !ok {
		t.Error("recently used entry dropped")
	}
	if _, ok := c.get(chartKey{user: 0, cert: "cissp"}, d(7)); ok {
		t.Error("entry served for other data")
	}
	c.put(chartKey{user: 0, cert: "cism"}, d(0), []byte{2})
	c.forget(0)
	if _, ok := c.get(chartKey{user: 0, cert: "cism"}, d(0)); ok {
		t.Error("forget kept an entry")
	}
	if _, ok := c.get(chartKey{user: 100, cert: "cissp"}, d(100)); !ok {
		t.Error("forget dropped another user's entry")
	}
}
