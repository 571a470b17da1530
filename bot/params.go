package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ParamKind is the type of a command's argument. Adapters with typed
// options (Discord) build theirs from it; the engine checks values by it.
type ParamKind int

// Parameter kinds.
const (
	KindText    ParamKind = iota // free text
	KindExam                     // cism or cissp
	KindDomain                   // a domain by number or name, or an objective (7.6, 4A2)
	KindCount                    // a whole number from Min to Max
	KindDate                     // YYYY-MM-DD
	KindTime                     // HH:MM, 24-hour
	KindZone                     // an IANA time zone
	KindVersion                  // an outline version such as 2021
	KindTopic                    // a compare topic
	KindChoice                   // one of Choices
)

// Param declares one argument of a command, in the order it is typed.
type Param struct {
	Name     string
	Kind     ParamKind
	Desc     string
	Example  string // a whole command using it, e.g. "quiz cissp 7 5"
	Required bool
	Choices  []string // KindChoice
	Min, Max int      // KindCount
	MaxLen   int      // text length, 0: 100
	// Complete asks adapters that can (Discord) to suggest values: topics,
	// domains, zones, a setting's values.
	Complete bool
	// Only is the one platform where the parameter does anything (progress's
	// chart file: the console); help elsewhere and Discord's options leave
	// it out. Typed text still takes it everywhere. "": every platform.
	Only string
}

// ShownOn reports whether help and option lists on platform show p.
func (p Param) ShownOn(platform string) bool { return p.Only == "" || p.Only == platform }

// shownOn is ps without those platform does not show.
func shownOn(ps []Param, platform string) []Param {
	return slices.DeleteFunc(slices.Clone(ps), func(p Param) bool { return !p.ShownOn(platform) })
}

// Sub is a sub-command ("group daily", "group off") with its own arguments.
// A command with sub-commands is run with one of them, or with none (its
// status, for text); adapters with typed options (Discord) always name one.
type Sub struct {
	Name    string
	Usage   string // its text form, for the reply to a bad argument
	Summary string
	Params  []Param
	Aliases []string // other words for it in typed text ("stop" for "off")
	// Implied lets typed text leave the name out: `remind 07:30` is
	// `remind set 07:30`, when the first word is not a sub-command's name.
	Implied bool
}

// Who says who may run a command.
type Who int

// Who values.
const (
	Anyone          Who = iota
	ChannelManagers     // people who can configure the channel; the console's user
)

// Prepared is a request whose command the engine has parsed, with that
// command's declaration: adapters read Info (is it slow, who may run it)
// and pass Req to Handle, which does not parse it again.
type Prepared struct {
	Req  Request
	Info CommandInfo // zero for button clicks and unknown commands
}

// parsed is the engine's one parse of a request's command.
type parsed struct {
	name  string
	args  Args
	cmd   command
	known bool
	sub   *Sub     // the sub-command run, nil for none
	rest  string   // the text after the command name (for options, their values), for logs and tests
	words []string // typed text after the command and sub-command names, as typed: typeText reads them for a command
	err   error    // an argument that failed its declared type, or an unknown sub-command
}

// Prepare parses a request's command once (text, or named options from
// a platform with typed options) and returns it with its declaration.
func (e *Engine) Prepare(req Request) Prepared {
	if req.Action != "" {
		return Prepared{Req: req}
	}
	if req.parsed == nil {
		p := e.parse(req)
		req.parsed = &p
	}
	var info CommandInfo
	// "start over" is help's alias word, but handleText runs the controls
	// for it: it is declared as they are (no command), not as help.
	if req.parsed.known && !isStartOver(req.parsed.name, req.parsed.words) {
		info = req.parsed.cmd.CommandInfo
	}
	// A command that takes no arguments (export), typed with words, does not
	// run: Handle reads the line as a question or refuses it, both at once,
	// so it is not slow (adapters would show "working on it" first).
	if info.Slow && req.Command == "" && len(info.Params) == 0 && len(info.Subs) == 0 && len(req.parsed.words) > 0 {
		info.Slow = false
	}
	return Prepared{Req: req, Info: info}
}

