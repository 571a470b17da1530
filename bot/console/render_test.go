package console

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rivo/uniseg"

	"github.com/certcoach/certcoach/bot"
)

// TestWrapByDisplayWidth: wrapped and padded text is measured in the
// columns a terminal gives it: CJK and emoji two, a combining accent none,
// and a word wider than the column is cut between grapheme clusters.
func TestWrapByDisplayWidth(t *testing.T) {
	tests := []struct {
		name string
		s    string
		w    int
		want []string
	}{
		{"ascii", "aa bb cc", 5, []string{"aa bb", "cc"}},
		{"cjk words", "日本 語語 x", 5, []string{"日本", "語語", "x"}},
		{"cjk fits", "日本 x", 6, []string{"日本 x"}},
		{"accents take no column", "cafe\u0301 cafe\u0301", 9, []string{"cafe\u0301 cafe\u0301"}},
		{"long cjk word", "日本語日本", 4, []string{"日本", "語日", "本"}},
		{"long word not cut in a cluster", "e\u0301e\u0301e\u0301", 2, []string{"e\u0301e\u0301", "e\u0301"}},
		{"emoji", "👍🏽👍🏽 ok", 4, []string{"👍🏽👍🏽", "ok"}},
		{"wide character in a narrower column", "日本 a", 1, []string{"日", "本", "a"}},
		{"newlines kept", "a\nb", 10, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrap(tt.s, tt.w)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("wrap(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
			}
		})
	}
}

// TestFillKeepsURLs: in running text a URL wider than the line is not
// cut by a line break (the terminal could not open it, nor a copy work):
// it has a line of its own; other long words are cut, and in a table cell
// a URL is too, to keep the columns.
func TestFillKeepsURLs(t *testing.T) {
	url := "https://github.com/example/library/blob/main/data/objective-snapshots/cissp-official-objectives.txt"
	tests := []struct {
		name, s string
		want    []string
	}{
		{"URL after words", "Source: " + url + " (as of 2026-09-02)", []string{"Source:", url, "(as of 2026-09-02)"}},
		{"URL alone", url, []string{url}},
		{"URLs with separators", url + " ; " + url + " · more", []string{url + " ;", url + " ·", "more"}},
		{"separator after a URL that fits", "https://x.org/abcdefg ; b", []string{"https://x.org/abcdefg ;", "b"}},
		{"separator after a word", "abcdefghijklmnopqrs ; b", []string{"abcdefghijklmnopqrs", "; b"}},
		{"URL in angle brackets", "Guide <" + url + ">", []string{"Guide", "<" + url + ">"}},
		{"URL that fits", "see https://x.org/a now", []string{"see https://x.org/a", "now"}},
		{"long word without a scheme", strings.Repeat("y", 25), []string{strings.Repeat("y", 20), "yyyyy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Split(fill(tt.s, "", 20), "\n"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fill = %q, want %q", got, tt.want)
			}
		})
	}
	if got := wrap(url, 20); len(got) < 2 || strings.Join(got, "") != url {
		t.Errorf("a table cell's URL is not cut to the column: %q", got)
	}
}

// TestNarrowTableKeepsWords: at the narrowest width a table's labels
// give up columns, so that the cells' words (up to 13 letters, as
// "non-members," is) are not cut; at full width the labels keep their 16.
func TestNarrowTableKeepsWords(t *testing.T) {
	cell := "The exam is US$575 for ISACA members and US$760 for non-members, the application adds a one-time fee"
	tb := &bot.Table{Left: "CISM", Right: "CISSP", Rows: []bot.Row{{Label: "How it is treated", Left: cell, Right: cell}}}
	out := renderTable(tb, MinWidth)
	for _, w := range strings.Fields(cell) {
		if !strings.Contains(out, w) {
			t.Errorf("%q was cut at %d columns:\n%s", w, MinWidth, out)
		}
	}
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if n := uniseg.StringWidth(line); n > MinWidth {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}
	if wide := renderTable(tb, Width); strings.Index(strings.Split(wide, "\n")[2], " | ") != 16 {
		t.Errorf("the labels do not keep their 16 columns at %d:\n%s", Width, wide)
	}
}

func TestPadByDisplayWidth(t *testing.T) {
	for _, s := range []string{"ab", "日本", "cafe\u0301", "👍🏽", ""} {
		if got := uniseg.StringWidth(pad(s, 6)); got != 6 {
			t.Errorf("pad(%q, 6) is %d columns wide", s, got)
		}
	}
}

// TestTitleUnderlineByDisplayWidth: a title's underline is as wide as the
// title shows.
func TestTitleUnderlineByDisplayWidth(t *testing.T) {
	for _, title := range []string{"CISSP", "情報セキュリティ", "Café\u0301 👍🏽"} {
		lines := strings.Split(Render(bot.Reply{Title: title}), "\n")
		if got, want := len(lines[1]), uniseg.StringWidth(title); got != want {
			t.Errorf("%q underlined with %d =, want %d", title, got, want)
		}
	}
}

func TestShellForms(t *testing.T) {
	commands := map[string]bool{"forget": true, "quiz": true, "plan": true, "export": true}
	for _, tc := range []struct{ in, want string }{
		{"To delete, type `forget yes`.", "To delete, type `certcoach ask \"forget yes\"`."},
		{"start with `quiz`", "start with `certcoach ask quiz`"},
		{"set a date with `plan cissp <YYYY-MM-DD>`", "set a date with `certcoach ask \"plan cissp <YYYY-MM-DD>\"`"},
		{"`certcoach ask export > my-data.json` writes it", "`certcoach ask export > my-data.json` writes it"},
		{"A typed `yes` confirms nothing", "A typed `yes` confirms nothing"},
		{"- `2A1` Emerging risk", "- `2A1` Emerging risk"},
		{"no span at all", "no span at all"},
	} {
		isCommand := func(text string) bool { name, _, _ := strings.Cut(text, " "); return commands[name] }
		if got := shellForms(tc.in, isCommand); got != tc.want {
			t.Errorf("shellForms(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
