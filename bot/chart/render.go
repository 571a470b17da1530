package chart

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"time"

	"github.com/go-analyze/charts"
	"github.com/go-analyze/charts/chartdraw"
	"github.com/golang/freetype/truetype"
)

// The picture has its own opaque, light background with a border, so it
// reads the same in light and dark clients; the colours keep a contrast of
// at least 4.5:1 for text against that background.
var (
	colBackground = charts.ColorFromHex("#fbfcfd")
	colBorder     = charts.ColorFromHex("#c9ced6")
	colText       = charts.ColorFromHex("#1d2433")
	colMuted      = charts.ColorFromHex("#4f5869")
	colRule       = charts.ColorFromHex("#dde1e7")
	colTrack      = charts.ColorFromHex("#e4e7ec")
	colAccent     = charts.ColorFromHex("#2458c6")
	colPace       = charts.ColorFromHex("#7b8494")
	colToday      = charts.ColorFromHex("#1d2433")
	// Heat levels: none, then lighter to darker blue.
	colHeat = [...]charts.Color{colTrack, charts.ColorFromHex("#c3d6f5"), charts.ColorFromHex("#8cb0ec"), charts.ColorFromHex("#4c82dc"), charts.ColorFromHex("#1f4fa8")}
)

// palette lists the design's colours for the PNG's palette.
func palette() []color.RGBA {
	cols := []charts.Color{colBackground, colBorder, colText, colMuted, colRule, colTrack, colAccent, colPace, colToday}
	cols = append(cols, colHeat[:]...)
	out := make([]color.RGBA, len(cols))
	for i, c := range cols {
		out[i] = color.RGBA{R: c.R, G: c.G, B: c.B, A: 255}
	}
	return out
}

// heatLevels are the lower bounds of heat levels 1 to 4 (answers a day).
var heatLevels = [...]int{1, 5, 10, 20}

func heatLevel(n int) int {
	l := 0
	for i, min := range heatLevels {
		if n >= min {
			l = i + 1
		}
	}
	return l
}

const (
	pad      = 28
	leftEnd  = 560 // mastery panel: pad..leftEnd
	rightX   = 600 // heat map panel: rightX..Width-pad
	panelTop = 96
	splitY   = 476 // the line above the plan panel
)

type canvas struct {
	r          chartdraw.Renderer
	font, bold *truetype.Font
	high       int
}

func (c *canvas) style(size float64, col charts.Color, bold bool) charts.FontStyle {
	f := c.font
	if bold {
		f = c.bold
	}
	return charts.FontStyle{FontSize: size, FontColor: col, Font: f}
}

func (c *canvas) setFont(st charts.FontStyle) {
	c.r.SetFont(st.Font)
	c.r.SetFontSize(st.FontSize)
	c.r.SetFontColor(st.FontColor)
}

func (c *canvas) textWidth(s string, st charts.FontStyle) int {
	defer c.r.ResetStyle()
	c.setFont(st)
	return c.r.MeasureText(s).Width()
}

// text draws s with its baseline at y, from x (align 'l'), ending at x
// ('r') or centred on x ('c'); it returns the drawn width.
func (c *canvas) text(s string, x, y int, st charts.FontStyle, align byte) int {
	defer c.r.ResetStyle()
	c.setFont(st)
	w := c.r.MeasureText(s).Width()
	switch align {
	case 'r':
		x -= w
	case 'c':
		x -= w / 2
	}
	c.r.Text(s, x, y)
	return w
}

// fit shortens s with an ellipsis until it is at most w pixels wide.
func (c *canvas) fit(s string, w int, st charts.FontStyle) string {
	if c.textWidth(s, st) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		t := string(r) + "…"
		if c.textWidth(t, st) <= w {
			return t
		}
	}
	return ""
}

func (c *canvas) path(pts []charts.Point) {
	for i, p := range pts {
		if i == 0 {
			c.r.MoveTo(p.X, p.Y)
		} else {
			c.r.LineTo(p.X, p.Y)
		}
	}
}

func (c *canvas) rect(x1, y1, x2, y2 int, col charts.Color) {
	defer c.r.ResetStyle()
	c.path([]charts.Point{{X: x1, Y: y1}, {X: x2, Y: y1}, {X: x2, Y: y2}, {X: x1, Y: y2}, {X: x1, Y: y1}})
	c.r.SetFillColor(col)
	c.r.Fill()
}

// outlined is a filled rectangle with a border of width w.
func (c *canvas) outlined(x1, y1, x2, y2 int, fill, border charts.Color, w float64) {
	defer c.r.ResetStyle()
	c.path([]charts.Point{{X: x1, Y: y1}, {X: x2, Y: y1}, {X: x2, Y: y2}, {X: x1, Y: y2}, {X: x1, Y: y1}})
	c.r.SetFillColor(fill)
	c.r.SetStrokeColor(border)
	c.r.SetStrokeWidth(w)
	c.r.FillStroke()
}

