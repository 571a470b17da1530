package console_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/rivo/uniseg"
	"golang.org/x/term"

	"github.com/certcoach/certcoach/bot"
	"github.com/certcoach/certcoach/bot/console"
)

// screen is what the console wrote to its pseudo-terminal.
type screen struct {
	t    *testing.T
	ptmx *os.File
	mu   sync.Mutex
	out  []byte
	seen int           // waitFor looks after the last text it found
	more chan struct{} // a send after each read: waitFor looks again
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.out)
}

// waitFor waits until want is written after the last text found, and
// fails after a generous time: the console answers from memory.
func (s *screen) waitFor(want string) {
	s.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		s.mu.Lock()
		i := strings.Index(string(s.out[s.seen:]), want)
		if i >= 0 {
			s.seen += i + len(want)
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		select {
		case <-s.more:
		case <-deadline:
			s.t.Fatalf("no %q on screen after:\n%q", want, s.String()[min(s.seen, len(s.String())):])
		}
	}
}

// until waits until ok holds for all the console wrote, and reports
// whether it did within a generous time.
func (s *screen) until(ok func(out string) bool) bool {
	deadline := time.After(20 * time.Second)
	for {
		if ok(s.String()) {
			return true
		}
		select {
		case <-s.more:
		case <-deadline:
			return false
		}
	}
}

// typeKeys sends keys as a person types them, one key at a time: one key
// per read, as a terminal delivers them.
func (s *screen) typeKeys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		if _, err := s.ptmx.Write([]byte(k)); err != nil {
			s.t.Fatal(err)
		}
	}
}

// runOnTerminal runs the console with h on a new pseudo-terminal, as
// `certcoach` runs it on the user's terminal, and waits for its prompt. The
// returned channel gives Run's result (a panic as an error); the check
// after it, that the terminal's mode is back as it was, bracketed paste
// off.
func runOnTerminal(t *testing.T, h console.Handler) (*console.Console, *screen, <-chan error, func()) {
	t.Helper()
	return runOnTerminalSize(t, h, pty.Winsize{Rows: 40, Cols: 200})
}

// runOnTerminalSize is runOnTerminal on a terminal of the given size; setup
// runs on the console before it starts.
func runOnTerminalSize(t *testing.T, h console.Handler, size pty.Winsize, setup ...func(*console.Console)) (*console.Console, *screen, <-chan error, func()) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	t.Cleanup(func() { ptmx.Close() })
	if err := pty.Setsize(ptmx, &size); err != nil {
		t.Fatal(err)
	}
	before, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	s := &screen{t: t, ptmx: ptmx, more: make(chan struct{}, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			s.mu.Lock()
			s.out = append(s.out, buf[:n]...)
			s.mu.Unlock()
			select {
			case s.more <- struct{}{}:
			default: // one pending wake-up is enough: waitFor reads all of out
			}
			if err != nil {
				return
			}
		}
	}()
	c := console.New(h, "tester", tty)
	for _, f := range setup {
		f(c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panic: %v", r)
			}
		}()
		done <- c.Run(ctx, tty, true)
	}()
	s.waitFor("cert> ")
	restored := func() {
		t.Helper()
		after, err := term.GetState(int(tty.Fd()))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Error("the terminal's mode was not restored")
		}
		if !s.until(func(out string) bool { return strings.LastIndex(out, pasteOn) < strings.LastIndex(out, pasteOff) }) {
			t.Error("bracketed paste was left on")
		}
	}
	return c, s, done, restored
}

func newEngine(t *testing.T) *bot.Engine {
	t.Helper()
	e, _ := newEngineStore(t)
	return e
}

func wait(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return")
	}
}

const (
	pasteOn   = "\x1b[?2004h"
	pasteOff  = "\x1b[?2004l"
	left      = "\x1b[D"
	up        = "\x1b[A"
	backspace = "\x7f"
	ctrlA     = "\x01"
	ctrlE     = "\x05"
	ctrlC     = "\x03"
	ctrlD     = "\x04"
	homeTmux  = "\x1b[1~"
	endTmux   = "\x1b[4~"
)

