package chart

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/internal/cputime"
)

func cisspDomains(mastery ...int) []Domain {
	names := []string{"Security and Risk Management", "Asset Security", "Security Architecture and Engineering",
		"Communication and Network Security", "Identity and Access Management (IAM)", "Security Assessment and Testing",
		"Security Operations", "Software Development Security"}
	weights := []int{16, 10, 13, 13, 13, 12, 13, 10}
	var out []Domain
	for i, n := range names {
		d := Domain{N: i + 1, Name: n, Weight: weights[i]}
		if i < len(mastery) {
			d.Mastery, d.Answered = mastery[i], mastery[i]*2
		}
		out = append(out, d)
	}
	return out
}

// fresh is a user with no answers; busy has answers in three domains, a
// streak and a plan.
func fresh() Data {
	return Data{Exam: "CISSP", Outline: "2024-04-15 outline", Domains: cisspDomains(), ActivityStart: "2026-09-07", Activity: make([]int, 11*7+2)}
}

func busy() Data {
	d := fresh()
	d.Domains = cisspDomains(62, 0, 35, 0, 8)
	d.Readiness = 14
	for i := range d.Activity {
		if i%3 != 0 && i > 20 {
			d.Activity[i] = (i * 7) % 26
		}
	}
	d.Activity[len(d.Activity)-1] = 12
	d.Streak = 2
	daily := make([]int, 30)
	for i := range daily {
		daily[i] = (i * 5) % 23
	}
	d.Plan = &Plan{Start: "2026-10-31", Exam: "2027-02-15", PerDay: 12, Expected: 360, Done: 310, Daily: daily}
	return d
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// TestRenderDecodesWithTheExpectedSize: both states give a PNG of the
// announced size, and their pixels differ (no blank image).
func TestRenderDecodesWithTheExpectedSize(t *testing.T) {
	var imgs []image.Image
	for _, d := range []Data{fresh(), busy()} {
		b, err := Render(d)
		if err != nil {
			t.Fatal(err)
		}
		img := decode(t, b)
		if got := img.Bounds().Size(); got.X != Width || got.Y != Height(d) {
			t.Fatalf("size %v, want %dx%d", got, Width, Height(d))
		}
		imgs = append(imgs, img)
		if dir := os.Getenv("CHART_OUT"); dir != "" {
			name := "fresh.png"
			if d.Plan != nil {
				name = "busy.png"
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Same area of both (the mastery and heat map panels): the busy user's
	// bars and cells must change pixels there.
	diff := 0
	for y := panelTop; y < splitY; y++ {
		for x := 0; x < Width; x++ {
			if imgs[0].At(x, y) != imgs[1].At(x, y) {
				diff++
			}
		}
	}
	if diff < 5000 {
		t.Fatalf("only %d pixels differ between a fresh and a busy chart", diff)
	}
}

func TestAltSaysWhatThePictureSays(t *testing.T) {
	alt := Alt(busy())
	for _, want := range []string{"CISSP progress chart", "Readiness 14%", "D1 Security and Risk Management (16% of the exam) 62%", "streak 2 days", "310 answered of 360 expected by today (50 behind)"} {
		if !strings.Contains(alt, want) {
			t.Errorf("alt text lacks %q:\n%s", want, alt)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for n, want := range map[int]int{0: 1, 1: 1, 7: 8, 11: 12, 1272: 1500, 2001: 2500, 98: 100} {
		if got := niceCeil(n); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestLongNamesAndFourDomains: a CISM-sized outline with a name too long
// for its row still renders (the name is shortened, not clipped).
func TestLongNamesAndFourDomains(t *testing.T) {
	d := Data{Exam: "CISM", Outline: "2026-11-03 outline (weights unconfirmed)", Readiness: 41, ActivityStart: "2026-09-07", Activity: make([]int, 80), Streak: 1,
		Domains: []Domain{{N: 1, Name: "Information Security Governance", Weight: 18, Mastery: 100, Answered: 40},
			{N: 2, Name: "Information Security Risk Management and a name that goes on far longer than any real domain would ever go", Weight: 20, Mastery: 50, Answered: 9},
			{N: 3, Name: "Information Security Program", Weight: 33, Mastery: 1, Answered: 1},
			{N: 4, Name: "Incident Management", Weight: 29}}}
	d.Activity[79] = 30
	b, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b)
	if dir := os.Getenv("CHART_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "cism.png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkChart renders a busy chart (eight domains, a full heat map and a
// plan), uncached: the cost of a progress reply after an answer. cpu-ns/op
// is the figure to read on a shared machine, where ns/op includes waiting
// for a core.
func BenchmarkChart(b *testing.B) {
	d := busy()
	b.ReportAllocs()
	defer cputime.Measure(b)()
	for b.Loop() {
		if _, err := Render(d); err != nil {
			b.Fatal(err)
		}
	}
}
