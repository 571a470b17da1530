package knowledge

import (
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Vocabulary maps the words candidates use to what a question asks for. It
// lives in content/vocabulary.yaml (data, not code) and `kb check` validates
// it; the entries' own `asked:` phrasings add to it.
type Vocabulary struct {
	Exams    []VocabEntry `yaml:"exams"`    // key: a cert ID; phrases name it or its issuer
	Intents  []VocabEntry `yaml:"intents"`  // key: one of Intents()
	Refusals []VocabEntry `yaml:"refusals"` // key: one of RefusalClasses()
	// Usage phrases ask how to use certcoach itself ("what can you do",
	// "quiz me", "reset my progress"); key: the command that does it.
	Usage []VocabEntry `yaml:"usage"`
	// Details are finer points no source gives ("refunds", "carrying CPEs
	// over"); key: how the answer names the detail. A fact asked with one
	// says first that the sources are silent on it, then gives the fact.
	Details    []VocabEntry        `yaml:"details"`
	Attributes []VocabEntry        `yaml:"attributes"` // key: a fact key of certs.yaml; earlier entries win ties
	Synonyms   map[string][]string `yaml:"synonyms"`   // full-text search expansions
	Stopwords  []string            `yaml:"stopwords"`  // words that are never the subject
	// Filler words shape a question without saying what it asks ("how
	// much does it"); a phrase's other words decide which phrase wins.
	Filler []string `yaml:"filler"`
	// ExamNouns follow an exam's name without changing the question:
	// "the cissp exam" is "cissp".
	ExamNouns []string `yaml:"exam_nouns"`
	// Ambiguous words are cues only in context: the question names an
	// exam or an exam noun, or has no other subject words ("my cat ate
	// my notes" is not about CAT; "what is a cat" is).
	Ambiguous []string `yaml:"ambiguous"`
	// Everyday words also name a term or topic ("standard", "avoid",
	// "far"): they name it only when written in capitals, or when the
	// question asks for no fact and nothing else is left unexplained ("what
	// is the standard fee" asks the fee; "policy vs standard" asks both).
	Everyday []string `yaml:"everyday"`
	// OrderWords make a which-first question ask for an order ("cissp
	// then cism", "which first"): a role or topic named beside them is the
	// asker's situation ("grc analyst here"), not what the exams are
	// compared on.
	OrderWords []string `yaml:"order_words"`
	// Rewrites replace a wording by the one the phrases use ("is it
	// possible to" is "can i"), in questions and phrases alike.
	Rewrites map[string]string `yaml:"rewrites"`
	// Openers start a question without asking anything ("hi", "quick
	// question"); they are dropped from its start.
	Openers []string `yaml:"openers"`
	// Closers end a question without asking anything ("thanks in
	// advance", "any help appreciated"); they are dropped from its end.
	Closers []string `yaml:"closers"`
	// Background phrases introduce the asker ("i am a", "i work in"): a
	// topic named in the few words after one is who asks, not what is
	// asked ("I'm a network engineer. Which is more technical?").
	Background []string `yaml:"background"`
	// Uncovered names certifications certcoach has no sources for: a
	// question about one of them gets an honest "not covered".
	Uncovered []string `yaml:"uncovered"`
	// UncoveredKeys are fact keys about other certifications (the waiver
	// lists): they answer a question that names an uncovered certification
	// even when their text does not name it.
	UncoveredKeys []string `yaml:"uncovered_keys"`
	// Related fact keys answer when the exam named has none of the keys
	// asked for (CISM has no degree-waiver fact; its waiver list says).
	Related map[string][]string `yaml:"related"`
	// SeeAlso lists, for a fact key, the same exam's facts an answer with
	// it offers under Related ("how many questions": the duration and the
	// format), before any search hit: the question's own words rarely say
	// what else the asker will want next.
	SeeAlso map[string][]string `yaml:"see_also"`
	// Spellings fold a word to the one the phrases use ("defence" is
	// "defense"), in questions and phrases alike.
	Spellings map[string]string `yaml:"spellings"`
	// Noise words are dropped from questions and phrases alike ("what
	// actually changed" is "what changed").
	Noise []string `yaml:"noise"`
	// BetweenExams keys are about one exam helping with the other: asked
	// only when both exams are named, and then also by the keys listed.
	BetweenExams map[string][]string `yaml:"between_exams"`
	// WithWhichFirst keys are also asked for, first, when which-first is
	// asked of both exams and a cue of two words or more asks for a key
	// listed ("does doing cissp first make it easier to qualify for cism").
	WithWhichFirst map[string][]string `yaml:"with_which_first"`
	// GeneralTable lists the rows of the general comparison in order: fact
	// keys both exams have, and GeneralTableDomains for the outlines.
	GeneralTable []string `yaml:"general_table"`
	// ComparedTogether maps a topic to fact keys: when a question asks two
	// or more of them of both exams ("total cost, exam plus yearly fees,
	// for both"), the topic's comparison answers.
	ComparedTogether map[string][]string `yaml:"compared_together"`
	// ContextKeys are fact keys whose phrases can point back at a fact the
	// context names: "what changes for cism holders?" after "isaca is
	// changing the cpe rules" asks what changes in CPE, not in the outline.
	ContextKeys []string `yaml:"context_keys"`
	// OutlineKeys are fact keys that name an outline: beside a where cue
	// and a subject they say where to look, not what is asked ("is sbom in
	// the cissp outline").
	OutlineKeys []string `yaml:"outline_keys"`
	// WeightsKeys are fact keys that give an outline's weights: asked with
	// a domain-weights cue ("cism pre-2022 domain weights"), the fact
	// answers, not today's list.
	WeightsKeys []string `yaml:"weights_keys"`
	// EarlierKeys maps a fact key to the keys of facts on how it was
	// before: a question that asks how it was ("was the cissp 6 hours back
	// in the day") gets the fact and the first earlier one the exam has.
	EarlierKeys map[string][]string `yaml:"earlier_keys"`
	// ComparedAs maps a fact key to the topic whose comparison answers it
	// when the two exams are asked about together ("cism or cissp for a
	// ciso role": the careers comparison, not two roles facts), or to
	// "general" when the general comparison does ("how do they differ in
	// format").
	ComparedAs map[string]string `yaml:"compared_as"`
}

// VocabEntry is one key and the phrases that mean it.
type VocabEntry struct {
	Key     string   `yaml:"key"`
	Phrases []string `yaml:"phrases"`
	// Weak phrases of a refusal mean the key only when nothing else is
	// asked before them and no cue of two words or more anywhere:
	// "practice tests" asks for a vendor on its own, not in "what is cobit,
	// it keeps coming up in the material". Those of the where intent ask
	// whether a subject is covered ("is it on the exam"), not where it
	// sits, so with both exams named the topic's comparison answers them.
	Weak []string `yaml:"weak"`
	// Issuers (exams only) are the one-word phrases that name the issuer:
	// "the isc2 waiver list" is CISSP's even in a question that names CISM too.
	Issuers []string `yaml:"issuers"`
	// Near (details only) is the fact key whose fact is nearest to the
	// detail: "does isc2 offer payment plans" hears that no source says,
	// then the exam fee.
	Near string `yaml:"near"`
}

func (v *Vocabulary) merge(o Vocabulary) {
	v.Exams = append(v.Exams, o.Exams...)
	v.Intents = append(v.Intents, o.Intents...)
	v.Refusals = append(v.Refusals, o.Refusals...)
	v.Usage = append(v.Usage, o.Usage...)
	v.Details = append(v.Details, o.Details...)
	v.Attributes = append(v.Attributes, o.Attributes...)
	v.Stopwords = append(v.Stopwords, o.Stopwords...)
	v.Filler = append(v.Filler, o.Filler...)
	v.ExamNouns = append(v.ExamNouns, o.ExamNouns...)
	v.Ambiguous = append(v.Ambiguous, o.Ambiguous...)
	v.Everyday = append(v.Everyday, o.Everyday...)
	v.OrderWords = append(v.OrderWords, o.OrderWords...)
	v.Openers = append(v.Openers, o.Openers...)
	v.Closers = append(v.Closers, o.Closers...)
	v.Background = append(v.Background, o.Background...)
	v.Noise = append(v.Noise, o.Noise...)
	v.Uncovered = append(v.Uncovered, o.Uncovered...)
	v.UncoveredKeys = append(v.UncoveredKeys, o.UncoveredKeys...)
	v.Rewrites = setAll(v.Rewrites, o.Rewrites)
	v.ComparedAs = setAll(v.ComparedAs, o.ComparedAs)
	v.ContextKeys = append(v.ContextKeys, o.ContextKeys...)
	v.OutlineKeys = append(v.OutlineKeys, o.OutlineKeys...)
	v.WeightsKeys = append(v.WeightsKeys, o.WeightsKeys...)
	v.EarlierKeys = appendAll(v.EarlierKeys, o.EarlierKeys)
	v.GeneralTable = append(v.GeneralTable, o.GeneralTable...)
	v.ComparedTogether = appendAll(v.ComparedTogether, o.ComparedTogether)
	v.Spellings = setAll(v.Spellings, o.Spellings)
	v.Related = appendAll(v.Related, o.Related)
	v.SeeAlso = appendAll(v.SeeAlso, o.SeeAlso)
	v.BetweenExams = appendAll(v.BetweenExams, o.BetweenExams)
	v.WithWhichFirst = appendAll(v.WithWhichFirst, o.WithWhichFirst)
	v.Synonyms = appendAll(v.Synonyms, o.Synonyms)
}

// setAll copies src into dst, src winning, creating dst when needed.
func setAll(dst, src map[string]string) map[string]string {
	if len(src) > 0 && dst == nil {
		dst = map[string]string{}
	}
	maps.Copy(dst, src)
	return dst
}

// appendAll appends each list of src to dst's list of the same key.
func appendAll(dst, src map[string][]string) map[string][]string {
	if len(src) > 0 && dst == nil {
		dst = map[string][]string{}
	}
	for k, l := range src {
		dst[k] = append(dst[k], l...)
	}
	return dst
}

// Ask is what a question asks for.
type Ask string

// What a question can ask for. Intent and refusal names are the keys the
// vocabulary uses.
const (
	AskSearch        Ask = "search"         // nothing recognised: full-text search
	AskFact          Ask = "fact"           // Attributes of Exams (none named: both)
	AskDomainList    Ask = "domain-list"    // an outline's domains
	AskDomainWeights Ask = "domain-weights" // the domains' weights
	AskDomain        Ask = "domain"         // one domain, by number
	AskWhere         Ask = "where"          // where Terms or Topic sit in each outline
	AskDefine        Ask = "define"         // a glossary definition
	AskConcepts      Ask = "concepts"       // two or more Terms compared
	AskCompare       Ask = "compare"        // the two exams compared, on Topic if set
	AskTopic         Ask = "topic"          // a topic comparison named without a cue
	AskWhichFirst    Ask = "which-first"    // which exam to take first
	AskStudyTime     Ask = "study-time"     // how long to study
	AskRefusal       Ask = "refusal"        // a class with no sourced answer (Refusal)
	AskUncovered     Ask = "uncovered"      // about a certification certcoach has no sources for
	AskUsage         Ask = "usage"          // how to use certcoach: the help of Command
)

// Intents are the vocabulary's intent keys.
func Intents() []string {
	return []string{"which-first", "study-time", "compare", "domain-list", "domain-weights", "where", "define", "earlier"}
}

// RefusalClasses are the vocabulary's refusal keys: questions that only
// unsourced claims could answer.
func RefusalClasses() []string {
	return []string{"pass-rate", "salary", "vendor", "worth-it", "holder-count", "personal-difficulty", "exam-day", "score-report"}
}

// Analysis is what one free-text question names and asks for.
type Analysis struct {
	Exams      []string // certs named (by name or issuer), in cert order; none: both
	Ask        Ask
	Attributes []string // fact keys asked for, best first (AskFact)
	Refusal    string   // refusal class (AskRefusal)
	Terms      []string // glossary term IDs named, in question order
	Topic      string   // topic ID named, if any
	DomainN    int      // domain number (AskDomain)
	Words      []string // subject words: not exam names, not stopwords
	// Tied is how many of the first Attributes the question asks for
	// equally (their phrases are as strong).
	Tied int
	// Intents are the intent keys the question's words matched.
	Intents []string
	// Uncovered are the certifications named that certcoach has no
	// sources for ("cisa"), as the vocabulary spells them.
	Uncovered []string
	// Unmatched are the subject words that no phrase explains.
	Unmatched []string
	// Objective is a CISSP objective ("1.2"), CISM subtopic ("2B1") or
	// CISM domain part ("2B") written in the question; "" when none is.
	Objective string
	// Command is the command a usage question is about (AskUsage).
	Command string
	// Detail is a finer point asked that no source gives (Vocabulary.Details),
	// as the vocabulary names it; "" when none is.
	Detail string
	// AlsoAsked says the second of Attributes is asked for in its own
	// right, by a cue of two or more words that say what is asked, apart
	// from the first key's: "is the german cissp still linear or cat now"
	// asks about the languages and the format.
	AlsoAsked bool
	// Parts are the fact keys of a question that asks for several facts
	// in turn ("how long is the cissp exam, and what is the passing
	// score?"), in question order; nil when it asks for one (AskFact).
	Parts []string
	// fillerFacts says every fact cue is filler words only ("how much"),
	// which alone is no subject: "which one is about how much data you
	// can lose?" asks about what came before.
	fillerFacts bool
	// factCue is the strongest fact cue, to weigh a question sentence
	// against its context.
	factCue match
}

// Names reports whether the question names exam cert.
func (q *Analysis) Names(cert string) bool {
	for _, e := range q.Exams {
		if e == cert {
			return true
		}
	}
	return false
}

// target is what a phrase means.
type target struct {
	kind string // exam, intent, refusal, attr, term, topic
	key  string
}

type phrase struct {
	toks  []string
	t     target
	order int  // position in the vocabulary: earlier wins ties
	weak  bool // a refusal phrase that yields to other cues (yieldWeak), or a where phrase about coverage
	// content counts the words that are neither filler nor exam names:
	// "cost to maintain" says more than "how much does it cost", though it
	// is shorter, and "cism or cissp" names the exams without asking.
	content int
}

type match struct {
	start, end int // span in the question as written
	n          int // words matched
	phrase
}

// analyzer holds the vocabulary compiled for matching.
type analyzer struct {
	byFirst    map[string][]phrase // first token -> phrases, longest first
	examTok    map[string]string   // one-token exam names -> cert
	issuer     map[string]string   // one-token issuer names -> cert
	examNoun   map[string]bool     // stemmed exam nouns ("exam", "cert")
	rewrites   []rewrite
	openers    [][]string      // stemmed phrases that open a question without asking anything
	closers    [][]string      // stemmed phrases that end a question without asking anything
	background [][]string      // stemmed phrases that introduce the asker
	ambig      map[string]bool // stemmed words that are cues only in context
	everyday   map[string]bool // stemmed words that name a term only when meant so
	order      map[string]bool // stemmed words of a which-first phrase that ask for an order
	stop       map[string]bool
	noise      map[string]bool     // stemmed words dropped before matching
	spell      map[string]string   // stemmed word -> stemmed word the phrases use
	typos      *speller            // corrects a misspelt word to the lexicon's
	near       map[string]string   // detail key -> fact key nearest to it
	shared     map[string]bool     // fact keys every certification has
	titles     map[string][]titled // cert -> its outlines' objective titles
	certs      []string
}

// titled is an objective ("2B2") with the content words of its title.
type titled struct {
	id   string
	toks []string
}

// rewrite replaces the words from by to (raw and stemmed).
type rewrite struct {
	from, toRaw, to []string
}

// apply rewrites toks (and raw alongside, when not nil); it allocates only
// when a rewrite matches.
func (a *analyzer) apply(raw, toks []string) ([]string, []string) {
	for i := 0; i < len(toks); i++ {
		for _, r := range a.rewrites {
			end := matchAt(toks, i, r.from)
			if end < 0 {
				continue
			}
			toks = append(append(append([]string{}, toks[:i]...), r.to...), toks[end:]...)
			if raw != nil {
				raw = append(append(append([]string{}, raw[:i]...), r.toRaw...), raw[end:]...)
			}
			i += len(r.to) - 1
			break
		}
	}
	return raw, toks
}

// gap in a phrase's tokens stands for up to maxGap words of the question:
// "how much ... earn" meets "how much do cissp holders earn".
const (
	gap    = "..."
	maxGap = 3
)

// phraseTokens normalises a phrase; "..." between words becomes a gap.
func phraseTokens(s string) []string {
	var out []string
	for i, part := range strings.Split(s, gap) {
		_, toks := normTokens(part)
		if len(toks) == 0 {
			continue
		}
		if i > 0 && len(out) > 0 {
			out = append(out, gap)
		}
		out = append(out, toks...)
	}
	return out
}

// words counts a phrase's tokens that are words, not gaps.
func words(toks []string) int {
	n := 0
	for _, t := range toks {
		if t != gap {
			n++
		}
	}
	return n
}

// matchAt returns where phrase p ends if it starts at toks[i], or -1.
func matchAt(toks []string, i int, p []string) int {
	for j := 0; j < len(p); j++ {
		if p[j] == gap {
			for skip := 0; skip <= maxGap && i+skip < len(toks); skip++ {
				if end := matchAt(toks, i+skip, p[j+1:]); end >= 0 {
					return end
				}
			}
			return -1
		}
		if i >= len(toks) || toks[i] != p[j] {
			return -1
		}
		i++
	}
	return i
}

// normTokens lower-cases s, drops apostrophes (don't -> dont) and splits it
// into stemmed words, the form phrases and questions are compared in.
func normTokens(s string) (raw, stems []string) {
	if strings.Contains(s, "%") { // "30%" is "30 percent"
		s = strings.ReplaceAll(s, "%", " percent ")
	}
	for _, w := range strings.FieldsFunc(strings.Map(lowerRune, s), notWordRune) {
		switch w { // "what's" is "what is", not a plural of "what"
		case "whats", "wheres", "whos", "hows":
			raw = append(raw, w[:len(w)-1], "is")
		default:
			raw = append(raw, w)
		}
	}
	stems = make([]string, len(raw))
	for i, w := range raw {
		stems[i] = stem(w)
	}
	return raw, stems
}

// lowerRune lower-cases a rune of a question and drops apostrophes.
func lowerRune(r rune) rune {
	switch r {
	case '\'', '’':
		return -1
	case '²': // "(ISC)²", as ISC2 wrote its name
		return '2'
	}
	return unicode.ToLower(r)
}

// notWordRune reports whether r separates words.
func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// stem folds plurals so "domains" matches "domain" and "cissps" "cissp".
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "tches")):
		// "hashes", "processes", "boxes", "patches"; not "caches".
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:len(w)-1]
	}
	return w
}

