package bot

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
)

// typedInfo is the declaration typed text is read against: the command's,
// or its sub-command's (named "group daily", with its own usage).
func typedInfo(info CommandInfo, sub *Sub) CommandInfo {
	if sub == nil {
		if len(info.Subs) > 0 {
			info.Params = nil // a command with sub-commands, run with none
		}
		return info
	}
	usage := sub.Usage
	if usage == "" {
		usage = info.Usage
	}
	return CommandInfo{Name: info.Name + " " + sub.Name, Usage: usage, Params: sub.Params, Who: info.Who}
}

// typeText maps the words typed after a command's name onto its declared
// parameters by kind, into the same map that named options produce: an
// exam word is the exam, a choice word its choice, a year the outline
// version (any word, when there is no domain to name), words the domain's
// name, and numbers the domain then the count. A lone number is a domain
// when the exam has that domain, else the count ("quiz cissp 7" is
// domain 7, "quiz cissp 9" nine questions); after a domain named in
// words it is the count. An argument that fits nothing is one line
// naming it, with the parameter's example.
func (e *Engine) typeText(ctx context.Context, req Request, info CommandInfo, words []string) (map[string]string, error) {
	named := map[string]string{}
	find := func(k ParamKind) *Param {
		for i := range info.Params {
			if p := &info.Params[i]; p.Kind == k {
				if _, done := named[p.Name]; !done {
					return p
				}
			}
		}
		return nil
	}
	var names []string
	var numbers []string
	for i := 0; i < len(words); i++ {
		raw := words[i]
		w := strings.ToLower(raw)
		if p := restParam(info, named); p != nil {
			// Free text once the arguments before it are given: the rest, as typed.
			v, err := e.checkAs(req, info.Name, *p, strings.Join(words[i:], " "))
			if err != nil {
				return nil, err
			}
			named[p.Name] = v
			break
		}
		if p := find(KindChoice); p != nil && containsFold(p.Choices, w) {
			named[p.Name] = strings.ToLower(w)
			continue
		}
		if p := find(KindExam); p != nil {
			if _, ok := e.kb.Cert(w); ok {
				named[p.Name] = w
				continue
			}
			if len(names) == 0 && len(numbers) == 0 && p.Required && find(KindDate) == nil {
				// A reference command names its exam first (`domains cisa`):
				// the word can only be meant as the exam.
				return nil, unknownExam(raw, e.Say(req, p.Example))
			}
			if len(names) == 0 && len(numbers) == 0 && looksLikeCert(w) {
				return nil, unknownExam(raw, e.Say(req, p.Example))
			}
		}
		if p := find(KindVersion); p != nil && (isYear(w) || find(KindDomain) == nil) {
			v, err := e.checkAs(req, info.Name, *p, w)
			if err != nil {
				return nil, err
			}
			named[p.Name] = v
			continue
		}
		if p := find(KindDate); p != nil {
			if v, err := checkParam(info.Name, *p, w); err == nil {
				named[p.Name] = v
				continue
			}
		}
		if p := find(KindTime); p != nil {
			v, joined := w, false
			if i+1 < len(words) && isMeridiem(words[i+1]) { // "7 am"
				v, joined = w+" "+strings.ToLower(words[i+1]), true
			}
			if v, err := checkParam(info.Name, *p, v); err == nil {
				named[p.Name] = v
				if joined {
					i++
				}
				continue
			}
		}
		if p := find(KindZone); p != nil {
			// A city of two or three words is one zone ("new york" is
			// America/New_York): the longest that is one.
			taken := 0
			for n := min(3, len(words)-i); n >= 1 && taken == 0; n-- {
				if v, err := checkParam(info.Name, *p, strings.Join(words[i:i+n], " ")); err == nil { // as typed: zones have case
					named[p.Name], taken = v, n
				}
			}
			if taken > 0 {
				i += taken - 1
				continue
			}
		}
		if _, err := strconv.Atoi(strings.TrimPrefix(w, "d")); err == nil {
			numbers = append(numbers, w)
			continue
		}
		if find(KindDomain) != nil && isQuizFiller(w) {
			continue // "quiz me on crypto": the words around the domain ask nothing
		}
		names = append(names, raw) // as typed, to be echoed as typed; readers fold case
	}
	dom, count := find(KindDomain), find(KindCount)
	if len(names) > 0 {
		if dom == nil {
			return nil, e.unknownArg(req, info, named, names[0])
		}
		named[dom.Name] = strings.Join(names, " ")
		dom = nil
	}
	switch {
	case len(numbers) == 0:
	case dom != nil && count != nil && len(numbers) == 2:
		cert := e.certOrDefault(ctx, req, named)
		n, _ := strconv.Atoi(strings.TrimPrefix(numbers[0], "d"))
		if o := e.outlineFor(ctx, req, cert); n < 0 || n > len(o.Domains) {
			return nil, Errorf("%s has domains 1-%d (0 for any); you asked for %d. See `%s`.", strings.ToUpper(cert), len(o.Domains), n, e.Say(req, "domains "+cert))
		}
		named[dom.Name], named[count.Name] = numbers[0], numbers[1]
	case len(numbers) > 1:
		return nil, Errorf("Too many numbers. %s", e.usageText(req, info))
	case dom != nil && count != nil:
		// One number: the domain if the exam has it, else the count.
		cert := e.certOrDefault(ctx, req, named)
		n, _ := strconv.Atoi(strings.TrimPrefix(numbers[0], "d"))
		if n >= 1 && n <= len(e.outlineFor(ctx, req, cert).Domains) {
			named[dom.Name] = numbers[0]
		} else {
			named[count.Name] = numbers[0]
		}
	case count != nil:
		named[count.Name] = numbers[0]
	case dom != nil:
		named[dom.Name] = numbers[0]
	default:
		return nil, e.unknownArg(req, info, named, numbers[0])
	}
	return named, nil
}

