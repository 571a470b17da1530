package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/certcoach/certcoach/knowledge"
)

// ask answers a free-text question. knowledge.Analyze says what the
// question names and asks for; the answer is composed from that, and
// full-text search runs only for what the analysis does not recognise.
func (e *Engine) ask(ctx context.Context, req Request, args Args) (Reply, error) {
	q := strings.TrimSpace(args.Named["question"])
	if q == "" {
		return Reply{Kind: "ask"}, Errorf("Ask me something, e.g. `%s`.", e.Say(req, "ask how long is the cissp exam"))
	}
	a := e.kb.Analyze(q)
	r, ok, err := e.compose(ctx, req, &a)
	if err != nil {
		return Reply{Kind: "ask"}, err
	}
	if !ok {
		r, err = e.searchAnswer(ctx, req, q, &a)
		if err != nil {
			return r, err
		}
	}
	r = e.withDetail(&a, r)
	if ok && r.Kind == "ask" && r.Table == nil && len(r.Fields) == 0 {
		if err := e.addRelated(ctx, &a, &r); err != nil {
			return Reply{Kind: "ask"}, err
		}
	}
	return r, nil
}

// withDetail says first that the sources are silent on the detail asked
// ("can I get a refund"), when the answer is a fact, a topic or a search
// hit near it; the nearest sourced answer follows.
func (e *Engine) withDetail(a *knowledge.Analysis, r Reply) Reply {
	switch a.Ask {
	case knowledge.AskFact, knowledge.AskTopic, knowledge.AskCompare, knowledge.AskWhichFirst, knowledge.AskSearch, knowledge.AskDomainList, knowledge.AskDefine:
	default:
		return r
	}
	if a.Detail == "" || r.Outcome == OutcomeUserError {
		return r
	}
	var bodies []string
	for _, c := range e.certsFor(a) {
		if b := c.Body + "'s"; !slices.Contains(bodies, b) {
			bodies = append(bodies, b)
		}
	}
	intro := fmt.Sprintf("My sources say nothing on %s, so I won't guess: %s own pages are the place to check.", a.Detail, strings.Join(bodies, " or "))
	switch {
	case len(r.Refs) == 0:
		// Nothing near it either: the "no good answer" text would only
		// repeat that.
		r.Title, r.Body = "Not in my sources: "+a.Detail, intro
	case r.Body != "" || len(r.Fields) > 0 || r.Table != nil:
		r.Body = intro + " The nearest they give:\n\n" + r.Body
	default:
		r.Body = intro
	}
	r.Refs = append([]string{"refuse:detail"}, r.Refs...)
	return r
}

// compose builds the reply the analysis calls for; ok is false when it
// has none and search should try.
func (e *Engine) compose(ctx context.Context, req Request, a *knowledge.Analysis) (Reply, bool, error) {
	switch a.Ask {
	case knowledge.AskRefusal:
		r, err := e.refusal(req, a)
		return r, err == nil, err
	case knowledge.AskUncovered:
		return e.uncovered(req, a), true, nil
	case knowledge.AskUsage:
		return e.usage(ctx, req, a.Command)
	case knowledge.AskWhichFirst:
		return e.topicReply(req, "which-first")
	case knowledge.AskStudyTime:
		// The knowledge base has no study-time figures (prep sites' claims
		// vary wildly); plan computes a pace from the user's own date.
		return Reply{Kind: "ask", Private: true, Title: "How long to study", Refs: []string{"plan:study-time"},
			Body: "I have no reliable figure for that: it depends on your background, and prep sites' claims vary widely. " +
				fmt.Sprintf("`%s` turns your exam date and your progress into a daily pace, and `%s` shows which domains need the time.",
					e.Say(req, "plan <cism|cissp> <YYYY-MM-DD>"), e.Say(req, "progress"))}, true, nil
	case knowledge.AskDomain:
		exams := a.Exams
		if len(exams) == 0 && a.Objective == "" {
			exams = e.certsWithDomain(ctx, req, a.DomainN) // "was domain 8 11% before": only CISSP has eight
		}
		if len(exams) != 1 {
			return Reply{}, false, nil
		}
		if a.Objective != "" && objectiveRe.MatchString(strings.ToLower(a.Objective)) {
			// The domain's list with the objective asked pointed out (from
			// the last outline that lists it, when the one in force does not).
			r, err := e.domain(ctx, req, Args{Named: map[string]string{"cert": exams[0], "domain": a.Objective}})
			if err != nil {
				c, _ := e.kb.Cert(exams[0])
				return Reply{Kind: "ask", Title: "No such objective", Private: true,
					Body: fmt.Sprintf("%s has no objective %s: `%s` lists the domains and `%s` a domain's objectives.", c.Name, a.Objective,
						e.Say(req, "domains "+c.ID), e.Say(req, "domain "+c.ID+" <n>"))}, true, nil
			}
			return r, true, nil
		}
		r, err := e.domain(ctx, req, Args{Named: map[string]string{"cert": exams[0], "domain": fmt.Sprint(a.DomainN)}})
		if err != nil {
			return Reply{}, false, nil // no such domain: let search try
		}
		return r, true, nil
	case knowledge.AskConcepts:
		return e.concepts(a.Terms), true, nil
	case knowledge.AskCompare:
		if a.Topic != "" {
			return e.topicReply(req, a.Topic)
		}
		r, err := e.compare(ctx, req, Args{})
		r.Refs = []string{"compare:general"}
		return r, err == nil, err
	case knowledge.AskWhere:
		return e.where(ctx, req, a), true, nil
	case knowledge.AskDomainWeights:
		return e.domainList(ctx, req, a, true), true, nil
	case knowledge.AskDomainList:
		return e.domainList(ctx, req, a, false), true, nil
	case knowledge.AskFact:
		r, ok := e.factAnswer(req, a)
		return r, ok, nil
	case knowledge.AskDefine:
		return e.define(ctx, req, a), true, nil
	case knowledge.AskTopic:
		return e.topicReply(req, a.Topic)
	}
	return Reply{}, false, nil
}