// phrases lists every phrase the analysis recognises, in priority order:
// the vocabulary, then the entries' asked phrasings, then glossary and topic
// names.
func (b *Base) phrases() []phrase {
	var out []phrase
	add := func(kind, key string, ss ...string) {
		for _, s := range ss {
			if toks := phraseTokens(s); len(toks) > 0 {
				out = append(out, phrase{toks: toks, t: target{kind, key}, order: len(out)})
			}
		}
	}
	addWeak := func(kind, key string, ss ...string) {
		n := len(out)
		add(kind, key, ss...)
		for i := n; i < len(out); i++ {
			out[i].weak = true
		}
	}
	v := &b.Vocab
	for _, e := range v.Exams {
		add("exam", e.Key, e.Phrases...)
	}
	for _, e := range v.Refusals {
		add("refusal", e.Key, e.Phrases...)
		addWeak("refusal", e.Key, e.Weak...)
	}
	for _, e := range v.Intents {
		add("intent", e.Key, e.Phrases...)
		addWeak("intent", e.Key, e.Weak...)
	}
	for _, e := range v.Usage {
		add("usage", e.Key, e.Phrases...)
	}
	for _, e := range v.Details {
		add("detail", e.Key, e.Phrases...)
	}
	for _, e := range v.Attributes {
		add("attr", e.Key, e.Phrases...)
	}
	for _, c := range b.Certs {
		for _, f := range c.Facts {
			add("attr", f.Key, f.Asked...)
		}
	}
	for _, t := range b.Terms {
		names := append([]string{t.Term, t.Acronym}, t.Aliases...)
		for _, n := range names {
			// "penetration testing" is also asked as "penetration test",
			// "threat modeling" as "threat model".
			if v, ok := gerundNoun(n); ok {
				names = append(names, v)
			}
		}
		add("term", t.ID, append(names, t.Asked...)...)
	}
	for _, u := range v.Uncovered {
		add("uncovered", u, u)
	}
	for _, t := range b.Topics {
		add("topic", t.ID, append([]string{t.Title, strings.ReplaceAll(t.ID, "-", " ")}, append(t.Aliases, t.Asked...)...)...)
	}
	return out
}

// gerundNoun turns a name ending in an -ing word into its noun form:
// "vulnerability scanning" -> "vulnerability scan".
func gerundNoun(name string) (string, bool) {
	head, last := "", strings.ToLower(name)
	if i := strings.LastIndexByte(last, ' '); i >= 0 {
		head, last = last[:i+1], last[i+1:]
	}
	if head == "" || len(last) < 6 || !strings.HasSuffix(last, "ing") {
		return "", false
	}
	w := last[:len(last)-3]
	if n := len(w); n > 2 && w[n-1] == w[n-2] {
		w = w[:n-1]
	}
	return head + w, true
}

func (b *Base) newAnalyzer() *analyzer {
	a := &analyzer{byFirst: map[string][]phrase{}, examTok: map[string]string{}, issuer: map[string]string{}, noise: map[string]bool{}, examNoun: map[string]bool{}, ambig: map[string]bool{}, everyday: map[string]bool{}, order: map[string]bool{}, stop: map[string]bool{}, spell: map[string]string{}, near: map[string]string{}}
	for _, e := range b.Vocab.Details {
		if e.Near != "" {
			a.near[e.Key] = e.Near
		}
	}
	for i, c := range b.Certs {
		keys := map[string]bool{}
		for _, f := range c.Facts {
			keys[f.Key] = true
		}
		if i == 0 {
			a.shared = keys
			continue
		}
		maps.DeleteFunc(a.shared, func(k string, _ bool) bool { return !keys[k] })
	}
	for from, to := range b.Vocab.Spellings {
		a.spell[stem(strings.ToLower(from))] = stem(strings.ToLower(to))
	}
	for _, w := range b.Vocab.Stopwords {
		a.stop[strings.ToLower(w)] = true
	}
	for _, w := range b.Vocab.Noise {
		a.noise[stem(strings.ToLower(w))] = true
	}
	// Filler, stemmed as phrases are ("does" is "doe"). Exam nouns are
	// filler too: every question is about an exam.
	filler := map[string]bool{}
	for _, w := range b.Vocab.Filler {
		filler[stem(strings.ToLower(w))] = true
	}
	for _, w := range b.Vocab.ExamNouns {
		a.examNoun[stem(strings.ToLower(w))] = true
		filler[stem(strings.ToLower(w))] = true
	}
	for from, to := range b.Vocab.Rewrites {
		_, f := normTokens(from)
		tr, t := normTokens(to)
		a.fold(f)
		a.fold(t)
		if len(f) > 0 {
			a.rewrites = append(a.rewrites, rewrite{from: f, toRaw: tr, to: t})
		}
	}
	// Longer first, and in a fixed order: a map has none.
	sort.Slice(a.rewrites, func(i, j int) bool {
		if len(a.rewrites[i].from) != len(a.rewrites[j].from) {
			return len(a.rewrites[i].from) > len(a.rewrites[j].from)
		}
		return strings.Join(a.rewrites[i].from, " ") < strings.Join(a.rewrites[j].from, " ")
	})
	for _, o := range b.Vocab.Background {
		if toks := phraseTokens(o); len(toks) > 0 {
			a.fold(toks)
			a.background = append(a.background, toks)
		}
	}
	for _, o := range b.Vocab.Openers {
		if toks := phraseTokens(o); len(toks) > 0 {
			a.fold(toks)
			a.openers = append(a.openers, toks)
		}
	}
	for _, c := range b.Vocab.Closers {
		if toks := phraseTokens(c); len(toks) > 0 {
			a.fold(toks)
			a.closers = append(a.closers, toks)
		}
	}
	for _, w := range b.Vocab.Ambiguous {
		a.ambig[stem(strings.ToLower(w))] = true
	}
	for _, w := range b.Vocab.Everyday {
		a.everyday[stem(strings.ToLower(w))] = true
	}
	for _, w := range b.Vocab.OrderWords {
		a.order[stem(strings.ToLower(w))] = true
	}
	phrases := b.phrases()
	for _, p := range phrases {
		if p.t.kind == "exam" && len(p.toks) == 1 {
			a.examTok[p.toks[0]] = p.t.key
		}
	}
	for _, p := range phrases {
		if _, p.toks = a.dropNoise(nil, p.toks); len(p.toks) == 0 || p.toks[0] == gap {
			continue
		}
		// Written as questions are: "the cism waiver" is "cism waiver".
		a.fold(p.toks)
		_, p.toks = a.apply(nil, p.toks)
		_, p.toks = a.collapseExams(p.toks, p.toks)
		for _, t := range p.toks {
			if t != gap && !filler[t] && a.examTok[t] == "" {
				p.content++
			}
		}
		a.byFirst[p.toks[0]] = append(a.byFirst[p.toks[0]], p)
	}
	for k, ps := range a.byFirst {
		sort.SliceStable(ps, func(i, j int) bool { return words(ps[i].toks) > words(ps[j].toks) })
		a.byFirst[k] = ps
	}
	for _, e := range b.Vocab.Exams {
		for _, is := range e.Issuers {
			if _, toks := normTokens(is); len(toks) == 1 {
				a.issuer[toks[0]] = e.Key
			}
		}
	}
	for _, c := range b.Certs {
		a.certs = append(a.certs, c.ID)
	}
	a.titles = map[string][]titled{}
	seenObj := map[string]bool{}
	for _, o := range b.Outlines {
		for _, d := range o.Domains {
			for _, ob := range d.Objectives {
				if seenObj[o.Cert+ob.ID] {
					continue
				}
				seenObj[o.Cert+ob.ID] = true
				_, toks := normTokens(ob.Title)
				a.fold(toks)
				toks = slices.DeleteFunc(toks, func(w string) bool { return a.stop[w] })
				if len(toks) >= 2 {
					a.titles[o.Cert] = append(a.titles[o.Cert], titled{id: ob.ID, toks: toks})
				}
			}
		}
	}
	a.typos = newSpeller(a.lexicon(&b.Vocab), a.prose(b), a.examWords(&b.Vocab))
	return a
}

