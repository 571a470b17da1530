package console

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/certcoach/certcoach/bot"
)

// promptText is what the console shows where a command is typed.
const promptText = "cert> "

// editor is the console's line editor when both its input and its output
// are a terminal: x/term's Terminal over the terminal in raw mode gives
// arrows, backspace anywhere, Ctrl-A/Ctrl-E and this session's history,
// and its Write redraws the prompt and the half-typed line when a reminder
// prints in the middle of it.
type editor struct {
	t    *term.Terminal
	pipe *keyPipe
	fd   int
	old  *term.State
	want chan struct{} // one line is read per request, after its prompt is due
	// stopSelf stops the process until the shell resumes it (Ctrl-Z);
	// nil where there is no job control.
	stopSelf func()
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
	pipe := &keyPipe{keys: keys, stop: stop, out: outf}
	t := term.NewTerminal(pipe, promptText)
	t.History = &history{}
	e := &editor{t: t, pipe: pipe, fd: fd, old: old, want: make(chan struct{}, 1), stopSelf: stopSelf}
	var suspend func()
	if stopSelf != nil {
		suspend = e.suspend
	}
	go readKeys(inf, keys, interrupt, suspend, stop)
	return e
}

// suspend gives the terminal back and stops the process, as Ctrl-Z does
// outside raw mode; resumed (fg), it takes the terminal again and draws
// the prompt and the half-typed line anew.
func (e *editor) suspend() {
	e.pipe.mu.Lock()
	if e.pipe.done {
		e.pipe.mu.Unlock()
		return
	}
	_ = term.Restore(e.fd, e.old)
	e.stopSelf()
	_, _ = term.MakeRaw(e.fd)
	e.pipe.mu.Unlock()
	_, _ = e.t.Write(nil)
}

// restore gives the terminal back as it was (echo, line buffering, Ctrl-C
// as a signal); the editor draws nothing after it, not even the echo of a
// key typed just before.
func (e *editor) restore() {
	e.pipe.mu.Lock()
	defer e.pipe.mu.Unlock()
	e.pipe.done = true
	_ = term.Restore(e.fd, e.old)
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
		if w, h, err := term.GetSize(e.fd); err == nil && w > 0 {
			_ = e.t.SetSize(w, h)
		}
		line, err := e.t.ReadLine()
		select {
		case out <- lineOrErr{line: line, err: err}:
		case <-stop:
			return
		}
		if err != nil {
			return
		}
	}
}

type keyChunk struct {
	b   []byte
	err error
}

// readKeys reads the terminal all the time, also while a command runs, so
// that Ctrl-C cancels it and Ctrl-Z suspends (suspend, unless nil); the
// other keys wait in keys for the editor.
func readKeys(in io.Reader, keys chan<- keyChunk, interrupt, suspend func(), stop <-chan struct{}) {
	// Home and End as tmux, screen, the Linux console and application
	// mode send them, which Terminal does not know, become Ctrl-A and Ctrl-E.
	homeEnd := strings.NewReplacer("\x1b[1~", "\x01", "\x1b[7~", "\x01", "\x1bOH", "\x01",
		"\x1b[4~", "\x05", "\x1b[8~", "\x05", "\x1bOF", "\x05")
	buf := make([]byte, 256)
	for {
		n, err := in.Read(buf)
		s := homeEnd.Replace(string(buf[:n]))
		if utf8.ValidString(s) {
			// The editor counts every character as one column: fullwidth
			// letters (two) and zero-width marks fold as the console reads
			// them anyway, so the cursor stays where it is drawn.
			s = bot.Fold(s)
		}
		b := []byte(s)
		if bytes.IndexByte(b, 3) >= 0 { // Ctrl-C
			interrupt()
			b = bytes.ReplaceAll(b, []byte{3}, nil)
		}
		if suspend != nil && bytes.IndexByte(b, 0x1a) >= 0 { // Ctrl-Z
			suspend()
			b = bytes.ReplaceAll(b, []byte{0x1a}, nil)
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

// keyPipe is the io.ReadWriter the Terminal runs on: keys from readKeys,
// output to the terminal.
type keyPipe struct {
	keys <-chan keyChunk
	stop <-chan struct{}
	rest []byte
	err  error

	mu   sync.Mutex // out and done: restore and the editor's writes
	out  io.Writer
	done bool
}

func (p *keyPipe) Read(b []byte) (int, error) {
	if len(p.rest) == 0 && p.err == nil {
		select {
		case k := <-p.keys:
			p.rest, p.err = k.b, k.err
		case <-p.stop:
			return 0, io.EOF
		}
	}
	n := copy(b, p.rest)
	p.rest = p.rest[n:]
	if len(p.rest) == 0 && p.err != nil {
		return n, p.err
	}
	return n, nil
}

func (p *keyPipe) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return len(b), nil
	}
	return p.out.Write(b)
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