func (e *Engine) parse(req Request) parsed {
	if req.Command == "" {
		name, rest := ParseCommand(req.Text)
		c, ok := e.lookup(name)
		p := parsed{name: name, cmd: c, known: ok, rest: rest, words: strings.Fields(rest)}
		if ok && len(c.Subs) > 0 && len(p.words) > 0 {
			var named bool
			var ok bool
			if p.sub, named, ok = textSub(c.CommandInfo, p.words[0]); !ok {
				p.err = e.unknownSub(req, c.CommandInfo, p.words[0])
			}
			if named {
				p.words = p.words[1:]
			}
			if p.sub != nil {
				p.args.Sub = p.sub.Name
			}
		}
		return p
	}
	words := strings.Fields(strings.ToLower(req.Command))
	if len(words) == 0 {
		words = []string{"help"}
	}
	c, ok := e.lookup(words[0])
	p := parsed{name: words[0], cmd: c, known: ok}
	if !ok {
		return p
	}
	params := c.Params
	if len(c.Subs) > 0 && len(words) > 1 {
		for i := range c.Subs {
			if c.Subs[i].Name == words[1] {
				p.sub = &c.Subs[i]
			}
		}
		if p.sub == nil {
			p.err = e.unknownSub(req, c.CommandInfo, words[1])
			return p
		}
		params = p.sub.Params
	}
	named := map[string]string{}
	parts := append([]string(nil), words[1:]...)
	for _, prm := range params {
		v := strings.TrimSpace(req.Options[prm.Name])
		if v == "" {
			continue
		}
		v, err := e.checkAs(req, c.Name, prm, v)
		if err != nil && p.err == nil {
			p.err = err
		}
		named[prm.Name] = v
	}
	// An autocompleted domain may carry its exam ("cism 2") when no exam
	// was chosen: the exam goes where it belongs.
	if d, ok := named["domain"]; ok {
		if exam, rest, found := strings.Cut(d, " "); found && (exam == "cism" || exam == "cissp") {
			if named["cert"] == "" || named["cert"] == exam {
				named["cert"], named["domain"] = exam, rest
			}
		}
	}
	for _, prm := range params {
		if v := named[prm.Name]; v != "" {
			parts = append(parts, v)
		}
	}
	p.rest = strings.Join(parts, " ")
	p.args = Args{Named: named}
	if p.sub != nil {
		p.args.Sub = p.sub.Name
	}
	return p
}

// textSub is the sub-command typed text runs, from its first word: the
// sub-command of that name or alias (named), else the implied one, unless
// the word is a plain word (then it was meant as a sub-command's name);
// ok is false for none.
func textSub(info CommandInfo, first string) (sub *Sub, named, ok bool) {
	w := strings.ToLower(first)
	var implied *Sub
	for i := range info.Subs {
		s := &info.Subs[i]
		if s.Name == w || slices.Contains(s.Aliases, w) {
			return s, true, true
		}
		if s.Implied {
			implied = s
		}
	}
	if implied == nil || isPlainWord(w) {
		return nil, false, false
	}
	return implied, false, true
}

// unknownSub is the one line for a sub-command a command does not have,
// with its usage as the asker can run it (usageText's forms).
func (e *Engine) unknownSub(req Request, info CommandInfo, w string) error {
	return Errorf("Unknown sub-command %q. Usage: `%s`.", truncate(w, 20), usageFor(req, info))
}

// isPlainWord reports whether w is letters only.
func isPlainWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
}

