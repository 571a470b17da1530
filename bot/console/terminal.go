package console

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/term"
)

// promptText is what the console shows where a command is typed.
const promptText = "cert> "

// Bracketed paste: once asked (pasteOn), a terminal sends pasted text
// between pasteStart and pasteEnd, so that its line breaks are text, not
// Enter; a terminal that does not know the mode ignores the request and
// sends a paste as typed keys, as before.
const (
	pasteOn    = "\x1b[?2004h"
	pasteOff   = "\x1b[?2004l"
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

// editor is the console's line editor when both its input and its output
// are a terminal in raw mode: arrows, backspace anywhere, Ctrl-A/Ctrl-E,
// this session's history, a paste of several lines taken as one line. The
// cursor steps over grapheme clusters and sits at their display width, so
// a line of CJK, emoji or combining accents is drawn where the cursor says. Its Write redraws the prompt and the
// half-typed line when a reminder prints in the middle of it.
type editor struct {
	fd   int
	old  *term.State
	keys <-chan keyChunk
	stop <-chan struct{}
	want chan struct{} // one line is read per request, after its prompt is due
	// stopSelf stops the process until the shell resumes it (Ctrl-Z);
	// nil where there is no job control.
	stopSelf func()

	mu      sync.Mutex // all below: replies and reminders Write from other goroutines
	out     io.Writer
	done    bool   // the terminal is given back: draw nothing
	buf     []byte // drawing not yet written
	rest    []byte // keys read and not handled yet (a sequence in two reads)
	readErr error  // after rest
	width   int
	prompt  []cell
	line    line
	hist    history
	histAt  int    // -1: the line being typed; else the history entry shown
	pending string // the line being typed, while history is shown
	drawn   bool   // the prompt and line are on screen
	row     int    // the cursor's row, from the prompt's
	col     int
	midLine bool // the last text written did not end its line
	cut     bool // text typed or pasted into this line was dropped at the cap
	pasting bool // between pasteStart and pasteEnd
}

// startEditor puts the terminal in raw mode and starts reading its keys,
// or returns nil when in or out is not a terminal (a pipe, a file, a test):
// the console then reads plain lines. In raw mode Ctrl-C is a key, not a
// signal: interrupt is called for it, as SIGINT would cancel. Ctrl-Z is a
// key too: stopSelf (nil: none) suspends the process, as SIGTSTP would.
func startEditor(in io.Reader, out io.Writer, interrupt, stopSelf func(), stop <-chan struct{}) *editor {
	inf, ok := in.(*os.File)
	outf, ok2 := out.(*os.File)
	if !ok || !ok2 || !term.IsTerminal(int(inf.Fd())) || !term.IsTerminal(int(outf.Fd())) {
		return nil
	}
	fd := int(inf.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return nil // plain lines still work
	}
	keys := make(chan keyChunk, 64)
	e := newEditor(outf, keys, stop)
	e.fd, e.old, e.stopSelf = fd, old, stopSelf
	e.buf = append(e.buf, pasteOn...)
	e.flush()
	var suspend func()
	if stopSelf != nil {
		suspend = e.suspend
	}
	go readKeys(inf, keys, interrupt, suspend, stop)
	go watchResize(fd, e.resize, stop)
	return e
}

// newEditor is an editor drawing on out with keys from keys, 80 columns
// wide until told its size.
func newEditor(out io.Writer, keys <-chan keyChunk, stop <-chan struct{}) *editor {
	return &editor{out: out, keys: keys, stop: stop, want: make(chan struct{}, 1),
		width: 80, prompt: segment(promptText), histAt: -1}
}

// suspend gives the terminal back and stops the process, as Ctrl-Z does
// outside raw mode; resumed (fg), it takes the terminal again and draws
// the prompt and the half-typed line anew.
func (e *editor) suspend() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done {
		return
	}
	e.buf = append(e.buf, pasteOff...) // the shell's own line editor does not expect the marks
	e.flush()
	_ = term.Restore(e.fd, e.old)
	e.stopSelf()
	_, _ = term.MakeRaw(e.fd)
	e.buf = append(e.buf, pasteOn...)
	if e.drawn {
		// The shell has written its lines since: draw on a line of its own.
		e.row, e.col = 0, 0
		e.buf = append(e.buf, "\r\x1b[J"...)
		e.drawFrom(0, false)
	}
	e.flush()
}