// usage answers a question about using certcoach itself with the help of
// the command that does it (all commands for "help"); it never runs the
// command, as a question like "reset my progress" must not reset anything.
func (e *Engine) usage(ctx context.Context, req Request, name string) (Reply, bool, error) {
	c, ok := e.lookup(name)
	if !ok {
		return Reply{}, false, nil
	}
	if c.Name == "help" {
		r, err := e.help(ctx, req, Args{})
		r.Refs = []string{"help:"}
		return r, err == nil, err
	}
	r := commandHelp(c.CommandInfo, req.Actor.Platform)
	r.Body = fmt.Sprintf("That is what `%s` does:\n%s", c.Name, r.Body)
	r.Refs = []string{"help:" + c.Name}
	return r, true, nil
}

func (e *Engine) topicReply(req Request, id string) (Reply, bool, error) {
	r, err := e.compareTopic(req, id)
	if err != nil {
		return Reply{}, false, nil // unknown topic: let search try
	}
	r.Refs = []string{"topic:" + id}
	return r, true, nil
}

// certsFor lists the exams an answer covers: those named, else both.
func (e *Engine) certsFor(a *knowledge.Analysis) []*knowledge.Cert {
	var out []*knowledge.Cert
	for i := range e.kb.Certs {
		c := &e.kb.Certs[i]
		if len(a.Exams) == 0 || a.Names(c.ID) {
			out = append(out, c)
		}
	}
	return out
}

// factBody is a fact's text with its status said briefly.
func factBody(f *knowledge.Fact) string {
	s := f.Text
	if c := f.Status.Caveat(); c != "" {
		s += "\n_Note: " + c + "._"
	}
	if f.Note != "" && f.Status != knowledge.StatusOK {
		s += " _" + f.Note + "_"
	}
	return s
}

// factAnswer answers with the fact keyed (exam, attribute): the exam named,
// else every exam that has it, side by side. The first attribute that the
// named exam has wins; the other exam's fact is never the answer.
func (e *Engine) factAnswer(req Request, a *knowledge.Analysis) (Reply, bool) {
	certs := e.certsFor(a)
	if len(a.Uncovered) > 0 {
		// "is cisa still on the waiver list": only a fact that names the
		// other certification answers; "cisa exam cost" is not ours, nor
		// "can I take cisa and cism on the same day".
		// A fact that names it comes before one that is only about other
		// certifications, and any of the keys about them may name it ("does
		// cisa still count for the waiver": what was cut, not the waiver rule).
		name := strings.ToLower(a.Uncovered[0])
		about := func(k string) bool { return slices.Contains(e.kb.Vocab.UncoveredKeys, k) }
		// Another certification named beside the experience asked ("I
		// hold a CISA: does that help with the CISM experience") asks
		// whether it counts: the waiver facts that name it.
		experience := func(k string) bool { return strings.HasPrefix(k, "experience.") }
		keys := a.Attributes
		if slices.ContainsFunc(keys, about) || slices.ContainsFunc(keys, experience) {
			keys = append(slices.Clip(keys), e.kb.Vocab.UncoveredKeys...)
		}
		if r, ok := e.firstFact(keys, certs, func(_ string, f *knowledge.Fact) bool { return strings.Contains(strings.ToLower(f.Text), name) }); ok {
			return r, true
		}
		if r, ok := e.firstFact(a.Attributes, certs, func(k string, _ *knowledge.Fact) bool { return about(k) }); ok {
			return r, true
		}
		// "I hold CISSP and CCSP: two AMFs or one?" asks the exam named;
		// the other certification is only context.
		if len(a.Exams) == 1 {
			if r, ok := e.factFor(a.Attributes, certs, false); ok {
				return r, true
			}
		}
		return e.uncovered(req, a), true
	}
	if r, ok := e.partsAnswer(a.Parts, certs); ok {
		return r, true
	}
	// One exam and two facts each asked by their own words ("is the german
	// cissp still linear or cat now"): both, the one asked for more first.
	if len(a.Exams) == 1 && a.AlsoAsked && a.Tied <= 1 {
		if r, ok := e.partsAnswer(a.Attributes[:2], certs); ok {
			return r, true
		}
	}
	// With no exam named, of the keys asked for equally one that both
	// exams have comes first: a fact only one exam has would answer for an
	// exam the asker may not mean.
	if len(a.Exams) == 0 && a.Tied > 1 {
		if r, ok := e.factFor(a.Attributes[:a.Tied], certs, true); ok {
			return r, true
		}
	}
	// The keys asked for most come first, and when the exam named has
	// none of them a related key of its own is nearer than a key asked
	// for less ("does unpaid work count toward the cism experience").
	top := a.Attributes[:min(max(a.Tied, 1), len(a.Attributes))]
	if r, ok := e.factFor(top, certs, false); ok {
		return e.withNearest(e.noteUnsourced(r, top, certs, false), certs), true
	}
	if r, ok := e.relatedFact(top, certs); ok {
		return r, true
	}
	if r, ok := e.factFor(a.Attributes, certs, false); ok {
		return e.noteUnsourced(r, top, certs, true), true
	}
	if r, ok := e.relatedFact(a.Attributes, certs); ok {
		return r, true
	}
	return e.unsourced(req, a)
}

