package bot

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/certcoach/certcoach/storage"
)

// controlWords are the words buttons answer to in the console (next, hard,
// easy, stop...) and the replies people type to a question (yes, a digit).
// Typed when nothing is waiting for them, they get what they would do, never
// a search result.
var controlWords = map[string]bool{
	"next": true, "n": true, "hard": true, "easy": true, "stop": true, "quit": true, "pause": true, "resume": true,
	"yes": true, "y": true, "no": true, "ok": true, "cancel": true, "continue": true, "skip": true,
}

// isControl reports whether a command name with no words after it is a
// control word, a lone answer letter (as the options show it: "b", "b)",
// "(b)", "b.") or a lone digit (an answer's position, or none: 0, 9).
func isControl(name string, words []string) bool {
	if len(words) > 0 {
		return false
	}
	if controlWords[name] {
		return true
	}
	if _, ok := answerLetter(name); ok {
		return true
	}
	return loneDigit(name)
}

// loneDigit reports whether name is one digit: an answer's position, or
// none (0, 9).
func loneDigit(name string) bool { return len(name) == 1 && name[0] >= '0' && name[0] <= '9' }

// answerLetter reads an answer typed as AnswerForm reads it (name is lower
// case) as its index, 0 for A. Letters up to H (digits up to 8) are read,
// so one past the options gets "answer A-D".
func answerLetter(name string) (int, bool) {
	l := AnswerForm(name)
	if len(l) != 1 || l[0] < 'a' || l[0] > 'h' {
		return 0, false
	}
	return int(l[0] - 'a'), true
}

// AnswerForm is an answer typed as an option prints it ("c)", "(c)",
// "c.") or by its position ("3", "3)": 1 is A, as people number options)
// as the lower-case letter alone; other text as it is. t is lower case.
func AnswerForm(t string) string {
	switch {
	case len(t) == 3 && t[0] == '(' && t[2] == ')':
		t = t[1:2]
	case len(t) == 2 && (t[1] == ')' || t[1] == '.'):
		t = t[:1]
	}
	if len(t) == 1 && t[0] >= '1' && t[0] <= '8' {
		return string(rune('a' + t[0] - '1'))
	}
	return t
}

// isDigitAnswer reports whether name is an answer typed by its position.
func isDigitAnswer(name string) bool { return strings.ContainsAny(name, "0123456789") }

// control answers a control word typed with no button to press (the CLI,
// a restarted console, a prompt with other buttons on screen): it acts on
// the user's open session as the button would, or says exactly what to type.
func (e *Engine) control(ctx context.Context, req Request) (Reply, error) {
	r := Reply{Kind: "control"}
	u, err := e.User(ctx, req.Actor)
	if err != nil {
		return r, err
	}
	name := ""
	if req.parsed != nil {
		name = req.parsed.name
	}
	// A confirmation word that no button took: say first what it did not
	// do, so it is not read as having confirmed or cancelled something.
	prefix := ""
	switch {
	case req.parsed == nil:
	case confirmWords[name]:
		prefix = bareConfirm(req, name) + " "
	case isStartOver(name, req.parsed.words):
		prefix = "Nothing is asking to start over. "
	}
	s, ok, err := e.currentSession(ctx, u)
	if err != nil {
		return r, err
	}
	if !ok {
		return r, Errorf("%sNo question is open: `%s` to start one, or `%s` for your due cards.", prefix, e.Say(req, "quiz"), e.Say(req, "review"))
	}
	if prefix != "" && isStartOver(name, req.parsed.words) && s.Kind != quizKind {
		// No button here to press (the CLI, a prompt scrolled away): say how.
		return r, Errorf("%s%s", prefix, e.startOverHint(req, s))
	}
	if prefix != "" {
		return r, Errorf("%s%s", prefix, e.whereAt(req, s))
	}
	if choice, ok := answerLetter(name); ok {
		return e.typedAnswer(ctx, req, u, s, choice, isDigitAnswer(name))
	}
	if loneDigit(name) {
		// 0 and 9 are no option's position: the hint 5 gets, in digits as
		// the controls line offers them.
		return e.typedAnswer(ctx, req, u, s, -1, true)
	}
	paused := s.State == storage.SessionPaused
	switch name {
	case "resume", "continue":
		if s.Kind == examKind {
			return e.resumeExam(ctx, s)
		}
		return e.showQuestion(ctx, s, "Resuming your "+s.Kind+".")
	case "next", "n":
		if paused {
			return r, Errorf("%s", e.whereAt(req, s))
		}
		return e.showQuestion(ctx, s, "")
	case "pause":
		if s.Kind != examKind {
			return r, Errorf("Only a mock exam has a clock to pause; your %s just waits: `%s` shows it again.", s.Kind, e.Say(req, s.Kind))
		}
		if paused {
			return r, Errorf("Your exam is already paused: `%s` to continue.", e.Say(req, "exam resume"))
		}
		return e.quizAction(ctx, req, []string{"pause", s.ID})
	case "stop", "quit":
		if s.Kind == examKind {
			// A mock exam has no Stop button: ending one is typed in full.
			return r, Errorf("`%s` ends your mock exam with a score; `%s` stops the clock.", e.Say(req, "exam stop"), e.Say(req, "exam pause"))
		}
		return e.quizAction(ctx, req, []string{"stop", s.ID})
	case "hard", "easy":
		return e.typedRating(ctx, req, u, s, name)
	case "skip":
		if s.Kind == examKind {
			return r, Errorf("A mock exam goes forward only: answer with a letter A-D (a guess beats a blank), or `%s`.", e.Say(req, "exam pause"))
		}
		return r, Errorf("Questions can't be skipped: answer with a letter A-D (a miss just brings the card back sooner), or `stop` to end the %s.", s.Kind)
	}
	return r, Errorf("%s", e.whereAt(req, s))
}

