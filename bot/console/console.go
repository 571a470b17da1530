package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/certcoach/certcoach/bot"
)

// Handler is the part of the engine the console needs.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Reply
}

// Console reads commands line by line and prints replies. It is also the
// Notifier of its user's scheduled messages while it runs.
type Console struct {
	h     Handler
	actor bot.Actor
	out   io.Writer

	// ChartDir is where `progress chart` writes its PNG (default: the
	// system's temporary directory).
	ChartDir string
	// FileOnly prints a reply that carries a file (export) as the file
	// alone, without its title and summary: `certcoach ask export` is
	// then valid JSON on stdout.
	FileOnly bool
	// OneShot is a single command run from the shell (`certcoach ask`):
	// the controls line says what to run next, not what to type.
	OneShot bool
	// IsCommand reports whether text starts with a command's name, so
	// that a one-shot reply can name the commands it mentions as shell
	// commands; nil: it names them as typed.
	IsCommand func(text string) bool
	// TimeZone is the machine's IANA zone, passed on as the platform's
	// zone is on Slack: a reminder needs no zone typed, and a zone the
	// user sets still wins. "" when the machine's is not known.
	TimeZone string

	// stopSelf suspends the process for Ctrl-Z on a terminal (default:
	// stopProcess where there is job control; a test replaces it, so as
	// not to stop itself).
	stopSelf func()

	mu   sync.Mutex   // out, last, held and leaving: the scheduler prints from another goroutine
	last []bot.Button // buttons of the last reply, pressed by typing their key
	// held is a scheduled message with answer keys that came while a quiz
	// question was on screen: shown once that question is answered, so
	// that the quiz keeps A-D meanwhile.
	held *bot.Reply
	// leaving is set once Run has begun to end: a reminder then shows at
	// once, as nothing would show a held one.
	leaving bool
	n       int
	prompt  bool
}

// New returns a console acting as user in a local workspace.
func New(h Handler, user string, out io.Writer) *Console {
	return &Console{h: h, out: out, actor: bot.Actor{Platform: bot.PlatformConsole, Workspace: "local", User: user, Channel: "console", Name: user, DM: true}}
}

// Request turns a typed line into a request: a button key of the last reply
// presses that button, anything else is a command.
func (c *Console) Request(line string) bot.Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	req := bot.Request{Actor: c.actor, ID: fmt.Sprintf("console-%d", c.n)}
	req.Actor.TimeZone = c.TimeZone
	line = bot.Fold(line) // a fullwidth Ｂ presses B
	for _, b := range c.last {
		if matches(line, b) {
			req.Action = b.ID
			return req
		}
	}
	req.Text = line
	return req
}

// letterBeforeNext reports an answer (a letter, or a digit for its
// position) typed while the last reply offers next and no answer buttons.
func (c *Console) letterBeforeNext(line string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := bot.AnswerForm(strings.ToLower(strings.TrimSpace(bot.Fold(line))))
	if len(t) != 1 || t[0] < 'a' || t[0] > 'h' {
		return false
	}
	next := false
	for _, b := range c.last {
		if isAnswer(b) {
			return false
		}
		next = next || Key(b) == "next"
	}
	return next
}

// columns is what the line editor says of the terminal: its width.
type columns interface{ Columns() int }

// width is the line width replies are laid out to: the terminal's, between
// MinWidth and Width, or Width where no terminal says.
func (c *Console) width() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.widthLocked()
}

// widthLocked is width for a caller holding c.mu.
func (c *Console) widthLocked() int {
	if t, ok := c.out.(columns); ok {
		if w := t.Columns(); w > 0 {
			return min(Width, max(MinWidth, w))
		}
	}
	return Width
}

// Actor is who this console's requests come from.
func (c *Console) Actor() bot.Actor { return c.actor }

// Do runs one line and returns the rendered reply.
func (c *Console) Do(ctx context.Context, line string) string {
	out, _ := c.DoOutcome(ctx, line)
	return out
}