// partsAnswer answers a question that asks for several facts in turn
// with each of them, in the order asked; ok is false unless two or more
// of them are there for the exams asked about.
func (e *Engine) partsAnswer(keys []string, certs []*knowledge.Cert) (Reply, bool) {
	var parts []Reply
	for _, k := range keys {
		if r, ok := e.factFor([]string{k}, certs, false); ok {
			parts = append(parts, r)
		}
	}
	if len(parts) < 2 {
		return Reply{}, false
	}
	r := Reply{Kind: "ask", Private: true, Shareable: true}
	var titles, bodies, cites []string
	for _, p := range parts {
		titles = append(titles, p.Title)
		bodies = append(bodies, "**"+p.Title+"**\n"+p.Body)
		r.Refs = append(r.Refs, p.Refs...)
		for _, c := range strings.Split(p.Footer, " · ") {
			if !slices.Contains(cites, c) {
				cites = append(cites, c)
			}
		}
	}
	r.Title = joinTitles(titles)
	r.Body = strings.Join(bodies, "\n\n")
	r.Footer = strings.Join(cites, " · ")
	return r, true
}

// joinTitles joins "CISSP: Languages" and "CISSP: Adaptive?" as "CISSP:
// Languages · Adaptive?", naming the exams once when all parts share them.
func joinTitles(titles []string) string {
	exams, _, _ := strings.Cut(titles[0], ": ")
	labels := make([]string, 0, len(titles))
	for _, t := range titles {
		e, label, ok := strings.Cut(t, ": ")
		if !ok || e != exams {
			return strings.Join(titles, " · ")
		}
		labels = append(labels, label)
	}
	return exams + ": " + strings.Join(labels, " · ")
}

// withNearest adds, to an answer that gives one exam's fact where two
// exams are asked about, the other exam's nearest fact by a related key:
// "cissp has the associate route, is there an equivalent for cism?" gets
// CISM's experience rule beside it, said to be only the nearest.
func (e *Engine) withNearest(r Reply, certs []*knowledge.Cert) Reply {
	if len(certs) != 2 || len(r.Refs) != 1 {
		return r
	}
	c, f, ok := e.kb.Fact(strings.TrimPrefix(r.Refs[0], "fact:"))
	if !ok {
		return r
	}
	for _, other := range certs {
		if other.ID == c.ID {
			continue
		}
		for _, k := range e.kb.Vocab.Related[f.Key] {
			if g, ok := other.Fact(k); ok {
				r.Body += fmt.Sprintf("\n\n**%s**: my sources say nothing on exactly that; the nearest they give: %s", other.Name, factBody(g))
				r.Refs = append(r.Refs, "fact:"+g.ID)
				r.Footer += " · " + e.kb.Cite(g.Cite)
				return r
			}
		}
	}
	return r
}

// noteUnsourced says, in an answer for the one exam named, which keys
// asked for most only the other exam's sources give: before the answer
// when they were asked for more than it (lead: "do you find out at the
// cissp test centre whether you passed" gets "nothing on its results", then
// CISSP's delivery), else after it.
func (e *Engine) noteUnsourced(r Reply, keys []string, certs []*knowledge.Cert, lead bool) Reply {
	if len(certs) != 1 {
		return r
	}
	var missing []string
	for _, k := range keys {
		if label, ok := e.otherExamLabel(k, certs[0]); ok {
			missing = append(missing, label)
		}
	}
	if len(missing) == 0 {
		return r
	}
	note := fmt.Sprintf("My sources say nothing about the %s's %s", certs[0].Name, strings.Join(missing, " or "))
	if lead {
		r.Body = note + "; the nearest they give:\n" + r.Body
		r.Refs = append([]string{"refuse:unsourced"}, r.Refs...)
	} else {
		r.Body += "\n_" + note + "._"
	}
	return r
}

