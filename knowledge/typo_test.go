package knowledge

import (
	"slices"
	"testing"
)

func TestSpellerCorrect(t *testing.T) {
	kb, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	s := kb.analyzer.typos
	tests := []struct {
		word string // as normTokens gives it: stemmed
		want string // "": left as it is
	}{
		{"maintainance", "maintenance"}, // two edits, next to each other, in a long word
		{"endorsment", "endorsement"},   // a letter left out
		{"requirment", "requirement"},
		{"expereince", "experience"}, // two letters swapped
		{"adaptiv", "adaptive"},      // a final e dropped
		{"eligable", "eligible"},     // a vowel for another
		{"domian", "domain"},
		{"ccertification", "certification"}, // a letter doubled
		{"priviledge", "privilege"},         // a letter too many in a long word
		{"polcy", "policy"},                 // a five-letter word: a letter left out
		{"poitn", "point"},                  // or two letters swapped ("poitns", stemmed)
		{"realisitcally", "realistically"},  // a noise word, dropped once corrected
		{"topci", "topic"},
		{"annal", "annual"},
		{"pasing", "passing"},   // of passing and paying, the one it lacks a letter of
		{"incient", "incident"}, // not ancient
		{"salry", ""},           // five letters: sally or salary, it cannot tell
		// Known words stay: the lexicon's, and the base's own texts'.
		{"maintenance", ""},
		{"mechanical", ""}, // not "technical"
		// A real word not in the lexicon, one consonant from a lexicon word.
		{"extensive", ""},   // not "expensive"
		{"associated", ""},  // a form of "associate", not a slip for it
		{"calculator", ""},  // not "calculated"
		{"brother", ""},     // not "bother": a short word with a letter more is a word of its own
		{"talking", ""},     // not "taking"
		{"elimination", ""}, // not "examination"
		{"sourdough", ""},   // nothing near
		{"exeeption", ""},   // ambiguous: exemption or exception
		{"exma", ""},        // short words stay
		{"polis", ""},       // a five-letter word one letter from another of five: not a slip it can tell
		{"feees", ""},
		{"cisspp", ""}, // no correction gives an exam's name
		{"isacca", ""},
		{"5years", ""},       // not all letters
		{"maintainence", ""}, // too far: three edits
	}
	for _, tc := range tests {
		got, ok := s.correct(tc.word)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("correct(%q) = %q, %v; want %q", tc.word, got, ok, tc.want)
		}
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		a, b string
		d    int
		want bool
	}{
		{"requirment", "requirement", 1, true},
		{"expereince", "experience", 1, true},
		{"domian", "domain", 1, true},
		{"eligable", "eligible", 1, true},
		{"maintainance", "maintenance", 1, false},
		{"maintainance", "maintenance", 2, true},
		{"abcdefg", "bcdefga", 2, true}, // a letter moved from the front to the end
		{"abcdefg", "bcdefga", 1, false},
		{"exam", "exam", 1, true},
		{"ab", "ba", 1, true},
		{"abc", "cab", 1, false},
	}
	for _, tc := range tests {
		if got := within(tc.a, tc.b, tc.d); got != tc.want {
			t.Errorf("within(%q, %q, %d) = %v, want %v", tc.a, tc.b, tc.d, got, tc.want)
		}
	}
}

// TestAnalyzeTypos: a corrected word reads as the right one, raw word and
// all (search uses the words as written).
func TestAnalyzeTypos(t *testing.T) {
	kb, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q, attr, word string
	}{
		{"what is the cissp annual maintainance fee", "fee.amf", "maintenance"},
		{"how long does cissp endorsment take", "endorsement", "endorsement"},
		{"what is the cism experience requirment", "experience.requirement", "requirement"},
	}
	for _, tc := range tests {
		a := kb.Analyze(tc.q)
		if a.Ask != AskFact || len(a.Attributes) == 0 || a.Attributes[0] != tc.attr || !slices.Contains(a.Words, tc.word) {
			t.Errorf("%q: %s %v words %v, want fact %s and word %q", tc.q, a.Ask, a.Attributes, a.Words, tc.attr, tc.word)
		}
	}
}

// BenchmarkAnalyzeTypos: questions whose long words are mostly unknown,
// the speller's worst case.
func BenchmarkAnalyzeTypos(b *testing.B) {
	kb, err := Load(Embedded())
	if err != nil {
		b.Fatal(err)
	}
	qs := []string{"what is the cissp annual maintainance fee and the endorsment requirment",
		"do i need five years expereince for cissp or is the exam adaptiv",
		"sourdough bakers contemplating photosynthesis thoroughly"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		kb.Analyze(qs[i%len(qs)])
		i++
	}
}

// TestOSA checks the banded distance against the whole table, on every
// pair of short strings over a small alphabet.
func TestOSA(t *testing.T) {
	full := func(a, b string) int {
		d := make([][]int, len(a)+1)
		for i := range d {
			d[i] = make([]int, len(b)+1)
			d[i][0] = i
		}
		for j := range d[0] {
			d[0][j] = j
		}
		for i := 1; i <= len(a); i++ {
			for j := 1; j <= len(b); j++ {
				cost := 1
				if a[i-1] == b[j-1] {
					cost = 0
				}
				d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
				if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
					d[i][j] = min(d[i][j], d[i-2][j-2]+1)
				}
			}
		}
		return d[len(a)][len(b)]
	}
	var words []string
	var gen func(prefix string)
	gen = func(prefix string) {
		words = append(words, prefix)
		if len(prefix) < 5 {
			for _, c := range "abc" {
				gen(prefix + string(c))
			}
		}
	}
	gen("")
	for _, a := range words {
		for _, b := range words {
			want := full(a, b)
			for bound := 1; bound <= 2; bound++ {
				got := osa(a, b, bound)
				if (want <= bound) != (got <= bound) || want <= bound && got != want {
					t.Fatalf("osa(%q, %q, %d) = %d, want %d", a, b, bound, got, want)
				}
				if w := within(a, b, bound); w != (want <= bound) {
					t.Fatalf("within(%q, %q, %d) = %v, distance %d", a, b, bound, w, want)
				}
			}
		}
	}
}
