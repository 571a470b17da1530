package console

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// vt is a terminal as far as the editor drives it: text in cells (a wide
// character takes two), the terminal's own wrap at the
// right edge, \r, \n, cursor up/down/right/left, erase to the end of the
// screen or line.
type vt struct {
	w, r, c int
	rows    [][]string
}

func (t *vt) cell(r, c int) *string {
	for len(t.rows) <= r {
		t.rows = append(t.rows, make([]string, t.w))
	}
	return &t.rows[r][c]
}

func (t *vt) feed(b []byte) {
	s := string(b)
	for s != "" {
		switch {
		case s[0] == '\r':
			t.c, s = 0, s[1:]
		case s[0] == '\n':
			t.r, s = t.r+1, s[1:]
		case strings.HasPrefix(s, "\x1b["):
			i := strings.IndexFunc(s[2:], func(r rune) bool { return r >= 0x40 && r <= 0x7e }) + 2
			n, err := strconv.Atoi(s[2:i])
			if err != nil {
				n = 1
			}
			switch s[2 : i+1] {
			case "J":
				t.erase(t.r, t.c)
				for r := t.r + 1; r < len(t.rows); r++ {
					t.erase(r, 0)
				}
			case "K":
				t.erase(t.r, t.c)
			case "2J":
				t.rows = nil
			case "H":
				t.r, t.c = 0, 0
			default:
				switch s[i] {
				case 'A':
					t.r = max(t.r-n, 0)
				case 'B':
					t.r += n
				case 'C':
					t.c = min(t.c+n, t.w-1)
				case 'D':
					t.c = max(t.c-n, 0)
				}
			}
			s = s[i+1:]
		default:
			var g string
			var w int
			g, s, w, _ = uniseg.FirstGraphemeClusterInString(s, -1)
			if t.c+w > t.w { // the terminal's own wrap, past the last column
				t.r, t.c = t.r+1, 0
			}
			*t.cell(t.r, t.c) = g
			for k := 1; k < w; k++ {
				*t.cell(t.r, t.c+k) = "\x00" // the right half of a wide character
			}
			t.c += w
		}
	}
}

func (t *vt) erase(r, c int) {
	if r < len(t.rows) {
		for ; c < t.w; c++ {
			t.rows[r][c] = ""
		}
	}
}

