package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/certcoach/certcoach/bot"
)

// Handler is the part of the engine the console needs.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Reply
}

// Console reads commands line by line and prints replies.
type Console struct {
	h     Handler
	actor bot.Actor
	out   io.Writer
	last  []bot.Button // buttons of the last reply, pressed by typing their key
	n     int
}

// New returns a console acting as user in a local workspace.
func New(h Handler, user string, out io.Writer) *Console {
	return &Console{h: h, out: out, actor: bot.Actor{Platform: bot.PlatformConsole, Workspace: "local", User: user, Channel: "console", Name: user, DM: true}}
}

// Request turns a typed line into a request: a button key of the last reply
// presses that button, anything else is a command.
func (c *Console) Request(line string) bot.Request {
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
	if len(r.Buttons) > 0 || r.Outcome == bot.OutcomeOK {
		c.last = r.Buttons
	}
	return Render(r)
}

// Run reads lines until EOF, "quit" or "exit" (works piped too).
func (c *Console) Run(ctx context.Context, in io.Reader, prompt bool) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		if prompt {
			fmt.Fprint(c.out, "cert> ")
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
		fmt.Fprintln(c.out, c.Do(ctx, line))
		if ctx.Err() != nil {
			return nil
		}
	}
	return sc.Err()
}