// restore gives the terminal back as it was (echo, line buffering, Ctrl-C
// as a signal, pastes as typed); the editor draws nothing after it, not
// even the echo of a key typed just before.
func (e *editor) restore() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done {
		return
	}
	e.buf = append(e.buf, pasteOff...)
	e.flush()
	e.done = true
	_ = term.Restore(e.fd, e.old)
}

// Columns is the terminal's width as last read (80 until it is known).
func (e *editor) Columns() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.width
}

// next asks for the next line: its prompt is drawn now, after the reply.
func (e *editor) next() { e.want <- struct{}{} }

// readLines sends one edited line per next, until an error (io.EOF for
// Ctrl-D on an empty line), which it sends last.
func (e *editor) readLines(out chan<- lineOrErr, stop <-chan struct{}) {
	for {
		select {
		case <-e.want:
		case <-stop:
			return
		}
		// The window may have been resized since. A terminal that reports
		// no width (a pty nobody sized, some serial lines) keeps the
		// editor's 80 columns: at 0 it would draw each key on a line of its own.
		if w, _, err := term.GetSize(e.fd); err == nil {
			e.resize(w)
		}
		l := e.readLine()
		select {
		case out <- l:
		case <-stop:
			return
		}
		if l.err != nil {
			return
		}
	}
}

// resize lays the prompt and line out anew for a terminal now w columns
// wide (0, no width known: unchanged). Drawn, they are erased from the
// prompt's row, found by the old width's layout (rows end with \r\n, so a
// terminal that does not reflow keeps them), and drawn again.
func (e *editor) resize(w int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done || w <= 0 || w == e.width {
		return
	}
	e.width = w
	if e.drawn {
		e.drawFrom(0, true) // the prompt's row is (0, 0) in any width
	}
	e.flush()
}

// readLine draws the prompt and returns the line typed at it, or an error
// (io.EOF for Ctrl-D on an empty line or when the editor stops).
func (e *editor) readLine() lineOrErr {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.begin()
	e.flush()
	for {
		l, done := e.handleKeys()
		e.flush()
		if done {
			return l
		}
		if e.readErr != nil {
			err := e.readErr
			e.readErr = nil
			return lineOrErr{err: err}
		}
		e.mu.Unlock()
		var k keyChunk
		select {
		case k = <-e.keys:
		case <-e.stop:
			k.err = io.EOF
		}
		e.mu.Lock()
		e.rest = append(e.rest, k.b...)
		e.readErr = k.err
	}
}

// begin draws the prompt and the line, on a line of its own.
func (e *editor) begin() {
	if e.midLine {
		e.buf = append(e.buf, '\r', '\n')
		e.midLine = false
	}
	e.drawn, e.row, e.col = true, 0, 0
	e.drawFrom(0, false)
}

// handleKeys edits the line by the keys in rest, up to a line's end; a
// key cut in two by a read waits in rest for its end.
func (e *editor) handleKeys() (l lineOrErr, done bool) {
	for len(e.rest) > 0 {
		if e.pasting {
			if !e.paste() {
				return lineOrErr{}, false // the paste goes on in the next read
			}
			continue
		}
		k, n := parseKey(e.rest)
		if n == 0 {
			if e.readErr == nil {
				return lineOrErr{}, false // the rest of the sequence is still to come
			}
			k, n = keyNone, len(e.rest) // never coming
		}
		if k == keyText {
			// A run of characters (a paste) goes in at once: the line is
			// split into clusters and drawn once for it, not once a key.
			for n < len(e.rest) {
				k2, n2 := parseKey(e.rest[n:])
				if k2 != keyText || n2 == 0 {
					break
				}
				n += n2
			}
			e.insert(string(e.rest[:n]))
			e.rest = e.rest[n:]
			continue
		}
		e.rest = e.rest[n:]
		if k == keyPasteStart {
			e.pasting = true
			continue
		}
		if k == keyEOF && len(e.line.cells) == 0 {
			return lineOrErr{err: io.EOF}, true
		}
		if k == keyEnter {
			return e.enter(), true
		}
		e.edit(k)
	}
	e.rest = nil
	return lineOrErr{}, false
}