// TestTerminalEditsLines: on a terminal, a typed line is edited before it
// is sent: left arrow and insert, backspace, up for the last line,
// Ctrl-A/Ctrl-E, Home/End, wide and accented characters; Ctrl-D on an
// empty line leaves as at the end of piped input, and the terminal is
// back in its mode.
func TestTerminalEditsLines(t *testing.T) {
	t.Parallel()
	_, s, done, restored := runOnTerminal(t, newEngine(t))
	s.typeKeys(strings.Split("domains cisp", "")...)
	s.typeKeys(left, "s", "\r")
	s.waitFor("CISSP domains (2024")
	s.waitFor("cert> ")
	s.typeKeys(up)
	s.waitFor("domains cissp")
	s.typeKeys(backspace, backspace, backspace, backspace, backspace, "c", "i", "s", "m", "\r")
	s.waitFor("CISM domains")
	s.waitFor("cert> ")
	s.typeKeys("c", "i", "s", "s", "p", ctrlA, "d", "o", "m", "a", "i", "n", "s", " ", ctrlE, " ", "2", "0", "2", "1", "\r")
	s.waitFor("CISSP domains (2021")
	s.waitFor("cert> ")
	s.typeKeys("2", "0", "2", "4", homeTmux, "d", "o", "m", "a", "i", "n", "s", " ", "c", "i", "s", "s", "p", " ", endTmux, "\r")
	s.waitFor("CISSP domains (2024")
	s.waitFor("cert> ")
	s.typeKeys(append(strings.Split("ｄｏｍａｉｎｓ　ｃｉｓｍé", ""), backspace, "\r")...)
	s.waitFor("CISM domains")
	s.waitFor("cert> ")
	// Fullwidth letters are drawn as typed, two columns each: left puts
	// the cursor two columns back, before the last one, where the ｓ goes.
	s.typeKeys(strings.Split("ｄｏｍａｉｎｓ　ｃｉｓｐ", "")...)
	s.waitFor("ｄｏｍａｉｎｓ　ｃｉｓｐ")
	s.typeKeys(left)
	s.waitFor(col(len("cert> ") + 2*len("domains cis")))
	s.typeKeys("ｓ")
	s.waitFor("ｓｐ" + col(len("cert> ")+2*len("domains ciss")))
	s.typeKeys("\r")
	s.waitFor("CISSP domains (2024")
	s.waitFor("cert> ")
	s.typeKeys(ctrlD)
	wait(t, done)
	restored()
	if out := s.String(); strings.Count(out, "\n") != strings.Count(out, "\r\n") {
		t.Errorf("a line ends without \\r in raw mode:\n%q", out)
	}
}

// col is what the editor sends to put the cursor in column n of the row.
func col(n int) string { return fmt.Sprintf("\r\x1b[%dC", n) }

// TestTerminalWideLineEditedMidLine: a line of CJK, an emoji with a skin
// tone and a combining accent is edited in its middle: the cursor steps
// over each cluster whole and is drawn at its display width, and
// backspace takes a cluster whole (no stray accent left in the command).
func TestTerminalWideLineEditedMidLine(t *testing.T) {
	_, s, done, restored := runOnTerminal(t, newEngine(t))
	s.typeKeys(append([]string{"d", "o", "m", "a", "i", "n", "s", " ", "日", "本", "👍🏽", "e", "\u0301"}, strings.Split(" cissp", "")...)...)
	s.waitFor(" cissp")
	s.typeKeys(left, left, left, left, left, left)
	s.waitFor(col(6 + len("domains ") + 4 + 2 + 1)) // after é: 日本 and 👍🏽 are two columns each
	s.typeKeys(left)
	s.waitFor(col(6 + len("domains ") + 4 + 2)) // before é, not between e and its accent
	s.typeKeys(left)
	s.waitFor(col(6 + len("domains ") + 4)) // before 👍🏽, not between the thumb and its tone
	s.typeKeys("x", backspace)
	s.waitFor(col(6 + len("domains ") + 4))
	s.typeKeys(ctrlE, left, left, left, left, left, left, backspace, backspace, backspace, backspace)
	s.waitFor(col(6 + len("domains ")))
	s.waitFor("\x1b[J cissp")
	s.typeKeys("\r")
	s.waitFor("CISSP domains (2024")
	s.waitFor("cert> ")
	s.typeKeys(ctrlD)
	wait(t, done)
	restored()
}

// lengths answers each line with its length, for what the console sent.
type lengths struct{}

func (lengths) Handle(_ context.Context, req bot.Request) bot.Reply {
	return bot.Reply{Body: fmt.Sprintf("got %d bytes", len(req.Text))}
}