// restParam is the free-text parameter (text, a topic) that takes the rest
// of the words: the first one not given whose parameters before it are.
func restParam(info CommandInfo, named map[string]string) *Param {
	for i := range info.Params {
		p := &info.Params[i]
		if _, done := named[p.Name]; done {
			continue
		}
		if p.Kind == KindText || p.Kind == KindTopic {
			return p
		}
		return nil
	}
	return nil
}

// unknownArg is the one line for a word that fits no parameter: the
// parameter still missing says what it must be, else the usage; both in
// the forms the asker can run (Say).
func (e *Engine) unknownArg(req Request, info CommandInfo, named map[string]string, w string) error {
	for _, p := range info.Params {
		if _, done := named[p.Name]; done {
			continue
		}
		if p.Kind == KindDate || p.Kind == KindTime || p.Kind == KindZone {
			if _, err := e.checkAs(req, info.Name, p, w); err != nil {
				return err
			}
		}
	}
	if other, ok := info.Elsewhere[strings.ToLower(w)]; ok {
		return Errorf("Unknown argument %q: did you mean `%s`? %s", truncate(w, 30), e.Say(req, other), e.usageText(req, info))
	}
	return Errorf("Unknown argument %q. %s", truncate(w, 30), e.usageText(req, info))
}

// checkAs is checkParam with the example of its refusal as the asker can
// run it (Say): on Discord outside a DM's messages, the /cert form.
func (e *Engine) checkAs(req Request, cmd string, p Param, v string) (string, error) {
	out, err := checkParam(cmd, p, v)
	if err != nil && (SlashForms(req) || slackChannel(req)) {
		p.Example = e.Say(req, cmp.Or(p.Example, cmd))
		_, err = checkParam(cmd, p, v)
	}
	return out, err
}

// certOrDefault is the exam given, else the one the user most likely means:
// their plan's, else CISSP.
func (e *Engine) certOrDefault(ctx context.Context, req Request, named map[string]string) string {
	if c := named["cert"]; c != "" {
		return c
	}
	if p, ok := e.userPlan(ctx, req); ok {
		return p.Cert
	}
	return "cissp"
}

// usageText is "Usage: `...`, e.g. `...`.", without an example that would
// repeat the usage (a sub-command without arguments). Where only /cert
// runs the asker's commands (SlashForms) both are its forms (usageOn,
// say), and a typed example that has none is left out.
func (e *Engine) usageText(req Request, info CommandInfo) string {
	usage, ex := usageFor(req, info), example(info)
	if SlashForms(req) {
		if form := e.Say(req, ex); form != ex {
			ex = form
		} else {
			ex = usage
		}
	} else {
		ex = e.Say(req, ex)
	}
	if ex != usage {
		return fmt.Sprintf("Usage: `%s`, e.g. `%s`.", usage, ex)
	}
	return fmt.Sprintf("Usage: `%s`.", usage)
}

// example is a command's first parameter example, else its usage.
func example(info CommandInfo) string {
	for _, p := range info.Params {
		if p.Example != "" {
			return p.Example
		}
	}
	return info.Usage
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// isYear reports whether w is four digits, as outline versions are.
func isYear(w string) bool {
	if len(w) != 4 {
		return false
	}
	_, err := strconv.Atoi(w)
	return err == nil
}

// isMeridiem reports whether w is "am" or "pm", as typed apart from its
// time ("7 pm").
func isMeridiem(w string) bool {
	switch strings.ToLower(w) {
	case "am", "pm", "a.m.", "p.m.":
		return true
	}
	return false
}

// isQuizFiller reports words people put around a domain ("quiz me on
// crypto", "some questions about iam"); no domain name uses them.
func isQuizFiller(w string) bool {
	switch w {
	case "me", "on", "about", "some", "questions", "question", "please", "pls", "from":
		return true
	}
	return false
}
