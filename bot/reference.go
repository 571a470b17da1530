package bot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/certcoach/certcoach/knowledge"
	"github.com/certcoach/certcoach/storage"
)

// registerCore adds the reference commands (knowledge base; read-only: they
// read at most the user's plan) and the study commands.
func (e *Engine) registerCore() {
	e.Register(CommandInfo{Name: "help", ReadOnly: true, Usage: "help [command]", Summary: "What certcoach can do", Params: []Param{
		{Name: "command", Kind: KindText, Desc: "One command to explain, e.g. quiz", Example: "help quiz", MaxLen: 40}}},
		e.help, "start", "?")
	e.Register(CommandInfo{Name: "compare", ReadOnly: true, Usage: "compare [topic]", Summary: "CISM vs CISSP side by side, or on one topic", Params: []Param{
		{Name: "topic", Kind: KindTopic, Desc: "A topic such as incident-response (leave empty for the overview)", Example: "compare incident-response", Complete: true}}},
		e.compare, "vs")
	e.Register(CommandInfo{Name: "domains", ReadOnly: true, Usage: "domains <cism|cissp> [version]", Summary: "The exam domains with their weights", Params: []Param{
		examParam(true, "Which certification", "domains cissp"),
		{Name: "version", Kind: KindVersion, Desc: "Outline version, e.g. 2021 (default: the one in force)", Example: "domains cissp 2021", MaxLen: 10}}},
		e.domains)
	e.Register(CommandInfo{Name: "domain", ReadOnly: true, Usage: "domain <cism|cissp> <n|name|objective> [version]", Summary: "One domain's objectives", Params: []Param{
		examParam(true, "Which certification", "domain cissp 7"),
		{Name: "domain", Kind: KindDomain, Desc: "Domain number or name, or an objective such as 7.6 or 4A2", Example: "domain cissp 7", Required: true, Complete: true},
		{Name: "version", Kind: KindVersion, Desc: "Outline version, e.g. 2022 (default: the one in force)", Example: "domain cism 4 2022", MaxLen: 10}}},
		e.domain)
	e.Register(CommandInfo{Name: "ask", ReadOnly: true, Usage: "ask <question>", Summary: "Ask anything about the two exams", Params: []Param{
		{Name: "question", Kind: KindText, Desc: "Your question", Example: "ask how long is the cissp exam", Required: true, MaxLen: 500}}},
		e.ask, "q", "search")
	e.registerStudy()
}

// examParam is the certification argument most commands take.
func examParam(required bool, desc, example string) Param {
	return Param{Name: "cert", Kind: KindExam, Desc: desc, Example: example, Required: required}
}

func (e *Engine) help(_ context.Context, req Request, args Args) (Reply, error) {
	var sb strings.Builder
	raw := strings.Fields(args.Named["command"])
	if w := strings.Fields(strings.ToLower(args.Named["command"])); len(w) > 0 {
		if c, ok := e.lookup(w[0]); ok {
			// "help group daily" names a sub-command, which the command's help lists.
			extra := 1
			if len(w) > 1 && hasSub(c.CommandInfo, w[1]) {
				extra = 2
			}
			if len(raw) > extra {
				h, _ := e.lookup("help")
				return Reply{Kind: "help"}, e.unknownArg(req, h.CommandInfo, map[string]string{"command": w[0]}, raw[extra])
			}
			r := scopedHelp(c.CommandInfo, userKey(req.Actor))
			if slackChannel(req) {
				r.Body += "\n\nIn a channel, type it after `/cert`; in a DM with certcoach, as it is."
			}
			if c.Name == "compare" {
				// The topics are data: the declaration names one as an example.
				r.Body += "\n\nTopics: " + strings.Join(e.TopicIDs(), ", ") + "."
			}
			if err := consoleRefuses(c.CommandInfo, req.Actor); err != nil {
				r.Body += "\n\n" + err.Error()
			}
			return r, nil
		}
		// "help quz" is a typo worth naming, "help bogus" a command that does
		// not exist; "help me please" just wants the list.
		s := e.Suggest(w[0])
		switch {
		case s != "":
			fmt.Fprintf(&sb, "No command `%s`: did you mean `%s`?\n\n", truncate(w[0], 30), e.Say(req, "help "+s))
		case len(w) == 1:
			fmt.Fprintf(&sb, "No command `%s`.\n\n", truncate(w[0], 30))
		}
	}
	for _, c := range e.Commands() {
		if consoleRefuses(c, req.Actor) != nil {
			continue
		}
		fmt.Fprintf(&sb, "- `%s`: %s\n", usageOn(c, req.Actor.Platform), c.SummaryIn(userKey(req.Actor)))
	}
	if slackChannel(req) {
		sb.WriteString("\nIn a channel, type them after `/cert` (`/cert quiz cissp`); in a DM with certcoach, as they are.\n")
	}
	sb.WriteString("\nFacts come from a cited knowledge base; each answer shows its source and as-of date.")
	return Reply{Kind: "help", Title: "certcoach: CISM and CISSP study partner", Body: sb.String(), Private: true}, nil
}

