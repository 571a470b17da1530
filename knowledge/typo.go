package knowledge

import (
	"math/bits"
	"strings"
	"time"
)

// Candidates misspell the very words the phrases match on ("maintainance
// fee", "endorsment"); a misspelt cue word matches nothing. The speller puts
// such a word back to the one word of the analyzer's lexicon it is a slip
// away from, and leaves it alone whenever that is not clear.

// Limits of the correction. Short words are left alone: at four or five
// letters one edit reaches too many real words ("cost" and "most").
const (
	typoMinLen    = 6  // letters a word needs to be corrected at all
	typoTargetMin = 5  // letters a lexicon word needs to be a correction
	typoLongLen   = 10 // letters from which two edits are allowed
	typoLongExtra = 7  // letters a correction needs to drop any extra letter
)

// speller corrects words to its lexicon. It is read-only once built.
type speller struct {
	known map[string]bool // lexicon, prose and exam words: never corrected
	// byLen buckets the words a correction may give by length: one edit
	// changes the length by at most one, two by two, so a word is compared
	// with a few buckets, not the whole lexicon.
	byLen map[int][]lexWord
}

// lexWord is a word a correction may give, with the set of its letters.
// One edit changes at most two letters of the set (a substitution drops one
// and adds one), so a word whose set differs by more than twice the edits
// allowed is skipped without comparing the words.
type lexWord struct {
	w    string
	mask uint32
}

// letterMask is the set of the letters of w (a to z only).
func letterMask(w string) uint32 {
	var m uint32
	for i := 0; i < len(w); i++ {
		m |= 1 << (w[i] - 'a')
	}
	return m
}

// newSpeller builds a speller that corrects to the lexicon's words. The
// words of known are never corrected, but no correction gives them: the
// base's own texts are the nearest thing it has to a dictionary, and
// "mechanical" is not a slip for "technical". Nor does a correction give a
// word of never: exam names, so that a slip never turns a question into one
// about an exam it does not name. newSpeller keeps known as its own.
func newSpeller(lexicon []string, known map[string]bool, never []string) *speller {
	s := &speller{known: known, byLen: map[int][]lexWord{}}
	no := map[string]bool{}
	for _, w := range never {
		no[w], s.known[w] = true, true
	}
	seen := map[string]bool{}
	for _, w := range lexicon {
		if w == "" || no[w] || seen[w] {
			continue
		}
		seen[w], s.known[w] = true, true
		if len(w) >= typoTargetMin && letters(w) {
			s.byLen[len(w)] = append(s.byLen[len(w)], lexWord{w, letterMask(w)})
		}
	}
	return s
}

// fix corrects toks in place, and raw alongside: the word as written
// becomes the corrected one.
func (s *speller) fix(raw, toks []string) {
	for i, w := range toks {
		if c, ok := s.correct(w); ok {
			toks[i], raw[i] = c, c
		}
	}
}

// correct returns the lexicon word w is a slip from: the only one a single
// edit away (a transposition counts as one), or of several the only one it
// lacks a letter of, or for a long word the only one two edits away when
// none is one away. A known word, a word with a
// digit, a short word and an ambiguous slip stay as they are, and so does a
// word that only looks like a slip (plausible).
func (s *speller) correct(w string) (string, bool) {
	if len(w) < typoMinLen-1 || s.known[w] || !letters(w) {
		return "", false
	}
	d := 1
	c, n := s.nearest(w, d)
	if n > 1 && len(w) >= typoMinLen {
		c, n = s.lacking(w)
	}
	if len(w) < typoMinLen && len(c) != len(w)+1 && !swapped(w, c) {
		// A word one letter short of the minimum is a slip only for the
		// one word it lacks a letter of ("polcy", "thrat", "domin") or has
		// two letters of swapped ("poitn", "topci").
		return "", false
	}
	if n == 0 && len(w) >= typoLongLen {
		d = 2
		c, n = s.nearest(w, d)
	}
	if n != 1 || !plausible(w, c, d) {
		return "", false
	}
	return c, true
}

