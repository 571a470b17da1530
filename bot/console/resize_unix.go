//go:build unix

package console

import (
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// watchResize calls resized with the terminal's width each time the
// window changes size (SIGWINCH), until stop: a line that spans rows is
// laid out anew at once, not misplaced until the next prompt.
func watchResize(fd int, resized func(width int), stop <-chan struct{}) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	for {
		select {
		case <-winch:
			if w, _, err := term.GetSize(fd); err == nil {
				resized(w)
			}
		case <-stop:
			return
		}
	}
}