// consoleRefuses is why the console refuses command c (group: it has no
// channels), as permitted says it, or nil; help leaves such commands out
// there. Elsewhere a refusal depends on the channel, so help lists them all.
func consoleRefuses(c CommandInfo, a Actor) error {
	if a.Platform != PlatformConsole {
		return nil
	}
	return permitted(c, a)
}

// hasSub reports whether c has a sub-command named or aliased w.
func hasSub(c CommandInfo, w string) bool {
	for _, s := range c.Subs {
		if s.Name == w || slices.Contains(s.Aliases, w) {
			return true
		}
	}
	return false
}

// commandHelp explains one command on platform: its usage, its forms or
// arguments, and examples; a Scoped command's data is where the platform
// keeps it (on Discord, a server's).
func commandHelp(c CommandInfo, platform string) Reply {
	return scopedHelp(c, storage.UserKey{Platform: platform})
}

// scopedHelp is commandHelp for someone in scope k. On Discord a command's
// forms and examples are those /cert takes: a sub-command named, the
// arguments as options.
func scopedHelp(c CommandInfo, k storage.UserKey) Reply {
	var sb strings.Builder
	fmt.Fprintf(&sb, "`%s`: %s\n", usageOn(c, k.Platform), c.SummaryIn(k))
	for _, s := range c.Subs {
		switch {
		case k.Platform == PlatformDiscord:
			fmt.Fprintf(&sb, "- `%s`: %s\n", subForm(c.Name, s), s.Summary)
		case s.Usage != "":
			fmt.Fprintf(&sb, "- `%s`: %s\n", s.Usage, s.Summary)
		}
	}
	for _, p := range shownOn(c.Params, k.Platform) {
		fmt.Fprintf(&sb, "- %s: %s\n", p.Name, p.Desc)
	}
	switch ex := example(c); {
	case k.Platform == PlatformDiscord && len(c.optionExamples) == 1:
		fmt.Fprintf(&sb, "\nExample: `%s`", c.optionExamples[0])
	case k.Platform == PlatformDiscord && len(c.optionExamples) > 1:
		fmt.Fprintf(&sb, "\nExamples: `%s`", strings.Join(c.optionExamples, "`, `"))
	case k.Platform == PlatformDiscord:
		// A typed example is no form /cert takes.
	case ex != c.Usage:
		fmt.Fprintf(&sb, "\nExample: `%s`", ex)
	}
	return Reply{Kind: "help", Title: "help: " + c.Name, Body: strings.TrimRight(sb.String(), "\n"), Private: true}
}

// usageOn is a command's usage as people type it on platform: Discord's
// /cert always names a sub-command and takes its arguments as options
// (`remind set <time> [zone]`, `quiz [cert] [domain] [count] [action]`),
// where text leaves it implied (`remind 07:30`) and takes words
// (`quiz cissp 7 5`).
func usageOn(c CommandInfo, platform string) string {
	switch {
	case platform != PlatformDiscord:
		return c.Usage
	case len(c.Subs) == 0:
		return optionForm(c.Name, shownOn(c.Params, PlatformDiscord))
	}
	forms := make([]string, len(c.Subs))
	for i, s := range c.Subs {
		forms[i] = subForm(c.Name, s)
	}
	return strings.Join(forms, " | ")
}

// usageFor is a command's usage as a reply to req names it: where only
// /cert runs the asker's commands (SlashForms), each form usageOn gives for
// Discord, as /cert takes it; elsewhere the typed usage.
func usageFor(req Request, c CommandInfo) string {
	if slackChannel(req) {
		// Each form that is a whole command, not a choice of arguments
		// ("settings retention 0.9 | leaderboard on|off").
		forms := strings.Split(c.Usage, " | ")
		for i, f := range forms {
			if f == c.Name || strings.HasPrefix(f, c.Name+" ") {
				forms[i] = "/cert " + f
			}
		}
		return strings.Join(forms, " | ")
	}
	if !SlashForms(req) {
		return c.Usage
	}
	return "/cert " + strings.ReplaceAll(usageOn(c, PlatformDiscord), " | ", " | /cert ")
}