// TestTerminalLongPaste: a pasted line longer than x/term's old 4096
// characters arrives whole; one past MaxLine keeps its first MaxLine bytes
// and the user is told it was cut, and the console reads on.
func TestTerminalLongPaste(t *testing.T) {
	_, s, done, restored := runOnTerminal(t, lengths{})
	long := strings.Repeat("日本語 ", 1500) + "end" // 6000 characters
	s.typeKeys(long + "\r")
	s.waitFor(fmt.Sprintf("got %d bytes", len(long)))
	s.waitFor("cert> ")
	s.typeKeys("ask " + strings.Repeat("x", console.MaxLine) + "\r")
	s.waitFor("That line is longer than 64 KiB: only its first 64 KiB were read.")
	s.waitFor(fmt.Sprintf("got %d bytes", console.MaxLine))
	s.waitFor("cert> ")
	s.typeKeys("h", "i", "\r")
	s.waitFor("got 2 bytes")
	s.waitFor("cert> ")
	s.typeKeys(ctrlD)
	wait(t, done)
	restored()
}

// TestTerminalReminderMidLine: a reminder printed while a line is half
// typed comes above it; the line is drawn again and goes on as typed.
func TestTerminalReminderMidLine(t *testing.T) {
	t.Parallel()
	c, s, done, restored := runOnTerminal(t, newEngine(t))
	s.typeKeys("d", "o", "m", "a", "i", "n", "s", " ", "c", "i", "s", "p", left)
	s.waitFor("domains cisp")
	if err := c.SendDM(context.Background(), "local", "tester", bot.Reply{Body: "Time to study."}); err != nil {
		t.Fatal(err)
	}
	s.waitFor("Time to study.\r\n")
	s.waitFor("cert> domains cisp")
	s.typeKeys("s", "\r")
	s.waitFor("CISSP domains (2024")
	s.waitFor("cert> ")
	s.typeKeys("q", "u", "i", "t", "\r")
	wait(t, done)
	restored()
}

// blocking answers only when its request is cancelled.
type blocking struct{ started chan struct{} }

func (b blocking) Handle(ctx context.Context, _ bot.Request) bot.Reply {
	close(b.started)
	<-ctx.Done()
	return bot.Reply{Body: "cancelled"}
}

// TestTerminalCtrlC: in raw mode Ctrl-C is a key, and it does what SIGINT
// does without the editor: at the prompt it says bye, during a command it
// cancels it; either way the terminal is back in its mode. Inside a paste
// whose end mark never came it is still a key, as Ctrl-D is.
func TestTerminalCtrlC(t *testing.T) {
	t.Parallel()
	t.Run("at the prompt", func(t *testing.T) {
		_, s, done, restored := runOnTerminal(t, newEngine(t))
		s.typeKeys("h", "e", "l", "p", " ", "x")
		s.waitFor("help x")
		s.typeKeys(ctrlC)
		wait(t, done)
		s.waitFor("Interrupted: bye.")
		restored()
	})
	// A paste without its end mark: Enter goes on pasting, Ctrl-D ends
	// the paste and Enter sends it; in the next, Ctrl-C interrupts.
	t.Run("in a paste", func(t *testing.T) {
		_, s, done, restored := runOnTerminal(t, echo{})
		s.typeKeys("\x1b[200~what is", "\r", "RPO?")
		s.waitFor("what is RPO?")
		s.typeKeys(ctrlD, "\r")
		s.waitFor("asked: what is RPO?")
		s.waitFor("cert> ")
		s.typeKeys("\x1b[200~RTO")
		s.waitFor("RTO")
		s.typeKeys(ctrlC)
		wait(t, done)
		s.waitFor("Interrupted: bye.")
		restored()
	})
	t.Run("during a command", func(t *testing.T) {
		h := blocking{started: make(chan struct{})}
		_, s, done, restored := runOnTerminal(t, h)
		s.typeKeys("s", "l", "o", "w", "\r")
		<-h.started
		s.typeKeys(ctrlC)
		wait(t, done)
		s.waitFor("Interrupted: the last command was cancelled. Bye.")
		restored()
	})
}

// TestTerminalWithoutSize: a terminal that reports no width (a pty nobody
// sized) still echoes a typed line on one line, as 80 columns.
func TestTerminalWithoutSize(t *testing.T) {
	t.Parallel()
	_, s, done, restored := runOnTerminalSize(t, newEngine(t), pty.Winsize{})
	s.typeKeys(strings.Split("domains cissp", "")...)
	s.waitFor("domains cissp")
	s.typeKeys("\r")
	s.waitFor("CISSP domains (2024")
	s.waitFor("cert> ")
	s.typeKeys(ctrlD)
	wait(t, done)
	restored()
}

