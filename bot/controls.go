package bot

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"strings"

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

// isControl reports whether a command name with no words after it is a
// control word, a lone answer letter or a lone digit.
func isControl(name string, words []string) bool {
	if len(words) > 0 {
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
	// A confirmation word with no question asked: say that first, so it is
	// not read as having confirmed or cancelled something.
	prefix := ""
	switch {
	case req.parsed == nil:
	case confirmWords[req.parsed.name]:
		prefix = "Nothing is waiting for a yes or cancel. "
	case isStartOver(req.parsed.name, req.parsed.words):
		prefix = "Nothing is asking to start over. "
	}
	for _, k := range []struct{ kind, show string }{{quizKind, "`quiz`"}, {reviewKind, "`review`"}, {examKind, "`exam resume`"}} {
		s, err := e.store.OpenSession(ctx, u.ID, k.kind)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return r, err
		}
		return r, Errorf("%sYour %s is at question %d of %s: %s shows it again; answer with a letter A-D.", prefix, k.kind, s.Position+1, sessionLength(s), k.show)
	}
	return r, Errorf("%sNo question is open: `quiz` to start one, or `review` for your due cards.", prefix)
}

// isStartOver reports whether typed text is the "Start over" button's
// word ("start over", "restart"), not `start`, which is help.
func isStartOver(name string, words []string) bool {
	return name == "start" && len(words) == 1 && strings.EqualFold(words[0], "over") || name == "restart" && len(words) == 0
}

// confirmWords answer a question such as forget's "Delete all your data?".
var confirmWords = map[string]bool{"yes": true, "y": true, "no": true, "ok": true, "cancel": true}

func sessionLength(s storage.Session) string {
	if s.Kind == examKind {
		return examLength(s)
	}
	return fmt.Sprint(len(s.Questions))
}

// Plural is "1 day", "2 days": n with the word, in plural when n != 1.
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Suggest returns the command a mistyped name most likely meant ("quizz":
// "quiz"), or "" when none is close.
func (e *Engine) Suggest(name string) string {
	if len(name) < 3 {
		return ""
	}
	// A short name is only one slip from another: "lst" is not "set".
	return nearest(name, maps.Keys(e.commands), func(n string, d int) bool { return len(n) >= 5 || d <= 1 })
}

// nearest returns the candidate within two edits of name (the nearest, then
// the first in order), that ok accepts, or "".
func nearest(name string, candidates iter.Seq[string], ok func(candidate string, d int) bool) string {
	best, bestD := "", 3
	for c := range candidates {
		d := editDistance(name, c)
		if ok(c, d) && (d < bestD || d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	return best
}

// smallTalk are words people say to a bot that are not questions.
var smallTalk = map[string]bool{"hello": true, "hi": true, "hey": true, "thanks": true, "thank": true, "thx": true,
	"ty": true, "cheers": true, "bye": true, "morning": true, "hiya": true, "yo": true}

// unknownWord answers text whose first word is no command when it is small
// talk (a short help line, not a search) or one mistyped command (a
// did-you-mean); ok is false for anything else.
func (e *Engine) unknownWord(name string, words []string) (Reply, error, bool) {
	if smallTalk[name] && len(words) <= 2 {
		greeting := "Hello!"
		switch name {
		case "thanks", "thank", "thx", "ty", "cheers":
			greeting = "You're welcome!"
		case "bye":
			greeting = "Bye, and good luck with your studies!"
		}
		return Reply{Kind: "help", Private: true,
			Body: greeting + " Ask me about CISM or CISSP (e.g. `how long is the cissp exam?`), or try `compare`, `quiz cissp` or `help`."}, nil, true
	}
	if len(words) == 0 {
		if guess := e.Suggest(name); guess != "" {
			return Reply{Kind: "unknown"}, Errorf("Unknown command %q: did you mean `%s`? `help` lists them all.", truncate(name, 40), guess), true
		}
	}
	return Reply{}, nil, false
}

// isBusy reports whether err is the database refusing a write because
// another process holds its lock (SQLite's SQLITE_BUSY or SQLITE_LOCKED,
// after the store's own busy timeout).
func isBusy(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return true
		}
	}
	return false
}

// busyReply is the one line a user sees when the database is busy.
func busyReply() Reply {
	return Reply{Kind: "busy", Outcome: OutcomeError, Private: true,
		Body: "The database is busy: another certcoach process is writing to it. Try again in a moment."}
}