// onlyOutlineKeys reports whether every key asked only names an outline
// (Vocabulary.OutlineKeys): "in the 2026 cism outline, which domain".
func onlyOutlineKeys(keys, outlineKeys []string) bool {
	return !slices.ContainsFunc(keys, func(k string) bool { return !slices.Contains(outlineKeys, k) })
}

// titledObjective returns the objective of cert whose title's content words
// all stand in toks ("which part of the cism outline deals with risk and
// control ownership": 2B2), the one of most words; "" when none does.
func (a *analyzer) titledObjective(cert string, toks []string) string {
	in := map[string]bool{}
	for _, w := range toks {
		in[w] = true
	}
	best, n := "", 0
	for _, t := range a.titles[cert] {
		if len(t.toks) > n && !slices.ContainsFunc(t.toks, func(w string) bool { return !in[w] }) {
			best, n = t.id, len(t.toks)
		}
	}
	return best
}

// dropNoise removes the noise words from toks (and raw alongside, when not
// nil); it allocates only when there are some.
func (a *analyzer) dropNoise(raw, toks []string) ([]string, []string) {
	if !slices.ContainsFunc(toks, func(w string) bool { return a.noise[w] }) {
		return raw, toks
	}
	var r, t []string
	for i, w := range toks {
		if a.noise[w] {
			continue
		}
		if raw != nil {
			r = append(r, raw[i])
		}
		t = append(t, w)
	}
	return r, t
}

// dropOpeners removes the openers a question starts with: in "hi, quick
// question: are there any prerequisites" they are not part of what is
// asked ("question: are there" is not "questions are there"). A question
// that is only an opener keeps it.
func (a *analyzer) dropOpeners(raw, toks []string) ([]string, []string) {
	for again := true; again; {
		again = false
		for _, o := range a.openers {
			if end := matchAt(toks, 0, o); end > 0 && end < len(toks) {
				raw, toks, again = raw[end:], toks[end:], true
				break
			}
		}
	}
	return raw, toks
}

// dropClosers removes the closers a question ends with: in "what is cism?
// thanks in advance" only "what is cism" is asked.
func (a *analyzer) dropClosers(raw, toks []string) ([]string, []string) {
	for again := true; again; {
		again = false
		for _, c := range a.closers {
			if n := len(toks) - len(c); n > 0 && slices.Equal(toks[n:], c) {
				raw, toks, again = raw[:n], toks[:n], true
				break
			}
		}
	}
	return raw, toks
}

// dropTrailingYear removes a year that ends a question ("what is cism in
// 2026?", "cissp exam format 2026") when no phrase holds it: it says when
// the asker asks, not what. A phrase that holds it ("the 2026 subtopics",
// "rules in 2027") keeps it.
func (a *analyzer) dropTrailingYear(raw, toks []string) ([]string, []string) {
	n := len(toks)
	if n < 2 || len(toks[n-1]) != 4 || !strings.HasPrefix(toks[n-1], "20") || strings.IndexFunc(toks[n-1], func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return raw, toks
	}
	if slices.ContainsFunc(a.matches(toks, nil, nil), func(m match) bool { return m.end == n }) {
		return raw, toks
	}
	cut := n - 1
	if w := toks[cut-1]; cut > 1 && (w == "in" || w == "for" || w == "of") {
		cut--
		if w == "of" && cut > 1 && toks[cut-1] == "as" {
			cut--
		}
	}
	return raw[:cut], toks[:cut]
}

// unmatched returns the subject words that no match of ms explains:
// "inference" and "aggregation" in "what is the difference among inference
// and aggregation".
func (a *analyzer) unmatched(raw, toks []string, ms []match) []string {
	var out []string
	for i, w := range toks {
		if a.examTok[w] != "" || a.stop[raw[i]] || a.stop[w] || len(w) < 3 {
			continue
		}
		if !slices.ContainsFunc(ms, func(m match) bool { return m.start <= i && i < m.end }) {
			out = append(out, raw[i])
		}
	}
	return out
}

// fold rewrites stemmed words to the spelling the phrases use.
func (a *analyzer) fold(toks []string) {
	for i, w := range toks {
		if to, ok := a.spell[w]; ok {
			toks[i] = to
		}
	}
}

// matches finds every phrase occurring in toks; pos maps an index of toks
// to the question as written (nil: toks is the question as written).
func (a *analyzer) matches(toks []string, pos []int, out []match) []match {
	at := func(i int) int {
		if pos == nil {
			return i
		}
		return pos[i]
	}
	for i := range toks {
		for _, p := range a.byFirst[toks[i]] {
			if end := matchAt(toks, i, p.toks); end > i {
				out = append(out, match{start: at(i), end: at(end-1) + 1, n: words(p.toks), phrase: p})
			}
		}
	}
	return out
}

// Analyze turns a question into what it names and asks for. It is the one
// place where words become intent: the answer is composed from its result,
// and full-text search runs only when it recognises nothing.
//
// A post that gives context before or after its question ("full time job,
// two kids. realistically can I pass cism?") is analysed by its question
// sentences; the context still says which exam is meant. When the question
// sentences have no subject of their own ("how long does it take?" after
// "endorsement question."), the whole post is analysed.
func (b *Base) Analyze(text string) Analysis {
	if shouted(text) {
		// Capitals mark an everyday word as a term ("FAIR") only beside
		// lower case: in a post typed in capitals they mark nothing.
		text = strings.ToLower(text)
	}
	q := b.analyzeAsked(text)
	if q.Ask == AskSearch && len(q.Uncovered) == 0 {
		b.quotedFact(text, &q)
	}
	if q.Ask == AskFact && len(q.Uncovered) == 0 {
		q.Parts = b.parts(text, &q)
	}
	if q.Ask == AskFact && len(q.Parts) == 0 && len(q.Attributes) > 0 {
		if k := b.earlierKey(text, &q, slices.Contains(q.Intents, "earlier")); k != "" {
			q.Parts = []string{q.Attributes[0], k}
		}
	}
	return q
}

// shouted reports whether text is written in capitals throughout: three
// words or more and no lower-case letter.
func shouted(text string) bool {
	return len(strings.Fields(text)) >= 3 && strings.IndexFunc(text, unicode.IsLower) < 0 && strings.IndexFunc(text, unicode.IsUpper) >= 0
}

// quotedFact makes a question that asks nothing the analysis knows but
// quotes two or more numbers one fact gives ("an old blog lists the CISM
// split as 24 / 30 / 27 / 19. where did those numbers come from?") ask for
// that fact, of the exams named. Two facts quoting as many leave it be.
func (b *Base) quotedFact(text string, q *Analysis) {
	quoted := numbers(text)
	if len(quoted) < 2 {
		return
	}
	best, tied := 1, false
	var key, cert string
	for _, c := range b.Certs {
		if len(q.Exams) > 0 && !q.Names(c.ID) {
			continue
		}
		for _, f := range c.Facts {
			n := 0
			for _, m := range slices.Compact(slices.Sorted(slices.Values(numbers(f.Text)))) {
				if slices.Contains(quoted, m) {
					n++
				}
			}
			switch {
			case n > best:
				best, tied, key, cert = n, false, f.Key, c.ID
			case n == best && n > 1 && f.Key != key:
				tied = true
			}
		}
	}
	if key == "" || tied {
		return
	}
	q.Ask, q.Attributes, q.Tied = AskFact, []string{key}, 1
	if len(q.Exams) == 0 {
		q.Exams = []string{cert}
	}
}

// numbers returns the numbers of two or three digits written in s: a
// lone digit says too little ("1B4"), and years say when, not what.
func numbers(s string) []string {
	ns := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	return slices.DeleteFunc(ns, func(n string) bool { return len(n) < 2 || len(n) > 3 })
}

// earlierKey returns the one of EarlierKeys for the fact asked that an
// exam the question is about has: the first whose text has a number the
// question quotes and today's fact lacks ("cissp 125-175 questions, still
// true?", "250 questions and 6 hours" is the linear exam, not the 2022
// one), else, when asked is set (an earlier cue), the first; or "".
func (b *Base) earlierKey(text string, q *Analysis, asked bool) string {
	quoted := numbers(text)
	if len(quoted) == 0 && !asked {
		return ""
	}
	first := ""
	for _, k := range b.Vocab.EarlierKeys[q.Attributes[0]] {
		for _, c := range b.Certs {
			f, ok := c.Fact(k)
			if !ok || len(q.Exams) > 0 && !q.Names(c.ID) {
				continue
			}
			var now []string
			if cur, ok := c.Fact(q.Attributes[0]); ok {
				now = numbers(cur.Text)
			}
			if slices.ContainsFunc(numbers(f.Text), func(n string) bool {
				return slices.Contains(quoted, n) && !slices.Contains(now, n)
			}) {
				return k
			}
			if first == "" && asked {
				first = k
			}
		}
	}
	return first
}

// parts returns the fact keys asked one clause at a time, when the
// question's clauses ask for two facts or more (Analysis.Parts). A clause
// counts only when it asks a fact of the exams the question is about.
func (b *Base) parts(text string, q *Analysis) []string {
	if s := questionSentences(text); s != "" {
		text = s
	}
	clauses := askClauses(text)
	if len(clauses) < 2 {
		return nil
	}
	var keys []string
	for _, c := range clauses {
		if len(strings.Fields(c)) < 3 {
			continue // "auto fail?" follows up on the question before it
		}
		p := b.analyze(c)
		if p.Ask != AskFact || len(p.Attributes) == 0 || len(p.Uncovered) > 0 {
			continue
		}
		if slices.ContainsFunc(p.Exams, func(e string) bool { return len(q.Exams) > 0 && !q.Names(e) }) {
			continue
		}
		// A clause with no cue of its own gets full_name ("what is cism"):
		// a part only when the whole question asks for it too.
		if k := p.Attributes[0]; !slices.Contains(keys, k) && (k != "full_name" || slices.Contains(q.Attributes, k)) {
			keys = append(keys, k)
		}
	}
	if len(keys) < 2 {
		return nil
	}
	return keys
}

// askClauses splits a question where a new question starts: after a
// question mark, or at "and" before a question word ("how long is it, and
// what is the passing score?").
func askClauses(text string) []string {
	var out []string
	f := strings.Fields(text)
	start := 0
	for i := 1; i < len(f); i++ {
		prev := strings.Map(lowerRune, f[i-1])
		next := strings.Trim(strings.Map(lowerRune, f[i]), "?.!,")
		split := strings.HasSuffix(prev, "?") && i-start > 1
		if (prev == "and" || prev == "&") && i-1-start > 1 && clauseOpener(next) {
			out = append(out, strings.Join(f[start:i-1], " "))
			start = i
			continue
		}
		if split {
			out = append(out, strings.Join(f[start:i], " "))
			start = i
		}
	}
	return append(out, strings.Join(f[start:], " "))
}

// clauseOpener reports whether w opens a question of its own.
func clauseOpener(w string) bool {
	switch w {
	case "what", "whats", "how", "hows", "who", "where", "when", "which", "why", "is", "are", "can", "do", "does", "did", "will", "would", "should", "could":
		return true
	}
	return false
}