// paste inserts the pasted text at rest's start, as one line, up to the
// paste's end mark; false when there is none yet: then it inserts what the
// next read cannot change and leaves the rest in rest. A paste's line
// breaks are spaces, not Enter: as in shells' bracketed mode, a paste of
// several lines is one line, sent by the Enter typed after it.
func (e *editor) paste() bool {
	end := true
	n := bytes.Index(e.rest, []byte(pasteEnd))
	if n < 0 {
		end = false
		n = len(e.rest)
		if e.readErr == nil {
			n = pastedUpTo(e.rest)
		}
	}
	if text := pasted(e.rest[:n]); text != "" {
		e.insert(text)
	}
	if end {
		e.rest = e.rest[n+len(pasteEnd):]
		e.pasting = false
	} else {
		e.rest = e.rest[n:]
	}
	return end
}

// pastedUpTo is how much of b, pasted text before its end mark, can go in
// the line now: not an escape sequence still to end (the end mark's start
// among them), or a character, or a run of blanks, all of which the next
// read may go on.
func pastedUpTo(b []byte) int {
	n := len(b)
	if i := bytes.LastIndexByte(b, 0x1b); i >= 0 {
		if _, m := parseEscape(b[i:]); m == 0 {
			n = i
		}
	}
	for k := 1; k <= min(utf8.UTFMax-1, n); k++ {
		if utf8.RuneStart(b[n-k]) {
			if !utf8.FullRune(b[n-k : n]) {
				n -= k
			}
			break
		}
	}
	for n > 0 && isBlank(rune(b[n-1])) {
		n--
	}
	return n
}

func isBlank(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' }

// pasted is pasted text as the line takes it: an escape sequence in it
// (colours copied with the text, a key) is dropped whole rather than left
// as "[31m"; a run of blanks with a line break in it is one space, so that
// a question copied over several lines reads as typed on one. insert
// drops the other control characters (a pasted Ctrl-C).
func pasted(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		i := bytes.IndexByte(b, 0x1b)
		if i < 0 {
			sb.Write(b)
			break
		}
		sb.Write(b[:i])
		_, n := parseEscape(b[i:])
		if n == 0 {
			break // cut short by the paste's end
		}
		b = b[i+n:]
	}
	return lineBreaks.ReplaceAllLiteralString(sb.String(), " ")
}

// lineBreaks is a run of blanks with a line break in it.
var lineBreaks = regexp.MustCompile(`[ \t]*[\r\n][ \t\r\n]*`)

// maxInput is the longest line the editor takes, as piped input (MaxLine):
// every key redraws the line from the cursor on and walks it to place the
// cursor, so a runaway paste (a whole file) would slow each key down and
// sit in memory and history. Past it, text is dropped with a bell, and
// the console says so when the line is sent: a note printed above a line
// that long would be rows off the screen.
const maxInput = MaxLine

func (e *editor) insert(text string) {
	text = printable(text)
	old := len(e.line.cells)
	from, cut := e.line.insert(text, maxInput)
	e.drawLine(from, from < old)
	if cut {
		e.cut = true
		e.buf = append(e.buf, '\a')
	}
}

func (e *editor) enter() lineOrErr {
	e.moveTo(e.at(e.count()))
	e.buf = append(e.buf, '\r', '\n')
	s := e.line.String()
	e.hist.Add(s)
	e.line = line{}
	l := lineOrErr{line: s, cut: e.cut}
	e.histAt, e.pending, e.cut = -1, "", false
	e.drawn, e.row, e.col = false, 0, 0
	return l
}

// edit does what an editing key does to the line and the screen.
func (e *editor) edit(k key) {
	l := &e.line
	n := len(l.cells)
	switch k {
	case keyLeft:
		e.cursor(max(l.pos-1, 0))
	case keyRight:
		e.cursor(min(l.pos+1, n))
	case keyHome:
		e.cursor(0)
	case keyEnd:
		e.cursor(n)
	case keyWordLeft:
		e.cursor(l.wordLeft())
	case keyWordRight:
		e.cursor(l.wordRight())
	case keyBackspace:
		if l.pos > 0 {
			e.removeCells(l.pos-1, l.pos)
		}
	case keyDelete, keyEOF:
		if l.pos < n {
			e.removeCells(l.pos, l.pos+1)
		}
	case keyKillWord:
		e.removeCells(l.wordLeft(), l.pos)
	case keyKillStart:
		e.removeCells(0, l.pos)
	case keyKillEnd:
		e.removeCells(l.pos, n)
	case keyTranspose:
		if n < 2 || l.pos == 0 {
			return
		}
		i := min(l.pos, n-1) // at the end, the two before it
		l.cells[i-1], l.cells[i] = l.cells[i], l.cells[i-1]
		l.pos = min(l.pos+1, n)
		e.drawLine(i-1, true)
	case keyUp:
		if e.histAt+1 >= e.hist.Len() {
			return
		}
		if e.histAt == -1 {
			e.pending = l.String()
		}
		e.histAt++
		e.setLine(e.hist.At(e.histAt))
	case keyDown:
		switch e.histAt {
		case -1:
			return
		case 0:
			e.histAt = -1
			e.setLine(e.pending)
		default:
			e.histAt--
			e.setLine(e.hist.At(e.histAt))
		}
	case keyClear:
		e.buf = append(e.buf, "\x1b[2J\x1b[H"...)
		e.row, e.col = 0, 0
		e.drawFrom(0, false)
	}
}

