package bot

import (
	"container/list"
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/certcoach/certcoach/bot/chart"
	"github.com/certcoach/certcoach/bot/study"
	"github.com/certcoach/certcoach/storage"
)

// ChartFile is the progress chart's file name on every platform.
const ChartFile = "progress.png"

// maxCharts bounds the chart cache: a chart's PNG is tens of kilobytes, so
// this keeps a few megabytes at most.
const maxCharts = 128

// chartCache keeps each user's last rendered chart per exam, least recently
// used out first. An entry is used only while the data it was drawn from
// is unchanged (the data is compared whole: a new day or a decayed mastery
// redraws), and an answer drops the user's entries at once.
type chartCache struct {
	mu    sync.Mutex
	order *list.List // front = most recently used; values are *chartEntry
	byKey map[chartKey]*list.Element
}

type chartKey struct {
	user int64
	cert string
}

type chartEntry struct {
	key  chartKey
	data chart.Data
	png  []byte
}

func newChartCache() *chartCache {
	return &chartCache{order: list.New(), byKey: map[chartKey]*list.Element{}}
}

// get returns the PNG drawn from d for k, if it is cached.
func (c *chartCache) get(k chartKey, d chart.Data) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	e := el.Value.(*chartEntry)
	if !reflect.DeepEqual(e.data, d) {
		return nil, false
	}
	c.order.MoveToFront(el)
	return e.png, true
}

func (c *chartCache) put(k chartKey, d chart.Data, png []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[k]; ok {
		el.Value = &chartEntry{key: k, data: d, png: png}
		c.order.MoveToFront(el)
		return
	}
	c.byKey[k] = c.order.PushFront(&chartEntry{key: k, data: d, png: png})
	for c.order.Len() > maxCharts {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.byKey, old.Value.(*chartEntry).key)
	}
}

// forget drops a user's charts (after an answer, or when they are deleted).
func (c *chartCache) forget(user int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, el := range c.byKey {
		if k.user == user {
			c.order.Remove(el)
			delete(c.byKey, k)
		}
	}
}

func (c *chartCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// progressImage draws (or takes from the cache) the chart of p.
func (e *Engine) progressImage(ctx context.Context, u storage.User, p study.Progress) (*Image, error) {
	d, err := e.chartData(ctx, u, p)
	if err != nil {
		return nil, err
	}
	k := chartKey{user: u.ID, cert: p.Cert}
	png, ok := e.charts.get(k, d)
	if !ok {
		if png, err = chart.Render(d); err != nil {
			return nil, fmt.Errorf("progress chart: %w", err)
		}
		e.charts.put(k, d, png)
	}
	return &Image{Name: ChartFile, PNG: png, Alt: chart.Alt(d), Width: chart.Width, Height: chart.Height(d)}, nil
}

// chartData turns a user's progress into what the chart draws, with the
// answers a day for the heat map (all exams, as the streak counts) and for
// the plan's pace line (the plan's exam only, as the plan counts).
func (e *Engine) chartData(ctx context.Context, u storage.User, p study.Progress) (chart.Data, error) {
	lt := e.clock.Now().In(study.Location(u))
	today := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	start := monday.AddDate(0, 0, -7*(chart.Weeks-1))
	d := chart.Data{Exam: strings.ToUpper(p.Cert), Readiness: percent(p.Readiness), Streak: p.Streak,
		ActivityStart: start.Format(time.DateOnly), Activity: make([]int, int(today.Sub(start).Hours()/24)+1)}
	if c, ok := e.kb.Cert(p.Cert); ok {
		d.Exam = c.Name
	}
	if p.Outline != nil {
		d.Outline = outlineLabel(p.Outline)
	}
	for _, x := range p.Domains {
		d.Domains = append(d.Domains, chart.Domain{N: x.N, Name: x.Name, Weight: x.Weight, Mastery: percent(x.Mastery), Answered: x.Answered})
	}
	since := start
	var planStart time.Time
	if p.Plan != nil {
		var err error
		if planStart, err = time.Parse(time.DateOnly, p.Plan.Plan.StartDay); err != nil {
			return chart.Data{}, fmt.Errorf("plan start %q: %w", p.Plan.Plan.StartDay, err)
		}
		if planStart.After(today) {
			planStart = today
		}
		if planStart.Before(since) {
			since = planStart
		}
		d.Plan = &chart.Plan{Start: p.Plan.Plan.StartDay, Exam: p.Plan.Plan.ExamDate, PerDay: p.Plan.Plan.PerDay,
			Expected: p.Plan.Expected, Done: p.Plan.Done, Daily: make([]int, int(today.Sub(planStart).Hours()/24)+1)}
	}
	counts, err := e.store.AnswerCounts(ctx, u.ID, since.Format(time.DateOnly))
	if err != nil {
		return chart.Data{}, err
	}
	for _, c := range counts {
		day, err := time.Parse(time.DateOnly, c.Day)
		if err != nil || day.After(today) {
			continue // a day ahead of the user's zone (they moved west)
		}
		if i := int(day.Sub(start).Hours() / 24); i >= 0 {
			d.Activity[i] += c.Answers
		}
		if d.Plan != nil && c.Cert == p.Cert {
			if i := int(day.Sub(planStart).Hours() / 24); i >= 0 {
				d.Plan.Daily[i] += c.Answers
			}
		}
	}
	return d, nil
}

func percent(f float64) int { return int(math.Round(f * 100)) }
