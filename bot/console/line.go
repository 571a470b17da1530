package console

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// cell is one grapheme cluster of a typed line (a letter with its accents,
// an emoji with its modifiers) and the columns a terminal gives it: the
// cursor steps over a cell whole, and its column is the widths before it.
type cell struct {
	s string
	w int
}

// segment splits s into grapheme clusters with their display widths.
func segment(s string) []cell {
	var cells []cell
	state := -1
	for s != "" {
		var c string
		var w int
		c, s, w, state = uniseg.FirstGraphemeClusterInString(s, state)
		cells = append(cells, cell{c, w})
	}
	return cells
}

// line is the text being typed and the cursor in it, a cell index.
type line struct {
	cells []cell
	pos   int
	size  int // bytes, for the cap
}

func (l *line) String() string {
	var sb strings.Builder
	sb.Grow(l.size)
	for _, c := range l.cells {
		sb.WriteString(c.s)
	}
	return sb.String()
}

func (l *line) set(s string) {
	l.cells = segment(s)
	l.pos = len(l.cells)
	l.size = len(s)
}

// printable is typed text as the line keeps it: a tab as a space; other
// control characters, which would move the cursor or start a terminal
// sequence if echoed, dropped.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// insert puts text at the cursor, at most limit bytes of the line in all,
// and leaves the cursor after it. It returns the first cell that changed
// (a combining mark joins the cell before it) and whether text was cut.
func (l *line) insert(text string, limit int) (changed int, cut bool) {
	if room := limit - l.size; len(text) > room {
		text, cut = cutBytes(text, room), true
	}
	if text == "" {
		return l.pos, cut
	}
	// The cell before the cursor may take the text into it; one after it
	// may join the text's last (a mark typed before a mark). Only the cells
	// from the one before the cursor on are split again.
	from := max(l.pos-1, 0)
	var sb strings.Builder
	for _, c := range l.cells[from:l.pos] {
		sb.WriteString(c.s)
	}
	sb.WriteString(text)
	upTo := sb.Len() // the cursor goes after this byte, or after the cell holding it
	for _, c := range l.cells[l.pos:] {
		sb.WriteString(c.s)
	}
	tail := segment(sb.String())
	changed = from
	if from < l.pos && tail[0] == l.cells[from] {
		changed++ // the text did not join the cell before it
	}
	pos, n := from, 0
	for _, c := range tail {
		if n >= upTo {
			break
		}
		n += len(c.s)
		pos++
	}
	l.cells = append(l.cells[:from], tail...)
	l.pos = pos
	l.size += len(text)
	return changed, cut
}

// cutBytes is the longest start of s of at most n bytes that ends on a
// character.
func cutBytes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// remove deletes cells [i, j) and puts the cursor at i.
func (l *line) remove(i, j int) {
	for _, c := range l.cells[i:j] {
		l.size -= len(c.s)
	}
	l.cells = append(l.cells[:i], l.cells[j:]...)
	l.pos = i
}

// wordLeft is the start of the word before the cursor (blanks skipped).
func (l *line) wordLeft() int {
	i := l.pos
	for i > 0 && l.cells[i-1].s == " " {
		i--
	}
	for i > 0 && l.cells[i-1].s != " " {
		i--
	}
	return i
}

// wordRight is the start of the word after the cursor.
func (l *line) wordRight() int {
	i := l.pos
	for i < len(l.cells) && l.cells[i].s != " " {
		i++
	}
	for i < len(l.cells) && l.cells[i].s == " " {
		i++
	}
	return i
}