// whereAt says where the open session s is and what to type, as the
// asker can run it (Say).
func (e *Engine) whereAt(req Request, s storage.Session) string {
	if s.State == storage.SessionPaused {
		return fmt.Sprintf("Your exam is paused at question %d of %s: `%s` to continue.", s.Position+1, sessionLength(s), e.Say(req, "exam resume"))
	}
	show := "`" + e.Say(req, s.Kind) + "`"
	if s.Kind == examKind {
		show = "`" + e.Say(req, "exam resume") + "`"
	}
	return fmt.Sprintf("Your %s is at question %d of %s: answer with a letter A-D, or %s shows it again.", s.Kind, s.Position+1, sessionLength(s), show)
}

// startOverHint says how to start the open review or exam s over by typing:
// end it, then start a new one (in the forms the asker can run: Say; a
// review's `stop` is a typed control, with no /cert form).
func (e *Engine) startOverHint(req Request, s storage.Session) string {
	if s.Kind == examKind {
		return fmt.Sprintf("Your %s mock exam is open at question %d of %s: `%s` ends it with a score, then `%s` starts a new one; `%s` goes on.",
			strings.ToUpper(s.Cert), s.Position+1, examLength(s), e.Say(req, "exam stop"), e.Say(req, "exam "+s.Cert), e.Say(req, "exam resume"))
	}
	return fmt.Sprintf("Your %s is open at question %d of %s: `stop` ends it (its answers count), then `%s` starts a new one; `%s` goes on.",
		s.Kind, s.Position+1, sessionLength(s), e.Say(req, s.Kind), e.Say(req, s.Kind))
}

// currentSession is the open session a typed control acts on: of the
// user's open quiz, review and exam, a running one before a paused one,
// then the one answered (or started) last.
func (e *Engine) currentSession(ctx context.Context, u storage.User) (storage.Session, bool, error) {
	var best storage.Session
	var bestAt time.Time
	found := false
	for _, kind := range []string{quizKind, reviewKind, examKind} {
		s, err := e.store.OpenSession(ctx, u.ID, kind)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return storage.Session{}, false, err
		}
		at := s.StartedAt
		if s.ResumedAt.After(at) {
			at = s.ResumedAt
		}
		if found {
			// Only with two open is the last answer worth reading.
			if bestAt, err = e.lastActive(ctx, best, bestAt); err != nil {
				return storage.Session{}, false, err
			}
			if at, err = e.lastActive(ctx, s, at); err != nil {
				return storage.Session{}, false, err
			}
		}
		active := s.State == storage.SessionActive
		bestActive := best.State == storage.SessionActive
		if !found || active && !bestActive || active == bestActive && at.After(bestAt) {
			best, bestAt, found = s, at, true
		}
	}
	return best, found, nil
}

// lastActive is the time of s's last answer, or at when it is later.
func (e *Engine) lastActive(ctx context.Context, s storage.Session, at time.Time) (time.Time, error) {
	answers, err := e.store.SessionAnswers(ctx, s.ID)
	if err != nil {
		return at, err
	}
	for _, a := range answers {
		if a.At.After(at) {
			at = a.At
		}
	}
	return at, nil
}