// DoOutcome runs one line and returns the rendered reply with its outcome
// (bot.OutcomeOK, bot.OutcomeUserError...), for a caller that exits by it.
func (c *Console) DoOutcome(ctx context.Context, line string) (string, string) {
	if c.letterBeforeNext(line) {
		// The screen shows an answer's feedback: a letter typed now would
		// answer the next question before it is seen.
		return "No question is on screen yet: type next (n) to see it, then answer.\n", bot.OutcomeUserError
	}
	r := c.h.Handle(ctx, c.Request(line))
	c.mu.Lock()
	// A reply with buttons, or one that replaces the screen it came from
	// (the end of a quiz), sets the controls; anything else (help,
	// progress, an error, a Hard rating's note) leaves them as they were,
	// so the quiz goes on where it was.
	if len(r.Buttons) > 0 || r.Replace {
		c.last = r.Buttons
	} else {
		// A danger button (delete my data, start over) answers only
		// the reply that asked: "forget", "help", "yes" must not delete.
		c.last = slices.DeleteFunc(slices.Clone(c.last), func(b bot.Button) bool { return b.Style == bot.StyleDanger })
	}
	c.mu.Unlock()
	if c.FileOnly && r.Attachment != nil {
		// No room for a waiting reminder in a file: it waits on, and so
		// do its keys.
		out := string(r.Attachment.Content)
		if !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
		return out, r.Outcome
	}
	c.mu.Lock()
	held := ""
	if c.held != nil && !c.questionPendingLocked() {
		held = "\n" + c.showLocked(*c.held)
		c.held = nil
	}
	c.mu.Unlock()
	out := render(r, c.OneShot, c.width(), c.IsCommand)
	if r.Image != nil {
		out += c.saveImage(r.Image) + "\n"
	}
	if r.DataDeleted {
		// The chart file is this user's data too.
		if err := c.removeImages(bot.ChartFile, ""); err != nil {
			out += fmt.Sprintf("The chart file could not be deleted (%v).\n", err)
		}
	}
	return out + held, r.Outcome
}

// imagePattern is the os.CreateTemp pattern of this console user's files of
// a reply's picture named name ("certcoach-bob-progress-*.png"): a random
// name, so that no one can plant a file or a link under it in a shared
// temporary directory beforehand.
func (c *Console) imagePattern(name string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_' // never '-', which separates the user from the name
	}, c.actor.User)
	ext := filepath.Ext(name)
	return "certcoach-" + safe + "-" + strings.TrimSuffix(name, ext) + "-*" + ext
}

func (c *Console) imageDir() string {
	if c.ChartDir != "" {
		return c.ChartDir
	}
	return os.TempDir()
}

// removeImages deletes this user's files of the picture named name except
// keep; files of the same name another account owns are not ours to remove.
func (c *Console) removeImages(name, keep string) error {
	dir := c.imageDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	prefix, suffix, _ := strings.Cut(c.imagePattern(name), "*")
	for _, ent := range entries {
		p := filepath.Join(dir, ent.Name())
		if !strings.HasPrefix(ent.Name(), prefix) || !strings.HasSuffix(ent.Name(), suffix) || p == keep {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
			return err
		}
	}
	return nil
}

// saveImage writes a reply's picture (the progress chart) to a new file
// (0600, created, never an existing one followed), removes the user's
// earlier ones, and says where it is.
func (c *Console) saveImage(img *bot.Image) string {
	f, err := os.CreateTemp(c.imageDir(), c.imagePattern(img.Name))
	if err != nil {
		return fmt.Sprintf("The chart could not be written (%v).", err)
	}
	path := f.Name()
	_, err = f.Write(img.PNG)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Sprintf("The chart could not be written (%v).", err)
	}
	_ = c.removeImages(img.Name, path) // a stale chart left behind is not worth failing this one
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return fmt.Sprintf("Chart (%dx%d PNG) written to %s", img.Width, img.Height, path)
}

