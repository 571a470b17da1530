// Package console is the terminal adapter: it reads lines, runs them through
// the engine and prints replies as plain text. It is the default front door
// when no chat platform is configured, and drives the engine in tests.
package console

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/certcoach/certcoach/bot"
)

// Width is the console's line width; tables are laid out to fit it.
const Width = 100

var (
	boldRe = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	linkRe = regexp.MustCompile(`\[([^\]]+)\]\(([^)]+)\)`)
)

// plain turns the reply Markdown subset into terminal text.
func plain(s string) string {
	s = boldRe.ReplaceAllString(s, "$1")
	s = linkRe.ReplaceAllString(s, "$1 <$2>")
	return s
}

// Key is what the user types to press button i of a reply: the button's
// own letter for answer choices ("A) ..."), otherwise its number.
func Key(b bot.Button, i int) string {
	if len(b.Label) >= 2 && b.Label[0] >= 'A' && b.Label[0] <= 'D' && (b.Label[1] == ')' || len(b.Label) == 1) {
		return b.Label[:1]
	}
	if len(b.Label) == 1 {
		return b.Label
	}
	return fmt.Sprint(i + 1)
}

// Render formats a reply as text of at most Width columns per table line.
func Render(r bot.Reply) string {
	var sb strings.Builder
	if r.Title != "" {
		sb.WriteString(r.Title + "\n" + strings.Repeat("=", min(utf8.RuneCountInString(r.Title), Width)) + "\n")
	}
	if r.Table != nil {
		sb.WriteString(renderTable(r.Table))
	}
	if r.Body != "" {
		sb.WriteString(fill(plain(r.Body), "", Width) + "\n")
	}
	for _, f := range r.Fields {
		sb.WriteString("\n" + plain(f.Name) + "\n")
		sb.WriteString(fill(plain(f.Value), "  ", Width) + "\n")
	}
	if len(r.Buttons) > 0 {
		sb.WriteString("\n")
		var keys []string
		for i, b := range r.Buttons {
			keys = append(keys, fmt.Sprintf("[%s] %s", Key(b, i), b.Label))
		}
		sb.WriteString(strings.Join(keys, "   ") + "\n")
	}
	if r.Attachment != nil {
		sb.WriteString(string(r.Attachment.Content) + "\n")
	}
	if r.Footer != "" {
		sb.WriteString("\n" + plain(r.Footer) + "\n")
	}
	return sb.String()
}

// fill wraps each line of s to width, indenting with prefix; a wrapped
// bullet line continues under its text.
func fill(s, prefix string, width int) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if utf8.RuneCountInString(prefix+line) <= width {
			out = append(out, prefix+line)
			continue
		}
		cont := prefix
		if strings.HasPrefix(line, "- ") {
			cont += "  "
		}
		for i, w := range wrap(line, width-utf8.RuneCountInString(cont)) {
			if i == 0 {
				out = append(out, prefix+w)
			} else {
				out = append(out, cont+w)
			}
		}
	}
	return strings.Join(out, "\n")
}

func renderTable(t *bot.Table) string {
	labelW := 0
	for _, r := range t.Rows {
		labelW = max(labelW, utf8.RuneCountInString(r.Label))
	}
	labelW = min(labelW, 16)
	colW := (Width - labelW - 6) / 2 // "label | left | right"
	var sb strings.Builder
	line := func(a, b, c string) {
		sb.WriteString(pad(a, labelW) + " | " + pad(b, colW) + " | " + c + "\n")
	}
	line("", t.Left, t.Right)
	sb.WriteString(strings.Repeat("-", labelW) + "-+-" + strings.Repeat("-", colW) + "-+-" + strings.Repeat("-", colW) + "\n")
	for _, r := range t.Rows {
		ls, lw, rw := wrap(r.Label, labelW), wrap(plain(r.Left), colW), wrap(plain(r.Right), colW)
		n := max(len(ls), len(lw), len(rw))
		for i := 0; i < n; i++ {
			line(at(ls, i), at(lw, i), at(rw, i))
		}
	}
	return sb.String() + "\n"
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

func pad(s string, w int) string {
	n := utf8.RuneCountInString(s)
	if n >= w {
		return s
	}
	return s + strings.Repeat(" ", w-n)
}

// wrap breaks text into lines of at most w runes, keeping explicit newlines.
func wrap(s string, w int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			for utf8.RuneCountInString(word) > w { // a word longer than the column
				if line != "" {
					out = append(out, line)
					line = ""
				}
				r := []rune(word)
				out = append(out, string(r[:w]))
				word = string(r[w:])
			}
			switch {
			case line == "":
				line = word
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= w:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return out
}