// line strokes through pts, dashed when dash is set.
func (c *canvas) line(pts []charts.Point, col charts.Color, w float64, dash []float64) {
	defer c.r.ResetStyle()
	c.path(pts)
	c.r.SetStrokeColor(col)
	c.r.SetStrokeWidth(w)
	if dash != nil {
		c.r.SetStrokeDashArray(dash)
	}
	c.r.Stroke()
}

// rgba receives the drawn image from the renderer's Save, so the PNG is
// encoded here (encodePNG) rather than by image/png.
type rgba struct{ img *image.RGBA }

func (r *rgba) SetRGBA(i *image.RGBA)       { r.img = i }
func (r *rgba) Write(p []byte) (int, error) { return 0, errors.New("chart: unexpected encoded output") }

// Render draws d as a PNG of Width x Height(d) pixels.
func Render(d Data) ([]byte, error) {
	h := Height(d)
	c := &canvas{r: chartdraw.PNG(Width, h), font: charts.GetFont(charts.FontFamilyRoboto), bold: charts.GetFont(charts.FontFamilyNotoSansBold), high: h}
	c.outlined(0, 0, Width-1, h-1, colBackground, colBorder, 2)
	c.header(d)
	c.rect(pad, panelTop-8, Width-pad, panelTop-7, colRule)
	c.mastery(d)
	c.heatmap(d)
	c.rect(pad, splitY, Width-pad, splitY+1, colRule)
	if d.Plan != nil {
		c.plan(d.Plan)
	} else {
		c.hint(d)
	}
	var out rgba
	if err := c.r.Save(&out); err != nil || out.img == nil {
		return nil, fmt.Errorf("draw chart: %w", err)
	}
	b, err := encodePNG(out.img, palette())
	if err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return b, nil
}

func (c *canvas) header(d Data) {
	title := c.style(17, colText, true)
	c.text(c.fit(d.Exam+" progress", 560, title), pad, 48, title, 'l')
	sub := c.style(10.5, colMuted, false)
	c.text(c.fit(fmt.Sprintf("%s · %s answered", d.Outline, count(d.Answered())), 640, sub), pad, 74, sub, 'l')
	c.text("Readiness", Width-pad, 38, c.style(10.5, colMuted, false), 'r')
	c.text(fmt.Sprintf("%d%%", d.Readiness), Width-pad, 76, c.style(24, colAccent, true), 'r')
}

func (c *canvas) mastery(d Data) {
	c.text("Mastery by domain", pad, panelTop+26, c.style(12, colText, true), 'l')
	c.text("% = share of the exam", leftEnd, panelTop+26, c.style(9, colMuted, false), 'r')
	if len(d.Domains) == 0 {
		return
	}
	const top, bottom = panelTop + 42, splitY - 14
	barEnd := leftEnd - 52
	rowH := min(54, (bottom-top)/len(d.Domains))
	label := c.style(10, colText, false)
	weight := c.style(9.5, colMuted, false)
	value := c.style(10.5, colText, true)
	for i, x := range d.Domains {
		y := top + i*rowH
		wl := fmt.Sprintf("%d%%", x.Weight)
		ww := c.text(wl, barEnd, y+14, weight, 'r')
		c.text(c.fit(fmt.Sprintf("D%d  %s", x.N, x.Name), barEnd-pad-ww-12, label), pad, y+14, label, 'l')
		c.rect(pad, y+20, barEnd, y+32, colTrack)
		if m := min(max(x.Mastery, 0), 100); m > 0 {
			c.rect(pad, y+20, pad+max(2, (barEnd-pad)*m/100), y+32, colAccent)
		}
		c.text(fmt.Sprintf("%d%%", x.Mastery), leftEnd, y+31, value, 'r')
	}
}

func (c *canvas) heatmap(d Data) {
	c.text(fmt.Sprintf("Activity, last %d weeks", Weeks), rightX, panelTop+26, c.style(12, colText, true), 'l')
	const cell, gap = 24, 4
	x0, y0 := Width-pad-Weeks*(cell+gap)+gap, panelTop+58
	small := c.style(9, colMuted, false)
	for row, name := range []string{"Mon", "", "Wed", "", "Fri", "", "Sun"} {
		if name != "" {
			c.text(name, x0-8, y0+row*(cell+gap)+cell/2+5, small, 'r')
		}
	}
	start, err := time.Parse(time.DateOnly, d.ActivityStart)
	if err != nil {
		start = time.Time{}
	}
	lastMonthX := -100
	for col := range Weeks {
		// A month's name sits over the week holding its first day (or the
		// first week), when there is room after the previous one.
		monday := start.AddDate(0, 0, col*7)
		first := col == 0
		for k := range 7 {
			if monday.AddDate(0, 0, k).Day() == 1 {
				first = true
			}
		}
		x := x0 + col*(cell+gap)
		if first && !start.IsZero() && x-lastMonthX >= 40 {
			name := monday.AddDate(0, 0, 6).Format("Jan")
			if col == 0 {
				name = monday.Format("Jan")
			}
			c.text(name, x, y0-8, small, 'l')
			lastMonthX = x
		}
	}
	for i := range min(len(d.Activity), Weeks*7) {
		x := x0 + (i/7)*(cell+gap)
		y := y0 + (i%7)*(cell+gap)
		c.rect(x, y, x+cell, y+cell, colHeat[heatLevel(d.Activity[i])])
		if i == len(d.Activity)-1 { // today
			c.outlined(x, y, x+cell, y+cell, colHeat[heatLevel(d.Activity[i])], colToday, 2)
		}
	}
	// Legend: one swatch per level with its range of answers a day.
	ly := y0 + 7*(cell+gap) + 16
	x := x0
	legend := []string{"0", "1–4", "5–9", "10–19", "20+"}
	for i, s := range legend {
		c.rect(x, ly-10, x+12, ly+2, colHeat[i])
		x += 16 + c.text(s, x+16, ly+1, small, 'l') + 14
	}
	c.text("a day", x, ly+1, small, 'l')
	total, days := 0, 0
	for _, n := range d.Activity {
		total += n
		if n > 0 {
			days++
		}
	}
	c.text(fmt.Sprintf("Streak: %s", plural(d.Streak, "day")), rightX, ly+42, c.style(13, colText, true), 'l')
	c.text(fmt.Sprintf("%s on %s in %d weeks", plural(total, "answer"), plural(days, "day"), Weeks), rightX, ly+66, c.style(10, colMuted, false), 'l')
}