func (e *editor) cursor(pos int) {
	e.line.pos = pos
	e.moveTo(e.at(len(e.prompt) + pos))
}

func (e *editor) removeCells(i, j int) {
	if i == j {
		return
	}
	e.line.remove(i, j)
	e.drawLine(i, true)
}

func (e *editor) setLine(s string) {
	e.line.set(s)
	e.drawLine(0, true)
}

// The screen: cells of the prompt then of the line, laid out left to
// right in rows of width columns; a cell that does not fit (a wide one in
// the last column) starts the next row. Rows end with an explicit \r\n,
// never the terminal's own wrap, so that every terminal agrees where each
// cell is.

func (e *editor) count() int { return len(e.prompt) + len(e.line.cells) }

func (e *editor) cellAt(j int) cell {
	if j < len(e.prompt) {
		return e.prompt[j]
	}
	return e.line.cells[j-len(e.prompt)]
}

// fit is where a cell of width w goes after the position row, col: there,
// or at the next row's start. The cursor after the last cell takes a
// column too.
func (e *editor) fit(row, col, w int) (int, int) {
	if col+max(w, 1) > e.width && col > 0 {
		return row + 1, 0
	}
	return row, col
}

// at is the screen position of cell j of the prompt and line (j ==
// count(): where the cursor rests after the last).
func (e *editor) at(j int) (row, col int) {
	for k := 0; k < j; k++ {
		w := e.cellAt(k).w
		row, col = e.fit(row, col, w)
		col += w
	}
	w := 0
	if j < e.count() {
		w = e.cellAt(j).w
	}
	return e.fit(row, col, w)
}

// moveTo moves the cursor to row, col of the prompt and line. Down is a
// line feed, which also makes a row at the screen's bottom.
func (e *editor) moveTo(row, col int) {
	if row < e.row {
		e.buf = fmt.Appendf(e.buf, "\x1b[%dA", e.row-row)
	}
	for ; e.row < row; e.row++ {
		e.buf = append(e.buf, '\n')
	}
	e.row = row
	if col != e.col {
		e.buf = append(e.buf, '\r')
		if col > 0 {
			e.buf = fmt.Appendf(e.buf, "\x1b[%dC", col)
		}
	}
	e.col = col
}

// drawFrom draws the prompt and line from cell j on, erasing what was
// drawn there before if clear, and puts the cursor back at the line's. One
// walk lays out every cell: those before j for where to start, and the
// cursor's cell on the way.
func (e *editor) drawFrom(j int, clear bool) {
	n, cur := e.count(), len(e.prompt)+e.line.pos
	var row, col, curRow, curCol int
	for k := 0; k <= n; k++ {
		w := 0 // after the last cell: the cursor's column
		if k < n {
			w = e.cellAt(k).w
		}
		r, c := e.fit(row, col, w)
		switch {
		case k == j:
			if clear {
				// From the end of the cell before: a wide cell moved down
				// to the next row leaves that end of its row to erase too.
				if col < e.width {
					e.moveTo(row, col)
				} else {
					e.moveTo(r, c)
				}
				e.buf = append(e.buf, "\x1b[J"...)
			}
			e.moveTo(r, c)
		case k > j && r > row:
			e.buf = append(e.buf, '\r', '\n') // also off the last column, where the cursor would wait
		}
		row, col = r, c
		if k == cur {
			curRow, curCol = row, col
		}
		if k < n {
			if k >= j {
				e.buf = append(e.buf, e.cellAt(k).s...)
			}
			col += w
		}
	}
	e.row, e.col = row, col
	e.moveTo(curRow, curCol)
}