// usageOf is usageFor of the command named name.
func (e *Engine) usageOf(req Request, name string) string {
	c, _ := e.lookup(name)
	return usageFor(req, c.CommandInfo)
}

// subForm is a sub-command with its options.
func subForm(cmd string, s Sub) string {
	return optionForm(cmd+" "+s.Name, shownOn(s.Params, PlatformDiscord))
}

// optionForm is a /cert sub-command with its options: required ones in
// <>, optional ones in [].
func optionForm(name string, ps []Param) string {
	form := name
	for _, p := range ps {
		if p.Required {
			form += " <" + p.Name + ">"
		} else {
			form += " [" + p.Name + "]"
		}
	}
	return form
}

// optionExamples are c's parameters' examples, and its sub-commands'
// parameters' examples, as Discord's /cert takes them, each argument an
// option (`quiz cissp 7 5`: `/cert quiz cert:cissp domain:7 count:5`;
// `remind pause 3`: `/cert remind pause days:3`), read as typed text is;
// one that does not read, names no argument, or repeats another, is left
// out.
func (e *Engine) optionExamples(c CommandInfo) []string {
	params := shownOn(c.Params, PlatformDiscord)
	for _, s := range c.Subs {
		params = append(params, shownOn(s.Params, PlatformDiscord)...)
	}
	var out []string
	for _, p := range params {
		words := strings.Fields(p.Example)
		if len(words) < 2 || words[0] != c.Name {
			continue
		}
		form, ok := e.slashText(c, words[1:])
		if ok && form != "/cert "+c.Name && !slices.Contains(out, form) {
			out = append(out, form)
		}
	}
	return out
}

// slashText is command c with the typed arguments words as Discord's
// /cert takes it: the sub-command named, each argument an option
// (`exam pause`: `/cert exam action:pause`); a placeholder word such as
// <n> is the value of the first option the other words leave empty
// (`domain cissp <n>`: `/cert domain cert:cissp domain:<n>`). ok is false
// when the words do not read as c's arguments, or name none of its
// sub-commands.
func (e *Engine) slashText(c CommandInfo, words []string) (string, bool) {
	info := typedInfo(c, nil)
	if len(c.Subs) > 0 {
		if len(words) == 0 {
			return "", false
		}
		sub, named, ok := textSub(c, words[0])
		if !ok {
			return "", false
		}
		if named {
			words = words[1:]
		}
		info = typedInfo(c, sub)
	}
	var typed, holes []string
	for _, w := range words {
		if len(w) > 2 && strings.HasPrefix(w, "<") && strings.HasSuffix(w, ">") {
			holes = append(holes, w)
		} else {
			typed = append(typed, w)
		}
	}
	named, err := e.typeText(context.Background(), Request{}, info, typed)
	if err != nil {
		return "", false
	}
	form := "/cert " + info.Name
	for _, q := range info.Params {
		v := named[q.Name]
		if v == "" && len(holes) > 0 {
			v, holes = holes[0], holes[1:]
		}
		if v != "" {
			form += " " + q.Name + ":" + v
		}
	}
	return form, len(holes) == 0
}

// SlashForms reports whether the asker is where only Discord's /cert
// reaches the bot with their own commands, so a reply names its forms:
// anywhere on Discord but a DM's messages, which take typed words (see
// confirmForm). A server mention runs none of the asker's own commands
// (Request.Public), so it is told the /cert forms too. Slack and the
// console take the typed forms.
func SlashForms(req Request) bool {
	return req.Actor.Platform == PlatformDiscord && !(req.Conversational && req.Actor.DM)
}

// slackChannel reports whether the asker is on Slack anywhere but a DM's
// messages: there the words of a command run after /cert (or a mention),
// so a reply names them so.
func slackChannel(req Request) bool {
	return req.Actor.Platform == PlatformSlack && !(req.Conversational && req.Actor.DM)
}