// analyzeAsked is Analyze but for Parts: the question sentences read with
// their context.
func (b *Base) analyzeAsked(text string) Analysis {
	asked := questionSentences(text)
	if asked == "" {
		return b.analyze(text)
	}
	q := b.analyze(asked)
	// "what is the difference?" and "is it automatic?" point back at
	// the context: only a question sentence with a subject of its own
	// stands alone, and one that opens by pointing back ("does that mean
	// I failed?") does not.
	whole := b.analyze(text)
	standsAlone := q.Ask != AskSearch && !pointsBack(asked) && q.hasSubject()
	if standsAlone && mentionsIt(asked) && q.Ask == AskFact && whole.Ask == AskFact && stronger(whole.factCue, q.factCue) {
		// "you get a full year after registering to sit CISM. I thought
		// it was shorter now?": the sentence asks of "it", and the
		// context says more of what it is.
		standsAlone = false
	}
	if !standsAlone && whole.Ask == AskSearch && !pointsBack(asked) && (q.Ask != AskSearch || len(q.Words) > 0 && !mentionsIt(asked) && !mentionsThey(asked)) {
		// "studying for a while now. what is cism?": a context that says
		// nothing the analysis knows leaves the question as asked, and
		// only the question's own words are searched ("... why should
		// salts be chosen at random?"), unless it points back at the
		// context ("I'm lost on salting. Why should they be random?").
		standsAlone = true
	}
	// "Planning to book in January. how much is the cissp exam now?": a
	// refusal only the context asks for does not replace the fact asked.
	contextRefuses := whole.Refusal != "" && q.Ask != AskSearch && len(q.Attributes) > 0
	if !standsAlone && (!contextRefuses || pointsBack(asked)) {
		// A question that points back ("what does that say about my
		// next attempt?") asks about the context, refusal and all.
		return whole
	}
	if len(q.Exams) == 1 && len(whole.Exams) == 2 && len(whole.Uncovered) == 0 && len(whole.Attributes) > 0 && b.Vocab.BetweenExams[whole.Attributes[0]] != nil && slices.ContainsFunc(q.Attributes, b.leadsBetween) {
		// "I've got my CISSP. Do I get any experience waiver for CISM?":
		// the exam held, named in the context, is what would waive it.
		return whole
	}
	if len(q.Attributes) > 0 && slices.Contains(b.Vocab.ContextKeys, q.Attributes[0]) && len(whole.Attributes) > 0 && whole.Attributes[0] != q.Attributes[0] && whole.Ask == AskFact {
		// "heard isaca is changing the cpe rules in 2027. what changes
		// for cism holders?": what changes is what the context names.
		return whole
	}
	if (q.Ask == AskCompare && (mentionsIt(asked) || len(q.Exams) == 0) || (q.Ask == AskWhichFirst || q.Ask == AskDomainWeights && len(q.Exams) == 2) && mentionsIt(asked)) && q.Topic == "" && whole.Topic != "" && whole.Ask == AskCompare {
		// "Incident response is my day job. Which exam treats it more like
		// what I do, cism or cissp?": the context names the topic. A
		// question sentence that names the exams itself asks of the context
		// only by a pronoun: "I'm a network engineer. Which is more
		// technical, cism or cissp?" does not ask about network security,
		// nor "I'm a GRC analyst. cism or cissp first?" about governance.
		return whole
	}
	if len(q.Exams) == 1 && len(whole.Exams) == 2 && whole.Ask == AskCompare && whole.Topic != "" && q.Topic == whole.Topic {
		// "CISM has a whole incident management domain. Does CISSP cover
		// IR nearly as much?": the exam the context names is the one
		// compared with, on the topic both sentences name.
		return whole
	}
	outlineOnly := q.Ask == AskFact && slices.Contains(q.Intents, "where") && len(q.Attributes) > 0 && onlyOutlineKeys(q.Attributes, b.Vocab.OutlineKeys)
	if (q.Ask == AskDomainList || q.Ask == AskWhere || outlineOnly) && len(q.Terms) == 0 && q.Topic == "" && whole.Ask == AskWhere {
		// "... where business cases and budgeting go in cism. which
		// domain?", "third-party risk is my day job. where is it in each
		// outline?": the context names what is placed.
		return whole
	}
	if q.comparesNothing() && (whole.Ask == AskConcepts || whole.Ask == AskDefine) {
		// "People use BCP and DRP for the same thing. What is the real
		// difference?": the context names what is compared.
		return whole
	}
	if len(q.Exams) == 0 {
		q.Exams = whole.Exams
		if len(q.Exams) == 1 && q.Ask == AskCompare && len(q.Attributes) > 0 {
			// "The CISSP has advanced innovative items. What are those
			// compared to multiple choice?": the fact of the one exam
			// the context names, not the two exams compared.
			q.Ask, q.Topic = AskFact, ""
		}
	}
	if q.Detail == "" {
		q.Detail = whole.Detail // "I let it lapse. Do I need to retake the whole exam?"
	}
	if len(q.Exams) == 1 && len(whole.Exams) == 2 && b.onlyCompared(asked, q.Exams[0]) {
		// "I'm doing CISM. Can I skip a question, or is it forward only
		// like I heard the CISSP is?": the exam named to compare with is
		// not the one asked about.
		q.Exams = slices.DeleteFunc(slices.Clone(whole.Exams), func(c string) bool { return c == q.Exams[0] })
	}
	if len(q.Uncovered) == 0 {
		q.Uncovered = whole.Uncovered // "I have a CISA. ... does it still knock a year off?"
		if len(q.Uncovered) > 0 && len(q.Exams) == 0 && (q.Ask == AskWhichFirst || q.Ask == AskCompare) {
			// As decide has it: "I passed the CCSP. ... does the clock
			// only start from then?" compares nothing of CISM and CISSP.
			q.Ask = AskUncovered
		}
	}
	return q
}

// onlyCompared reports whether text names cert only to compare with it
// ("like the cissp", "than cissp does").
func (b *Base) onlyCompared(text, cert string) bool {
	_, toks := normTokens(text)
	b.analyzer.fold(toks)
	named := false
	for i, w := range toks {
		if b.analyzer.examTok[w] != cert {
			continue
		}
		named = true
		if !slices.ContainsFunc(toks[max(0, i-4):i], func(p string) bool { return p == "like" || p == "unlike" || p == "than" }) {
			return false
		}
	}
	return named
}

// hasSubject reports whether q names something to ask about: a refusal
// class, a term, a topic, an uncovered certification, or a fact or exam
// with words of its own ("does cism cover that?" has none).
func (q *Analysis) hasSubject() bool {
	asks := len(q.Attributes) > 0 && !q.fillerFacts || len(q.Exams) > 0 || slices.ContainsFunc(q.Intents, func(k string) bool { return k != "define" })
	// "Can someone compare CISM with CISSP for me?" names what it compares.
	compares := (q.Ask == AskCompare || q.Ask == AskWhichFirst) && len(q.Exams) == 2
	return q.Refusal != "" || len(q.Terms) > 0 || q.Topic != "" || len(q.Uncovered) > 0 || asks && len(q.Words) > 0 || compares
}

// comparesNothing reports whether q compares without naming what: "what is
// the real difference?" after "people use BCP and DRP for the same thing".
func (q *Analysis) comparesNothing() bool {
	return q.Ask == AskCompare && len(q.Exams) == 0 && q.Topic == "" && len(q.Terms) == 0 && len(q.Attributes) == 0
}

// mentionsIt reports whether s has a pronoun that can stand for a subject
// named before it. "IT" in capitals, or "it" before a word of the field
// ("10 years in it audit"), is information technology.
func mentionsIt(s string) bool {
	words := strings.FieldsFunc(s, notWordRune)
	for i, w := range words {
		switch strings.Map(lowerRune, w) {
		case "that", "this":
			return true
		case "it":
			lower := func(j int) string { return strings.Map(lowerRune, at(words, j)) }
			inField := lower(i-1) == "in" && itField(lower(i-2)) // "5 years in it"
			if w != "IT" && !itField(lower(i+1)) && !inField {
				return true
			}
		}
	}
	return false
}

// mentionsThey reports whether s refers back with "they", "them",
// "these" or "those".
func mentionsThey(s string) bool {
	return slices.ContainsFunc(strings.FieldsFunc(s, notWordRune), func(w string) bool {
		switch strings.Map(lowerRune, w) {
		case "they", "them", "these", "those":
			return true
		}
		return false
	})
}

// itField reports whether w, after "it" (or before "in it"), makes it the
// IT field.
func itField(w string) bool {
	switch w {
	case "audit", "auditor", "auditing", "security", "support", "experience", "industry", "field", "background", "job", "jobs", "role", "roles", "career", "manager", "management", "admin", "operations", "governance", "risk",
		"years", "work", "working", "worked":
		return true
	}
	return false
}

// pointsBack reports whether s opens by pointing back at what came
// before: "does that mean", "is it normal".
func pointsBack(s string) bool {
	f := strings.Fields(strings.Map(lowerRune, s)) // "what's" is "whats"
	if len(f) < 2 {
		return false
	}
	if (f[0] == "what" || f[0] == "whats") && len(f) > 2 && (f[1] == "is" || f[1] == "does") {
		f = f[1:] // "what is that", "what does it mean"
	}
	if f[0] == "which" && strings.Trim(f[1], "?.!,") == "one" {
		return true // "Biba and Bell-LaPadula confuse me. Which one is for integrity?"
	}
	switch f[0] {
	case "does", "is", "was", "will", "would", "can", "could", "did", "should", "whats":
	default:
		return false
	}
	switch strings.Trim(f[1], "?.!,") {
	case "that", "it", "this":
		return true
	}
	return false
}

// alsoOfContext reports whether s ends by asking the same of something
// else ("do I need key lengths for cism too"), which the context says.
func alsoOfContext(s string) bool {
	s = strings.TrimRight(strings.ToLower(s), ".!? ")
	return strings.HasSuffix(s, " too") || strings.HasSuffix(s, " as well") || strings.HasSuffix(s, " also")
}

// LastSentence returns the last sentence of a text of several (as
// sentences splits them), or "": "studying for a while now. cism exam
// dates" ends in "cism exam dates".
func LastSentence(text string) string {
	done, tail := sentences(text)
	if tail != "" {
		done = append(done, tail)
	}
	if len(done) < 2 {
		return ""
	}
	return done[len(done)-1]
}

// opensQuestion reports whether s starts the way a question does ("how
// much", "so is it", "realistically can I"), though it has no question
// mark.
func opensQuestion(s string) bool {
	f := strings.Fields(strings.Map(lowerRune, s))
	for len(f) > 1 {
		w := strings.Trim(f[0], ",:;")
		if w != "so" && w != "and" && w != "but" && w != "also" && w != "ok" && w != "okay" && w != "then" && !strings.HasSuffix(w, "ly") {
			break
		}
		f = f[1:] // "so", "realistically", "honestly,"
	}
	if len(f) < 2 {
		return false
	}
	switch strings.Trim(f[0], ",:;") {
	case "what", "whats", "how", "which", "who", "whose", "why", "when", "where", "can", "could", "is", "are", "was", "were",
		"do", "does", "did", "will", "would", "should", "shall", "may", "might", "am", "has", "have":
		return true
	}
	return false
}

// questionSentences returns the sentences of text that end in a question
// mark, when text also has sentences that do not; otherwise "". A last
// sentence that opens as a question counts as one without its mark when no
// other sentence has one.
func questionSentences(text string) string {
	var asked []string
	other := false
	done, tail := sentences(text)
	for _, s := range done {
		if strings.HasSuffix(s, "?") {
			asked = append(asked, s)
		} else {
			other = true
		}
	}
	if tail != "" {
		if len(asked) == 0 && other && opensQuestion(tail) && !mentionsIt(tail) && !mentionsThey(tail) && !alsoOfContext(tail) {
			// "Planning to book in January. how much is the cissp exam
			// now": a question without its mark after the context. One
			// that points back ("which control catches it", "... for
			// cism too") is read with its context.
			asked = append(asked, tail)
		} else {
			other = true
		}
	}
	if len(asked) == 0 || !other {
		return ""
	}
	return strings.Join(asked, " ")
}

// sentences splits text into the sentences that end in a mark and what
// follows the last of them. A sentence ends at a full stop, question or
// exclamation mark followed by a space or the end ("v1.2" and "e.g."
// inside a word end none, nor does an abbreviation's stop: "incl."); a
// fragment of fewer than three words that is not a question ("cism vs.",
// "hi all.") is not context of its own and runs on into the next.
func sentences(text string) (done []string, tail string) {
	start := 0
	for i, r := range text {
		if r != '?' && r != '.' && r != '!' {
			continue
		}
		end := i + 1 // the marks are one byte
		if end < len(text) && text[end] != ' ' && text[end] != '\n' && text[end] != '\t' {
			continue
		}
		s := strings.TrimSpace(text[start:end])
		if r != '?' && (len(strings.Fields(s)) < 3 || r == '.' && abbreviated(s)) {
			continue
		}
		if strings.TrimRight(s, "?.! ") != "" {
			done = append(done, s)
		}
		start = end
	}
	return done, strings.TrimSpace(text[start:])
}

// abbreviated reports whether s ends in an abbreviation's full stop,
// which ends no sentence ("cism vs cissp incl. annual fees").
func abbreviated(s string) bool {
	f := strings.Fields(strings.ToLower(s))
	switch strings.TrimSuffix(f[len(f)-1], ".") {
	case "incl", "e.g", "eg", "i.e", "ie", "vs", "approx", "esp":
		return true
	}
	return false
}