// drawLine is drawFrom the line's cell i.
func (e *editor) drawLine(i int, clear bool) { e.drawFrom(len(e.prompt)+i, clear) }

// above writes s above the prompt and line, and draws them again under it.
func (e *editor) above(s string) {
	if !e.drawn {
		e.buf = appendCRLF(e.buf, s)
		if s != "" {
			e.midLine = s[len(s)-1] != '\n'
		}
		return
	}
	e.moveTo(0, 0)
	e.buf = append(e.buf, "\x1b[J"...)
	e.buf = appendCRLF(e.buf, s)
	if s != "" && s[len(s)-1] != '\n' {
		e.buf = append(e.buf, '\r', '\n')
	}
	e.row, e.col = 0, 0
	e.drawFrom(0, false)
}

// appendCRLF appends s with each \n as \r\n: in raw mode a line feed does
// not return the carriage.
func appendCRLF(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return append(b, s...)
		}
		b = append(append(b, s[:i]...), '\r', '\n')
		s = s[i+1:]
	}
}

func (e *editor) flush() {
	if len(e.buf) > 0 && !e.done {
		_, _ = e.out.Write(e.buf) // a terminal gone: the next read says so
	}
	e.buf = e.buf[:0]
}

// Write prints b (a reply, a reminder) above the line being typed.
func (e *editor) Write(b []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done {
		return len(b), nil
	}
	e.above(string(b))
	e.flush()
	return len(b), nil
}

type keyChunk struct {
	b   []byte
	err error
}