// checkParam checks a typed value against its declaration; the error is
// one line naming the argument, with an example.
func checkParam(cmd string, p Param, v string) (string, error) {
	ex := p.Example
	if ex == "" {
		ex = cmd
	}
	bad := func(what string) error {
		return Errorf("The `%s` must be %s, e.g. `%s`.", p.Name, what, ex)
	}
	n := p.MaxLen
	if n == 0 {
		n = 100
	}
	if len(v) > n {
		return "", bad(fmt.Sprintf("at most %d characters", n))
	}
	switch p.Kind {
	case KindExam:
		if lv := strings.ToLower(v); lv != "cism" && lv != "cissp" {
			return "", unknownExam(v, ex)
		}
		v = strings.ToLower(v)
	case KindCount:
		n, err := strconv.Atoi(v)
		if err != nil || n < p.Min || n > p.Max {
			return "", bad(fmt.Sprintf("a whole number from %d to %d", p.Min, p.Max))
		}
	case KindDate:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			if dateRe.MatchString(v) {
				return "", Errorf("%s is not a date on the calendar: check the day and month, e.g. `%s`.", v, ex)
			}
			return "", Errorf("Give the %s as YYYY-MM-DD, e.g. `%s`.", p.Name, ex)
		}
	case KindTime:
		t, ok := parseClock(v)
		if !ok {
			return "", Errorf("Give the %s as HH:MM (24-hour) or like 7:30am, e.g. `%s`.", p.Name, ex)
		}
		v = t
	case KindZone:
		loc, err := ParseZone(v)
		if err != nil {
			return "", err // it names the problem: an abbreviation, or no such zone
		}
		v = loc.String() // as the zone database spells it: America/New_York

	case KindChoice:
		for _, c := range p.Choices {
			if strings.EqualFold(c, v) {
				return strings.ToLower(v), nil
			}
		}
		return "", bad("one of " + strings.Join(p.Choices, ", "))
	}
	return v, nil
}

var (
	dateRe    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	clockRe   = regexp.MustCompile(`^([01]?[0-9]|2[0-3]):([0-5][0-9])$`)
	clock12Re = regexp.MustCompile(`^(0?[1-9]|1[0-2])(?::([0-5][0-9]))? ?([ap])\.?m\.?$`)
)

// parseClock reads a 24-hour HH:MM or a 12-hour time (7am, 7 am, 7:30pm,
// 12am is midnight) as the HH:MM stored and shown.
func parseClock(v string) (string, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if m := clockRe.FindStringSubmatch(v); m != nil {
		h, _ := strconv.Atoi(m[1])
		return fmt.Sprintf("%02d:%s", h, m[2]), true
	}
	m := clock12Re.FindStringSubmatch(v)
	if m == nil {
		return "", false
	}
	h, _ := strconv.Atoi(m[1])
	h %= 12
	if m[3] == "p" {
		h += 12
	}
	minute := m[2]
	if minute == "" {
		minute = "00"
	}
	return fmt.Sprintf("%02d:%s", h, minute), true
}

// permitted enforces a command's Who; it is the one place that decides.
func permitted(info CommandInfo, a Actor) error {
	if info.Who != ChannelManagers {
		return nil
	}
	if a.Platform == PlatformConsole && (a.DM || a.Channel == "") {
		return Errorf("The console has no channels: `%s` works in a Slack or Discord channel.", info.Name)
	}
	if a.DM || a.Channel == "" {
		return Errorf("`%s` is for channels: run it in the channel of your study group.", info.Name)
	}
	// The console has no channel roles: whoever runs it administers it.
	if !a.CanManage && a.Platform != PlatformConsole {
		if a.RoleUnknown {
			return Errorf("I could not check your role just now, so `%s` did not run. Please try again in a moment.", info.Name)
		}
		switch a.Platform {
		case PlatformSlack:
			return Errorf("Only people who can manage this channel can use `%s`: workspace admins and owners.", info.Name)
		case PlatformDiscord:
			return Errorf("Only people who can manage this channel can use `%s`: those with Manage Server or Manage Channels.", info.Name)
		}
		return Errorf("Only people who can manage this channel can use `%s`.", info.Name)
	}
	return nil
}