// relatedFact answers when the exam named has none of keys with a related
// key of its own ("does an mba count for cism": CISM has no degree-waiver
// fact, but its waiver list names degrees), led by a line saying it is the
// nearest fact, not an answer the sources give.
func (e *Engine) relatedFact(keys []string, certs []*knowledge.Cert) (Reply, bool) {
	for _, k := range keys {
		r, ok := e.factFor(e.kb.Vocab.Related[k], certs, false)
		if !ok {
			continue
		}
		if len(certs) == 1 {
			r.Body = fmt.Sprintf("My sources say nothing on exactly that for %s; the nearest they give:\n", certs[0].Name) + r.Body
			r.Refs = append([]string{"refuse:unsourced"}, r.Refs...)
		}
		return r, true
	}
	return Reply{}, false
}

// unsourced answers a fact asked of the one exam named that only the
// other exam's sources give ("when do I get my CISSP results") when no
// other key asked for answers: an honest "not in my sources", never the
// other exam's fact. ok is false when neither exam has the fact.
func (e *Engine) unsourced(req Request, a *knowledge.Analysis) (Reply, bool) {
	if len(a.Exams) != 1 || len(a.Attributes) == 0 {
		return Reply{}, false
	}
	named, ok := e.kb.Cert(a.Exams[0])
	if !ok {
		return Reply{}, false
	}
	label, ok := e.otherExamLabel(a.Attributes[0], named)
	if !ok {
		return Reply{}, false
	}
	return Reply{Kind: "ask", Private: true, Title: named.Name + ": " + label, Refs: []string{"refuse:unsourced"},
		Body: fmt.Sprintf("My sources say nothing about the %s's %s, so I won't guess: %s's own pages are the place to check. "+
			"`%s` sets what they do give for both exams side by side.", named.Name, label, named.Body, e.Say(req, "compare"))}, true
}

// otherExamLabel is the label, lower-cased, of the fact keyed key that
// another exam than named has; ok is false when named has that fact itself
// or no other exam has it.
func (e *Engine) otherExamLabel(key string, named *knowledge.Cert) (string, bool) {
	if _, ok := named.Fact(key); ok {
		return "", false
	}
	for _, c := range e.kb.Certs {
		if f, ok := c.Fact(key); ok && c.ID != named.ID {
			return strings.ToLower(f.Label[:1]) + f.Label[1:], true
		}
	}
	return "", false
}

// firstFact answers with the first fact, by key then exam, that keep
// accepts, for that exam alone.
func (e *Engine) firstFact(keys []string, certs []*knowledge.Cert, keep func(key string, f *knowledge.Fact) bool) (Reply, bool) {
	for _, key := range keys {
		for _, c := range certs {
			if f, ok := c.Fact(key); ok && keep(key, f) {
				return e.factFor([]string{key}, []*knowledge.Cert{c}, false)
			}
		}
	}
	return Reply{}, false
}

func (e *Engine) factFor(keys []string, certs []*knowledge.Cert, all bool) (Reply, bool) {
	for _, key := range keys {
		var facts []*knowledge.Fact
		var names []string
		for _, c := range certs {
			if f, ok := c.Fact(key); ok {
				facts = append(facts, f)
				names = append(names, c.Name)
			}
		}
		if len(facts) == 0 || (all && len(facts) < len(certs)) {
			continue
		}
		r := Reply{Kind: "ask", Private: true, Shareable: true}
		var cites []string
		if len(facts) == 1 {
			r.Title = names[0] + ": " + facts[0].Label
			r.Body = factBody(facts[0])
			if len(certs) > 1 {
				r.Body += fmt.Sprintf("\n_The sources give this for %s only._", names[0])
			}
		} else {
			r.Title = strings.Join(names, " and ") + ": " + facts[0].Label
			var parts []string
			for i, f := range facts {
				parts = append(parts, fmt.Sprintf("**%s**: %s", names[i], factBody(f)))
			}
			r.Body = strings.Join(parts, "\n\n")
		}
		for _, f := range facts {
			r.Refs = append(r.Refs, "fact:"+f.ID)
			cites = append(cites, e.kb.Cite(f.Cite))
		}
		r.Footer = strings.Join(cites, " · ")
		return r, true
	}
	return Reply{}, false
}

// uncovered answers a question about a certification certcoach has no
// sources for, and offers what it does cover.
func (e *Engine) uncovered(req Request, a *knowledge.Analysis) Reply {
	name := e.uncoveredName(a.Uncovered[0])
	var names []string
	for _, c := range e.kb.Certs {
		names = append(names, c.Name)
	}
	covered := strings.Join(names, " and ")
	return Reply{Kind: "ask", Private: true, Title: "Not covered: " + name, Refs: []string{"refuse:uncovered"},
		Body: fmt.Sprintf("certcoach covers %s only, so I have nothing sourced on %s and won't guess. "+
			"`%s` sets %s side by side.", covered, name, e.Say(req, "compare"), covered)}
}