func (b *Base) analyze(text string) Analysis {
	var q Analysis
	a := b.analyzer
	if a == nil {
		q.Ask = AskSearch
		return q
	}
	raw, toks := normTokens(text)
	if len(toks) > 40 {
		raw, toks = raw[:40], toks[:40]
	}
	raw, toks = a.dropNoise(raw, toks)
	a.fold(toks)
	a.typos.fix(raw, toks) // "endorsment" is "endorsement"
	raw, toks = a.dropNoise(raw, toks)
	raw, toks = a.apply(raw, toks)
	raw, toks = a.dropOpeners(raw, toks)
	raw, toks = a.dropClosers(raw, toks)
	raw, toks = a.dropTrailingYear(raw, toks)
	raw, toks = a.collapseExams(raw, toks)
	named := map[string]bool{}
	severalDomains := false
	// Cues are matched on the question and with the exam names left out,
	// so "what does a cissp certification do" meets "what does a do".
	stripped := make([]string, 0, len(toks))
	pos := make([]int, 0, len(toks))
	for i, w := range toks {
		if c, ok := a.examTok[w]; ok {
			named[c] = true
			continue
		}
		stripped = append(stripped, w)
		pos = append(pos, i)
		if !a.stop[raw[i]] && !a.stop[w] {
			q.Words = append(q.Words, raw[i])
		}
		if w == "domain" && i+1 < len(toks) {
			if n, err := strconv.Atoi(toks[i+1]); err == nil && n > 0 && n < 10 {
				// "domain 1 or domain 7", "domain 2 or 7"
				_, orN := strconv.Atoi(at(toks, i+3))
				severalDomains = severalDomains || (q.DomainN != 0 && q.DomainN != n) || (at(toks, i+2) == "or" && orN == nil)
				q.DomainN = n
			}
		}
	}
	if severalDomains {
		q.DomainN = 0 // "bia: is that domain 1 or domain 7" asks where it sits
	}
	q.Objective = objectiveIn(text)
	full := a.matches(toks, nil, nil)
	// A detail is noted, not matched: it changes nothing of what is asked,
	// but a fact cue within its words is the detail's ("can my employer
	// pay": not the roles employers hire for).
	var details []match
	full = slices.DeleteFunc(full, func(m match) bool {
		if m.t.kind == "detail" && q.Detail == "" {
			q.Detail = m.t.key
		}
		if m.t.kind == "detail" {
			details = append(details, m)
		}
		return m.t.kind == "detail"
	})
	ms := a.matches(stripped, pos, full)
	ms = slices.DeleteFunc(ms, func(m match) bool {
		return m.t.kind == "detail" || m.t.kind == "attr" && slices.ContainsFunc(details, func(d match) bool {
			return d.start <= m.start && m.end <= d.end && m.n < d.n
		})
	})
	ms = a.elided(toks, ms)
	if len(named) == 0 && !a.inContext(toks, q.Words, ms) {
		ms = a.dropAmbiguous(ms, &full)
		words := q.Words[:0:0] // out of context it is not a subject either
		for _, w := range q.Words {
			if !a.ambig[stem(w)] {
				words = append(words, w)
			}
		}
		q.Words = words
	}

	q.Unmatched = a.unmatched(raw, toks, ms)
	var cues, subjects []match // subjects: terms and topics, matched without the exam names
	for i, m := range ms {
		switch {
		case m.t.kind == "exam":
			named[m.t.key] = true
		case m.t.kind == "term" || m.t.kind == "topic":
			if i >= len(full) {
				subjects = append(subjects, m)
			}
		default:
			cues = append(cues, m)
		}
	}
	cues, subjects = settleOverlaps(cues, subjects)
	examTalk := len(named) > 0 || slices.ContainsFunc(toks, func(t string) bool { return a.examNoun[t] })
	subjects = a.dropEveryday(text, cues, subjects, len(q.Unmatched) > 0, examTalk)
	if !mentionsIt(text) {
		cues, subjects = a.dropBackground(toks, cues, subjects)
	}
	termMs := ofKind(subjects, "term")
	c := cueSet{intents: map[string]bool{}, intentCue: map[string]match{}, subjects: subjects, terms: termMs, severalDomains: severalDomains, comparedAs: b.Vocab.ComparedAs, betweenExams: b.Vocab.BetweenExams, generalTable: b.Vocab.GeneralTable, together: b.Vocab.ComparedTogether, shared: a.shared, outlineKeys: b.Vocab.OutlineKeys, weightsKeys: b.Vocab.WeightsKeys, orderWords: a.order, toks: toks}
	c.examTalk = examTalk
	for _, m := range cues {
		switch m.t.kind {
		case "intent":
			if !c.intents[m.t.key] {
				q.Intents = append(q.Intents, m.t.key)
			}
			c.intents[m.t.key] = true
			c.intentMs = append(c.intentMs, m)
			if s, ok := c.intentCue[m.t.key]; !ok || stronger(m, s) {
				c.intentCue[m.t.key] = m
			}
		case "refusal":
			c.refusals = append(c.refusals, m)
		case "usage":
			c.usage = append(c.usage, m)
		case "attr":
			c.attrs = append(c.attrs, m)
		case "uncovered":
			if !slices.Contains(q.Uncovered, m.t.key) {
				q.Uncovered = append(q.Uncovered, m.t.key)
			}
		}
	}
	for _, id := range a.certs {
		if named[id] {
			q.Exams = append(q.Exams, id)
		}
	}
	// A fact phrase of filler words only ("how much") asks for nothing
	// when anything else is asked: "how much do cism and cissp overlap".
	if slices.ContainsFunc(c.attrs, func(m match) bool { return m.content > 0 }) || len(subjects) > 0 ||
		slices.ContainsFunc(q.Intents, func(k string) bool { return k != "define" }) {
		c.attrs = slices.DeleteFunc(c.attrs, func(m match) bool { return m.content == 0 })
	}
	if len(q.Exams) == 2 {
		if cert := a.issuerAsked(toks, c.attrs); cert != "" {
			q.Exams = []string{cert}
		}
	}
	q.fillerFacts = len(c.attrs) > 0 && !slices.ContainsFunc(c.attrs, func(m match) bool { return m.content > 0 })
	if len(c.attrs) > 0 {
		q.factCue = strongest(c.attrs)
	}
	keys := rankKeys(c.attrs) // sorts c.attrs best first, as tiedKeys needs
	if len(q.Exams) == 1 && a.holds(toks, q.Exams[0]) && slices.ContainsFunc(keys, b.leadsBetween) {
		// "I have a CISM: can I get years waived?" asks about the other
		// exam as much as the one held.
		q.Exams = slices.Clone(a.certs)
	}
	if len(q.Exams) == 2 && c.intents["which-first"] && !c.intents["compare"] {
		keys = b.withWhichFirst(c.attrs, keys)
	}
	q.Attributes = b.betweenExams(keys, len(q.Exams) == 2 && !a.examsJoined(toks))
	q.Tied = tiedKeys(c.attrs, q.Attributes)
	q.AlsoAsked = alsoAsked(c.attrs, q.Attributes)
	q.Terms, q.Topic = pickSubjects(subjects)
	if q.Topic == "" && len(q.Terms) == 1 {
		c.termTopic = topicInside(subjects)
	}
	q.Refusal = c.refusal(len(q.Exams))
	noExam := !examTalk
	if q.Refusal == "worth-it" && noExam && len(q.Terms) > 0 {
		// "why bother salting passwords": a concept's worth is asked, not a
		// certification's ("are these certs worth it with ai"), and its
		// definition answers.
		q.Refusal = ""
	}
	if q.Refusal != "" && noExam && len(q.Attributes) == 0 && q.Topic == "" && !slices.ContainsFunc(c.refusals, func(m match) bool { return !m.weak }) {
		// "why do websites show this kind of message": a word that asks
		// for a study product only beside an exam ("which website for
		// cissp") asks nothing of the kind alone.
		q.Refusal = ""
	}
	if q.Refusal != "" && q.Refusal != "salary" && noExam && len(q.Terms) > 0 && c.loneRefusalWord() {
		// "any small businesses out there with a true dmz": no exam in
		// sight, a concept named, and a lone refusal word is about it, not
		// about passing or choosing ("is the iam domain hard for me" is).
		q.Refusal = ""
	}
	c.placedTerm = slices.ContainsFunc(q.Terms, func(id string) bool {
		t := b.Term(id)
		return t != nil && len(t.Objectives) > 0
	})
	if q.Refusal == "pass-rate" && noExam && c.placedTerm {
		// "what is the pass rate of phishing simulations": a security
		// concept's rate, of which no exam says anything.
		q.Refusal = ""
	}
	if cmpCue, ok := c.intentCue["compare"]; ok && cmpCue.n == 1 && len(q.Exams) < 2 && comparesWithinKey(c.attrs, cmpCue) {
		// "group a vs group b cpe": the two sides are one fact's words, so
		// that fact is asked, not the two exams compared.
		delete(c.intents, "compare")
		delete(c.intentCue, "compare")
	}
	if q.Objective == "" && len(q.Exams) == 1 && c.placeAsked() && onlyOutlineKeys(q.Attributes, c.outlineKeys) {
		if id := a.titledObjective(q.Exams[0], toks); id != "" {
			// The subtopic named by its own title: that subtopic, in its
			// domain, whatever term or topic its words also name.
			q.Objective, q.Terms, q.Topic, q.Attributes = id, nil, "", nil
		}
	}
	q.Ask = c.decide(&q)
	if q.Ask == AskWhere && len(q.Terms) == 0 && len(q.Attributes) > 0 && !c.placeAsked() {
		// Coverage asked of a topic that is in no outline ("does the
		// cissp fee include training": cost) asks the fact named.
		if t, ok := b.Topic(q.Topic); ok && len(t.Domains) == 0 && len(t.Objectives) == 0 {
			q.Ask, q.Topic = AskFact, ""
		}
	}
	if near := a.near[q.Detail]; near != "" {
		askNear(&q, near)
	}
	if q.Ask == AskFact && len(q.Attributes) == 0 {
		// "cissp", "what is cism", "what are cism and cissp": what the names stand for.
		q.Attributes = []string{"full_name"}
	}
	return q
}

// askNear makes a question about a detail no source gives ask for the
// fact nearest to it: when it asks for nothing else ("does isc2 offer
// payment plans"), when it names the fact beside concepts ("can I claim
// cpe for my job duties, like the IR work": a CPE detail, not CPE
// compared with incident management), or names it among others as
// strongly ("is there a student discount for cism": the fee, not the
// experience).
func askNear(q *Analysis, near string) {
	switch i := slices.Index(q.Attributes, near); {
	case q.Ask == AskSearch && len(q.Terms) == 0 && q.Topic == "" && q.Refusal == "":
		q.Ask, q.Attributes, q.Tied = AskFact, []string{near}, 1
	case q.Ask == AskConcepts && i >= 0:
		q.Ask, q.Attributes, q.Tied = AskFact, []string{near}, 1
	case q.Ask == AskWhichFirst && len(q.Attributes) == 0 && len(q.Terms) == 0 && q.Topic == "" && !slices.Contains(q.Intents, "compare"):
		// "do students get a discount on the cissp or cism exam": the
		// exams named as alternatives, the detail's fact is the nearest.
		q.Ask, q.Attributes, q.Tied = AskFact, []string{near}, 1
	case q.Ask == AskFact && i > 0 && i < q.Tied:
		q.Attributes = append([]string{near}, slices.Delete(slices.Clone(q.Attributes), i, i+1)...)
	}
}

// cueSet is what a question's cue phrases matched, by kind: what the
// decision of what it asks weighs.
type cueSet struct {
	examTalk bool // an exam or an exam noun is named
	// placedTerm: a term named sits in an outline (a security concept,
	// not a word of the exams' own such as CPE or AMF).
	placedTerm bool
	attrs      []match // fact cues
	refusals   []match
	usage      []match // phrases about using certcoach itself
	intentMs   []match
	subjects   []match // terms and topics
	terms      []match
	// intents are the intent keys matched, intentCue the strongest
	// phrase of each.
	intents        map[string]bool
	intentCue      map[string]match
	severalDomains bool                // "is that domain 1 or domain 7"
	termTopic      string              // a topic named inside the one term named ("supply chain" in "supply chain risk")
	comparedAs     map[string]string   // Vocabulary.ComparedAs
	orderWords     map[string]bool     // analyzer.order
	betweenExams   map[string][]string // Vocabulary.BetweenExams
	generalTable   []string            // Vocabulary.GeneralTable
	together       map[string][]string // Vocabulary.ComparedTogether
	shared         map[string]bool     // analyzer.shared
	outlineKeys    []string            // Vocabulary.OutlineKeys
	weightsKeys    []string            // Vocabulary.WeightsKeys
	toks           []string
}

// issuerAsked returns the exam whose issuer a fact cue is asked of by
// name, or "": with both exams named, "is cism still on the isc2 waiver
// list" asks CISSP's list.
func (a *analyzer) issuerAsked(toks []string, attrs []match) string {
	for _, m := range attrs {
		c := a.issuer[at(toks, m.start-1)]
		if c == "" {
			continue
		}
		// "like the isc2 endorsement" names it to compare, not to ask.
		compared := slices.ContainsFunc([]string{at(toks, m.start-2), at(toks, m.start-3)}, func(w string) bool {
			return w == "like" || w == "than" || w == "as" || w == "vs" || w == "versus"
		})
		// "the isaca and isc2 ethics codes" asks of both.
		joined := (at(toks, m.start-2) == "and" || at(toks, m.start-2) == "or") && a.examTok[at(toks, m.start-3)] != "" && a.examTok[at(toks, m.start-3)] != c
		if !compared && !joined {
			return c
		}
	}
	return ""
}

// refusal returns the refusal class the question asks for, or "", given
// how many exams are named.
func (c *cueSet) refusal(exams int) string {
	both := exams == 2
	refusals := c.yieldWeak()
	if len(refusals) == 0 || len(c.attrs) > 0 && factOverRefusal(strongest(c.attrs), strongest(refusals)) {
		return ""
	}
	class := headRefusal(refusals)
	// Whether a study product is worth it, or which to get, asks for a
	// vendor: "should I get the Sybex OSG or the All-in-One".
	if class == "worth-it" && slices.ContainsFunc(c.refusals, func(m match) bool { return m.t.key == "vendor" }) {
		class = "vendor"
	}
	// "Is it worth it" and "is it hard" asked of the two exams side by
	// side ("cism or cissp, which is harder") compare them, which the
	// sources can do; "is cism worth it if I already have cissp" does not.
	r := strongest(refusals)
	compared := func(k string) bool { s, ok := c.intentCue[k]; return ok && s.start < r.start }
	// "should i get cism or cissp": the exams offered as alternatives
	// (a which-first phrase of their names alone) are compared too.
	alternatives := slices.ContainsFunc(c.intentMs, func(m match) bool { return m.t.key == "which-first" && m.content == 0 })
	// "which would be easier for me" asks about the asker, which no
	// source knows, though the exams are weighed.
	personal := class == "personal-difficulty" && r.aboutAsker()
	if (class == "worth-it" || class == "personal-difficulty") && both && !personal && (r.content < 2 || r.weak) && (compared("which-first") || compared("compare") || c.asksOrder() || alternatives) {
		return ""
	}
	// "do security experts recommend bcrypt": the technique named right
	// after a lone vendor word is what is asked about, not a study product.
	if class == "vendor" && r.content < 2 && slices.ContainsFunc(c.terms, func(t match) bool { return t.start >= r.end && t.start <= r.end+1 }) {
		return ""
	}
	// "is the new cism harder" asks how hard one exam is; "is cism harder
	// than cissp" and "which exam is easier" weigh the two.
	if class == "personal-difficulty" && r.weak && exams != 1 && c.intents["which-first"] {
		return ""
	}
	return class
}