// screen is the rows as text, blanks at their ends trimmed.
func (t *vt) screen() []string {
	var out []string
	for _, row := range t.rows {
		var sb strings.Builder
		for _, s := range row {
			switch s {
			case "":
				s = " "
			case "\x00":
				s = ""
			}
			sb.WriteString(s)
		}
		out = append(out, strings.TrimRight(sb.String(), " "))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// TestEditorCursorByDisplayWidth: keys typed into the editor leave the line,
// the screen and the cursor where a terminal shows them: the cursor steps
// over grapheme clusters (an accent with its letter, an emoji with its
// skin tone) and its column is the display width before it (two for CJK
// and emoji), also across a row's end.
func TestEditorCursorByDisplayWidth(t *testing.T) {
	const bs, l, r, home, end, del = "\x7f", "\x1b[D", "\x1b[C", "\x01", "\x05", "\x1b[3~"
	tests := []struct {
		name, keys string
		width      int
		line       string
		screen     []string
		row, col   int
	}{
		{"ascii", "help", 80, "help", []string{"cert> help"}, 0, 10},
		{"cjk", "日本語", 80, "日本語", []string{"cert> 日本語"}, 0, 12},
		{"cjk left", "日本語" + l, 80, "日本語", []string{"cert> 日本語"}, 0, 10},
		{"cjk insert mid-line", "日本語" + l + "x", 80, "日本x語", []string{"cert> 日本x語"}, 0, 11},
		{"cjk backspace mid-line", "日本語" + l + bs, 80, "日語", []string{"cert> 日語"}, 0, 8},
		{"cjk delete", "日本語" + home + r + del, 80, "日語", []string{"cert> 日語"}, 0, 8},
		{"emoji with skin tone", "a👍🏽b" + l + l, 80, "a👍🏽b", []string{"cert> a👍🏽b"}, 0, 7},
		{"emoji backspace", "a👍🏽b" + l + bs, 80, "ab", []string{"cert> ab"}, 0, 7},
		{"flag", "🇫🇷x" + l + l, 80, "🇫🇷x", []string{"cert> 🇫🇷x"}, 0, 6},
		{"combining mark", "cafe\u0301!" + l + l, 80, "cafe\u0301!", []string{"cert> cafe\u0301!"}, 0, 9},
		{"combining mark backspace", "cafe\u0301" + bs, 80, "caf", []string{"cert> caf"}, 0, 9},
		{"mark typed mid-line joins", "ab" + l + "\u0301", 80, "a\u0301b", []string{"cert> a\u0301b"}, 0, 7},
		{"fullwidth", "ｃｉｓｓｐ" + l, 80, "ｃｉｓｓｐ", []string{"cert> ｃｉｓｓｐ"}, 0, 14},
		{"end", "日本" + home + end, 80, "日本", []string{"cert> 日本"}, 0, 10},
		{"word back over cjk", "ask 日本 語\x17", 80, "ask 日本 ", []string{"cert> ask 日本"}, 0, 15},
		{"wraps at the edge", "日本語", 10, "日本語", []string{"cert> 日本", "語"}, 1, 2},
		{"wide char not split", "日本", 9, "日本", []string{"cert> 日", "本"}, 1, 2},
		{"home across rows", "日本" + home, 9, "日本", []string{"cert> 日", "本"}, 0, 6},
		{"backspace across rows", "日本" + bs, 9, "日", []string{"cert> 日"}, 0, 8},
		{"insert moves wide char down", "x日" + home + "ab", 9, "abx日", []string{"cert> abx", "日"}, 0, 8},
		{"full row", "ab", 8, "ab", []string{"cert> ab"}, 1, 0},
		{"tab as space, control dropped", "a\tb\x1bOQc", 80, "a bc", []string{"cert> a bc"}, 0, 10},
		{"paste of lines", "\x1b[200~日本\r\n語\x1b[201~", 80, "日本 語", []string{"cert> 日本 語"}, 0, 13},
		{"paste across rows", "\x1b[200~ab\rcd\x1b[201~", 10, "ab cd", []string{"cert> ab c", "d"}, 1, 1},
		{"paste mid-line", "ad" + l + "\x1b[200~b\nc\x1b[201~", 80, "ab cd", []string{"cert> ab cd"}, 0, 10},
		{"delete before a wide char that wrapped", "a日" + home + del, 7, "日", []string{"cert>", "日"}, 1, 0},
		{"backspace before a wide char that wrapped", "a日" + l + bs, 7, "日", []string{"cert>", "日"}, 1, 0},
		{"delete after a full row", "ab日" + l + del, 8, "ab", []string{"cert> ab"}, 1, 0},
		{"insert on the second row", "abcdefg" + l + l + "x", 9, "abcdexfg", []string{"cert> abc", "dexfg"}, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			e := newEditor(&out, nil, nil)
			e.width = tt.width
			// One key at a time, as typed, then all at once, as pasted.
			for _, keys := range [][]string{splitKeys(tt.keys), {tt.keys}} {
				out.Reset()
				e.line = line{}
				e.drawn, e.row, e.col = false, 0, 0
				e.begin()
				for _, k := range keys {
					e.rest = append(e.rest, k...)
					if l, done := e.handleKeys(); done {
						t.Fatalf("line ended: %+v", l)
					}
				}
				e.flush()
				if got := e.line.String(); got != tt.line {
					t.Errorf("line %q, want %q", got, tt.line)
				}
				term := &vt{w: tt.width}
				term.feed(out.Bytes())
				if got := term.screen(); strings.Join(got, "\n") != strings.Join(tt.screen, "\n") {
					t.Errorf("screen %q, want %q", got, tt.screen)
				}
				if term.r != tt.row || term.c != tt.col {
					t.Errorf("cursor at row %d col %d, want %d %d; output %q", term.r, term.c, tt.row, tt.col, out.String())
				}
				if e.row != term.r || e.col != term.c {
					t.Errorf("editor thinks the cursor is at %d %d, the terminal has it at %d %d", e.row, e.col, term.r, term.c)
				}
			}
		})
	}
}

// splitKeys splits typed keys at each character or escape sequence.
func splitKeys(s string) []string {
	var keys []string
	for s != "" {
		_, n := parseKey([]byte(s))
		keys = append(keys, s[:n])
		s = s[n:]
	}
	return keys
}

// TestEditorCapsLongLine: a line past maxInput keeps its first maxInput
// bytes, ends on a whole character, and is marked cut for the console to
// say so, with a bell as the text is dropped; a long line under the cap
// (past x/term's old 4096 characters) is kept whole.
func TestEditorCapsLongLine(t *testing.T) {
	tests := []struct {
		name  string
		paste string
		size  int
		cut   bool
	}{
		{"longer than 4096 characters", strings.Repeat("日本語 ", 1500) + "end", 15003, false},
		{"at the cap", strings.Repeat("x", maxInput), maxInput, false},
		{"past the cap", strings.Repeat("x", maxInput+1), maxInput, true},
		{"past the cap mid-character", strings.Repeat("日", maxInput), maxInput - maxInput%3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			e := newEditor(&out, nil, nil)
			e.begin()
			var got lineOrErr
			// As a terminal delivers a paste: a read at a time.
			for b := []byte(tt.paste + "\r"); len(b) > 0; {
				n := min(256, len(b))
				e.rest = append(e.rest, b[:n]...)
				b = b[n:]
				if l, done := e.handleKeys(); done {
					got = l
				}
			}
			e.flush()
			if got.err != nil || len(got.line) != tt.size || !strings.HasPrefix(tt.paste, got.line) {
				t.Errorf("line of %d bytes (%v), want the paste's first %d", len(got.line), got.err, tt.size)
			}
			if !utf8.ValidString(got.line) {
				t.Error("the line was cut inside a character")
			}
			if got.cut != tt.cut || strings.Contains(out.String(), "\a") != tt.cut {
				t.Errorf("cut %v, bell %v; want %v", got.cut, strings.Contains(out.String(), "\a"), tt.cut)
			}
		})
	}
}