// Say is the typed command text (`exam pause`, `quiz cissp 7 5`,
// `domain cissp <n>`) as the asker can run it where they are: the /cert
// form on Discord outside a DM's messages (SlashForms); on Slack outside a
// DM's messages the words after /cert, since a channel's messages reach the
// bot only when they mention it; else the text itself (also when it reads
// as no command).
func (e *Engine) Say(req Request, text string) string {
	name, rest := ParseCommand(text)
	c, ok := e.lookup(name)
	switch {
	case !ok:
	case SlashForms(req):
		if form, ok := e.slashText(c.CommandInfo, strings.Fields(rest)); ok {
			return form
		}
	case slackChannel(req):
		return "/cert " + text
	}
	return text
}

// today is the calendar day used to pick outlines when no exam date is set.
func (e *Engine) today() time.Time {
	t := e.clock.Now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func cellCaveat(s knowledge.Status) string {
	switch s {
	case knowledge.StatusUnconfirmed:
		return " (unconfirmed)"
	case knowledge.StatusConflict:
		return " (sources disagree)"
	}
	return ""
}

// cert is the certification an exam name names; example is the typed
// command shown, as the asker can run it (Say), in the reply when it names
// neither.
func (e *Engine) cert(req Request, name, example string) (*knowledge.Cert, error) {
	if name == "" {
		return nil, Errorf("Which certification? Say `cism` or `cissp`, e.g. `%s`.", e.Say(req, example))
	}
	c, ok := e.kb.Cert(strings.ToLower(name))
	if !ok {
		return nil, unknownExam(name, e.Say(req, example))
	}
	return c, nil
}

// unknownExam is the one reply to an exam name that is neither exam, for
// typed text and named options alike.
func unknownExam(name, example string) error {
	return Errorf("Unknown exam %q: say `cism` or `cissp`, e.g. `%s`.", truncate(name, 20), example)
}

func (e *Engine) outlineFor(ctx context.Context, req Request, cert string) *knowledge.Outline {
	return e.kb.OutlineFor(cert, e.examDay(ctx, req, cert))
}

func domainLines(o *knowledge.Outline) string {
	var sb strings.Builder
	for _, d := range o.Domains {
		fmt.Fprintf(&sb, "%d. %s %d%%\n", d.N, d.Name, d.Weight)
	}
	return strings.TrimRight(sb.String(), "\n")
}

func outlineLabel(o *knowledge.Outline) string {
	s := fmt.Sprintf("%s outline in force from %s", o.Version, o.Effective)
	if c := o.Status.Caveat(); o.Status != knowledge.StatusOK && c != "" {
		s += "; " + c // often shown inside brackets already
	}
	return s
}

func (e *Engine) compare(ctx context.Context, req Request, args Args) (Reply, error) {
	if t := args.Named["topic"]; t != "" {
		id, err := e.compareTopicOf(req, t)
		if err != nil {
			return Reply{Kind: "compare"}, err
		}
		if id != "" {
			return e.compareTopic(req, id)
		}
	}
	cism, ok1 := e.kb.Cert("cism")
	cissp, ok2 := e.kb.Cert("cissp")
	if !ok1 || !ok2 {
		return Reply{}, fmt.Errorf("compare: knowledge base lacks a certification")
	}
	om, os := e.kb.OutlineFor("cism", e.today()), e.kb.OutlineFor("cissp", e.today())
	if p, ok := e.userPlan(ctx, req); ok {
		if d, err := time.Parse(time.DateOnly, p.ExamDate); err == nil {
			if p.Cert == "cism" {
				om = e.kb.OutlineFor("cism", d)
			} else {
				os = e.kb.OutlineFor("cissp", d)
			}
		}
	}
	// The table depends only on the two outlines and the (read-only)
	// knowledge base, so it is built once per outline pair and form of
	// the commands it names (SlashForms).
	key := om.ID + "|" + os.ID + "|" + strconv.FormatBool(SlashForms(req)) + strconv.FormatBool(slackChannel(req))
	if r, ok := e.compareCache.Load(key); ok {
		return r.(Reply), nil
	}
	t := &Table{Left: "CISM (" + cism.Body + ")", Right: "CISSP (" + cissp.Body + ")"}
	var notes []string
	cites := map[string]bool{}
	addFact := func(key string) {
		l, _ := cism.Fact(key)
		r, _ := cissp.Fact(key)
		if l == nil || r == nil {
			return
		}
		t.Rows = append(t.Rows, Row{Label: l.Label, Left: l.Short + cellCaveat(l.Status), Right: r.Short + cellCaveat(r.Status)})
		for _, f := range []*knowledge.Fact{l, r} {
			for _, s := range f.Sources {
				cites[s] = true
			}
			if f.Status == knowledge.StatusUnconfirmed || f.Status == knowledge.StatusConflict {
				notes = append(notes, fmt.Sprintf("%s %s: %s", strings.ToUpper(strings.SplitN(f.ID, ".", 2)[0]), strings.ToLower(f.Label), strings.ToLower(f.Status.Caveat())))
			}
		}
	}
	for _, key := range e.kb.Vocab.GeneralTable {
		if key != knowledge.GeneralTableDomains {
			addFact(key)
			continue
		}
		left := domainLines(om)
		if om.Provisional() {
			left = fmt.Sprintf("(%s outline, weights unconfirmed)\n", om.Version) + left
			notes = append(notes, fmt.Sprintf("CISM %s outline (from %s): weights from one report of ISACA's announcement, subtopics unpublished; check isaca.org", om.Version, om.Effective))
		}
		t.Rows = append(t.Rows, Row{Label: "Domains", Left: left, Right: domainLines(os)})
	}
	for _, o := range []*knowledge.Outline{om, os} {
		for _, s := range o.Sources {
			cites[s] = true
		}
	}
	body := "**Which is for you?** **CISM** if you run or want to run a security program (governance, risk, budgets, incident readiness); " +
		"**CISSP** for broad technical depth across eight domains, with management on top. Many take both: `" + e.Say(req, "compare which-first") + "`."
	if len(notes) > 0 {
		body += "\n\n_Caveats:_\n- " + strings.Join(dedupe(notes), "\n- ")
	}
	r := Reply{Kind: "compare", Title: "CISM vs CISSP", Table: t, Body: body,
		Footer:  e.sourceList(req, cites) + fmt.Sprintf(" · Outlines: CISM %s, CISSP %s", om.Version, os.Version) + " · `" + e.Say(req, "compare <topic>") + "` for a topic",
		Private: true, Shareable: true}
	e.compareCache.Store(key, r)
	return r, nil
}

// compareTopicOf is the topic compare's argument names: a topic's ID,
// title or alias, or a topic said as ask reads it ("crypto basics" is
// cryptography), with harmless words around it ("basics", "for cism").
// "" with no error: the words only name the exams ("cism vs cissp", "the
// two exams"), which asks for the general table. Words that name no topic
// are refused, and so are words beside a topic that mean something of
// their own ("cost extra", "incident response timeline"): ignoring them
// would answer another question than the one asked.
func (e *Engine) compareTopicOf(req Request, text string) (string, error) {
	if !strings.ContainsFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		// "compare 🤖", "compare ??": no words, so no topic, not the overview.
		return "", e.noComparison(req, text)
	}
	a := e.kb.Analyze(text)
	if len(a.Words) == 0 && len(a.Terms) == 0 {
		return "", nil
	}
	if t, ok := e.kb.Topic(text); ok {
		return t.ID, nil
	}
	t, ok := e.kb.Topic(a.Topic)
	if a.Topic == "" || !ok {
		return "", e.noComparison(req, text)
	}
	if w := e.extraTopicWord(text, t, &a); w != "" {
		return "", Errorf("Unknown argument %q. Usage: `%s`, e.g. `%s`.", truncate(w, 30), e.usageOf(req, "compare"), e.Say(req, "compare "+t.ID))
	}
	return t.ID, nil
}