// loneRefusalWord reports whether the strongest refusal cue is one content
// word that does not speak of the asker ("hard", "good idea"; not "hard for
// me").
func (c *cueSet) loneRefusalWord() bool {
	if len(c.refusals) == 0 {
		return false
	}
	r := strongest(c.refusals)
	return r.content < 2 && !r.aboutAsker()
}

// aboutAsker reports whether the phrase speaks of the asker ("hard for me").
func (m match) aboutAsker() bool { return slices.Contains(m.toks, "me") }

// yieldWeak returns the refusal cues without the weak ones when anything
// else is asked before the first weak one ("what is cobit ... in the cism
// material", not "which bootcamp is good for cism, online or in person"),
// or a cue of two words or more is anywhere ("old book ... how out of date
// is that"), or two glossary terms are named ("got a practice question
// wrong because I treated hashing like encryption").
func (c *cueSet) yieldWeak() []match {
	first := -1
	for _, m := range c.refusals {
		if m.weak && (first < 0 || m.start < first) {
			first = m.start
		}
	}
	if first < 0 {
		return c.refusals
	}
	before := func(m match) bool { return m.start < first || m.content >= 2 }
	if len(c.terms) >= 2 || slices.ContainsFunc(c.attrs, before) || slices.ContainsFunc(c.subjects, before) ||
		slices.ContainsFunc(c.intentMs, func(m match) bool { return m.t.key != "define" && before(m) }) {
		return slices.DeleteFunc(slices.Clone(c.refusals), func(m match) bool { return m.weak })
	}
	return c.refusals
}

// factOverRefusal reports whether fact cue f outweighs refusal cue r. A
// refusal cue is weighed like any phrase: the stronger says what the
// question asks ("how much do I pay for the exam" asks for the fee, "how
// much do holders earn" for pay). Between equals, a lone refusal word does
// not outweigh a fact word before it ("the website to register"), though
// it does one after it ("cissp salary for a dod contractor").
func factOverRefusal(f, r match) bool {
	if f.content == r.content && r.n >= 2 && r.start < f.start {
		return false // "what salary band ... with 8 yrs of experience": the refusal cue comes first
	}
	return stronger(f, r) || (!stronger(r, f) && r.n == 1 && f.start < r.start)
}

// outweighs reports whether intent k is asked and says more than every
// fact cue: "which one to take first" is not asked for the focus fact by
// "less technical background".
func (c *cueSet) outweighs(k string) bool {
	return c.intents[k] && (len(c.attrs) == 0 || stronger(c.intentCue[k], strongest(c.attrs)))
}

// factOverWhere reports whether a fact cue says more than the where cue;
// one that only names an outline (OutlineKeys) does not count.
func (c *cueSet) factOverWhere() bool {
	attrs := slices.DeleteFunc(slices.Clone(c.attrs), func(m match) bool { return slices.Contains(c.outlineKeys, m.t.key) })
	if c.placeAsked() && slices.Contains(c.intentCue["where"].toks, "domain") {
		// "which cissp domain covers the code of ethics": a fact cue that
		// names a topic too names what is placed ("map to" may ask a fact:
		// "what job titles does cissp map to").
		attrs = slices.DeleteFunc(attrs, func(a match) bool {
			return slices.ContainsFunc(c.subjects, func(s match) bool { return s.t.kind == "topic" && a.start < s.end && s.start < a.end })
		})
	}
	if len(attrs) == 0 {
		return false
	}
	// Coverage asked of terms that are all fact words ("is the amf
	// included in the cissp fee") asks the fact, not where they sit.
	over := func(t match) bool {
		return slices.ContainsFunc(attrs, func(a match) bool { return a.start < t.end && t.start < a.end })
	}
	if !c.placeAsked() && len(c.terms) > 0 && !slices.ContainsFunc(c.terms, func(t match) bool { return !over(t) }) {
		return true
	}
	return stronger(strongest(attrs), c.intentCue["where"])
}

// refusalIs reports whether the strongest refusal cue is one of phrases.
func (c *cueSet) refusalIs(phrases ...string) bool {
	if len(c.refusals) == 0 {
		return false
	}
	r := strings.Join(strongest(c.refusals).toks, " ")
	for _, p := range phrases {
		if strings.Join(phraseTokens(p), " ") == r {
			return true
		}
	}
	return false
}

// uncoveredWeighed reports whether an uncovered certification is weighed
// against the exam named: the question has an "or", "vs" or "than" (a
// question that names both certifications and weighs anything).
func (c *cueSet) uncoveredWeighed() bool {
	return slices.ContainsFunc(c.toks, func(t string) bool { return t == "or" || t == "vs" || t == "versus" || t == "than" })
}

// placeAsked reports whether the question asks where a subject sits in
// the outlines ("which domain", "where does it fall"), not only whether it
// is covered.
func (c *cueSet) placeAsked() bool {
	return slices.ContainsFunc(c.intentMs, func(m match) bool { return m.t.key == "where" && !m.weak })
}

// beats reports whether intent k's strongest phrase says more than intent o's.
func (c *cueSet) beats(k, o string) bool { return stronger(c.intentCue[k], c.intentCue[o]) }

// factOutsideTerms reports whether a fact cue is more than a term's own
// word ("ciso"), which asks for nothing when terms are what is named.
func (c *cueSet) factOutsideTerms() bool {
	return slices.ContainsFunc(c.attrs, func(m match) bool {
		return !slices.ContainsFunc(c.terms, func(t match) bool { return t.start <= m.start && m.end <= t.end })
	})
}

// plainTerm reports whether a term is named that no fact cue shares words
// with ("risk appetite" beside "the ciso").
func (c *cueSet) plainTerm() bool {
	return slices.ContainsFunc(c.terms, func(t match) bool {
		return !slices.ContainsFunc(c.attrs, func(m match) bool { return m.start < t.end && t.start < m.end })
	})
}

// aside reports whether the fact cues ask about the exams only in passing
// when a term is named and no exam is: one word each and none a term's own
// word ("crypto-shredding: how does it work", "what role does a steering
// committee play").
func (c *cueSet) aside() bool {
	return len(c.attrs) > 0 && strongest(c.attrs).content <= 1 && !slices.ContainsFunc(c.attrs, func(m match) bool {
		return slices.ContainsFunc(c.terms, func(t match) bool { return t.start < m.end && m.start < t.end })
	})
}

// decide returns what question q asks, given its cues; the first case
// that holds wins, so the order is the rule's priority. AskFact with no
// Attributes asks what the exams named stand for.
func (c *cueSet) decide(q *Analysis) Ask {
	intents := c.intents
	one := len(q.Exams) == 1
	switch {
	case len(c.usage) > 0 && !intents["study-time"] && q.Refusal == "" && len(q.Attributes) == 0 && len(q.Terms) == 0 && q.Topic == "" && len(q.Uncovered) == 0:
		// "what can you do", "quiz me on the cissp": nothing about the
		// exams themselves is asked, so the command's help answers.
		q.Command = strongest(c.usage).t.key
		return AskUsage
	case len(q.Uncovered) > 0 && len(q.Exams) == 1 && len(q.Attributes) == 0 && len(q.Terms) == 0 && (q.Topic == "" || c.uncoveredWeighed()) && (q.Refusal == "" || (q.Refusal == "worth-it" || q.Refusal == "personal-difficulty") && c.uncoveredWeighed()):
		// "should i get cisa or cism", "is ccsp better than cissp", "is
		// pmp useful with cism": the other certification is what is asked
		// about, and no source covers it, for a topic too ("cisa or cism
		// which is better": the roles).
		return AskUncovered
	case q.Refusal == "worth-it" && q.Topic == "career-roles" && !one && (intents["compare"] || c.refusalIs("which is better", "which one is better")):
		// "which is better for a manager": the exams weighed for a role,
		// which the roles comparison answers from its sources.
		q.Refusal = ""
		return AskCompare
	case q.Refusal != "":
		return AskRefusal
	case len(q.Uncovered) > 0 && len(q.Exams) < 2 && (intents["compare"] || intents["which-first"] || (len(q.Exams) == 0 && len(q.Attributes) == 0)):
		// "cism vs cisa", "what is crisc": not covered. A fact asked with
		// no exam named ("is cisa still on the waiver list") goes on:
		// the answer keeps only facts that mention the name.
		return AskUncovered
	case intents["compare"] && len(q.Terms) >= 2 && !(len(q.Exams) == 2 && q.Topic != "") && !(len(q.Exams) > 0 && c.placeAsked()):
		return AskConcepts
	case len(q.Terms) >= 2 && len(q.Exams) == 0 && !c.factOutsideTerms() && !intents["where"]:
		// "rto or rpo", "what are bcp and drp": two concepts named with
		// nothing else asked: both definitions.
		return AskConcepts
	case intents["compare"] && len(q.Terms) == 1 && len(q.Exams) == 0 && len(q.Attributes) == 0:
		// "how does zero trust differ from perimeter security", "soc 1 vs
		// soc 2": one glossary entry is named, and it answers.
		return AskDefine
	case !one && (len(q.Exams) == 2 || intents["compare"] || intents["which-first"]) && c.comparedTogether(q.Attributes) != "":
		// "all-in cost of cism vs cissp including the yearly fees": the
		// cost comparison has both fees of both exams.
		q.Topic = c.comparedTogether(q.Attributes)
		return AskCompare
	case !one && len(q.Attributes) > 0 && slices.Contains(c.together[q.Topic], q.Attributes[0]) && c.topicNamed(q.Topic):
		// "total cost of both, exam plus yearly fees": the topic itself
		// is asked, in words of its own, and one of its facts beside it.
		return AskCompare
	case intents["compare"] && !one && len(q.Attributes) >= 2 && c.inGeneralTable(q.Attributes[:1]):
		// Two or more facts compared ("how do they differ in exam
		// pattern and eligibility"): the general table has them side by
		// side, whatever topic a word of them also names ("cost"). Facts
		// it lacks ("retake policy cism vs cissp") are answered as facts.
		q.Topic = ""
		return AskCompare
	case intents["compare"] && !one && len(q.Attributes) == 1 && c.shared[q.Attributes[0]] && c.comparedAs[q.Attributes[0]] == "" && q.Topic != "" && !c.topicNamed(q.Topic) && strongest(c.attrs).content >= 2:
		// "which has the cheaper annual fee, isaca or isc2": one fact both
		// exams have, named in words of its own, compared; the topic a
		// word of it also names ("cheaper", "annual fee") says less.
		return AskFact
	case intents["compare"] && !one && q.Topic != "" && q.Topic != "which-first":
		// "cpe rules side by side for cism and cissp": the topic's
		// comparison is written for exactly that, and gives both facts.
		return AskCompare
	case c.placeAsked() && len(q.Terms) > 0 && len(q.Attributes) == 0 && c.intentCue["which-first"].content == 0:
		// "the pci dss is coming in cism or cissp exam, in which part?":
		// the exams named as alternatives, where the term sits is asked.
		return AskWhere
	case len(q.Exams) == 2 && c.asksOrder() && !c.outweighs("study-time") && !(intents["compare"] && c.beats("compare", "which-first")) && (len(q.Attributes) == 0 || c.betweenExams[q.Attributes[0]] == nil):
		// "should i do cissp before cism, i want a manager role": the
		// order is asked; the role, topic or "does it make sense" beside
		// it is the asker's situation. One exam helping with the other
		// (the cross-waiver) is still the fact asked.
		return AskWhichFirst
	case len(q.Attributes) == 1 && c.comparedAs[q.Attributes[0]] == comparedInGeneral && intents["compare"] && !one:
		// "how do the cism and cissp tests differ in format": the
		// general table has the items, length, scoring and types side by side.
		q.Topic = ""
		return AskCompare
	case len(q.Attributes) == 1 && c.comparedAs[q.Attributes[0]] != "" && c.comparedAs[q.Attributes[0]] != comparedInGeneral && (len(q.Exams) == 2 || len(q.Exams) == 0 && (intents["compare"] || intents["which-first"])) && !c.outweighs("which-first"):
		// "cism or cissp for a ciso role", "cpe requirements compared":
		// the topic's comparison answers for both exams.
		q.Topic = c.comparedAs[q.Attributes[0]]
		return AskCompare
	case c.outweighs("study-time") && (!intents["which-first"] || c.beats("study-time", "which-first")) && (!intents["domain-weights"] || c.beats("study-time", "domain-weights")):
		// "how should study time be divided across the domains" asks for
		// the weights to divide it by.
		// "do people take more time to prepare cism or cissp"
		return AskStudyTime
	case c.outweighs("which-first") && !one && q.Topic != "" && q.Topic != "which-first" && q.Topic != "career-roles" && !c.asksOrder():
		// "which covers incident response better, cism or cissp": the
		// exams compared on that topic.
		return AskCompare
	case c.outweighs("which-first") && !one && !(intents["compare"] && c.beats("compare", "which-first")) && (c.examTalk || len(q.Terms) == 0 || c.asksOrder()):
		// Without an exam in sight, "is sha-256 harder to crack than md5"
		// asks about the concept, not which exam to take.
		// "which is more technical, cism or cissp" compares them.
		return AskWhichFirst
	case intents["compare"] && len(q.Exams) == 0 && q.Topic == "" && len(q.Terms) == 0 && len(q.Unmatched) >= 2:
		// "inference vs aggregation attacks": two things the base does
		// not know compared, not the two exams.
		return AskSearch
	case intents["compare"] && !one && len(q.Attributes) == 0 && len(q.Terms) == 0 && q.Topic == "" && (intents["domain-weights"] || intents["domain-list"]):
		// "domain percentages for cism and cissp side by side": both lists.
		return AskDomainWeights
	case len(q.Exams) == 2 && len(q.Attributes) == 0 && c.termTopic != "" && !c.placeAsked() && !intents["define"]:
		// "supply chain risk, covered differently in cism and cissp?", "is
		// security governance more of a cism thing": the exams compared on
		// the topic whose words the term holds.
		q.Topic = c.termTopic
		return AskCompare
	case intents["compare"] && !one && len(q.Attributes) == 0:
		return AskCompare
	case len(q.Exams) == 2 && q.Topic != "" && len(q.Attributes) == 0 && !(c.placeAsked() && q.DomainN == 0) && !(intents["where"] && c.intentCue["where"].content >= 2):
		// "does cissp go as deep on governance as cism does": both exams
		// and a topic named, the topic's comparison answers, unless where
		// the topic sits is asked ("where does the bia fall in each exam").
		return AskCompare
	case intents["study-time"] && (!intents["domain-weights"] || c.beats("study-time", "domain-weights")) && (len(c.attrs) == 0 || strongest(c.attrs).content <= c.intentCue["study-time"].content+1):
		// A fact cue that says more is what is asked: "provisional pass
		// on screen, how long till the official email" asks the results.
		return AskStudyTime
	case q.DomainN > 0 && len(q.Terms) > 0 && (c.outweighs("define") || len(q.Attributes) == 0 && !intents["where"] && !intents["domain-weights"]):
		// "event vs incident d7": the term is asked, the domain says where.
		// "reference monitor concept for cissp domain 3, can someone explain"
		return AskDefine
	case q.Objective != "" && one && len(q.Attributes) == 0 && len(q.Terms) == 0 && q.Topic == "" && objectiveOf(q.Objective) == q.Exams[0]:
		// "what does cissp 1.2 cover", "cism 2b1": that objective, in its domain.
		q.DomainN = int(q.Objective[0] - '0')
		return AskDomain
	case q.DomainN > 0 && intents["domain-weights"] && intents["earlier"]:
		// "did domain 8's weight drop in the refresh": the weights list
		// says what moved between the outlines.
		return AskDomainWeights
	case q.DomainN > 0:
		return AskDomain
	case intents["domain-weights"] && intents["where"] && c.beats("domain-weights", "where"):
		// "what percentage of the cism exam covers incident management"
		return AskDomainWeights
	case (c.severalDomains || (intents["where"] && !c.factOverWhere())) && (len(q.Terms) > 0 || q.Topic != "" && (len(q.Attributes) == 0 || intents["where"])):
		return AskWhere
	case intents["domain-weights"] && len(q.Attributes) > 0 && slices.Contains(c.weightsKeys, q.Attributes[0]):
		// "cism pre-2022 domain weights": that outline's weights fact.
		return AskFact
	case intents["domain-weights"] && !c.examTalk && c.placedTerm && q.DomainN == 0:
		// "what is the weighting of risks in a risk matrix": with no exam
		// in sight, a concept's own weights, not the outlines'.
		return AskDefine
	case intents["domain-weights"] && (c.intentCue["domain-weights"].content > 0 || len(c.attrs) == 0 || !stronger(strongest(c.attrs), c.intentCue["domain-weights"])):
		// Unless filler words only ("how much of") ask it and a fact cue
		// says more: "how much of that counts" after "worked 25 hrs a
		// week" asks the part-time rule.
		return AskDomainWeights
	case intents["domain-list"] && len(q.Attributes) == 0 && len(q.Terms) == 0:
		return AskDomainList
	case len(q.Terms) > 0 && (len(q.Exams) == 0 && (intents["define"] || len(c.attrs) == 0 || c.aside()) || intents["define"] && (c.aside() || !c.factOutsideTerms() && c.plainTerm())) && !factTerm(c.attrs, c.terms):
		// With no exam named, "what is a ciso" wants the definition,
		// not the roles fact that also knows the word. But "what are
		// group a and group b cpes" asks the CPE fact by more words. With
		// an exam named, a definition asked for beats fact words beside
		// it ("in isaca terms what does risk appetite mean").
		return AskDefine
	case len(q.Attributes) > 0 && !c.examTalk && c.placedTerm && !factTerm(c.attrs, c.terms):
		// "do i need experience to run a pentest", "what is the passing
		// score for a vulnerability scan in pci": with no exam in sight,
		// a fact's words beside a security concept ask about the concept.
		return AskDefine
	case len(q.Attributes) > 0:
		return AskFact
	case len(q.Terms) > 0:
		return AskDefine
	case q.Topic != "":
		return AskTopic
	case len(q.Exams) == 2 && len(q.Words) == 0 && !intents["define"]:
		return AskWhichFirst // "cism or cissp?"
	case one && c.asksOrder():
		return AskWhichFirst // "is starting with cism a smart move?"
	case len(q.Exams) > 0 && len(q.Words) == 0:
		return AskFact // what the names stand for
	}
	return AskSearch
}

