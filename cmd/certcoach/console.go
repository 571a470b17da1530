package main

import (
	"io"

	"github.com/certcoach/certcoach/bot/console"
)

func newConsole(a *app, user string, out io.Writer) *console.Console {
	return console.New(a.engine, user, out)
}