// TestTerminalCtrlZ: Ctrl-Z in raw mode suspends as it does in a shell:
// the terminal is given back in its own mode while stopped, then taken
// again, with the prompt and the half-typed line drawn anew.
func TestTerminalCtrlZ(t *testing.T) {
	t.Parallel()
	var restored func()
	stopped := make(chan struct{})
	_, s, done, restoredFn := runOnTerminalSize(t, newEngine(t), pty.Winsize{Rows: 40, Cols: 200}, func(c *console.Console) {
		c.SetStopSelf(func() {
			restored() // in the shell's mode while stopped
			close(stopped)
		})
	})
	restored = restoredFn
	s.typeKeys(strings.Split("domains cis", "")...)
	s.waitFor("domains cis")
	s.typeKeys("\x1a")
	select {
	case <-stopped:
	case <-time.After(20 * time.Second):
		t.Fatal("Ctrl-Z did not suspend")
	}
	s.waitFor(pasteOff) // the shell gets pastes as typed
	s.waitFor(pasteOn)
	s.waitFor("cert> domains cis") // drawn again after fg
	s.typeKeys("s", "p", "\r")
	s.waitFor("CISSP domains (2024")
	s.waitFor("cert> ")
	s.typeKeys(ctrlD)
	wait(t, done)
	restored()
}

// echo answers each line with its text, one reply per line sent.
type echo struct{}

func (echo) Handle(_ context.Context, req bot.Request) bot.Reply {
	return bot.Reply{Body: "asked: " + req.Text}
}

// TestTerminalMultiLinePaste: a question copied over several lines and
// pasted (bracketed, as the console asks the terminal) goes into the line
// being typed as one line, whether it comes in one read or cut anywhere,
// and Enter sends it as one question: one reply each.
func TestTerminalMultiLinePaste(t *testing.T) {
	t.Parallel()
	_, s, done, restored := runOnTerminal(t, echo{})
	if !strings.Contains(s.String(), pasteOn) {
		t.Error("bracketed paste was not asked for")
	}
	// A terminal sends a paste's line breaks as \r, as Enter.
	s.typeKeys("\x1b[200~What is the difference\rbetween RPO\r\rand RTO?\r\x1b[201~")
	s.waitFor("RTO?")
	s.typeKeys("\r")
	s.waitFor("asked: What is the difference between RPO and RTO?")
	s.waitFor("cert> ")
	s.typeKeys("\x1b[20", "0~Which domain\r", "\ncovers BCP?\x1b[2", "01~", " (CISSP)", "\r")
	s.waitFor("asked: Which domain covers BCP? (CISSP)")
	s.waitFor("cert> ")
	s.typeKeys(ctrlD)
	wait(t, done)
	restored()
	if n := strings.Count(s.String(), "asked: "); n != 2 {
		t.Errorf("%d replies to 2 pasted questions:\n%q", n, s.String())
	}
}

// panicking fails as a bug in a command would.
type panicking struct{}

func (panicking) Handle(context.Context, bot.Request) bot.Reply { panic("a bug in a command") }

// TestTerminalRestoredOnPanic: a panic through Run gives the terminal back
// in its mode, bracketed paste off, before the program dies of it.
func TestTerminalRestoredOnPanic(t *testing.T) {
	t.Parallel()
	_, s, done, restored := runOnTerminal(t, panicking{})
	s.typeKeys("boom\r")
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "a bug in a command") {
			t.Fatalf("Run: %v, want the panic", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return")
	}
	restored()
}

// TestTerminalRepliesFitItsWidth: on a terminal narrower than Width a reply
// is laid out to its width (the terminal would otherwise wrap each long line
// again, mid-word); tables too.
func TestTerminalRepliesFitItsWidth(t *testing.T) {
	t.Parallel()
	_, s, done, restored := runOnTerminalSize(t, newEngine(t), pty.Winsize{Rows: 40, Cols: 64})
	s.typeKeys(strings.Split("compare", "")...)
	s.typeKeys("\r")
	s.waitFor("cert> ")
	s.typeKeys(ctrlD)
	wait(t, done)
	restored()
	out := s.String()
	i := strings.Index(out, "CISM vs CISSP")
	if i < 0 {
		t.Fatalf("no comparison on screen: %q", out)
	}
	for _, line := range strings.Split(out[i:], "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.Contains(line, "cert>") {
			break
		}
		if w := uniseg.StringWidth(line); w > 64 {
			t.Errorf("line of %d columns on a 64-column terminal: %q", w, line)
		}
	}
}
