package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
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

	mu     sync.Mutex   // out and last: the scheduler prints from another goroutine
	last   []bot.Button // buttons of the last reply, pressed by typing their key
	n      int
	prompt bool
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
	key := strings.TrimSpace(line)
	for i, b := range c.last {
		if strings.EqualFold(key, Key(b, i)) || strings.EqualFold(key, b.Label) {
			req.Action = b.ID
			return req
		}
	}
	req.Text = line
	return req
}

// Do runs one line and returns the rendered reply.
func (c *Console) Do(ctx context.Context, line string) string {
	r := c.h.Handle(ctx, c.Request(line))
	c.mu.Lock()
	if len(r.Buttons) > 0 || r.Outcome == bot.OutcomeOK {
		c.last = r.Buttons
	}
	c.mu.Unlock()
	return Render(r)
}

// SendDM prints a scheduled message for this console's user, such as the
// daily reminder; its buttons can be pressed by typing their key.
func (c *Console) SendDM(_ context.Context, workspace, user string, r bot.Reply) error {
	if workspace != c.actor.Workspace || user != c.actor.User {
		return fmt.Errorf("console: %s is not at this console", user)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(r.Buttons) > 0 {
		c.last = r.Buttons
	}
	fmt.Fprint(c.out, "\n"+Render(r)+"\n")
	if c.prompt {
		fmt.Fprint(c.out, "cert> ")
	}
	return nil
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

// Run reads lines until EOF, "quit" or "exit" (works piped too).
func (c *Console) Run(ctx context.Context, in io.Reader, prompt bool) error {
	c.mu.Lock()
	c.prompt = prompt
	c.mu.Unlock()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		if prompt {
			c.print("cert> ")
		}
		if !sc.Scan() {
			break
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if line == "quit" || line == "exit" {
			return nil
		}
		c.print(c.Do(ctx, line) + "\n")
		if ctx.Err() != nil {
			return nil
		}
	}
	return sc.Err()
}