// TestParseKey: keys as terminals send them, and the start of one cut by
// a read (0 bytes: wait for the rest).
func TestParseKey(t *testing.T) {
	tests := []struct {
		in   string
		key  key
		size int
	}{
		{"a", keyText, 1},
		{"日本", keyText, 3},
		{"\xe6\x97", keyNone, 0}, // half of 日
		{"\xff", keyText, 1},     // a stray byte, shown as U+FFFD
		{"\r\n", keyEnter, 2},
		{"\r", keyEnter, 1},
		{"\n", keyEnter, 1},
		{"\x7f", keyBackspace, 1},
		{"\x08", keyBackspace, 1},
		{"\x04", keyEOF, 1},
		{"\x1b", keyNone, 0},
		{"\x1b[", keyNone, 0},
		{"\x1b[1;", keyNone, 0},
		{"\x1b[D", keyLeft, 3},
		{"\x1bOD", keyLeft, 3},
		{"\x1b[C", keyRight, 3},
		{"\x1b[A", keyUp, 3},
		{"\x1b[B", keyDown, 3},
		{"\x1b[H", keyHome, 3},
		{"\x1b[1~", keyHome, 4},
		{"\x1b[7~", keyHome, 4},
		{"\x1bOH", keyHome, 3},
		{"\x1b[F", keyEnd, 3},
		{"\x1b[4~", keyEnd, 4},
		{"\x1b[8~", keyEnd, 4},
		{"\x1bOF", keyEnd, 3},
		{"\x1b[3~", keyDelete, 4},
		{"\x1b[1;5D", keyWordLeft, 6},
		{"\x1b[1;3C", keyWordRight, 6},
		{"\x1bb", keyWordLeft, 2},
		{"\x1b\x7f", keyKillWord, 2},
		{"\x1b[200~", keyPasteStart, 6},
		{"\x1b[201~", keyPasteEnd, 6},
		{"\x1b[20", keyNone, 0},   // a paste mark cut by a read
		{"\x1b[15~x", keyNone, 5}, // F5
		{"\x17", keyKillWord, 1},
		{"\x15", keyKillStart, 1},
		{"\x0b", keyKillEnd, 1},
		{"\x00", keyNone, 1},
		{"\x1b\x1b[D", keyNone, 1},  // Esc, then an arrow
		{"\x1bO\x1b[D", keyNone, 2}, // Alt-O, then an arrow
	}
	for _, tt := range tests {
		if k, n := parseKey([]byte(tt.in)); k != tt.key || n != tt.size {
			t.Errorf("parseKey(%q) = %d, %d; want %d, %d", tt.in, k, n, tt.key, tt.size)
		}
	}
}