// readKeys reads the terminal all the time, also while a command runs, so
// that Ctrl-C cancels it and Ctrl-Z suspends (suspend, unless nil); the
// other keys wait in keys for the editor, also inside a paste (pasteMarks).
func readKeys(in io.Reader, keys chan<- keyChunk, interrupt, suspend func(), stop <-chan struct{}) {
	var marks pasteMarks
	for {
		buf := make([]byte, 256) // new each read: the last one waits in keys
		n, err := in.Read(buf)
		b, ctrlC, ctrlZ := marks.filter(buf[:n], suspend != nil)
		if ctrlC {
			interrupt()
		}
		if ctrlZ {
			suspend()
		}
		if len(b) == 0 && err == nil {
			continue
		}
		select {
		case keys <- keyChunk{b, err}:
		case <-stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// pasteMarks follows the paste marks in the terminal's bytes as they are
// read, a mark cut by a read included. Ctrl-C, Ctrl-D and Ctrl-Z inside a
// paste are keys, not text, and end the paste: terminals drop control
// characters from what they paste, so one there was typed after a paste
// whose end mark was lost (a terminal's bug, a paste cut short), and
// without this every key after it, Enter and Ctrl-C too, would go on being
// pasted text with no way out.
type pasteMarks struct {
	in      bool // after pasteStart, before pasteEnd
	matched int  // bytes of the next mark seen at the end of the last read
}

// filter returns b, the next read, without its Ctrl-C bytes and (stops)
// Ctrl-Z bytes, and whether there were any. One that ends a paste leaves
// pasteEnd in its place, so that the editor ends the paste there too, and
// so does a Ctrl-D, before it.
func (p *pasteMarks) filter(b []byte, stops bool) (keys []byte, ctrlC, ctrlZ bool) {
	keys = make([]byte, 0, len(b))
	for _, c := range b {
		isKey := c == 3 || c == 4 || stops && c == 0x1a
		if p.in && isKey {
			keys = append(keys, pasteEnd...)
			p.in, p.matched = false, 0
		} else {
			p.see(c)
		}
		switch {
		case c == 3:
			ctrlC = true
		case stops && c == 0x1a:
			ctrlZ = true
		default:
			keys = append(keys, c)
		}
	}
	return keys, ctrlC, ctrlZ
}

// see takes the next byte. A mark has ESC only at its start, so a byte
// that does not go on with the mark starts it again or not at all.
func (p *pasteMarks) see(c byte) {
	mark := pasteStart
	if p.in {
		mark = pasteEnd
	}
	switch {
	case c == mark[p.matched]:
		p.matched++
		if p.matched == len(mark) {
			p.in, p.matched = !p.in, 0
		}
	case c == mark[0]:
		p.matched = 1
	default:
		p.matched = 0
	}
}

type key int

const (
	keyNone key = iota // a sequence the editor does not use
	keyText
	keyEnter
	keyEOF // Ctrl-D: the end on an empty line, else delete
	keyBackspace
	keyDelete
	keyLeft
	keyRight
	keyWordLeft
	keyWordRight
	keyHome
	keyEnd
	keyUp
	keyDown
	keyKillWord
	keyKillStart
	keyKillEnd
	keyTranspose
	keyClear
	keyPasteStart // text up to pasteEnd is pasted, line breaks and all
	keyPasteEnd   // outside a paste: stray, ignored
)

// parseKey reads the key at b's start: the key and its length in bytes,
// 0 when b holds only the start of one. Home and End come as tmux, screen,
// xterm, the Linux console and application mode send them.
func parseKey(b []byte) (key, int) {
	switch b[0] {
	case '\r':
		if len(b) > 1 && b[1] == '\n' {
			return keyEnter, 2
		}
		return keyEnter, 1
	case '\n':
		return keyEnter, 1
	case 1:
		return keyHome, 1
	case 2:
		return keyLeft, 1
	case 4:
		return keyEOF, 1
	case 5:
		return keyEnd, 1
	case 6:
		return keyRight, 1
	case 8, 0x7f:
		return keyBackspace, 1
	case 11:
		return keyKillEnd, 1
	case 12:
		return keyClear, 1
	case 14:
		return keyDown, 1
	case 16:
		return keyUp, 1
	case 20:
		return keyTranspose, 1
	case 21:
		return keyKillStart, 1
	case 23:
		return keyKillWord, 1
	case 0x1b:
		return parseEscape(b)
	case '\t':
		return keyText, 1
	}
	if b[0] < 0x20 {
		return keyNone, 1
	}
	if !utf8.FullRune(b) {
		return keyNone, 0
	}
	_, n := utf8.DecodeRune(b) // a stray byte is one character, shown as U+FFFD
	return keyText, n
}

// parseEscape reads an escape sequence: ESC [ params final, ESC O x, or
// ESC x (Alt-x). An ESC ends the sequence before it and starts its own:
// the Esc key, then a paste or an arrow in the same read.
func parseEscape(b []byte) (key, int) {
	if len(b) < 2 {
		return keyNone, 0
	}
	switch b[1] {
	case 0x1b:
		return keyNone, 1
	case '[':
		for i := 2; i < len(b); i++ {
			if b[i] >= 0x40 && b[i] <= 0x7e {
				return csiKey(string(b[2 : i+1])), i + 1
			}
			if b[i] < 0x20 || i > 16 { // not a sequence after all
				return keyNone, i
			}
		}
		return keyNone, 0
	case 'O':
		if len(b) < 3 {
			return keyNone, 0
		}
		switch b[2] {
		case 0x1b:
			return keyNone, 2
		case 'A':
			return keyUp, 3
		case 'B':
			return keyDown, 3
		case 'C':
			return keyRight, 3
		case 'D':
			return keyLeft, 3
		case 'H':
			return keyHome, 3
		case 'F':
			return keyEnd, 3
		}
		return keyNone, 3
	case 'b':
		return keyWordLeft, 2
	case 'f':
		return keyWordRight, 2
	case 0x7f:
		return keyKillWord, 2
	}
	return keyNone, 2
}

func csiKey(s string) key {
	switch s {
	case "A":
		return keyUp
	case "B":
		return keyDown
	case "C":
		return keyRight
	case "D":
		return keyLeft
	case "H", "1~", "7~":
		return keyHome
	case "F", "4~", "8~":
		return keyEnd
	case "3~":
		return keyDelete
	case "1;3C", "1;5C":
		return keyWordRight
	case "1;3D", "1;5D":
		return keyWordLeft
	case "200~":
		return keyPasteStart
	case "201~":
		return keyPasteEnd
	}
	return keyNone
}

// history is this session's lines for up and down, without blank lines
// and repeats of the line before.
type history struct{ lines []string }

const historyMax = 1000

func (h *history) Add(s string) {
	if strings.TrimSpace(s) == "" || len(h.lines) > 0 && h.lines[len(h.lines)-1] == s {
		return
	}
	h.lines = append(h.lines, s)
	if len(h.lines) > historyMax {
		h.lines = h.lines[1:]
	}
}

func (h *history) Len() int        { return len(h.lines) }
func (h *history) At(i int) string { return h.lines[len(h.lines)-1-i] }