// typedAnswer answers the current question of s with a typed letter, once
// it has been shown: after a button answer the feedback's Next button
// hides it, so the letter shows it instead of answering it unseen. (A
// button names its question, so buttons need no such check.) choice < 0
// is a digit that is no option's position.
func (e *Engine) typedAnswer(ctx context.Context, req Request, u storage.User, s storage.Session, choice int, digit bool) (Reply, error) {
	if s.State == storage.SessionActive && s.Position < len(s.Questions) && s.Shown != s.Position {
		how := "a button or a letter"
		if u.Key.Platform == PlatformConsole {
			how = "a letter" // the console and `certcoach ask` have no buttons
		}
		note := "Here is the next question; answer it with " + how + "."
		if s.Shown < 0 {
			note = "Here is where you are; answer with " + how + "." // not known what was on screen
		}
		return e.showQuestion(ctx, s, note)
	}
	if s.Position < len(s.Questions) {
		if q, ok := e.kb.Question(s.Questions[s.Position]); ok && (choice < 0 || choice >= len(q.Options)) {
			if digit {
				return Reply{}, Errorf("Answer with a number 1-%d or a letter A-%c: question %d has %d options.", len(q.Options), 'A'+rune(len(q.Options)-1), s.Position+1, len(q.Options))
			}
			return Reply{}, Errorf("Answer with a letter A-%c: question %d has %d options.", 'A'+rune(len(q.Options)-1), s.Position+1, len(q.Options))
		}
	}
	if choice < 0 {
		return Reply{}, Errorf("%s", e.whereAt(req, s))
	}
	r, err := e.answer(ctx, req, u, s, s.Position, choice)
	if err != nil || s.Kind == examKind {
		return r, err // an exam's answer already shows the next question
	}
	// Typed, not pressed: the next question comes with the feedback, so the
	// next letter typed answers a question that was seen, not one behind
	// a Next button.
	next, err := e.store.Session(ctx, s.ID)
	if err != nil || next.State != storage.SessionActive || next.Position >= len(next.Questions) {
		return r, nil
	}
	q, err := e.showQuestion(ctx, next, "")
	if err != nil {
		return r, nil
	}
	r.Body += "\n\n**" + q.Title + "**\n" + q.Body
	r.Buttons = q.Buttons
	return r, nil
}

// typedRating re-rates the answer just given in s, as its Hard or Easy
// button would.
func (e *Engine) typedRating(ctx context.Context, req Request, u storage.User, s storage.Session, rating string) (Reply, error) {
	if s.Kind == examKind {
		return Reply{}, Errorf("A mock exam gives no feedback until the end, so there is nothing to rate: answer with a letter A-D.")
	}
	if s.Position == 0 {
		return Reply{}, Errorf("Hard and Easy rate a right answer: answer question 1 first (A-D).")
	}
	pos := s.Position - 1
	a, err := e.store.AnswerByKey(ctx, u.ID, attemptKey(s.ID, pos))
	if errors.Is(err, storage.ErrNotFound) {
		return Reply{}, Errorf("Hard and Easy rate a right answer: answer question %d first (A-D).", s.Position+1)
	}
	if err != nil {
		return Reply{}, err
	}
	if !a.Correct {
		if s.Shown == s.Position && s.Position < len(s.Questions) {
			// A typed answer's feedback came with the next question.
			return Reply{}, Errorf("A miss is rated Again, so Hard and Easy don't apply; question %d is on screen: answer it with a letter A-D.", s.Position+1)
		}
		return Reply{}, Errorf("A miss is rated Again, so Hard and Easy don't apply; `next` shows question %d.", s.Position+1)
	}
	return e.quizAction(ctx, req, []string{"rate", s.ID, strconv.Itoa(pos), rating})
}

// isStartOver reports whether typed text is the "Start over" button's
// word ("start over", "restart"), not `start`, which is help.
func isStartOver(name string, words []string) bool {
	return name == "start" && len(words) == 1 && strings.EqualFold(words[0], "over") || name == "restart" && len(words) == 0
}

// confirmWords answer a question such as forget's "Delete your data?".
var confirmWords = map[string]bool{"yes": true, "y": true, "no": true, "ok": true, "cancel": true}

// bareConfirm is the answer to a confirmation word typed alone that no
// button took: a prompt may still be on screen (its buttons are what
// answer it, and no replica knows what another asked), so it says what
// the word did not do and how to do it. A bare yes never deletes: data
// goes only by the button or the typed confirmation forget names.
func bareConfirm(req Request, word string) string {
	if word == "no" || word == "cancel" {
		return fmt.Sprintf("A typed `%s` cancels nothing, and nothing needs it: a prompt left unanswered changes nothing (`forget` deletes only when confirmed).", word)
	}
	if req.Actor.Platform == PlatformConsole {
		// No buttons to press once they are gone: the console's keys, `certcoach ask`.
		return fmt.Sprintf("A typed `%s` confirms nothing here: to delete your data, type `forget yes`.", word)
	}
	return fmt.Sprintf("A typed `%s` confirms nothing: answer a prompt with its buttons; to delete your data, type `%s`.", word, confirmForm(req))
}

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
func (e *Engine) unknownWord(req Request, name string, words []string) (Reply, error, bool) {
	if smallTalk[name] && len(words) <= 2 {
		greeting := "Hello!"
		switch name {
		case "thanks", "thank", "thx", "ty", "cheers":
			greeting = "You're welcome!"
		case "bye":
			greeting = "Bye, and good luck with your studies!"
		}
		return Reply{Kind: "help", Private: true,
			Body: greeting + fmt.Sprintf(" Ask me about CISM or CISSP (e.g. `how long is the cissp exam?`), or try `%s`, `%s` or `%s`.", e.Say(req, "compare"), e.Say(req, "quiz cissp"), e.Say(req, "help"))}, nil, true
	}
	if len(words) == 0 {
		if guess := e.Suggest(name); guess != "" {
			return Reply{Kind: "unknown"}, e.didYouMean(req, name, guess), true
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
