package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/certcoach/certcoach/storage"
)

// controlWords are the words buttons answer to in the console (next, hard,
// easy, stop...) and the replies people type to a question (yes, a digit).
// Typed when nothing is waiting for them, they get what they would do, never
// a search result.
var controlWords = map[string]bool{
	"next": true, "n": true, "hard": true, "easy": true, "stop": true, "pause": true, "resume": true,
	"yes": true, "y": true, "no": true, "ok": true, "cancel": true, "continue": true, "skip": true,
}

// isControl reports whether a command name with no arguments is a control
// word, a lone answer letter or a lone digit.
func isControl(name string, args Args) bool {
	if args.Rest != "" {
		return false
	}
	if controlWords[name] {
		return true
	}
	if len(name) == 1 && (name[0] >= 'a' && name[0] <= 'd' || name[0] >= '0' && name[0] <= '9') {
		return true
	}
	return false
}

// control answers a control word typed with no button to press: where the
// user's open session is, or how to start one.
func (e *Engine) control(ctx context.Context, req Request) (Reply, error) {
	r := Reply{Kind: "control"}
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return r, err
	}
	for _, k := range []struct{ kind, show string }{{quizKind, "`quiz`"}, {reviewKind, "`review`"}, {examKind, "`exam resume`"}} {
		s, err := e.store.OpenSession(ctx, u.ID, k.kind)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return r, err
		}
		return r, Errorf("Your %s is at question %d of %s: %s shows it again; answer with a letter A-D.", k.kind, s.Position+1, sessionLength(s), k.show)
	}
	return r, Errorf("No question is open: `quiz` to start one, or `review` for your due cards.")
}

func sessionLength(s storage.Session) string {
	if s.Kind == examKind {
		return examLength(s)
	}
	return fmt.Sprint(len(s.Questions))
}