// uncoveredName spells an uncovered certification as the vocabulary names
// it, with the words that are certification names in capitals: "CISA",
// "CISSP concentrations", "security plus".
func (e *Engine) uncoveredName(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		_, ours := e.kb.Cert(w)
		if ours || slices.Contains(e.kb.Vocab.Uncovered, w) {
			words[i] = strings.ToUpper(w)
		}
	}
	return strings.Join(words, " ")
}

// refusals: what each refusal class says, and the sourced facts offered
// instead (by fact key). An intro's %s are its commands, in order, as the
// asker can run them (Say).
var refusals = map[string]struct {
	title, intro string
	keys         []string
	commands     []string
}{
	"pass-rate": {"Pass rates", "I have no pass-rate figure from a source I can cite, so I won't give one. " +
		"What the sources do give is the passing score:", []string{"exam.passing"}, nil},
	"salary": {"Salaries", "I have no salary figures from a source I can cite, so I won't give one (pay depends on country, role and experience). " +
		"What the sources do give is the roles each certification suits:", []string{"roles"}, nil},
	"vendor": {"Courses, books and bootcamps", "certcoach recommends no vendor, bootcamp, book or course, and has no sourced ranking of them. " +
		"What the sources do give is the outline each exam follows now, which any material should match (`%s`, `%s`); `%s`, `%s` and `%s` (a timed mock exam) drill certcoach's own questions:", []string{"outline.current"},
		[]string{"domains cism", "domains cissp", "quiz", "review", "exam"}},
	"worth-it": {"Is it worth it?", "I have no sourced figure for what a certification is worth to you (pay, job offers, return on the fees), so I won't guess. " +
		"What the sources do give is the roles each suits and where employers such as the US DoD list it:", []string{"roles", "dod8140"}, nil},
	"holder-count": {"How many holders", "I have no sourced count of how many people hold either certification, so I won't give one. " +
		"What the sources do give is who issues each and since when:", []string{"body", "history"}, nil},
	"exam-day": {"Exam-day rules", "My sources don't give the exam-day rules (breaks, food, aids, room checks, accommodations), so I won't guess: " +
		"the testing provider's candidate rules and the issuer's own pages are the place to check. What the sources do give is how and where you sit:", []string{"exam.delivery", "exam.duration"}, nil},
	"score-report": {"Score report details", "My sources don't say what the score report shows beyond the result (a breakdown by domain, marks per domain) or how a result is appealed, so I won't guess: " +
		"the issuer's own pages are the place to check. What the sources do give is how each exam is scored:", []string{"exam.scoring", "exam.passing"}, nil},
	"personal-difficulty": {"How hard is it?", "No source can say how hard the exam will be for you, and there are no sourced pass rates to go by. " +
		"What the sources do give is the format and the bar to clear; `%s` and `%s` show where you stand, and `%s` compares the two:", []string{"exam.passing"},
		[]string{"quiz", "progress", "compare which-first"}},
}

func (e *Engine) refusal(req Request, a *knowledge.Analysis) (Reply, error) {
	def, ok := refusals[a.Refusal]
	if !ok {
		return Reply{}, fmt.Errorf("ask: no answer for refusal class %q", a.Refusal)
	}
	intro := def.intro
	if len(def.commands) > 0 {
		forms := make([]any, len(def.commands))
		for i, c := range def.commands {
			forms[i] = e.Say(req, c)
		}
		intro = fmt.Sprintf(intro, forms...)
	}
	r := Reply{Kind: "ask", Title: def.title, Private: true, Shareable: true, Body: intro, Refs: []string{"refuse:" + a.Refusal}}
	var cites []string
	for _, c := range e.certsFor(a) {
		for _, key := range def.keys {
			f, ok := c.Fact(key)
			if !ok {
				continue
			}
			r.Body += fmt.Sprintf("\n- **%s %s**: %s", c.Name, f.Label, f.Text)
			r.Refs = append(r.Refs, "fact:"+f.ID)
			cites = append(cites, e.kb.Cite(f.Cite))
		}
	}
	r.Footer = strings.Join(cites, " · ")
	return r, nil
}

// concepts puts the definitions of the terms compared side by side.
func (e *Engine) concepts(ids []string) Reply {
	r := Reply{Kind: "ask", Private: true, Shareable: true, Footer: "Glossary (certcoach's own definitions)"}
	var titles, parts []string
	for _, id := range ids {
		t := e.kb.Term(id)
		if t == nil {
			continue
		}
		titles = append(titles, t.Term)
		parts = append(parts, fmt.Sprintf("**%s**: %s", termTitle(t), t.Definition))
		r.Refs = append(r.Refs, "term:"+id)
	}
	r.Title = strings.Join(titles, " vs ")
	r.Body = strings.Join(parts, "\n\n")
	return r
}

func termTitle(t *knowledge.Term) string {
	if t.Acronym != "" {
		return t.Term + " (" + t.Acronym + ")"
	}
	return t.Term
}

