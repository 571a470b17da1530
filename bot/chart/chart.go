// Package chart draws a user's progress for one exam as one PNG: mastery
// per domain as horizontal bars with each domain's exam weight and the
// readiness estimate, the last 12 weeks as a calendar heat map with the
// streak, and, with a plan, answers so far against the plan's pace.
//
// It uses github.com/go-analyze/charts (pinned in go.mod: its API may change
// before 1.0) rather than gonum.org/v1/plot. The picture is three panels of
// our own layout, not one plot with axes, so what matters is a drawing
// surface; charts' Painter gives filled shapes, lines, text measurement and
// an embedded font in pure Go (CGO_ENABLED=0 builds keep working), and
// encodes the PNG itself. gonum's plot would need its canvas tiling and
// more code for the same picture.
//
// The input is a neutral struct filled by the engine: this package knows
// nothing of storage or chat platforms.
package chart

import (
	"fmt"
	"strings"
	"time"
)

// Weeks is how many calendar weeks the heat map shows.
const Weeks = 12

// Width is the image's width in pixels: wide enough to read in a chat
// client's preview, narrow enough not to be scaled down much.
const Width = 1000

const (
	heightNoPlan = 520
	heightPlan   = 740
)

// Data is what one chart shows. Values are rounded as drawn, so two Data
// that compare equal draw the same picture.
type Data struct {
	Exam      string // exam name, e.g. "CISSP"
	Outline   string // the outline's label, e.g. "2024-04-15 outline"
	Readiness int    // percent, domain-weighted mastery
	Domains   []Domain
	// ActivityStart is the Monday (YYYY-MM-DD) of the heat map's first
	// week; Activity holds answers a day from that day to the user's today
	// (its last entry), all exams counted as the streak counts them.
	ActivityStart string
	Activity      []int
	Streak        int
	Plan          *Plan
}

// Domain is one bar.
type Domain struct {
	N        int
	Name     string
	Weight   int // percent of the exam
	Mastery  int // percent
	Answered int
}

// Plan is the plan's pace against what was done.
type Plan struct {
	Start    string // YYYY-MM-DD, the plan's first day
	Exam     string // YYYY-MM-DD
	PerDay   int
	Expected int // answers expected by the end of today
	Done     int // answers since the plan started
	// Daily holds this exam's answers a day from Start to today.
	Daily []int
}

// Height is the image's height for d in pixels.
func Height(d Data) int {
	if d.Plan != nil {
		return heightPlan
	}
	return heightNoPlan
}

// Answered is the total of answers over the domains.
func (d Data) Answered() int {
	n := 0
	for _, x := range d.Domains {
		n += x.Answered
	}
	return n
}

// Alt is the text alternative for screen readers and for clients that do
// not show the image: everything the picture says, in sentences.
func Alt(d Data) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s progress chart, %s. Readiness %d%%. Mastery by domain: ", d.Exam, d.Outline, d.Readiness)
	for i, x := range d.Domains {
		if i > 0 {
			sb.WriteString("; ")
		}
		fmt.Fprintf(&sb, "D%d %s (%d%% of the exam) %d%%", x.N, x.Name, x.Weight, x.Mastery)
	}
	total, days, best, bestDay := 0, 0, 0, ""
	start, _ := time.Parse(time.DateOnly, d.ActivityStart)
	for i, n := range d.Activity {
		total += n
		if n > 0 {
			days++
		}
		if n > best {
			best, bestDay = n, start.AddDate(0, 0, i).Format(time.DateOnly)
		}
	}
	fmt.Fprintf(&sb, ". Last %d weeks: %s on %s", Weeks, plural(total, "answer"), plural(days, "day"))
	if best > 0 {
		fmt.Fprintf(&sb, ", most on %s (%d)", bestDay, best)
	}
	fmt.Fprintf(&sb, "; streak %s.", plural(d.Streak, "day"))
	if p := d.Plan; p != nil {
		fmt.Fprintf(&sb, " Plan: exam on %s at %d a day; %d answered of %d expected by today (%s).", p.Exam, p.PerDay, p.Done, p.Expected, paceState(p))
	}
	return sb.String()
}

func paceState(p *Plan) string {
	switch n := p.Done - p.Expected; {
	case n > 0:
		return fmt.Sprintf("%d ahead", n)
	case n < 0:
		return fmt.Sprintf("%d behind", -n)
	}
	return "on track"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
