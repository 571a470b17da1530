package bot_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/chart"
)

func chartOf(t *testing.T, r bot.Reply) image.Image {
	t.Helper()
	if r.Image == nil {
		t.Fatalf("reply without a chart: %s", all(r))
	}
	img, err := png.Decode(bytes.NewReader(r.Image.PNG))
	if err != nil {
		t.Fatalf("chart is not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got.X != r.Image.Width || got.Y != r.Image.Height || got.X != chart.Width {
		t.Fatalf("chart is %v, announced %dx%d", got, r.Image.Width, r.Image.Height)
	}
	return img
}

func differing(a, b image.Image) int {
	n := 0
	for y := a.Bounds().Min.Y; y < min(a.Bounds().Max.Y, b.Bounds().Max.Y); y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}

// TestProgressChart: `progress chart` carries a PNG for a user with no
// answers and a different one after answers in three domains; the chart is
// redrawn after an answer and on a new day, and reused while nothing
// changed. Plain `progress` draws one for chat platforms, not the console.
func TestProgressChart(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	freshReply := h.do(t, "ana", "progress chart cissp")
	fresh := chartOf(t, freshReply)
	if !strings.Contains(freshReply.Image.Alt, "Readiness 0%") || freshReply.Image.Name != "progress.png" {
		t.Errorf("fresh chart alt text: %q", freshReply.Image.Alt)
	}
	if r := h.do(t, "ana", "progress"); r.Image != nil {
		t.Error("console `progress` drew a chart it was not asked for")
	}
	for _, d := range []string{"1", "4", "7"} {
		q := h.do(t, "ana", "quiz cissp "+d+" 1")
		h.click(t, "ana", h.answerButton(t, q, true))
	}
	r := h.do(t, "ana", "progress chart cissp")
	busy := chartOf(t, r)
	if n := differing(fresh, busy); n < 2000 {
		t.Fatalf("only %d pixels differ between no answers and answers in three domains", n)
	}
	if !strings.Contains(r.Image.Alt, "3 answers on 1 day") || !strings.Contains(r.Image.Alt, "streak 1 day") {
		t.Errorf("alt text does not tell the activity: %q", r.Image.Alt)
	}

	again := h.do(t, "ana", "progress chart")
	if &again.Image.PNG[0] != &r.Image.PNG[0] {
		t.Error("unchanged data drew the chart again")
	}
	q := h.do(t, "ana", "quiz cissp 2 1")
	h.click(t, "ana", h.answerButton(t, q, false))
	after := h.do(t, "ana", "progress chart")
	if &after.Image.PNG[0] == &r.Image.PNG[0] || !strings.Contains(after.Image.Alt, "4 answers") {
		t.Errorf("chart not redrawn after an answer: %q", after.Image.Alt)
	}
	h.clock.Advance(24 * time.Hour)
	if next := h.do(t, "ana", "progress chart"); &next.Image.PNG[0] == &after.Image.PNG[0] {
		t.Error("chart not redrawn on a new day (the heat map moves)")
	}

	slack := h.e.Handle(t.Context(), bot.Request{Actor: bot.Actor{Platform: bot.PlatformSlack, Workspace: "T1", User: "U1"}, Text: "progress"})
	chartOf(t, slack)
}

// TestProgressChartWithPlan: with a plan the chart grows a pace panel.
func TestProgressChartWithPlan(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.do(t, "bo", "plan cism 2027-03-01")
	q := h.do(t, "bo", "quiz cism 1 1")
	h.click(t, "bo", h.answerButton(t, q, true))
	r := h.do(t, "bo", "progress chart")
	img := chartOf(t, r)
	if img.Bounds().Dy() != chart.Height(chart.Data{Plan: &chart.Plan{}}) {
		t.Errorf("chart with a plan is %d px high", img.Bounds().Dy())
	}
	if !strings.Contains(r.Image.Alt, "Plan: exam on 2027-03-01") || !strings.Contains(r.Image.Alt, "1 answered of") {
		t.Errorf("alt text without the plan: %q", r.Image.Alt)
	}
	if r := h.do(t, "bo", "progress chart nonsense"); r.Outcome != bot.OutcomeUserError {
		t.Errorf("bad exam name: %+v", r)
	}
}