// define answers with a glossary definition and where the term sits in
// the outline of the exam named (else both).
func (e *Engine) define(ctx context.Context, req Request, a *knowledge.Analysis) Reply {
	id := a.Terms[0]
	t := e.kb.Term(id)
	r := Reply{Kind: "ask", Private: true, Shareable: true, Title: termTitle(t), Body: t.Definition,
		Footer: "Glossary (certcoach's own definition)", Refs: []string{"term:" + id}}
	if lines, refs := e.termPlaces(ctx, req, t, e.certsFor(a)); len(lines) > 0 {
		r.Body += "\n\n_In the outlines:_ " + strings.Join(lines, "; ")
		r.Refs = append(r.Refs, refs...)
	}
	return r
}

// termPlaces says where a term sits in the outline of each exam (certs nil:
// both), with the objective refs behind it.
func (e *Engine) termPlaces(ctx context.Context, req Request, t *knowledge.Term, certs []*knowledge.Cert) (lines, refs []string) {
	if certs == nil {
		certs = e.certsFor(&knowledge.Analysis{})
	}
	for _, c := range certs {
		o := e.outlineFor(ctx, req, c.ID)
		var parts []string
		for _, ref := range t.Objectives {
			oid, obj, _ := strings.Cut(ref, ":")
			src, ok := e.kb.Outline(oid)
			if !ok || src.Cert != c.ID {
				continue
			}
			title, n := objectiveTitle(src, obj)
			d := o.Domain(n)
			if d == nil {
				continue
			}
			p := fmt.Sprintf("Domain %d (%s, %s), %s %s", n, d.Name, weightText(d, ", unconfirmed"), obj, title)
			if src.ID != o.ID {
				p += fmt.Sprintf(" (a %s subtopic: the %s ones are not yet published)", src.Version, o.Version)
			}
			parts = append(parts, p)
			refs = append(refs, "objective:"+ref, fmt.Sprintf("domain:%s:%d", o.ID, n))
		}
		if len(parts) == 0 {
			for _, dref := range t.Domains {
				cert, n, _ := strings.Cut(dref, ":")
				if cert != c.ID {
					continue
				}
				var num int
				fmt.Sscan(n, &num)
				if d := o.Domain(num); d != nil {
					parts = append(parts, fmt.Sprintf("Domain %d (%s, %s)", d.N, d.Name, weightText(d, ", unconfirmed")))
					refs = append(refs, fmt.Sprintf("domain:%s:%d", o.ID, d.N))
				}
			}
		}
		if len(parts) > 0 {
			lines = append(lines, fmt.Sprintf("**%s** %s", c.Name, strings.Join(parts, "; ")))
		}
	}
	return lines, refs
}

func objectiveTitle(o *knowledge.Outline, id string) (string, int) {
	for _, d := range o.Domains {
		for _, ob := range d.Objectives {
			if ob.ID == id {
				return ob.Title, d.N
			}
		}
	}
	return "", 0
}

// where answers "where does X fall": the domain and objective in each
// outline (the exam named, else both).
func (e *Engine) where(ctx context.Context, req Request, a *knowledge.Analysis) Reply {
	certs := e.certsFor(a)
	r := Reply{Kind: "ask", Private: true, Shareable: true}
	if len(a.Terms) == 0 || len(a.Terms) == 1 && a.Topic != "" && !e.placedInAll(ctx, req, a.Terms[0], certs) {
		// A term the outlines place in only one of the exams asked about
		// ("cism's program domain: where is it on the cissp") is answered
		// by its topic, which says where each exam has it.
		t, _ := e.kb.Topic(a.Topic)
		r.Title = "Where " + strings.ToLower(t.Title[:1]) + t.Title[1:] + " sits"
		var lines []string
		for _, c := range certs {
			switch c.ID {
			case "cism":
				lines = append(lines, "**CISM**: "+t.CISMWhere)
			case "cissp":
				lines = append(lines, "**CISSP**: "+t.CISSPWhere)
			}
		}
		r.Body = strings.Join(lines, "\n") + "\n\n`" + e.Say(req, "compare "+t.ID) + "` for how each exam treats it."
		r.Refs = []string{"topic:" + t.ID}
		for _, ref := range t.Objectives {
			for _, c := range certs {
				if strings.HasPrefix(ref, c.ID+"-") {
					r.Refs = append(r.Refs, "objective:"+ref)
				}
			}
		}
		r.Footer = e.kb.Cite(t.Cite)
		return r
	}
	var titles, body, terms []string
	for i, id := range a.Terms {
		if i == 2 {
			break
		}
		t := e.kb.Term(id)
		titles = append(titles, t.Term)
		lines, refs := e.termPlaces(ctx, req, t, certs)
		if len(lines) == 0 {
			var names []string
			for _, c := range certs {
				names = append(names, c.Name)
			}
			lines = []string{fmt.Sprintf("not a subject of the %s outline in its own right", strings.Join(names, " or "))}
		}
		body = append(body, fmt.Sprintf("**%s**: %s", termTitle(t), strings.Join(lines, "; ")))
		r.Refs = append(r.Refs, refs...)
		terms = append(terms, "term:"+id)
	}
	r.Refs = append(r.Refs, terms...)
	verb := " sits"
	if len(titles) > 1 {
		verb = " sit"
	}
	r.Title = "Where " + strings.Join(titles, " and ") + verb
	r.Body = strings.Join(body, "\n")
	var cites []string
	for _, c := range certs {
		cites = append(cites, e.kb.Cite(e.outlineFor(ctx, req, c.ID).Cite))
	}
	r.Footer = strings.Join(cites, " · ")
	return r
}

