package bot_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

var errCannotSend = errors.New("403 Cannot send messages to this user (50007)")

// TestDMRefused: the mark carries DMRefused for the consumers' interface,
// keeps the error's text, and leaves the error it wraps reachable.
func TestDMRefused(t *testing.T) {
	type refused interface {
		error
		DMRefused() bool
	}
	for _, tc := range []struct {
		name string
		err  error
		text string
	}{
		{name: "nil stays nil", err: nil},
		{name: "plain error", err: errCannotSend, text: errCannotSend.Error()},
		{name: "wrapped error", err: fmt.Errorf("discord: DM u1: %w", errCannotSend), text: "discord: DM u1: " + errCannotSend.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := bot.DMRefused(tc.err)
			if tc.err == nil {
				if got != nil {
					t.Fatalf("DMRefused(nil) = %v, want nil", got)
				}
				return
			}
			// Wrapped once more, as the notifiers do before returning it.
			outer := fmt.Errorf("send: %w", got)
			r, ok := errors.AsType[refused](outer)
			if !ok || !r.DMRefused() {
				t.Error("DMRefused mark not found through a wrap")
			}
			if got.Error() != tc.text {
				t.Errorf("text %q, want %q", got.Error(), tc.text)
			}
			if !errors.Is(outer, errCannotSend) {
				t.Error("the refused error no longer reaches the one it wraps")
			}
		})
	}
}