// TestEditorKeyAcrossReads: a sequence cut in two by a read is one key,
// not stray text.
func TestEditorKeyAcrossReads(t *testing.T) {
	var out bytes.Buffer
	e := newEditor(&out, nil, nil)
	e.begin()
	for _, chunk := range []string{"ab\x1b", "[", "Dx日\xe6", "\x9c\xac", "\r"} {
		e.rest = append(e.rest, chunk...)
		if l, done := e.handleKeys(); done {
			if l.line != "ax日本b" {
				t.Errorf("line %q", l.line)
			}
			return
		}
	}
	t.Error("no line")
}

// TestEditorBracketedPaste: text between the paste marks goes into the
// line being edited, its line breaks as spaces, and only an Enter typed
// after it sends it; the marks, a character, an escape sequence or a run
// of line breaks may be cut by a read; keys, escape sequences (colours)
// and marks inside a paste are dropped, neither done nor shown as "[A";
// without the marks (a terminal without bracketed paste) each line is
// sent as before.
func TestEditorBracketedPaste(t *testing.T) {
	const start, end, left = "\x1b[200~", "\x1b[201~", "\x1b[D"
	tests := []struct {
		name   string
		reads  []string
		sent   []string // lines sent by Enter
		typing string   // the line still being edited
	}{
		{"one line", []string{start + "hello" + end}, nil, "hello"},
		{"lines, then Enter", []string{start + "what is\r\nRPO?\rand\nRTO" + end + "\r"}, []string{"what is RPO? and RTO"}, ""},
		{"blank lines and indents are one space", []string{start + "a \r\n\r\n  b\n" + end}, nil, "a b "},
		{"spaces without a line break kept", []string{start + "a  b" + end}, nil, "a  b"},
		{"tabs around a line break", []string{start + "a\t\r\n\tb\tc\n" + end}, nil, "a b c "},
		{"marks cut by reads", []string{"\x1b[2", "00~what", " is\r", "\nRPO?\x1b[20", "1", "~\r"}, []string{"what is RPO?"}, ""},
		{"end mark cut after its escape", []string{start + "ab\x1b", "[201~c"}, nil, "abc"},
		{"character cut by a read", []string{start + "日\xe6", "\x9c\xac" + end}, nil, "日本"},
		{"line break cut by a read", []string{start + "a \r", "\n", " b" + end}, nil, "a b"},
		{"keys in a paste are dropped", []string{start + "a\x1b[Ab\x7f\x04\x03\x1a\x1b[200~c\x1b[20x\x1bOQ" + end}, nil, "abc"},
		{"colours in a paste are dropped", []string{start + "\x1b[1;31mred\x1b[0m flag" + end}, nil, "red flag"},
		{"escape cut by a read", []string{start + "a\x1b", "[3", "1mb" + end}, nil, "ab"},
		{"escape cut by the end mark", []string{start + "a\x1b[3" + end}, nil, "a"},
		{"Esc, then a paste", []string{"\x1b", start + "a\nb" + end}, nil, "a b"},
		{"keys after the paste are keys", []string{start + "abc" + end + left + "X\r"}, []string{"abXc"}, ""},
		{"two pastes, two lines", []string{start + "a\nb" + end + "\r" + start + "c\nd" + end + "\r"}, []string{"a b", "c d"}, ""},
		{"stray end mark", []string{"x" + end + "y"}, nil, "xy"},
		{"no bracketed paste: a line each", []string{"a\rb\r"}, []string{"a", "b"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			e := newEditor(&out, nil, nil)
			e.begin()
			var sent []string
			for _, r := range tt.reads {
				e.rest = append(e.rest, r...)
				for {
					l, done := e.handleKeys()
					if !done {
						break
					}
					if l.err != nil {
						t.Fatalf("error %v", l.err)
					}
					sent = append(sent, l.line)
					e.begin()
				}
			}
			e.flush()
			if strings.Join(sent, "|") != strings.Join(tt.sent, "|") || len(sent) != len(tt.sent) {
				t.Errorf("sent %q, want %q", sent, tt.sent)
			}
			if got := e.line.String(); got != tt.typing {
				t.Errorf("line being edited %q, want %q", got, tt.typing)
			}
			if strings.ContainsAny(out.String(), "\x04\x7f") || strings.Count(out.String(), "\x1b[A") > 0 {
				t.Errorf("a key of the paste reached the screen: %q", out.String())
			}
		})
	}
}