// plausible reports whether w, d edits from lexicon word c, is more likely
// a slip for c than a word of its own. Real words near a lexicon word mostly
// differ at an end: a first letter ("mechanical", "technical"), an ending
// ("associated" is a form of "associate", which names a status;
// "calculator" is not "calculated") or a prefix ("elimination",
// "examination"). A slip seldom hits the first letter, and two edits are a
// slip only when they sit together inside the word ("maintainance").
func plausible(w, c string, d int) bool {
	if w[0] != c[0] {
		return false
	}
	if d == 1 && swapped(w, c) {
		return true // "poitn", "stadn": two letters typed in the wrong order
	}
	if w[len(w)-1] != c[len(c)-1] {
		// Only a dropped final e is a slip at the end ("adaptiv").
		return c == w+"e"
	}
	p := 0
	for p < len(w) && p < len(c) && w[p] == c[p] {
		p++
	}
	s := 0
	for s < len(w)-p && s < len(c)-p && w[len(w)-1-s] == c[len(c)-1-s] {
		s++
	}
	if d == 1 {
		// A letter for another is a slip between vowels ("eligable"); a
		// consonant changed makes another word ("extensive", "expensive").
		sub := len(w) == len(c) && p+s == len(w)-1
		if len(w) == len(c)+1 && len(c) < typoLongExtra {
			// A letter too many is a slip when it doubles its neighbour
			// ("ccertification"); in a short word another letter mostly
			// makes a word of its own ("brother", "boring", "talking"),
			// in a long one seldom ("priviledge").
			return w[p] == w[p-1] || w[p] == w[p+1]
		}
		return !sub || vowel(w[p]) && vowel(c[p])
	}
	return p >= 4 && s >= 2 && len(w)+len(c)-2*(p+s) <= 3
}

// swapped reports whether w is c with two neighbouring letters swapped.
func swapped(w, c string) bool {
	if len(w) != len(c) {
		return false
	}
	for i := 0; i+1 < len(w); i++ {
		if w[i] != c[i] {
			return w[i] == c[i+1] && w[i+1] == c[i] && w[i+2:] == c[i+2:]
		}
	}
	return false
}

func vowel(b byte) bool { return strings.IndexByte("aeiouy", b) >= 0 }

// nearest returns a lexicon word at most d edits from w and how many there
// are (it stops counting at two: more is as ambiguous). correct asks for
// two edits only when none is one away, so those are exactly two away.
func (s *speller) nearest(w string, d int) (string, int) {
	var found string
	n := 0
	m := letterMask(w)
	for l := len(w) - d; l <= len(w)+d; l++ {
		for _, c := range s.byLen[l] {
			if bits.OnesCount32(m^c.mask) <= 2*d && within(w, c.w, d) {
				if found, n = c.w, n+1; n > 1 {
					return "", n
				}
			}
		}
	}
	return found, n
}

// lacking returns the one lexicon word that w is a plausible slip for by a
// letter left out, and how many there are: the commonest slip settles
// "pasing" (passing, not paying) and "reslt" (result, not reset).
func (s *speller) lacking(w string) (string, int) {
	var found string
	n := 0
	m := letterMask(w)
	for _, c := range s.byLen[len(w)+1] {
		if bits.OnesCount32(m^c.mask) <= 2 && within(w, c.w, 1) && plausible(w, c.w, 1) {
			if found, n = c.w, n+1; n > 1 {
				return "", n
			}
		}
	}
	return found, n
}

// within reports whether a and b are at most d edits apart, counting
// insertions, deletions, substitutions and transpositions of neighbours
// (the optimal string alignment distance).
func within(a, b string, d int) bool {
	// The common prefix and suffix cost nothing; what is left is short.
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if abs(len(a)-len(b)) > d {
		return false
	}
	switch {
	case len(a) == 0 || len(b) == 0:
		return max(len(a), len(b)) <= d
	case d == 1:
		// What is left of one edit: a substituted letter or two swapped.
		return len(a) == len(b) && (len(a) == 1 || len(a) == 2 && a[0] == b[1] && a[1] == b[0])
	}
	return osa(a, b, d) <= d
}