// extraTopicWord is the first word of text beside the words naming topic t
// that means something of its own, "" for none. Where t's ID, title or an
// alias is in the text, the rest is read on its own: filler, exam names and
// harmless words (topicFiller) mean nothing; where the analysis found t by
// other words (a misspelling), the words it could not explain are the rest.
func (e *Engine) extraTopicWord(text string, t *knowledge.Topic, a *knowledge.Analysis) string {
	toks := strings.Fields(topicKey(text))
	start, end := -1, -1
	for _, name := range append([]string{t.ID, t.Title}, t.Aliases...) {
		n := strings.Fields(topicKey(name))
		for i := 0; i+len(n) <= len(toks); i++ {
			if len(n) > end-start && slices.Equal(toks[i:i+len(n)], n) {
				start, end = i, i+len(n)
			}
		}
	}
	if start < 0 {
		for _, w := range a.Unmatched {
			if !topicFiller(w) {
				return w
			}
		}
		return ""
	}
	var rest []string
	for _, w := range slices.Concat(toks[:start], toks[end:]) {
		if !topicFiller(w) {
			rest = append(rest, w)
		}
	}
	if r := e.kb.Analyze(strings.Join(rest, " ")); len(rest) == 0 || len(r.Words) == 0 && len(r.Terms) == 0 {
		return ""
	}
	for _, w := range rest {
		if r := e.kb.Analyze(w); len(r.Words) > 0 || len(r.Terms) > 0 {
			return strings.Trim(w, ".,;:!?")
		}
	}
	return strings.Trim(rest[0], ".,;:!?")
}