// TestEditorResize: a line spanning rows, drawn again for a narrower or
// wider terminal, is erased from the prompt's row and laid out at the new
// width, with the cursor where the editor thinks it is.
func TestEditorResize(t *testing.T) {
	const l = "\x1b[D"
	tests := []struct {
		name     string
		keys     string
		from, to int
		screen   []string
		row, col int
	}{
		{"narrower", "abcdefghijklmn" + l + l, 10, 8, []string{"cert> ab", "cdefghij", "klmn"}, 2, 2},
		{"wider", "abcdefghijklmn", 10, 30, []string{"cert> abcdefghijklmn"}, 0, 20},
		{"wide characters", "日本語日本語", 12, 9, []string{"cert> 日", "本語日本", "語"}, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			e := newEditor(&out, nil, nil)
			e.width = tt.from
			e.begin()
			e.rest = append(e.rest, tt.keys...)
			e.handleKeys()
			e.flush()
			e.resize(tt.to)
			// A terminal that keeps its rows as they were drawn (xterm): the
			// rows past the new width are cut, and wide enough for either.
			term := &vt{w: max(tt.from, tt.to)}
			term.feed(out.Bytes())
			if got := term.screen(); strings.Join(got, "\n") != strings.Join(tt.screen, "\n") {
				t.Errorf("screen %q, want %q", got, tt.screen)
			}
			if term.r != tt.row || term.c != tt.col || e.row != term.r || e.col != term.c {
				t.Errorf("cursor at %d %d (editor: %d %d), want %d %d", term.r, term.c, e.row, e.col, tt.row, tt.col)
			}
		})
	}
}

