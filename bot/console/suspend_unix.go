//go:build unix

package console

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// jobControl: a shell may stop and resume this process (Ctrl-Z, fg).
const jobControl = true

// stopProcess stops this process's group as the shell's Ctrl-Z does (the
// raw terminal sends no SIGTSTP) and returns once the shell resumes it
// (SIGCONT): the signal takes effect a moment after kill returns, and the
// terminal is taken again only after fg. Without job control (an orphaned
// group) the kernel drops the signal: then it returns after a short wait.
func stopProcess() {
	cont := make(chan os.Signal, 1)
	signal.Notify(cont, syscall.SIGCONT)
	defer signal.Stop(cont)
	if err := syscall.Kill(0, syscall.SIGTSTP); err != nil {
		return
	}
	t := time.NewTimer(200 * time.Millisecond) // fires late when stopped: that is fine
	defer t.Stop()
	select {
	case <-cont:
	case <-t.C:
	}
}
