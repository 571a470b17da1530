package knowledge

import (
	"fmt"
	"slices"
	"strings"
)

// validateVocab lists problems in the vocabulary and in the phrasings and
// outline references entries carry for `ask`: unknown keys, empty phrases,
// a phrase that means two things, and objectives that do not exist or sit
// outside the entry's domains.
func (b *Base) validateVocab() []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	known := func(list []string) map[string]bool {
		m := map[string]bool{}
		for _, s := range list {
			m[s] = true
		}
		return m
	}
	certs := map[string]bool{}
	keys := map[string]bool{}
	for _, c := range b.Certs {
		certs[c.ID] = true
		for _, f := range c.Facts {
			keys[f.Key] = true
		}
	}
	v := &b.Vocab
	if len(v.Exams) == 0 || len(v.Intents) == 0 || len(v.Attributes) == 0 {
		add("vocabulary: exams, intents and attributes are required")
	}
	meaning := map[string]string{} // normalised phrase -> what it means
	noise := map[string]bool{}
	for _, w := range v.Noise {
		noise[stem(strings.ToLower(w))] = true
	}
	claim := func(where, kind, key, ph string) {
		_, toks := normTokens(ph)
		toks = slices.DeleteFunc(toks, func(w string) bool { return noise[w] }) // as the analyzer compares them
		if len(toks) == 0 {
			add("%s: empty phrase %q", where, ph)
			return
		}
		// "really about" matches every "about": the phrase should say so.
		if _, all := normTokens(ph); len(toks) == 1 && len(all) > 1 {
			add("%s: phrase %q is only %q once noise words are dropped: write that", where, ph, toks[0])
		}
		// A gap at either end, once noise words are dropped, never
		// matches: the analyzer skips such a phrase.
		if gt := slices.DeleteFunc(phraseTokens(ph), func(w string) bool { return noise[w] }); len(gt) > 0 && (gt[0] == gap || gt[len(gt)-1] == gap) {
			add("%s: phrase %q starts or ends with a gap once noise words are dropped", where, ph)
		}
		n := strings.Join(toks, " ")
		what := kind + " " + key
		if prev, ok := meaning[n]; ok && prev != what {
			add("%s: phrase %q already means %s", where, ph, prev)
			return
		}
		meaning[n] = what
	}
	check := func(section string, entries []VocabEntry, valid map[string]bool, kind string) {
		seen := map[string]bool{}
		for _, e := range entries {
			where := fmt.Sprintf("vocabulary %s %q", section, e.Key)
			if !valid[e.Key] {
				add("%s: unknown key", where)
			}
			if seen[e.Key] {
				add("%s: listed twice", where)
			}
			seen[e.Key] = true
			if len(e.Phrases) == 0 {
				add("%s: no phrases", where)
			}
			if e.Near != "" {
				add("%s: near is for details only", where)
			}
			for _, ph := range e.Phrases {
				claim(where, kind, e.Key, ph)
			}
			for _, is := range e.Issuers {
				if kind != "exam" || !slices.Contains(e.Phrases, is) {
					add("%s: issuer %q must be one of an exam's phrases", where, is)
				}
				if _, toks := normTokens(is); len(toks) != 1 { // the analyzer looks up one word
					add("%s: issuer %q must be one word", where, is)
				}
			}
			if len(e.Weak) > 0 && kind != "refusal" && !(kind == "intent" && e.Key == "where") {
				add("%s: only refusals and the where intent have weak phrases", where)
			}
			for _, ph := range e.Weak {
				claim(where, kind, e.Key, ph)
			}
		}
		for k := range valid {
			if kind != "attribute" && kind != "exam" && !seen[k] {
				add("vocabulary %s: no phrases for %q", section, k)
			}
		}
	}
	for from, to := range v.Spellings {
		_, f := normTokens(from)
		_, t := normTokens(to)
		if len(f) != 1 || len(t) != 1 || f[0] == t[0] {
			add("vocabulary spellings: %q -> %q must fold one word to another", from, to)
		}
	}
	words := func(section string, list []string, required bool) {
		if required && len(list) == 0 {
			add("vocabulary %s: required", section)
		}
		for _, w := range list {
			if _, t := normTokens(w); len(t) != 1 {
				add("vocabulary %s: %q must be one word", section, w)
			}
		}
	}
	words("filler", v.Filler, true)
	words("exam_nouns", v.ExamNouns, true)
	words("ambiguous", v.Ambiguous, false)
	words("everyday", v.Everyday, false)
	words("order_words", v.OrderWords, false)
	names := map[string]bool{} // one-word names of terms and topics, stemmed
	for _, ph := range b.phrases() {
		if (ph.t.kind == "term" || ph.t.kind == "topic") && len(ph.toks) == 1 {
			names[ph.toks[0]] = true
		}
	}
	for _, w := range v.Everyday {
		if _, t := normTokens(w); len(t) == 1 && !names[t[0]] {
			add("vocabulary everyday: %q names no glossary term or topic", w)
		}
	}
	whichFirst := map[string]bool{}
	for _, e := range v.Intents {
		if e.Key == "which-first" {
			for _, ph := range e.Phrases {
				for _, t := range phraseTokens(ph) {
					whichFirst[t] = true
				}
			}
		}
	}
	for _, w := range v.OrderWords {
		if _, t := normTokens(w); len(t) == 1 && !whichFirst[t[0]] {
			add("vocabulary order_words: %q is in no which-first phrase", w)
		}
	}
	words("noise", v.Noise, false)
	for from, to := range v.Rewrites {
		_, f := normTokens(from)
		_, t := normTokens(to)
		if len(f) == 0 || len(t) == 0 || slices.Equal(f, t) {
			add("vocabulary rewrites: %q -> %q must replace words by other words", from, to)
		}
	}
	for list, phrases := range map[string][]string{"openers": v.Openers, "closers": v.Closers} {
		for _, ph := range phrases {
			if _, t := normTokens(ph); len(t) == 0 {
				add("vocabulary %s: empty phrase %q", list, ph)
			}
		}
	}
	for k, rel := range v.Related {
		for _, r := range append([]string{k}, rel...) {
			if !keys[r] {
				add("vocabulary related: %q is no fact's key", r)
			}
		}
	}
	topics := map[string]bool{}
	for _, t := range b.Topics {
		topics[t.ID] = true
	}
	for k, t := range v.ComparedAs {
		if !keys[k] || !topics[t] && t != comparedInGeneral {
			add("vocabulary compared_as: %q -> %q must map a fact key to a topic or %q", k, t, comparedInGeneral)
		}
	}
	for field, m := range map[string]map[string][]string{"between_exams": v.BetweenExams, "with_which_first": v.WithWhichFirst, "see_also": v.SeeAlso} {
		for k, via := range m {
			for _, r := range append([]string{k}, via...) {
				if !keys[r] {
					add("vocabulary %s: %q is no fact's key", field, r)
				}
			}
		}
	}
	for t, ks := range v.ComparedTogether {
		if !topics[t] || len(ks) < 2 {
			add("vocabulary compared_together: %q must be a topic with two or more fact keys", t)
		}
		for _, k := range ks {
			if !keys[k] {
				add("vocabulary compared_together %q: %q is no fact's key", t, k)
			}
		}
	}
	for _, k := range v.GeneralTable {
		both := k != GeneralTableDomains
		for _, c := range b.Certs {
			_, has := c.Fact(k)
			both = both && has
		}
		if k != GeneralTableDomains && !both {
			add("vocabulary general_table: %q is neither %q nor a fact key every certification has", k, GeneralTableDomains)
		}
	}
	for k, earlier := range v.EarlierKeys {
		for _, e := range append([]string{k}, earlier...) {
			if !keys[e] {
				add("vocabulary earlier_keys: %q is no fact's key", e)
			}
		}
	}
	for field, list := range map[string][]string{"uncovered_keys": v.UncoveredKeys, "context_keys": v.ContextKeys, "outline_keys": v.OutlineKeys, "weights_keys": v.WeightsKeys} {
		for _, k := range list {
			if !keys[k] {
				add("vocabulary %s: %q is no fact's key", field, k)
			}
		}
	}
	for _, ph := range v.Uncovered {
		claim("vocabulary uncovered", "uncovered", "", ph)
	}
	check("exams", v.Exams, certs, "exam")
	check("refusals", v.Refusals, known(RefusalClasses()), "refusal")
	check("intents", v.Intents, known(Intents()), "intent")
	check("attributes", v.Attributes, keys, "attribute")
	for _, e := range v.Details {
		if e.Key == "" || len(e.Phrases) == 0 {
			add("vocabulary details: an entry needs a key and phrases (key %q)", e.Key)
		}
		for _, ph := range e.Phrases {
			claim(fmt.Sprintf("vocabulary details %q", e.Key), "detail", e.Key, ph)
		}
		if e.Near != "" && !keys[e.Near] {
			add("vocabulary details %q: near %q is no fact's key", e.Key, e.Near)
		}
	}
	for _, c := range b.Certs {
		for _, f := range c.Facts {
			if len(f.Asked) == 0 {
				add("fact %s: no asked phrasings", f.ID)
			}
			for _, ph := range f.Asked {
				claim("fact "+f.ID, "attribute", f.Key, ph)
			}
		}
	}
	for _, t := range b.Topics {
		if len(t.Asked) == 0 {
			add("topic %s: no asked phrasings", t.ID)
		}
		for _, ph := range t.Asked {
			claim("topic "+t.ID, "topic", t.ID, ph)
		}
		p = append(p, b.checkObjectives("topic "+t.ID, t.Objectives, t.Domains)...)
	}
	named := map[string]string{} // a term's name, acronym or alias, normalised -> the term
	for _, t := range b.Terms {
		for _, ph := range t.Asked {
			claim("term "+t.ID, "term", t.ID, ph)
		}
		// Two terms with one name: the question names neither for sure.
		for _, n := range append([]string{t.Term, t.Acronym}, t.Aliases...) {
			_, toks := normTokens(n)
			k := strings.Join(slices.DeleteFunc(toks, func(w string) bool { return noise[w] }), " ")
			if prev, ok := named[k]; ok && prev != t.ID && k != "" {
				add("term %s: name %q is already term %s's", t.ID, n, prev)
			}
			named[k] = t.ID
		}
		p = append(p, b.checkObjectives("term "+t.ID, t.Objectives, t.Domains)...)
	}
	return p
}

// checkObjectives validates outline:objective references against the
// outlines and the entry's own domain list.
func (b *Base) checkObjectives(what string, refs, domains []string) []string {
	var p []string
	inDomains := map[string]bool{}
	for _, d := range domains {
		inDomains[d] = true
	}
	for _, r := range refs {
		oid, obj, ok := strings.Cut(r, ":")
		o, found := b.Outline(oid)
		if !ok || !found {
			p = append(p, fmt.Sprintf("%s: objective %q names no outline", what, r))
			continue
		}
		var dom *Domain
		for i := range o.Domains {
			for _, ob := range o.Domains[i].Objectives {
				if ob.ID == obj {
					dom = &o.Domains[i]
				}
			}
		}
		if dom == nil {
			p = append(p, fmt.Sprintf("%s: dangling objective %q", what, r))
			continue
		}
		if !inDomains[DomainRef(o.Cert, dom.N)] {
			p = append(p, fmt.Sprintf("%s: objective %q is in %s, not in its domains %v", what, r, DomainRef(o.Cert, dom.N), domains))
		}
	}
	return p
}
