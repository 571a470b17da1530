package bot_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/certcoach/certcoach/bot"
)

// askVariants rewrites a question in the small ways real askers vary the
// same question: articles, the exam's name, punctuation, contractions,
// word order, courtesy and a sentence of context around it. An engine that generalises answers them all alike.
func askVariants(q string) []string {
	type rw struct {
		re  *regexp.Regexp
		rep string
	}
	rules := []rw{
		{regexp.MustCompile(`\bthe\s+`), ""},
		{regexp.MustCompile(`\b(cissp|cism)\b`), "the $1"},
		{regexp.MustCompile(`\b(cissp|cism) exam\b`), "$1"},
		{regexp.MustCompile(`\b(cissp|cism)\b(\s+exam)?`), "$1 exam"},
		{regexp.MustCompile(`\b(cissp|cism)\b(\s+certification)?`), "$1 certification"},
		{regexp.MustCompile(`\?+\s*$`), ""},
		{regexp.MustCompile(`\bwhat's\b`), "what is"},
		{regexp.MustCompile(`\bwhat is\b`), "what's"},
		{regexp.MustCompile(`\bexam\b`), "test"},
		{regexp.MustCompile(`^`), "hi, quick question: "},
		{regexp.MustCompile(`^(what is|what are|what's)\s+(the\s+)?`), ""},
		{regexp.MustCompile(`\bdo i need\b`), "is it required to have"},
		{regexp.MustCompile(`\bhow much is\b`), "what is the cost of"},
		{regexp.MustCompile(`^(.*)$`), "$1 please"},
		{regexp.MustCompile(`^(.*)$`), "$1 thanks in advance"},
		{regexp.MustCompile(`^`), "anyone know "},
		{regexp.MustCompile(`^`), "studying for a while now. "},
		{regexp.MustCompile(`\?*$`), " lol"},
		{regexp.MustCompile(`\?*$`), " in 2026?"},
		{regexp.MustCompile(`^(.*)$`), "${1}!!"},
		{regexp.MustCompile(`^(.+?)\s+(?:vs\.?|versus)\s+(.+?)(\?)?$`), "$2 vs $1"},
		{regexp.MustCompile(`\bcan i\b`), "is it possible to"},
	}
	seen := map[string]bool{q: true}
	var out []string
	add := func(v string) {
		if !seen[v] && v != "" {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, r := range rules {
		add(strings.ReplaceAll(strings.TrimSpace(r.re.ReplaceAllString(q, r.rep)), "the the ", "the "))
	}
	add(strings.ToUpper(q)) // typed in capitals
	add(slip(q, false))     // a letter left out of the longest word
	add(slip(q, true))      // two of its letters swapped
	return out
}

// slip misspells the longest word of q (seven letters or more, all
// lower-case letters) in its middle: a letter left out, or two swapped.
func slip(q string, swap bool) string {
	f := strings.Fields(q)
	best := -1
	for i, w := range f {
		if len(w) >= 7 && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" && (best < 0 || len(w) > len(f[best])) {
			best = i
		}
	}
	if best < 0 {
		return q
	}
	w, m := []byte(f[best]), len(f[best])/2
	if swap {
		w[m], w[m+1] = w[m+1], w[m]
	} else {
		w = append(w[:m:m], w[m+1:]...)
	}
	f[best] = string(w)
	return strings.Join(f, " ")
}

// judge reports whether a reply is a right answer to c and not about the
// wrong exam (the rules of scoreAsk).
func judge(c askCase, r bot.Reply) bool {
	if wrongExam(c, r.Refs) != "" {
		return false
	}
	switch {
	case c.Refuse != "":
		return len(r.Refs) > 0 && r.Refs[0] == "refuse:"+c.Refuse
	case len(c.Want) == 0:
		return len(r.Refs) > 0 && (r.Refs[0] == "plan:study-time" || strings.HasPrefix(r.Refs[0], "refuse:"))
	}
	for _, ref := range r.Refs {
		for _, w := range c.Want {
			if ref == w {
				return true
			}
		}
	}
	return false
}

// TestAskVariants: the tuned sets' questions and the synthetic
// paraphrases, rewritten as the next asker would word them, must mostly
// keep their answer: the generalisation signal, measured without the
// held-out part.
func TestAskVariants(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var total, kept int
	for _, name := range []string{"tuning.yaml", "search_quality.yaml", "paraphrases.yaml"} {
		cases, ok := loadAskSet(t, name)
		if !ok {
			continue
		}
		for i, c := range cases {
			if raceDetector && i%4 != 0 {
				continue // a quarter under the race detector; all of them without
			}
			ask := func(q string) bot.Reply {
				return h.e.Handle(context.Background(), bot.Request{Actor: actor("variants"), Text: "ask " + q})
			}
			if !judge(c, ask(c.Q)) {
				continue
			}
			for _, v := range askVariants(c.Q) {
				total++
				vc := c
				vc.Q = v
				r := ask(v)
				if judge(vc, r) {
					kept++
				} else {
					t.Logf("variant lost: %q (from %q) -> %v", v, c.Q, r.Refs)
				}
			}
		}
	}
	t.Logf("variants: %d/%d keep the right answer", kept, total)
	if total > 0 && float64(kept) < 0.9*float64(total) {
		t.Errorf("variants: %d/%d keep the right answer, below 90%%", kept, total)
	}
}

// TestAskProbe prints the refs for questions in $ASK_PROBE (one a line): a
// diagnostic for trying wordings, skipped unless set.
func TestAskProbe(t *testing.T) {
	t.Parallel()
	path := os.Getenv("ASK_PROBE")
	if path == "" {
		t.Skip("ASK_PROBE not set")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	for _, q := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		r := h.e.Handle(context.Background(), bot.Request{Actor: actor("probe"), Text: "ask " + q})
		t.Logf("%-60s -> %v", q, r.Refs)
	}
}