// SendDM prints a scheduled message for this console's user, such as the
// daily reminder; its buttons can be pressed by typing their key.
func (c *Console) SendDM(_ context.Context, workspace, user string, r bot.Reply) error {
	if workspace != c.actor.Workspace || user != c.actor.User {
		return fmt.Errorf("console: %s is not at this console", user)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.leaving:
		// Nothing reads its keys any more, and nothing would show it later.
		fmt.Fprint(c.out, c.keylessLocked(r))
	case len(r.Buttons) > 0 && c.questionPendingLocked():
		// Its keys would take the quiz's: the next A-D would answer the
		// wrong question. One waits at a time: an earlier one shows now,
		// without the keys the newer one takes.
		if c.held != nil {
			fmt.Fprint(c.out, c.keylessLocked(*c.held))
		}
		c.held = &r
		fmt.Fprint(c.out, "\nYour daily reminder came in: it shows once you answer this question.\n")
	default:
		fmt.Fprint(c.out, "\n"+c.showLocked(r)+"\n")
	}
	if c.prompt && !c.leaving {
		fmt.Fprint(c.out, promptText)
	}
	return nil
}

// questionPendingLocked reports whether a quiz, review or exam question is
// on screen, unanswered; the caller holds c.mu.
func (c *Console) questionPendingLocked() bool {
	return slices.ContainsFunc(c.last, func(b bot.Button) bool { return strings.HasPrefix(b.ID, "quiz:answer:") })
}

// showLocked renders a scheduled message and gives its buttons their keys;
// the controls on screen that answer no question (next, stop, start
// over...) keep theirs, so what was on screen goes on after the reminder.
// The caller holds c.mu.
func (c *Console) showLocked(r bot.Reply) string {
	if len(r.Buttons) > 0 {
		buttons := slices.Clone(r.Buttons)
		for _, b := range c.last {
			if !isAnswer(b) {
				buttons = append(buttons, b)
			}
		}
		c.last, r.Buttons = buttons, buttons
	}
	return render(r, false, c.widthLocked(), nil)
}

// keylessLocked renders a scheduled message whose keys will not be read,
// without them, on lines of its own. The caller holds c.mu.
func (c *Console) keylessLocked(r bot.Reply) string {
	r.Buttons = nil
	return "\n" + render(r, false, c.widthLocked(), nil) + "\n"
}

// PostChannel refuses: a console has no channels (the daily question of the
// day is for Slack and Discord channels).
func (c *Console) PostChannel(context.Context, string, string, bot.Reply) error {
	return errors.New("console: no channels")
}

func (c *Console) print(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprint(c.out, s)
}

// MaxLine is the longest line the console accepts; a longer one is
// refused and the console reads on.
const MaxLine = 64 << 10

// leaves reports whether a line ends the console: quit and exit in any
// case (not "did you mean quiz?"), and bye, which a chat only answers.
func leaves(line string) bool {
	for _, w := range []string{"quit", "exit", "bye", "goodbye"} {
		if strings.EqualFold(strings.TrimRight(line, "!."), w) {
			return true
		}
	}
	return false
}

