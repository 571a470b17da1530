package knowledge

import (
	"strings"
	"unicode"
)

// cueStop are words too common in exam items to carry meaning, for the
// stem-overlap cue and the near-duplicate check.
var cueStop = map[string]bool{
	"the": true, "and": true, "for": true, "that": true, "this": true, "which": true, "what": true, "with": true,
	"from": true, "into": true, "their": true, "there": true, "these": true, "those": true, "has": true, "have": true,
	"was": true, "were": true, "will": true, "would": true, "should": true, "could": true, "can": true, "may": true,
	"must": true, "does": true, "did": true, "than": true, "then": true, "such": true, "not": true, "any": true,
	"all": true, "each": true, "every": true, "most": true, "best": true, "first": true, "primary": true, "primarily": true,
	"main": true, "its": true, "our": true, "your": true, "they": true, "them": true, "about": true, "after": true,
	"before": true, "over": true, "under": true, "during": true, "while": true, "but": true, "also": true, "more": true,
	"less": true, "other": true, "another": true, "same": true, "own": true, "very": true, "just": true, "only": true,
	"who": true, "how": true, "when": true, "where": true, "why": true, "are": true, "been": true, "being": true,
	"one": true, "two": true, "because": true, "whether": true, "use": true,
	"used": true, "uses": true, "using": true, "likely": true, "least": true, "next": true, "following": true,
	"organization": true, "organisation": true, "company": true, "team": true,
}

// contentWords returns the distinct stemmed content words of s: lower case,
// words of three or more letters, stop words removed, plurals and -ing/-ed
// endings folded so "encrypts", "encrypted" and "encrypting" match.
func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len([]rune(w)) < 3 || cueStop[w] || strings.IndexFunc(w, unicode.IsLetter) < 0 {
			continue
		}
		if w = stemWord(w); !cueStop[w] {
			out[w] = true
		}
	}
	return out
}

// stemWord folds the endings that most often separate one word's forms in
// exam English. It is deliberately crude: both sides go through it, so it
// only has to be consistent, not linguistically right.
func stemWord(w string) string {
	w = strings.Replace(w, "isation", "ization", 1)
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		w = w[:n-3] + "y"
	case n > 5 && strings.HasSuffix(w, "ing"):
		w = w[:n-3]
	case n > 4 && strings.HasSuffix(w, "ed"):
		w = w[:n-2]
	case n > 4 && (strings.HasSuffix(w, "ses") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes")):
		w = w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:n-1]
	}
	if len(w) > 3 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	return w
}

// absoluteWord reports whether w (lower case) is one of the absolute words
// test-wise candidates learn to rule out.
func absoluteWord(w string) bool {
	switch w {
	case "always", "never", "all", "none", "only", "cannot", "must", "completely", "entirely", "every", "impossible", "solely":
		return true
	}
	return strings.HasPrefix(w, "guarantee") || strings.HasPrefix(w, "eliminat")
}

// hasAbsolute reports whether s contains an absolute word.
func hasAbsolute(s string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if absoluteWord(w) {
			return true
		}
	}
	return false
}