func (c *canvas) hint(d Data) {
	cmd := "plan " + strings.ToLower(d.Exam) + " YYYY-MM-DD"
	s := "No plan yet: " + cmd + " shows your pace to the exam date here."
	if d.Answered() == 0 {
		s = "No answers yet: a quiz fills these bars, and " + cmd + " adds your pace to the exam."
	}
	c.text(s, pad, splitY+28, c.style(10, colMuted, false), 'l')
}

func (c *canvas) plan(p *Plan) {
	c.text(fmt.Sprintf("Plan: exam on %s, %d a day", p.Exam, p.PerDay), pad, splitY+30, c.style(12, colText, true), 'l')
	c.text(fmt.Sprintf("%d done, %d expected by today: %s", p.Done, p.Expected, paceState(p)), Width-pad, splitY+30, c.style(10.5, colText, false), 'r')
	start, err1 := time.Parse(time.DateOnly, p.Start)
	exam, err2 := time.Parse(time.DateOnly, p.Exam)
	if err1 != nil || err2 != nil || !exam.After(start) {
		return
	}
	span := int(exam.Sub(start).Hours() / 24)
	goal := span * p.PerDay
	done := 0
	cum := make([]int, len(p.Daily))
	for i, n := range p.Daily {
		done += n
		cum[i] = done
	}
	top := niceCeil(max(goal, done, 1))
	x0, x1 := pad+56, Width-pad-8
	y0, y1 := splitY+50, c.high-70 // plot top and bottom (baseline of zero)
	px := func(day int) int { return x0 + (x1-x0)*min(day, span)/span }
	py := func(v int) int { return y1 - (y1-y0)*v/top }
	small := c.style(9, colMuted, false)
	for _, v := range []int{0, top / 2, top} {
		c.rect(x0, py(v), x1, py(v)+1, colRule)
		c.text(count(v), x0-8, py(v)+4, small, 'r')
	}
	c.line([]charts.Point{{X: px(0), Y: py(0)}, {X: px(span), Y: py(goal)}}, colPace, 2, []float64{6, 5})
	pts := []charts.Point{{X: px(0), Y: py(0)}}
	for i, v := range cum {
		pts = append(pts, charts.Point{X: px(i + 1), Y: py(v)})
	}
	if len(pts) > 1 {
		c.line(pts, colAccent, 3, nil)
	}
	today := px(len(cum))
	c.rect(today, y0, today+1, y1, colToday)
	// Dates under the axis: start, exam, and today when it has room.
	ly := y1 + 20
	sw := c.text(p.Start, x0, ly, small, 'l')
	ew := c.text(p.Exam, x1, ly, small, 'r')
	tl := "today"
	tw := c.textWidth(tl, small)
	if today-tw/2 > x0+sw+8 && today+tw/2 < x1-ew-8 {
		c.text(tl, today, ly, small, 'c')
	}
	// Legend.
	lx, lg := x0, ly+24
	c.rect(lx, lg-5, lx+24, lg-2, colAccent)
	lx += 30 + c.text("answered (this exam)", lx+30, lg, small, 'l') + 24
	c.line([]charts.Point{{X: lx, Y: lg - 4}, {X: lx + 24, Y: lg - 4}}, colPace, 2, []float64{6, 5})
	c.text(fmt.Sprintf("plan pace, %d a day to the exam", p.PerDay), lx+30, lg, small, 'l')
}

// niceCeil rounds n up to a round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6
// or 8 times a power of ten), so the axis labels read well and the lines
// fill most of the plot.
func niceCeil(n int) int {
	for step := 1; ; step *= 10 {
		for _, m := range []int{10, 12, 15, 20, 25, 30, 40, 50, 60, 80} {
			if v := m * step / 10; v >= n && v > 0 && (m*step)%10 == 0 {
				return v
			}
		}
	}
}

// count formats n with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	if n < 10000 && n > -10000 {
		return s
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