// placedInAll reports whether term id has a place in the outline of every
// cert in certs.
func (e *Engine) placedInAll(ctx context.Context, req Request, id string, certs []*knowledge.Cert) bool {
	_, refs := e.termPlaces(ctx, req, e.kb.Term(id), certs)
	for _, c := range certs {
		if !slices.ContainsFunc(refs, func(ref string) bool { return strings.Contains(ref, ":"+c.ID+"-") }) {
			return false
		}
	}
	return true
}

// domainList answers "what are the domains" and, with weights, "which
// domain weighs most": the outline of the exam named, else both.
func (e *Engine) domainList(ctx context.Context, req Request, a *knowledge.Analysis, weights bool) Reply {
	if len(a.Exams) != 1 {
		r := e.bothDomainLists(ctx, req)
		for _, c := range e.kb.Certs {
			r.Refs = append(r.Refs, "list:domains:"+c.ID)
		}
		return r
	}
	cert := a.Exams[0]
	r, err := e.domains(ctx, req, Args{Named: map[string]string{"cert": cert}})
	if err != nil {
		return Reply{Kind: "ask", Outcome: OutcomeUserError, Private: true, Body: err.Error()}
	}
	r.Refs = []string{"list:domains:" + cert}
	if !weights {
		return r
	}
	o := e.outlineFor(ctx, req, cert)
	var top []string
	most := 0
	for _, d := range o.Domains {
		switch {
		case d.Weight > most:
			most, top = d.Weight, []string{fmt.Sprintf("Domain %d, %s", d.N, d.Name)}
		case d.Weight == most:
			top = append(top, fmt.Sprintf("Domain %d, %s", d.N, d.Name))
		}
	}
	c, _ := e.kb.Cert(cert)
	lead := fmt.Sprintf("Weighted most in the %s %s outline: %s (%d%%).", c.Name, o.Version, strings.Join(top, " and "), most)
	if f, ok := c.Fact("outline.weights"); ok && o.Provisional() {
		lead += "\n" + factBody(f)
		r.Refs = append(r.Refs, "fact:"+f.ID)
	}
	r.Body = lead + "\n\n" + r.Body
	return r
}

// bothDomainLists answers "what are the domains" without an exam named.
func (e *Engine) bothDomainLists(ctx context.Context, req Request) Reply {
	r := Reply{Kind: "domains", Title: "Exam domains", Private: true, Shareable: true}
	var cites []string
	for _, c := range e.kb.Certs {
		o := e.outlineFor(ctx, req, c.ID)
		if o == nil {
			continue
		}
		var names []string
		for _, d := range o.Domains {
			w := weightText(&d, "?")
			names = append(names, fmt.Sprintf("%d. %s %s", d.N, d.Name, w))
		}
		r.Fields = append(r.Fields, Field{Name: fmt.Sprintf("%s (%s)", c.Name, outlineLabel(o)), Value: strings.Join(names, "\n")})
		cites = append(cites, e.kb.Cite(o.Cite))
	}
	r.Body = fmt.Sprintf("The domains of each exam with their weights (? = weight not yet confirmed). `%s` or `%s` for what each covers.", e.Say(req, "domains cism"), e.Say(req, "domains cissp"))
	r.Footer = strings.Join(cites, " · ")
	return r
}

