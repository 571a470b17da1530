// Package console is the terminal adapter: it reads lines, runs them through
// the engine and prints replies as plain text. It is the default front door
// when no chat platform is configured, and drives the engine in tests.
package console

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/rivo/uniseg"

	"github.com/certcoach/certcoach/bot"
)

// Width is the console's widest line in columns; on a narrower terminal
// replies are laid out to its width, down to MinWidth. Text is measured in
// display columns (uniseg), not runes: CJK and emoji take two, combining
// accents none.
const (
	Width    = 100
	MinWidth = 40
)

var (
	boldRe   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	linkRe   = regexp.MustCompile(`\[([^\]]+)\]\(([^)]+)\)`)
	italicRe = regexp.MustCompile(`(^|[\s(])_([^_\n]+)_($|[\s).,:;!?])`)
	codeRe   = regexp.MustCompile("`([^`\n]+)`")
)

// shellForms writes each command in s (a code span isCommand takes for
// one) as the shell command that runs it, for a
// reply printed by `certcoach ask`: "type `forget yes`" becomes "type
// `certcoach ask "forget yes"`"; other spans (`2A1`) stay as they are.
func shellForms(s string, isCommand func(text string) bool) string {
	var sb strings.Builder
	last := 0
	for _, m := range codeRe.FindAllStringSubmatchIndex(s, -1) {
		cmd := s[m[2]:m[3]]
		sb.WriteString(s[last:m[0]])
		last = m[1]
		switch {
		case !isCommand(cmd):
			sb.WriteString(s[m[0]:m[1]])
		case strings.ContainsAny(cmd, " <>|'\"*?&;$"):
			sb.WriteString("`certcoach ask " + strconv.Quote(cmd) + "`")
		default:
			sb.WriteString("`certcoach ask " + cmd + "`")
		}
	}
	return sb.String() + s[last:]
}

// plain turns the reply Markdown subset into terminal text: no markers
// (bold, italic, code) are left for the reader to skip over.
func plain(s string) string {
	s = boldRe.ReplaceAllString(s, "$1")
	s = linkRe.ReplaceAllString(s, "$1 <$2>")
	s = italicRe.ReplaceAllString(s, "$1$2$3")
	s = codeRe.ReplaceAllString(s, "$1")
	return s
}

// Key is what the user types to press a button: an answer's letter, else
// the button's label in lower case up to any comma ("next", "hard",
// "stop", "yes" for "Yes, delete my data"). Keys depend on the button
// alone, so the same control has the same key on every screen.
func Key(b bot.Button) string {
	if isAnswer(b) {
		return b.Label
	}
	l, _, _ := strings.Cut(b.Label, ",")
	return strings.ToLower(strings.TrimSpace(l))
}

// shortKeys are one-letter keys for the controls pressed most.
var shortKeys = map[string]string{"next": "n"}

// synonyms are words people type for a key without being told: "no" to
// "Delete your data?" cancels, it does not fall through to a search;
// "start" at "resume or start over" starts over (it is help's alias only
// when no Start over button is on screen).
var synonyms = map[string]string{"no": "cancel", "y": "yes", "start": "start over", "restart": "start over"}

// matches reports whether typed text presses b. An answer letter also
// presses as the options print it ("c)", "(c)", "c."), as it does with no
// button on screen: otherwise it would go on as a typed answer, and the
// screens that follow would differ from the button's.
func matches(typed string, b bot.Button) bool {
	t := strings.ToLower(strings.TrimSpace(typed))
	k := strings.ToLower(Key(b))
	if isAnswer(b) {
		t = bot.AnswerForm(t)
	}
	return t == k || (shortKeys[k] != "" && t == shortKeys[k]) || synonyms[t] == k
}

func isAnswer(b bot.Button) bool {
	return len(b.Label) == 1 && b.Label[0] >= 'A' && b.Label[0] <= 'H'
}

// controls is the line that tells which keys the buttons of a reply take,
// or "" for none. Run once from the shell, only an answer letter works as
// the next command (`certcoach ask b`); the reply's text says the rest
// (`forget yes`).
func controls(bs []bot.Button, oneShot bool) string {
	if len(bs) == 0 {
		return ""
	}
	var letters, words []string
	for _, b := range bs {
		if isAnswer(b) {
			letters = append(letters, b.Label)
			continue
		}
		k := Key(b)
		if s := shortKeys[k]; s != "" {
			k += " (" + s + ")"
		}
		words = append(words, k)
	}
	if oneShot {
		if len(letters) == 0 {
			return ""
		}
		return fmt.Sprintf("> Answer with `certcoach ask %s` to `certcoach ask %s`.", letters[0], letters[len(letters)-1])
	}
	if len(letters) > 0 {
		// A digit answers too, by position (1 is A): said, or nobody knows.
		s := fmt.Sprintf("> Type %s-%s (or 1-%d) to answer", letters[0], letters[len(letters)-1], len(letters))
		if len(words) > 0 {
			s += ", or " + orList(words)
		}
		return s + "."
	}
	return "> Type " + orList(words) + "."
}

// orList is "a", "a or b", "a, b or c".
func orList(w []string) string {
	if len(w) < 2 {
		return strings.Join(w, "")
	}
	return strings.Join(w[:len(w)-1], ", ") + " or " + w[len(w)-1]
}

// Render formats a reply as text of at most Width columns per table line.
func Render(r bot.Reply) string { return render(r, false, Width, nil) }