// TestPasteMarksControlKeys: readKeys takes Ctrl-C and Ctrl-Z out of
// what it reads, as the interrupt and the suspend they are, a mark cut by
// a read or not; inside a paste they, and Ctrl-D, also end it, with an end
// mark where they were, so that a paste whose end mark never comes does
// not swallow every key after it.
func TestPasteMarksControlKeys(t *testing.T) {
	const start, end = "\x1b[200~", "\x1b[201~"
	tests := []struct {
		name         string
		reads        []string
		noStop       bool // no job control: Ctrl-Z is a byte like others
		keys         string
		ctrlC, ctrlZ bool
	}{
		{"typed", []string{"ab\x03c\x1a"}, false, "abc", true, true},
		{"a paste", []string{start + "a\nb" + end + "\r"}, false, start + "a\nb" + end + "\r", false, false},
		{"Ctrl-C ends a paste", []string{start + "a\x03b" + end}, false, start + "a" + end + "b" + end, true, false},
		{"Ctrl-Z ends a paste", []string{start + "a", "\x1a"}, false, start + "a" + end, false, true},
		{"Ctrl-Z without job control", []string{start + "a\x1a" + end}, true, start + "a\x1a" + end, false, false},
		{"Ctrl-D ends a paste", []string{start + "what is", "\r", "\x04", "\r"}, false, start + "what is\r" + end + "\x04\r", false, false},
		{"Ctrl-D outside a paste", []string{"a\x04"}, false, "a\x04", false, false},
		{"after a paste", []string{start + "a" + end + "\x03"}, false, start + "a" + end, true, false},
		{"marks cut by reads", []string{"\x1b[2", "00~a\x1b", "[201", "~\x03"}, false, start + "a" + end, true, false},
		{"end mark cut by Ctrl-C", []string{start + "a\x1b[20", "\x03"}, false, start + "a\x1b[20" + end, true, false},
		{"Esc, then a paste", []string{"\x1b", start + "\x04"}, false, "\x1b" + start + end + "\x04", false, false},
		{"not a mark", []string{"\x1b[20x\x04"}, false, "\x1b[20x\x04", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p pasteMarks
			var keys []byte
			var ctrlC, ctrlZ bool
			for _, r := range tt.reads {
				k, c, z := p.filter([]byte(r), !tt.noStop)
				keys = append(keys, k...)
				ctrlC, ctrlZ = ctrlC || c, ctrlZ || z
			}
			if string(keys) != tt.keys || ctrlC != tt.ctrlC || ctrlZ != tt.ctrlZ {
				t.Errorf("keys %q, Ctrl-C %v, Ctrl-Z %v; want %q, %v, %v", keys, ctrlC, ctrlZ, tt.keys, tt.ctrlC, tt.ctrlZ)
			}
		})
	}
}

// TestEditorLostPasteEnd: a paste whose end mark never comes, read as
// readKeys reads it: Enter typed after it is still pasted (a line break is
// a space), but Ctrl-D ends the paste, and then Enter sends the line and
// the keys after it edit as keys.
func TestEditorLostPasteEnd(t *testing.T) {
	const start, left = "\x1b[200~", "\x1b[D"
	tests := []struct {
		name   string
		reads  []string
		sent   []string
		typing string
		eof    bool // Ctrl-D on an empty line: the end, as outside a paste
	}{
		{"stuck without Ctrl-D", []string{start + "what is", "\r", "RPO?", "\r"}, nil, "what is RPO?", false}, // the last line break waits for what comes after it
		{"Ctrl-D, then Enter", []string{start + "what is", "\r", "RPO?", "\x04", "\r"}, []string{"what is RPO?"}, "", false},
		{"keys after it", []string{start + "ac", "\x04", left + "b", "\r", "next\r"}, []string{"abc", "next"}, "", false},
		{"Ctrl-D on an empty paste", []string{start, "\x04"}, nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			e := newEditor(&out, nil, nil)
			e.begin()
			var p pasteMarks
			var sent []string
			eof := false
			for _, r := range tt.reads {
				k, _, _ := p.filter([]byte(r), true)
				e.rest = append(e.rest, k...)
				for {
					l, done := e.handleKeys()
					if !done {
						break
					}
					if l.err == io.EOF {
						eof = true
						break
					}
					sent = append(sent, l.line)
					e.begin()
				}
			}
			if strings.Join(sent, "|") != strings.Join(tt.sent, "|") || len(sent) != len(tt.sent) {
				t.Errorf("sent %q, want %q", sent, tt.sent)
			}
			if got := e.line.String(); got != tt.typing {
				t.Errorf("line being edited %q, want %q", got, tt.typing)
			}
			if eof != tt.eof {
				t.Errorf("end of input %v, want %v", eof, tt.eof)
			}
		})
	}
}