// osa is the optimal string alignment distance of two short strings, or
// some figure above bound once it is sure to be. Only the cells within
// bound of the diagonal can stay within it, so only those are computed.
func osa(a, b string, bound int) int {
	// Three rows on the stack: no word is this long.
	var buf [3][32]int
	over := bound + 1
	switch {
	case abs(len(a)-len(b)) > bound || len(b) >= len(buf[0]):
		return max(over, abs(len(a)-len(b)))
	case len(b) == 0:
		return len(a)
	}
	prev2, prev, cur := buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	for j := range prev {
		prev[j], prev2[j], cur[j] = min(j, over), over, over
	}
	prevLow := 0
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-bound), min(len(b), i+bound)
		cur[lo-1] = over
		if lo == 1 {
			cur[0] = min(i, over)
		}
		low := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			c := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, over)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				c = min(c, prev2[j-2]+1)
			}
			cur[j] = c
			low = min(low, c)
		}
		if hi < len(b) {
			cur[hi+1] = over // the next row reads one cell further
		}
		// A row and the one before it over the bound: every later cell
		// builds on them (a transposition reaches back two rows).
		if low >= over && prevLow >= over {
			return over
		}
		prevLow = low
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// letters reports whether w is all ASCII lower-case letters.
func letters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// lexicon lists every word the analyzer knows, stemmed and folded as a
// question's words are when they are corrected: the words of the phrases,
// rewrites, openers, closers and spellings, the vocabulary's word lists
// (noise too: "realisitcally" is dropped once corrected) and the search
// synonyms.
func (a *analyzer) lexicon(v *Vocabulary) []string {
	var out []string
	for _, ps := range a.byFirst {
		for _, p := range ps {
			out = append(out, p.toks...)
		}
	}
	for _, r := range a.rewrites {
		out = append(append(out, r.from...), r.to...)
	}
	for _, o := range a.openers {
		out = append(out, o...)
	}
	for _, c := range a.closers {
		out = append(out, c...)
	}
	for from, to := range a.spell {
		out = append(out, from, to)
	}
	lists := [][]string{v.Stopwords, v.Filler, v.ExamNouns, v.Ambiguous, v.Uncovered, v.Noise}
	for k, ss := range v.Synonyms {
		lists = append(lists, []string{k}, ss)
	}
	for _, l := range lists {
		for _, s := range l {
			_, toks := normTokens(s)
			a.fold(toks)
			out = append(out, toks...)
		}
	}
	return out
}

// prose is the set of the words of the base's texts, stemmed and folded:
// what its entries say and its practice questions ask.
func (a *analyzer) prose(b *Base) map[string]bool {
	out := map[string]bool{}
	// Split as normTokens does, without its slices: the texts are long.
	add := func(texts ...string) {
		for _, t := range texts {
			for w := range strings.FieldsFuncSeq(strings.Map(lowerRune, t), notWordRune) {
				w = stem(w)
				if to, ok := a.spell[w]; ok {
					w = to
				}
				if !out[w] {
					out[strings.Clone(w)] = true // not the whole text kept for a word
				}
			}
		}
	}
	for _, e := range b.entries(time.Time{}) {
		add(e.Title, e.Text, e.keys)
	}
	for _, q := range b.Questions {
		add(q.Stem, q.Explanation)
		add(q.Options...)
	}
	return out
}

// examWords are the words no correction may give: one-word names of the
// exams and of the certifications certcoach does not cover.
func (a *analyzer) examWords(v *Vocabulary) []string {
	var out []string
	for w := range a.examTok {
		out = append(out, w)
	}
	for _, u := range v.Uncovered {
		if _, toks := normTokens(u); len(toks) == 1 { // not "security" of "security plus"
			out = append(out, toks...)
		}
	}
	return out
}