// Run reads lines until EOF, "quit", "exit" or "bye" (works piped too), or until
// ctx ends (Ctrl-C): then it says so and returns nil. A command in flight
// when ctx ends is cancelled with a short note, not an error report. With
// prompt, on a terminal, lines are edited (arrows, history) as they are typed.
func (c *Console) Run(ctx context.Context, in io.Reader, prompt bool) error {
	lines := make(chan lineOrErr)
	stop := make(chan struct{})
	defer close(stop)
	var ed *editor
	if prompt {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		stopSelf := c.stopSelf
		if stopSelf == nil && jobControl {
			stopSelf = stopProcess
		}
		ed = startEditor(in, c.out, cancel, stopSelf, stop)
	}
	// leave gives the terminal back before the last words, so that they
	// print as they do without the editor.
	leave := func() {}
	if ed != nil {
		c.mu.Lock()
		out := c.out
		c.out = ed // replies and reminders print above the line being typed
		c.mu.Unlock()
		leave = sync.OnceFunc(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			ed.restore()
			c.out = out
		})
		defer leave() // also on a panic
		go ed.readLines(lines, stop)
	} else {
		go readLines(in, lines, stop)
	}
	c.mu.Lock()
	c.prompt = prompt && ed == nil // the editor draws its own
	c.mu.Unlock()
	for {
		if ed != nil {
			ed.next()
		} else if prompt {
			c.print(promptText)
		}
		var l lineOrErr
		select {
		case <-ctx.Done():
			leave()
			c.print("\nInterrupted: bye.\n")
			c.openNote()
			return nil
		case l = <-lines:
		}
		if l.err != nil {
			leave()
			if prompt {
				c.print("\n") // the shell's prompt starts on a line of its own
			}
			if errors.Is(l.err, io.EOF) {
				c.openNote()
				return nil
			}
			return fmt.Errorf("console: read input: %w", l.err)
		}
		if l.tooLong {
			c.print(fmt.Sprintf("That line is longer than %d KiB: ignored.\n", MaxLine>>10))
			continue
		}
		if l.cut {
			c.print(fmt.Sprintf("That line is longer than %d KiB: only its first %d KiB were read.\n", MaxLine>>10, MaxLine>>10))
		}
		line := strings.TrimSpace(bot.Fold(l.line))
		if line == "" {
			continue
		}
		if leaves(line) {
			leave()
			c.openNote() // as Ctrl-D does
			return nil
		}
		out := c.Do(ctx, line)
		if ctx.Err() != nil {
			leave()
			c.mu.Lock()
			held := c.leaveLocked()
			c.mu.Unlock()
			c.print("\nInterrupted: the last command was cancelled. Bye.\n" + held)
			return nil
		}
		c.print(out + "\n")
	}
}

// openNote tells someone leaving with buttons still on screen (Ctrl-D or
// Ctrl-C mid-quiz) that nothing is lost and how to pick it up.
func (c *Console) openNote() {
	c.mu.Lock()
	// Only a session's buttons say one is open: not a reminder's question,
	// forget's Cancel, or the rating buttons a finished quiz leaves after
	// a right answer.
	open := false
	for _, b := range c.last {
		session := strings.HasPrefix(b.ID, "quiz:") || strings.HasPrefix(b.ID, "exam:") || strings.HasPrefix(b.ID, "review:")
		open = open || session && !strings.HasPrefix(b.ID, "quiz:rate:")
	}
	held := c.leaveLocked()
	c.mu.Unlock()
	c.print(held)
	if open {
		c.print("Nothing is lost: an open quiz, review or exam waits for you (quiz, review or exam resume).\n")
	}
}

// leaveLocked marks the console as leaving, so that no reminder waits any
// more, and returns the one that waited for an answer, if any: it is not
// lost either; its keys are, with the console. The caller holds c.mu.
func (c *Console) leaveLocked() string {
	c.leaving = true
	if c.held == nil {
		return ""
	}
	held := c.keylessLocked(*c.held)
	c.held = nil
	return held
}

type lineOrErr struct {
	line    string
	tooLong bool // piped: longer than MaxLine, not read
	cut     bool // typed: the text past MaxLine was dropped
	err     error
}

// readLines sends in's lines (without their newline) until an error,
// which it sends last (io.EOF at the end of input).
func readLines(in io.Reader, out chan<- lineOrErr, stop <-chan struct{}) {
	r := bufio.NewReaderSize(in, 64<<10)
	send := func(l lineOrErr) bool {
		select {
		case out <- l:
			return true
		case <-stop:
			return false
		}
	}
	for {
		var buf []byte
		tooLong := false
		var err error
		for {
			var chunk []byte
			chunk, err = r.ReadSlice('\n')
			if len(buf)+len(chunk) > MaxLine+1 {
				tooLong, buf = true, buf[:0]
			} else if !tooLong {
				buf = append(buf, chunk...)
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if len(buf) > 0 || tooLong {
			if !send(lineOrErr{line: strings.TrimRight(string(buf), "\r\n"), tooLong: tooLong}) {
				return
			}
		}
		if err != nil {
			send(lineOrErr{err: err})
			return
		}
	}
}