// tiedKeys counts the leading keys that are asked for equally: those of the
// strongest matches of attrs (sorted best first by rankKeys), and any key
// put before them that no phrase asked for (betweenExams').
func tiedKeys(attrs []match, keys []string) int {
	tied := map[string]bool{}
	asked := map[string]bool{}
	for _, m := range attrs {
		asked[m.t.key] = true
		if !stronger(attrs[0], m) {
			tied[m.t.key] = true
		}
	}
	n := 0
	for _, k := range keys {
		if asked[k] && !tied[k] {
			break
		}
		n++
	}
	return n
}

// examsJoined reports whether the two exam names are joined as the same
// part of the question ("waive for cissp and for cism", "cism or cissp"):
// both are asked about alike, neither helps with the other.
func (a *analyzer) examsJoined(toks []string) bool {
	last := -1
	for i, t := range toks {
		if a.examTok[t] == "" {
			continue
		}
		if last >= 0 && a.examTok[toks[last]] != a.examTok[t] && i-last <= 3 {
			joined, link := true, false
			for _, w := range toks[last+1 : i] {
				switch w {
				case "and", "or", "vs", "versus", "&":
					link = true
				case "for", "the":
				default:
					joined = false
				}
			}
			if joined && link {
				return true
			}
		}
		last = i
	}
	return false
}

// betweenExams drops the keys about one exam helping with the other unless
// both exams are named ("does helpdesk time count toward cissp" is not
// about CISM), and with both named puts such a key first when a key it
// lists is asked ("i have a cissp: any experience waiver for cism?").
func (b *Base) betweenExams(keys []string, both bool) []string {
	between := b.Vocab.BetweenExams
	if !both {
		return slices.DeleteFunc(keys, func(k string) bool { _, ok := between[k]; return ok })
	}
	var lead []string // sorted: the order must not be the map's
	for _, k := range slices.Sorted(maps.Keys(between)) {
		if !slices.Contains(keys, k) && slices.ContainsFunc(keys, func(x string) bool { return slices.Contains(between[k], x) }) {
			lead = append(lead, k)
		}
	}
	return append(lead, keys...)
}

// withWhichFirst puts first the Vocabulary.WithWhichFirst keys that a cue
// of two words or more in attrs asks for, when which-first is asked of both
// exams: "does doing cissp first make it easier to qualify for cism" asks
// what one exam does for the other's experience.
func (b *Base) withWhichFirst(attrs []match, keys []string) []string {
	for _, k := range slices.Sorted(maps.Keys(b.Vocab.WithWhichFirst)) {
		via := b.Vocab.WithWhichFirst[k]
		if !slices.Contains(keys, k) && slices.ContainsFunc(attrs, func(m match) bool { return m.content >= 2 && slices.Contains(via, m.t.key) }) {
			keys = append([]string{k}, keys...)
		}
	}
	return keys
}

// leadsBetween reports whether key k, asked with both exams named, asks
// for a key about one exam helping with the other.
func (b *Base) leadsBetween(k string) bool {
	for _, via := range b.Vocab.BetweenExams {
		if slices.Contains(via, k) {
			return true
		}
	}
	return false
}

// holds reports whether the question says its asker holds exam cert ("I
// have a cism", "already hold cissp"): a verb of holding shortly before
// its name.
func (a *analyzer) holds(toks []string, cert string) bool {
	for i, w := range toks {
		if a.examTok[w] != cert {
			continue
		}
		// "i have a master's in cs and a cism": a few words may come
		// between, and the asker is the one holding ("cisa got dropped
		// from the cissp list" holds nothing).
		for j := i - 1; j >= 0 && j >= i-8; j-- {
			switch toks[j] {
			case "have", "hold", "got", "earned", "passed":
				switch at(toks, j-1) {
				case "i", "ive", "already", "we":
					return true
				}
			case "holding":
				return true
			}
		}
	}
	return false
}

// at returns toks[i], or "" outside toks.
func at(toks []string, i int) string {
	if i < 0 || i >= len(toks) {
		return ""
	}
	return toks[i]
}

// elided adds the terms named by a shared last word: "inherent and
// residual risk" names inherent risk too, "hot or cold sites" hot site.
func (a *analyzer) elided(toks []string, ms []match) []match {
	for _, m := range ms {
		s := m.start
		if m.t.kind != "term" || len(m.toks) < 2 || s < 2 || slices.Contains(m.toks, gap) {
			continue
		}
		switch toks[s-1] {
		case "and", "or", "vs", "versus":
		default:
			continue
		}
		for _, p := range a.byFirst[toks[s-2]] {
			if p.t.kind == "term" && p.t.key != m.t.key && len(p.toks) == len(m.toks) && slices.Equal(p.toks[1:], m.toks[1:]) {
				ms = append(ms, match{start: s - 2, end: s - 1, n: len(p.toks), phrase: p})
				break
			}
		}
	}
	return ms
}

// collapseExams writes "the cism exam" as "cism": "the cism or the
// cissp" meets "cism or cissp", and with the names left out "what does a
// cissp certification do" meets "what does a do".
func (a *analyzer) collapseExams(raw, toks []string) ([]string, []string) {
	exam := func(i int) bool { return i >= 0 && i < len(toks) && a.examTok[toks[i]] != "" }
	drop := func(i int) bool { return (toks[i] == "the" && exam(i+1)) || (a.examNoun[toks[i]] && exam(i-1)) }
	n := 0
	for i := range toks {
		if drop(i) {
			n++
		}
	}
	if n == 0 {
		return raw, toks
	}
	r, t := make([]string, 0, len(toks)-n), make([]string, 0, len(toks)-n)
	for i := range toks {
		if !drop(i) {
			r, t = append(r, raw[i]), append(t, toks[i])
		}
	}
	return r, t
}

// inContext reports whether the ambiguous words of a question that names
// no exam are meant as cues: an exam noun is there, another phrase is
// recognised, or there is nothing else to ask about ("what is a cat", "how
// does computerized adaptive testing (cat) work"; not "my cat ate my notes").
func (a *analyzer) inContext(toks []string, words []string, ms []match) bool {
	for _, w := range toks {
		if a.examNoun[w] {
			return true
		}
	}
	for _, m := range ms {
		if len(m.toks) > 1 || !a.ambig[m.toks[0]] {
			return true
		}
	}
	for _, w := range words {
		if !a.ambig[stem(w)] {
			return false
		}
	}
	return true
}

// dropEveryday removes the subjects named only by an everyday word
// (Vocabulary.Everyday) that the question does not mean as a term: it is
// not written in capitals, and a fact or refusal is asked, or nothing
// else (an intent, another subject) makes it the subject while some
// words are left unexplained ("got 430, how far off is that"). Terms
// compared are meant ("policy vs standard").
func (a *analyzer) dropEveryday(text string, cues, subjects []match, unexplained, examTalk bool) []match {
	everyday := func(m match) bool { return len(m.toks) == 1 && a.everyday[m.toks[0]] }
	if !slices.ContainsFunc(subjects, everyday) {
		return subjects
	}
	compared := slices.ContainsFunc(cues, func(m match) bool { return m.t.kind == "intent" && m.t.key == "compare" }) && len(subjects) > 1
	if compared {
		return subjects // "policy vs standard vs procedure"
	}
	// Asked to define, a fact cue in the everyday word itself ("what is an
	// audit": the CPE audit) does not say the word is not the subject.
	define := slices.ContainsFunc(cues, func(m match) bool { return m.t.kind == "intent" && m.t.key == "define" })
	inWord := func(m match) bool {
		return define && slices.ContainsFunc(subjects, func(s match) bool { return everyday(s) && m.start >= s.start && m.end <= s.end })
	}
	// "about" alone (what an exam is about) does not ask a fact of the
	// word it introduces: "which part of cism is about metrics".
	about := func(m match) bool { return len(m.toks) == 1 && m.toks[0] == "about" }
	// With no exam in sight, "does it matter" asks what a concept is worth,
	// not a certification (the worth-it refusal yields to a term named).
	conceptWorth := func(m match) bool { return m.t.kind == "refusal" && m.t.key == "worth-it" && !examTalk }
	asked := slices.ContainsFunc(cues, func(m match) bool {
		return (m.t.kind == "attr" || m.t.kind == "refusal") && !inWord(m) && !about(m) && !conceptWorth(m)
	})
	framed := slices.ContainsFunc(cues, func(m match) bool { return m.t.kind == "intent" }) ||
		slices.ContainsFunc(subjects, func(m match) bool { return !everyday(m) })
	if !asked && (framed || !unexplained) {
		return subjects
	}
	shouted := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, notWordRune) {
		if len(w) > 1 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
			shouted[stem(strings.ToLower(w))] = true
		}
	}
	return slices.DeleteFunc(subjects, func(m match) bool { return everyday(m) && !shouted[m.toks[0]] })
}