// render formats a reply for lines of width columns; oneShot is a single
// command run from the shell, where no key can be typed next, only another
// `certcoach ask`.
func render(r bot.Reply, oneShot bool, width int, isCommand func(string) bool) string {
	var sb strings.Builder
	if r.Title != "" {
		sb.WriteString(r.Title + "\n" + strings.Repeat("=", min(uniseg.StringWidth(r.Title), width)) + "\n")
	}
	if r.Table != nil {
		sb.WriteString(renderTable(r.Table, width))
	}
	text := plain
	if oneShot && isCommand != nil {
		text = func(s string) string { return plain(shellForms(s, isCommand)) }
	}
	if r.Body != "" {
		sb.WriteString(fill(text(r.Body), "", width) + "\n")
	}
	for _, f := range r.Fields {
		sb.WriteString("\n" + plain(f.Name) + "\n")
		if strings.TrimSpace(f.Value) != "" {
			sb.WriteString(fill(text(f.Value), "  ", width) + "\n")
		}
	}
	if line := controls(r.Buttons, oneShot); line != "" {
		sb.WriteString("\n" + line + "\n")
	}
	if r.Attachment != nil {
		sb.WriteString(string(r.Attachment.Content) + "\n")
	}
	if r.Footer != "" {
		sb.WriteString("\n" + fill(plain(r.Footer), "", width) + "\n")
	}
	return sb.String()
}

// fill wraps each line of s to width, indenting with prefix; a wrapped
// bullet line continues under its text.
func fill(s, prefix string, width int) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if uniseg.StringWidth(prefix)+uniseg.StringWidth(line) <= width {
			out = append(out, prefix+line)
			continue
		}
		cont := prefix
		if strings.HasPrefix(line, "- ") {
			cont += "  "
		}
		for i, w := range wrapLines(line, width-uniseg.StringWidth(cont), false) {
			if i == 0 {
				out = append(out, prefix+w)
			} else {
				out = append(out, cont+w)
			}
		}
	}
	return strings.Join(out, "\n")
}

func renderTable(t *bot.Table, width int) string {
	labelW := 0
	for _, r := range t.Rows {
		labelW = max(labelW, uniseg.StringWidth(r.Label))
	}
	// On a narrow terminal the labels give up columns first: they wrap
	// between short words, where the two columns would cut long ones.
	labelW = min(labelW, 16, max(width/5, 6))
	colW := (width - labelW - 6) / 2 // "label | left | right"
	var sb strings.Builder
	line := func(a, b, c string) {
		// An empty last cell leaves no trailing blank.
		sb.WriteString(strings.TrimRight(pad(a, labelW)+" | "+pad(b, colW)+" | "+c, " ") + "\n")
	}
	line("", t.Left, t.Right)
	sb.WriteString(strings.Repeat("-", labelW) + "-+-" + strings.Repeat("-", colW) + "-+-" + strings.Repeat("-", colW) + "\n")
	for _, r := range t.Rows {
		ls, lw, rw := wrap(r.Label, labelW), wrap(plain(r.Left), colW), wrap(plain(r.Right), colW)
		n := max(len(ls), len(lw), len(rw))
		for i := 0; i < n; i++ {
			line(at(ls, i), at(lw, i), at(rw, i))
		}
	}
	return sb.String() + "\n"
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

func pad(s string, w int) string {
	n := uniseg.StringWidth(s)
	if n >= w {
		return s
	}
	return s + strings.Repeat(" ", w-n)
}

// wrap breaks text into lines of at most w columns, keeping explicit
// newlines.
func wrap(s string, w int) []string { return wrapLines(s, w, true) }

// wrapLines is wrap; without cutURLs a URL wider than w is not cut but
// has a line of its own, wider: a line break inside it would stop the
// terminal from opening it and a copy from working, and the terminal's
// own wrap does neither. Table cells cut it, to keep the columns.
func wrapLines(s string, w int, cutURLs bool) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line, lineW := "", 0
		for _, word := range strings.Fields(para) {
			wordW := uniseg.StringWidth(word)
			if wordW > w && !cutURLs && strings.Contains(word, "://") {
				if line != "" {
					out = append(out, line)
				}
				line, lineW = word, wordW // wider than w: the next word starts a line
				continue
			}
			for wordW > w { // a word wider than the column
				if line != "" {
					out = append(out, line)
					line, lineW = "", 0
				}
				head, rest, headW := cutWidth(word, w)
				out = append(out, head)
				word, wordW = rest, wordW-headW
			}
			switch {
			case word == "": // its last piece was as wide as the column
			case line == "":
				line, lineW = word, wordW
			case lineW+1+wordW <= w, !cutURLs && endsInURL(line) && !strings.ContainsFunc(word, isWordChar):
				// A separator after a URL (";") stays with it rather than
				// standing alone.
				line, lineW = line+" "+word, lineW+1+wordW
			default:
				out = append(out, line)
				line, lineW = word, wordW
			}
		}
		out = append(out, line)
	}
	return out
}

func isWordChar(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func endsInURL(line string) bool {
	return strings.Contains(line[strings.LastIndexByte(line, ' ')+1:], "://")
}

// cutWidth splits s after the grapheme clusters that fit in w columns (at
// least one, so that a column narrower than a character still moves on),
// with the head's width.
func cutWidth(s string, w int) (head, rest string, headW int) {
	state, n := -1, 0
	for rest = s; rest != ""; {
		c, r, cw, st := uniseg.FirstGraphemeClusterInString(rest, state)
		if n > 0 && headW+cw > w {
			break
		}
		rest, state, headW, n = r, st, headW+cw, n+len(c)
	}
	return s[:n], rest, headW
}