// topicFiller reports words people put beside a topic that ask nothing of
// their own ("cryptography basics", "iam in general", "crypto stuff please").
func topicFiller(w string) bool {
	switch strings.Trim(w, ".,;:!?()\"'") {
	case "basics", "basic", "overview", "intro", "introduction", "fundamentals", "essentials", "general", "generally",
		"stuff", "things", "topic", "side", "please", "pls", "plz", "thanks", "quick", "quickly", "briefly",
		"difference", "differences", "comparison", "compared", "":
		return true
	}
	return false
}

// noComparison is the refusal of a topic argument that names no topic:
// the nearest topic when one is close, else the list.
func (e *Engine) noComparison(req Request, name string) error {
	if guess := e.suggestTopic(name); guess != "" {
		return Errorf("No comparison for %q: did you mean `%s`?", truncate(name, 40), e.Say(req, "compare "+guess))
	}
	return Errorf("No comparison for %q. Topics: %s.", truncate(name, 40), strings.Join(e.TopicIDs(), ", "))
}

// topicKeyReplacer is built once: building one costs more than using it,
// and compare reads every topic name. (A Replacer is safe to share.)
var topicKeyReplacer = strings.NewReplacer("-", " ", "_", " ", "/", " ", "&", "and")

// topicKey is a topic name as typed and as stored compared alike:
// "Incident-Response" and "incident response".
func topicKey(s string) string {
	s = topicKeyReplacer.Replace(strings.ToLower(s))
	return strings.Join(strings.Fields(s), " ")
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// sourceList renders cited sources by host, official ones first and at most
// four; each fact's own sources and date are one `ask` away.
func (e *Engine) sourceList(req Request, ids map[string]bool) string {
	var hosts []string
	seen := map[string]bool{}
	var srcs []knowledge.Source
	for _, s := range e.kb.Sources {
		if ids[s.ID] && s.Kind != "3p" {
			srcs = append(srcs, s)
		}
	}
	for _, s := range e.kb.Sources {
		if ids[s.ID] && s.Kind == "3p" {
			srcs = append(srcs, s)
		}
	}
	for _, s := range srcs {
		h := s.URL
		if i := strings.Index(h, "://"); i >= 0 {
			h = h[i+3:]
		}
		if i := strings.IndexByte(h, '/'); i >= 0 {
			h = h[:i]
		}
		if !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	if len(hosts) > 4 {
		return fmt.Sprintf("Sources: %s and %d more (each fact's sources and as-of date: `%s`)", strings.Join(hosts[:4], ", "), len(hosts)-4, e.Say(req, "ask <question>"))
	}
	return "Sources: " + strings.Join(hosts, ", ")
}

func (e *Engine) compareTopic(req Request, name string) (Reply, error) {
	t, ok := e.kb.Topic(name)
	if !ok {
		// The same reading of words as ask's: "crypto basics" is cryptography.
		if id := e.kb.Analyze(name).Topic; id != "" {
			t, ok = e.kb.Topic(id)
		}
	}
	if !ok {
		return Reply{Kind: "compare"}, e.noComparison(req, name)
	}
	body := t.Summary
	if t.Status != knowledge.StatusOK && t.Status != "" {
		body += "\n_Note: " + t.Status.Caveat() + "._"
	}
	return Reply{Kind: "compare", Title: "CISM vs CISSP: " + t.Title, Body: body,
		Table: &Table{Left: "CISM", Right: "CISSP", Rows: []Row{
			{Label: "How it is treated", Left: t.CISM, Right: t.CISSP},
			{Label: "Where in the outline", Left: t.CISMWhere, Right: t.CISSPWhere},
		}},
		Footer:  e.kb.Cite(t.Cite),
		Private: true, Shareable: true}, nil
}

// suggestTopic is the topic a mistyped name most likely meant
// ("incidnet-response": incident-response), or "" when none is close.
func (e *Engine) suggestTopic(name string) string {
	name = strings.ToLower(strings.Join(strings.Fields(name), "-"))
	if len(name) < 4 {
		return ""
	}
	return nearest(name, slices.Values(e.TopicIDs()), func(string, int) bool { return true })
}

// TopicIDs lists the comparison topics.
func (e *Engine) TopicIDs() []string {
	out := make([]string, 0, len(e.kb.Topics))
	for _, t := range e.kb.Topics {
		out = append(out, t.ID)
	}
	return out
}

func (e *Engine) domains(ctx context.Context, req Request, args Args) (Reply, error) {
	c, err := e.cert(req, args.Named["cert"], "domains cissp")
	if err != nil {
		return Reply{}, err
	}
	o := e.outlineFor(ctx, req, c.ID)
	if v := args.Named["version"]; v != "" {
		vo, ok := e.kb.Outline(c.ID + "-" + v)
		if !ok {
			return Reply{}, Errorf("%s has no %q outline. Versions: %s.", c.Name, truncate(v, 20), strings.Join(e.outlineVersions(req, c.ID), ", "))
		}
		o = vo
	}
	r := Reply{Kind: "domains", Title: fmt.Sprintf("%s domains (%s)", c.Name, outlineLabel(o)), Private: true}
	for _, d := range o.Domains {
		w := weightText(&d, " (unconfirmed)")
		r.Fields = append(r.Fields, Field{Name: fmt.Sprintf("%d. %s: %s", d.N, d.Name, w), Value: d.Summary})
	}
	r.Body = o.Summary
	if o.Note != "" {
		r.Body += "\n_" + o.Note + "_"
	}
	var others []string
	for _, other := range e.kb.Outlines {
		if other.Cert == c.ID && other.ID != o.ID {
			others = append(others, "`"+e.Say(req, "domains "+c.ID+" "+other.Version)+"`")
		}
	}
	parts := "objectives" // ISC2's word; ISACA's outline has subtopics
	if c.ID == "cism" {
		parts = "subtopics"
	}
	r.Footer = e.kb.Cite(o.Cite) + fmt.Sprintf(" · `%s` for %s", e.Say(req, "domain "+c.ID+" <n>"), parts)
	if len(others) > 0 {
		r.Footer += " · other versions: " + strings.Join(others, ", ")
	}
	return r, nil
}

// outlineVersions lists a certification's outline versions as commands
// the asker can run (Say).
func (e *Engine) outlineVersions(req Request, cert string) []string {
	var out []string
	for _, o := range e.kb.Outlines {
		if o.Cert == cert {
			out = append(out, "`"+e.Say(req, "domains "+cert+" "+o.Version)+"`")
		}
	}
	return out
}

// objectiveRe matches a CISSP objective (7.6) or a CISM subtopic (4A2),
// whose first digit is the domain.
var objectiveRe = regexp.MustCompile(`^([1-9])(\.[0-9]{1,2}|[ab][0-9]{1,2})$`)

func (e *Engine) findDomain(o *knowledge.Outline, arg string) *knowledge.Domain {
	arg = strings.ToLower(arg)
	if m := objectiveRe.FindStringSubmatch(arg); m != nil {
		return o.Domain(int(m[1][0] - '0'))
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(arg, "d"), "domain")); err == nil {
		return o.Domain(n)
	}
	want := strings.ToLower(arg)
	for i := range o.Domains {
		d := &o.Domains[i]
		if strings.Contains(strings.ToLower(d.Name), want) {
			return d
		}
		for _, a := range d.Aliases {
			if strings.ToLower(a) == want {
				return d
			}
		}
	}
	return nil
}

func (e *Engine) domain(ctx context.Context, req Request, args Args) (Reply, error) {
	c, err := e.cert(req, args.Named["cert"], "domain cissp 7")
	if err != nil {
		return Reply{}, err
	}
	// Read in lower case, so a typed "4A2" is an objective too; echoed as typed.
	typed := args.Named["domain"]
	query := strings.ToLower(typed)
	if query == "" {
		first := strings.ToLower(strings.Fields(e.kb.OutlineFor(c.ID, e.today()).Domains[0].Name)[0])
		return Reply{}, Errorf("Which domain? e.g. `%s` or `%s`.", e.Say(req, "domain "+c.ID+" 1"), e.Say(req, "domain "+c.ID+" "+first))
	}
	o := e.outlineFor(ctx, req, c.ID)
	if v := args.Named["version"]; v != "" {
		vo, ok := e.kb.Outline(c.ID + "-" + v)
		if !ok {
			return Reply{}, Errorf("%s has no %q outline. Versions: %s.", c.Name, truncate(v, 20), strings.Join(e.outlineVersions(req, c.ID), ", "))
		}
		o = vo
	}
	d := e.findDomain(o, query)
	if d == nil {
		return Reply{}, Errorf("%s has no domain %q. Domains are 1-%d: see `%s`.", c.Name, truncate(typed, 30), len(o.Domains), e.Say(req, "domains "+c.ID))
	}
	w := weightText(d, ", unconfirmed")
	r := Reply{Kind: "domain", Title: fmt.Sprintf("%s Domain %d: %s (%s)", c.Name, d.N, d.Name, w), Private: true}
	var sb strings.Builder
	if d.Summary != "" {
		sb.WriteString(d.Summary + "\n")
	}
	if p := e.previousOutline(o); p != nil {
		// "did domain 8 drop to 10%?": the weight it had before, when it changed.
		if pd := p.Domain(d.N); pd != nil && pd.Name == d.Name && pd.Weight != d.Weight {
			fmt.Fprintf(&sb, "_Weight: %s in the %s outline, %s in the %s outline before it._\n", weightText(d, " (unconfirmed)"), o.Version, weightText(pd, " (unconfirmed)"), p.Version)
		}
	}
	objs, from := d.Objectives, o
	if len(objs) == 0 {
		// The newest CISM outline's subtopics are not published in our sources:
		// show the last confirmed list and say so.
		for i := range e.kb.Outlines {
			prev := &e.kb.Outlines[i]
			if prev.Cert == c.ID && prev.ID != o.ID {
				if pd := prev.Domain(d.N); pd != nil && len(pd.Objectives) > 0 {
					objs, from = pd.Objectives, prev
				}
			}
		}
		switch {
		case from == o:
		case o.Effective < from.Effective: // an older outline kept for its weights (dates are YYYY-MM-DD)
			fmt.Fprintf(&sb, "\n_The knowledge base keeps only the weights of the %s outline; below is the list of the %s outline._\n", o.Version, from.Version)
		default:
			fmt.Fprintf(&sb, "\n_The %s subtopics are not yet known; below is the last confirmed list, from the %s outline._\n", o.Version, from.Version)
		}
	}
	if objectiveRe.MatchString(query) {
		var hit *knowledge.Objective
		for i := range objs {
			if strings.EqualFold(objs[i].ID, query) {
				hit = &objs[i]
			}
		}
		if hit == nil {
			return Reply{}, Errorf("%s domain %d has no objective %q: see `%s`.", c.Name, d.N, truncate(typed, 10), e.Say(req, fmt.Sprintf("domain %s %d", c.ID, d.N)))
		}
		fmt.Fprintf(&sb, "\nYou asked for **%s** %s\n", hit.ID, hit.Title)
		r.Refs = []string{"objective:" + from.ID + ":" + hit.ID}
	} else {
		r.Refs = []string{fmt.Sprintf("domain:%s:%d", o.ID, d.N)}
	}
	part := ""
	for _, ob := range objs {
		if ob.Part != "" && ob.Part != part {
			part = ob.Part
			fmt.Fprintf(&sb, "\n**%s**\n", part)
		}
		fmt.Fprintf(&sb, "- `%s` %s\n", ob.ID, ob.Title)
	}
	r.Body = strings.TrimRight(sb.String(), "\n")
	r.Footer = e.kb.Cite(o.Cite) + fmt.Sprintf(" · Outline: %s · drill it: `%s`", outlineLabel(o), e.Say(req, fmt.Sprintf("quiz %s %d", c.ID, d.N)))
	return r, nil
}

// previousOutline is the outline of o's exam that took effect last
// before o, or nil.
func (e *Engine) previousOutline(o *knowledge.Outline) *knowledge.Outline {
	var prev *knowledge.Outline
	for i := range e.kb.Outlines {
		p := &e.kb.Outlines[i]
		if p.Cert == o.Cert && p.Effective < o.Effective && (prev == nil || p.Effective > prev.Effective) {
			prev = p // dates are YYYY-MM-DD, so they order as strings
		}
	}
	return prev
}

// weightText is a domain's weight, with unconfirmed appended to it when
// the weight is not confirmed.
func weightText(d *knowledge.Domain, unconfirmed string) string {
	w := fmt.Sprintf("%d%%", d.Weight)
	if d.WeightStatus != "" && d.WeightStatus != knowledge.StatusOK {
		w += unconfirmed
	}
	return w
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}