// dropAmbiguous removes the one-word matches of ambiguous words; full, a
// prefix of ms, shrinks with it.
func (a *analyzer) dropAmbiguous(ms []match, full *[]match) []match {
	out := ms[:0:0]
	nfull := 0
	for i, m := range ms {
		if len(m.toks) == 1 && a.ambig[m.toks[0]] {
			continue
		}
		if i < len(*full) {
			nfull++
		}
		out = append(out, m)
	}
	*full = out[:nfull]
	return out
}

// dropBackground drops the topics, and the fact cues of one everyday word,
// named in the few words after a background phrase ("i am a network
// engineer", "10 years in audit"): they say who asks. A question that
// points back with "it" may be asking about them ("I work in incident
// response. Which exam covers it more?"), so it keeps them.
func (a *analyzer) dropBackground(toks []string, cues, subjects []match) ([]match, []match) {
	const span = 4 // words after the phrase that describe the asker
	choice := slices.ContainsFunc(cues, func(m match) bool {
		return m.t.kind == "intent" && (m.t.key == "which-first" || m.t.key == "compare")
	})
	for _, p := range a.background {
		for i := range toks {
			end := matchAt(toks, i, p)
			if end <= i {
				continue
			}
			in := func(m match) bool { return m.start >= end && m.start < end+span }
			subjects = slices.DeleteFunc(subjects, func(m match) bool { return m.t.kind == "topic" && in(m) })
			cues = slices.DeleteFunc(cues, func(m match) bool {
				// With the exams weighed ("10 years in IT audit, cism or
				// cissp?") any fact cue in the background is who asks.
				about := m.start >= i && m.start <= end
				return m.t.kind == "attr" && (len(m.toks) == 1 && a.everyday[m.toks[0]] && in(m) || choice && about)
			})
		}
	}
	return cues, subjects
}

// settleOverlaps drops the cues and subjects that lie inside a longer
// phrase: the longer is what the words mean.
func settleOverlaps(cues, subjects []match) ([]match, []match) {
	// "due care" is a term, not the "dues" of the annual fee; "become a
	// ciso" asks for roles, not the definition of a CISO.
	cues, subjects = dropInside(cues, subjects, "attr"), dropInside(subjects, cues, "")
	// "more technical" compares the exams; it does not ask for the focus fact.
	cues = dropInside(cues, cues, "attr")
	cues = dropInside(cues, ofKind(cues, "attr"), "intent") // "where do I sit" asks for delivery, not where a subject sits
	// A refusal cue inside a longer phrase is that phrase's word: "earn"
	// in "earn cpe credits" asks for CPE, "book" in "book the exam" for
	// registration.
	cues = dropInside(cues, cues, "refusal")
	cues = dropInside(cues, subjects, "refusal")
	cues = dropStraddling(cues, ofKind(subjects, "term"), "refusal") // "a break" in "what is a break glass account"
	cues = dropInside(cues, ofKind(subjects, "term"), "intent")      // "test" in "penetration test" is the term's word
	cues = dropStraddling(cues, ofKind(subjects, "term"), "intent")  // "is ... in" does not ask where in "what is defense in depth"
	cues = dropStraddling(cues, ofKey(cues, "define"), "intent")     // "what is raid in cissp" asks what it is
	cues = dropInside(cues, ofKind(subjects, "term"), "uncovered")   // "cisa" in "cisa kev" is the agency, not ISACA's exam
	return cues, subjects
}

// dropStraddling removes the matches of ms of kind only that share words
// with a match of others without either holding the other: a cue that ends
// inside a term's words borrowed them.
func dropStraddling(ms, others []match, only string) []match {
	out := ms[:0:0]
	for _, m := range ms {
		straddles := false
		for _, o := range others {
			overlap := m.start < o.end && o.start < m.end
			nested := o.start <= m.start && m.end <= o.end || m.start <= o.start && o.end <= m.end
			if m.t.kind == only && overlap && !nested {
				straddles = true
				break
			}
		}
		if !straddles {
			out = append(out, m)
		}
	}
	return out
}

// ofKind returns the matches of ms of kind.
func ofKind(ms []match, kind string) []match {
	var out []match
	for _, m := range ms {
		if m.t.kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// ofKey returns the matches of ms for key.
func ofKey(ms []match, key string) []match {
	var out []match
	for _, m := range ms {
		if m.t.key == key {
			out = append(out, m)
		}
	}
	return out
}

// dropInside removes the matches of ms (of kind only, unless "") that lie
// inside a longer match of others.
func dropInside(ms, others []match, only string) []match {
	out := ms[:0:0]
	for _, m := range ms {
		inside := false
		for _, o := range others {
			// A gap may hold a stronger cue: "who is ... for" does not
			// swallow "eligible".
			if (only == "" || m.t.kind == only) && o.n > m.n && o.content >= m.content && o.start <= m.start && m.end <= o.end && !inDefineGap(m, o) && !(m.t.kind == "term" && inGap(m, o)) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, m)
		}
	}
	return out
}

// inGap reports whether m lies within the gap of o's phrase: "a kerberos
// ticket" in "how long is ... valid" is the question's subject, not the
// phrase's words.
func inGap(m, o match) bool {
	i := slices.Index(o.toks, gap)
	return i >= 0 && m.start >= o.start+i && m.end <= o.end-(len(o.toks)-i-1)
}

// inDefineGap reports whether m lies in the gap of a define cue or of a
// where cue about coverage: "how does ... work" and "does ... include"
// frame what they hold, they do not replace it ("does the cissp fee
// include training" asks about the fee).
func inDefineGap(m, o match) bool {
	return o.t.kind == "intent" && (o.t.key == "define" || o.t.key == "where" && o.weak) && inGap(m, o)
}

// objectiveID matches a CISSP objective ("7.6"), a CISM subtopic ("4A2")
// or part of a domain ("4A") standing alone in a question.
var objectiveID = regexp.MustCompile(`(?i)(?:^|[\s(,;:])([1-9]\.[0-9]{1,2}|[1-4][ab][1-9]?)(?:$|[\s),;:?!]|\.(?:\s|$))`)

// objectiveIn returns the objective or subtopic ID written in text, or "".
func objectiveIn(text string) string {
	if m := objectiveID.FindStringSubmatch(text); m != nil {
		return strings.ToUpper(m[1])
	}
	return ""
}

// objectiveOf is the exam whose outlines number objectives like id.
func objectiveOf(id string) string {
	if strings.Contains(id, ".") {
		return "cissp"
	}
	return "cism"
}

// factTerm reports whether a term names a fact key ("cpe") that other
// words of the question ask for too ("group a ... cpes"): the question is
// about the fact, not the term.
func factTerm(attrs, terms []match) bool {
	over := func(m, o match) bool { return m.start < o.end && o.start < m.end }
	for _, in := range attrs {
		for _, t := range terms {
			if !over(in, t) {
				continue
			}
			for _, out := range attrs {
				if out.t.key == in.t.key && !over(out, t) {
					return true
				}
			}
		}
	}
	return false
}

// stronger reports whether match a says more than b: more words that are
// not stopwords, then more words.
func stronger(a, b match) bool {
	if a.content != b.content {
		return a.content > b.content
	}
	return a.n > b.n
}

// strongest is the match of ms that says most.
func strongest(ms []match) match {
	best := ms[0]
	for _, m := range ms[1:] {
		if stronger(m, best) {
			best = m
		}
	}
	return best
}

// headRefusal picks the class of the refusal cue the question opens
// with: "what percent ... pass on the first try" asks for a pass rate,
// "will I pass if ... practice questions" about the asker's chances. Cues
// starting together go by strength, then vocabulary order.
func headRefusal(ms []match) string {
	best := ms[0]
	for _, m := range ms[1:] {
		switch {
		case m.start < best.start,
			m.start == best.start && stronger(m, best),
			m.start == best.start && !stronger(best, m) && m.order < best.order:
			best = m
		}
	}
	return best.t.key
}

// rankKeys orders matched keys best first: stronger phrases win, then
// earlier vocabulary entries.
// comparesWithinKey reports whether a compare cue stands between two cues
// of one fact key ("group a vs group b").
func comparesWithinKey(attrs []match, cmp match) bool {
	for _, before := range attrs {
		if before.end > cmp.start {
			continue
		}
		if slices.ContainsFunc(attrs, func(after match) bool { return after.t.key == before.t.key && after.start >= cmp.end }) {
			return true
		}
	}
	return false
}

// alsoAsked reports whether the second of keys has a cue of two or more
// content words that shares no word with the first key's cues; attrs are
// sorted best first (rankKeys).
func alsoAsked(attrs []match, keys []string) bool {
	if len(keys) < 2 {
		return false
	}
	var first []match
	for _, m := range attrs {
		if m.t.key == keys[0] {
			first = append(first, m)
		}
	}
	for _, m := range attrs {
		if m.t.key != keys[1] || m.content < 1 {
			continue
		}
		if !slices.ContainsFunc(first, func(f match) bool { return f.start < m.end && m.start < f.end }) {
			return true
		}
	}
	return false
}

func rankKeys(ms []match) []string {
	sort.SliceStable(ms, func(i, j int) bool {
		if stronger(ms[i], ms[j]) || stronger(ms[j], ms[i]) {
			return stronger(ms[i], ms[j])
		}
		return ms[i].order < ms[j].order
	})
	var out []string
	seen := map[string]bool{}
	for _, m := range ms {
		if !seen[m.t.key] {
			seen[m.t.key] = true
			out = append(out, m.t.key)
		}
	}
	return out
}

// topicInside returns the first topic matched inside a term's words, or "".
func topicInside(ms []match) string {
	for _, m := range ms {
		if m.t.kind == "topic" && slices.ContainsFunc(ms, func(t match) bool { return t.t.kind == "term" && t.start <= m.start && m.end <= t.end && t.n > m.n }) {
			return m.t.key
		}
	}
	return ""
}

// pickSubjects keeps the longest non-overlapping term and topic names, a
// term winning over a topic for the same words, and returns them in
// question order.
func pickSubjects(ms []match) (terms []string, topic string) {
	first := 0
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].n != ms[j].n {
			return ms[i].n > ms[j].n
		}
		return ms[i].order < ms[j].order
	})
	var kept []match
	for _, m := range ms {
		free := true
		for _, k := range kept {
			if m.start < k.end && k.start < m.end {
				free = false
				break
			}
		}
		if free {
			kept = append(kept, m)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].start < kept[j].start })
	seen := map[string]bool{}
	for _, m := range kept {
		if m.t.kind == "term" && !seen[m.t.key] {
			seen[m.t.key] = true
			terms = append(terms, m.t.key)
		}
	}
	// A topic named with the same words as a term ("incident response")
	// still counts: comparing the exams on it wants the topic.
	for _, m := range dropInside(ms, kept, "") {
		if m.t.kind == "topic" && (topic == "" || m.start < first) {
			topic, first = m.t.key, m.start
		}
	}
	return terms, topic
}

// Fact returns a fact by ID and the certification it belongs to.
func (b *Base) Fact(id string) (*Cert, *Fact, bool) {
	for i := range b.Certs {
		c := &b.Certs[i]
		for j := range c.Facts {
			if c.Facts[j].ID == id {
				return c, &c.Facts[j], true
			}
		}
	}
	return nil, nil, false
}

// Term returns a glossary term by ID, or nil.
func (b *Base) Term(id string) *Term {
	for i := range b.Terms {
		if b.Terms[i].ID == id {
			return &b.Terms[i]
		}
	}
	return nil
}

// comparedInGeneral is the ComparedAs value for the general comparison.
const comparedInGeneral = "general"

// GeneralTableDomains is the GeneralTable row of the two outlines' domains.
const GeneralTableDomains = "domains"

// comparedTogether returns the ComparedTogether topic two or more of keys
// belong to, or "".
func (c *cueSet) comparedTogether(keys []string) string {
	for _, topic := range slices.Sorted(maps.Keys(c.together)) {
		n := 0
		for _, k := range keys {
			if slices.Contains(c.together[topic], k) {
				n++
			}
		}
		if n >= 2 {
			return topic
		}
	}
	return ""
}

// topicNamed reports whether topic is named by a phrase of two or more
// content words ("total cost") that no fact cue holds ("annual fee" is
// the fee's cue as well as the CPE topic's).
func (c *cueSet) topicNamed(topic string) bool {
	return slices.ContainsFunc(c.subjects, func(m match) bool {
		return m.t.kind == "topic" && m.t.key == topic && m.content >= 2 && !slices.ContainsFunc(c.attrs, func(a match) bool {
			return a.start <= m.start && m.end <= a.end
		})
	})
}

// inGeneralTable reports whether the general comparison answers every key:
// it has a row for it, or ComparedAs says so (the format).
func (c *cueSet) inGeneralTable(keys []string) bool {
	return !slices.ContainsFunc(keys, func(k string) bool {
		return !slices.Contains(c.generalTable, k) && c.comparedAs[k] != comparedInGeneral
	})
}

// asksOrder reports whether a which-first question asks for an order (a
// Vocabulary.OrderWords word: "first", "before", "then") rather than which
// exam is better at something.
func (c *cueSet) asksOrder() bool {
	if !c.intents["which-first"] {
		return false
	}
	return slices.ContainsFunc(c.toks, func(w string) bool { return c.orderWords[w] })
}