// searchAnswer is the fallback: the best full-text hit leads.
func (e *Engine) searchAnswer(ctx context.Context, req Request, q string, a *knowledge.Analysis) (Reply, error) {
	hits, err := e.kb.SearchFor(ctx, a, 3)
	if err != nil {
		return Reply{Kind: "ask"}, fmt.Errorf("ask: %w", err)
	}
	if last := knowledge.LastSentence(q); len(hits) == 0 && last != "" {
		// The words of a context sentence can leave a search with nothing
		// ("studying for a while now. cism exam dates"): the last sentence
		// alone, of the exams the whole names, may find it.
		if la := e.kb.Analyze(last); la.Ask == knowledge.AskSearch && len(la.Words) > 0 {
			if len(la.Exams) == 0 {
				la.Exams = a.Exams
			}
			if hits, err = e.kb.SearchFor(ctx, &la, 3); err != nil {
				return Reply{Kind: "ask"}, fmt.Errorf("ask: %w", err)
			}
			a = &la
		}
	}
	if len(hits) == 0 {
		return Reply{Kind: "ask", Private: true, Title: "No good answer found",
			Body: fmt.Sprintf("I don't have a good answer for %q. Rephrase with the exam's terms, or try `%s`, `%s`, `%s` or `%s`.", truncate(q, 80),
				e.Say(req, "compare"), e.Say(req, "domains cism"), e.Say(req, "domains cissp"), e.Say(req, "help"))}, nil
	}
	best := hits[0].Entry
	if _, f, ok := e.kb.Fact(strings.TrimPrefix(best.Ref, "fact:")); ok && len(a.Exams) != 1 {
		// Search found a fact for a question that names no exam, or both:
		// both exams' facts of that key, as when the analysis finds the key.
		if r, ok := e.factFor([]string{f.Key}, e.certsFor(a), false); ok {
			relatedBody(&r, hits[1:])
			return r, nil
		}
	}
	// A topic or term found by search reads as when the analysis names it,
	// not as the index text it was found by.
	if id, ok := strings.CutPrefix(best.Ref, "topic:"); ok {
		if r, ok, _ := e.topicReply(req, id); ok {
			relatedBody(&r, hits[1:])
			return r, nil
		}
	}
	if id, ok := strings.CutPrefix(best.Ref, "term:"); ok && e.kb.Term(id) != nil {
		named := *a
		named.Terms = []string{id}
		r := e.define(ctx, req, &named)
		relatedBody(&r, hits[1:])
		return r, nil
	}
	r := Reply{Kind: "ask", Title: best.Title, Private: true, Shareable: true, Refs: []string{best.Ref}}
	r.Body = best.Text
	if best.Cite != nil {
		if c := best.Cite.Status.Caveat(); c != "" {
			r.Body += "\n_Note: " + c + "._"
		}
		if best.Cite.Note != "" && best.Cite.Status != knowledge.StatusOK {
			r.Body += " _" + best.Cite.Note + "_"
		}
		r.Footer = e.kb.Cite(*best.Cite)
	} else {
		r.Footer = "Glossary (certcoach's own definition)"
	}
	relatedBody(&r, hits[1:])
	return r, nil
}

// addRelated appends, under *Related*, up to two entries the lead does not
// already give: first the facts the vocabulary's see_also names for the
// facts that lead, then search hits for the question's subject words. A
// question whose every word the analysis explained has no words left for
// search to match, and the exam's name alone finds arbitrary entries.
func (e *Engine) addRelated(ctx context.Context, a *knowledge.Analysis, r *Reply) error {
	const most = 2
	given := func(ref string) bool { return slices.Contains(r.Refs, ref) }
	var rest []knowledge.Hit
	add := func(h knowledge.Hit) {
		if len(rest) < most && !given(h.Entry.Ref) && !slices.ContainsFunc(rest, func(o knowledge.Hit) bool { return o.Entry.Ref == h.Entry.Ref }) {
			rest = append(rest, h)
		}
	}
	for _, h := range e.seeAlso(r.Refs) {
		add(h)
	}
	if len(rest) < most && len(a.Words) > 0 {
		hits, err := e.kb.SearchFor(ctx, a, 4)
		if err != nil {
			return fmt.Errorf("ask: %w", err)
		}
		for _, h := range hits {
			add(h)
		}
	}
	relatedBody(r, rest)
	return nil
}

// seeAlso is the facts the vocabulary's see_also offers beside the facts
// refs lead with, for the same exams, in order.
func (e *Engine) seeAlso(refs []string) []knowledge.Hit {
	var out []knowledge.Hit
	for _, ref := range refs {
		id, ok := strings.CutPrefix(ref, "fact:")
		if !ok {
			continue
		}
		c, f, ok := e.kb.Fact(id)
		if !ok {
			continue
		}
		for _, k := range e.kb.Vocab.SeeAlso[f.Key] {
			if g, ok := c.Fact(k); ok {
				out = append(out, knowledge.Hit{Entry: &knowledge.Entry{Ref: "fact:" + g.ID, Kind: "fact", Cert: c.ID, Title: c.Name + " " + g.Label, Text: g.Text, Cite: &g.Cite}})
			}
		}
	}
	return out
}

// leadSentences is the first sentence of s, with the next one when the
// first is a bare word or two ("Yes.") that says nothing on its own.
func leadSentences(s string) string {
	first := firstSentence(s)
	if len(strings.Fields(first)) > 3 || len(first) == len(s) {
		return first
	}
	return first + " " + firstSentence(strings.TrimSpace(s[len(first):]))
}

// truncateWords cuts s to at most n runes at a word boundary.
func truncateWords(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, ",;:") + "…"
}

func relatedBody(r *Reply, hits []knowledge.Hit) {
	if len(hits) == 0 {
		return
	}
	var rel []string
	for _, h := range hits {
		rel = append(rel, "- "+h.Entry.Title+": "+truncateWords(leadSentences(h.Entry.Text), 160))
	}
	r.Body += "\n\n**Related**\n" + strings.Join(rel, "\n")
}

// certsWithDomain lists the certifications whose outline for the asker
// (as domain answers it) has a domain numbered n.
func (e *Engine) certsWithDomain(ctx context.Context, req Request, n int) []string {
	var out []string
	for _, c := range e.kb.Certs {
		if o := e.outlineFor(ctx, req, c.ID); o != nil && o.Domain(n) != nil {
			out = append(out, c.ID)
		}
	}
	return out
}
