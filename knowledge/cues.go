package knowledge

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Thresholds of the cue checks in `kb check`. A test-wise candidate who picks
// the longest option, or the one echoing the stem, should score no better
// than chance plus a margin.
const (
	// CueChecksFail makes `kb check` fail on any figure over its threshold;
	// false turns the cue report back into a review list.
	CueChecksFail = true
	// MaxCueShare is the highest share of an exam's questions a cue may hit.
	MaxCueShare = 0.30
	// MinPerObjective is the fewest questions an objective in use should have.
	MinPerObjective = 3
	// NearDuplicateScore is the mean similarity (stem, key, distractors) from
	// which two questions of one exam are reported as the same item; the
	// known paraphrases on this bank score about 0.39-0.59, distinct
	// questions sharing a topic mostly under 0.3.
	NearDuplicateScore = 0.36
	// nearDuplicateKey is the least key similarity of a near-duplicate pair:
	// two questions with the same options but different keys test different
	// points.
	nearDuplicateKey = 0.25
)

// CueStats counts the cues over one set of questions (an exam or a file).
type CueStats struct {
	Name        string // exam ("cissp") or domain file ("cissp-d1")
	N           int    // questions
	Longest     int    // key is the longest option (ties count)
	Second      int    // exactly one option is longer than the key
	Shortest    int    // key is the shortest option (ties count); reported, not judged
	Overlap     int    // key shares the most content words with the stem (ties count)
	AbsKeys     int    // keys with an absolute word
	AbsDistr    int    // distractors with an absolute word
	Distractors int
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// ObjectiveCount is the number of questions on one outline objective.
type ObjectiveCount struct {
	Outline, Objective string
	N                  int
}

// NearDuplicate is two questions of one exam that look like the same item:
// the same key concept asked about the same scenario.
type NearDuplicate struct {
	A, B  string
	Score float64
}

// CueReport is what `kb check` prints about exam technique: the cue shares,
// coverage of the objectives and the near-duplicate pairs.
type CueReport struct {
	Exams          []CueStats
	Files          []CueStats
	Objectives     []ObjectiveCount // outline order, for outlines that have questions
	NearDuplicates []NearDuplicate
}

// CheckCues measures the bank's test-wise cues, objective coverage and near
// duplicates.
func (b *Base) CheckCues() CueReport {
	var r CueReport
	exams, files := map[string]*CueStats{}, map[string]*CueStats{}
	get := func(m map[string]*CueStats, name string) *CueStats {
		if m[name] == nil {
			m[name] = &CueStats{Name: name}
		}
		return m[name]
	}
	perObjective := map[string]int{}
	for i := range b.Questions {
		q := &b.Questions[i]
		perObjective[q.Outline+" "+q.Objective]++
		key := q.AnswerIndex()
		if key < 0 || len(q.Options) < 2 {
			continue
		}
		c := cuesOf(q, key)
		for _, s := range []*CueStats{get(exams, q.Cert), get(files, fmt.Sprintf("%s-d%d", q.Cert, q.Domain))} {
			s.N++
			s.Distractors += len(q.Options) - 1
			s.AbsDistr += c.absDistr
			if c.longest {
				s.Longest++
			}
			if c.second {
				s.Second++
			}
			if c.shortest {
				s.Shortest++
			}
			if c.overlap {
				s.Overlap++
			}
			if c.absKey {
				s.AbsKeys++
			}
		}
	}
	r.Exams, r.Files = sortedStats(exams), sortedStats(files)
	for _, o := range b.Outlines {
		var counts []ObjectiveCount
		used := false
		for _, d := range o.Domains {
			for _, ob := range d.Objectives {
				n := perObjective[o.ID+" "+ob.ID]
				used = used || n > 0
				counts = append(counts, ObjectiveCount{Outline: o.ID, Objective: ob.ID, N: n})
			}
		}
		if used {
			r.Objectives = append(r.Objectives, counts...)
		}
	}
	r.NearDuplicates = b.nearDuplicates()
	return r
}

type questionCues struct {
	longest, second, shortest, overlap, absKey bool
	absDistr                                   int
}

func cuesOf(q *Question, key int) questionCues {
	var c questionCues
	keyLen := len([]rune(q.Options[key]))
	longer, shorter := 0, 0
	stem := contentWords(q.Stem)
	best, keyOverlap := 0, 0
	for i, op := range q.Options {
		if i != key && len([]rune(op)) > keyLen {
			longer++
		}
		if i != key && len([]rune(op)) < keyLen {
			shorter++
		}
		n := 0
		for w := range contentWords(op) {
			if stem[w] {
				n++
			}
		}
		best = max(best, n)
		if i == key {
			keyOverlap = n
			c.absKey = hasAbsolute(op)
		} else if hasAbsolute(op) {
			c.absDistr++
		}
	}
	c.longest, c.second, c.shortest = longer == 0, longer == 1, shorter == 0
	c.overlap = best > 0 && keyOverlap == best
	return c
}

func sortedStats(m map[string]*CueStats) []CueStats {
	out := make([]CueStats, 0, len(m))
	for _, s := range m {
		out = append(out, *s)
	}
	// cissp-d2 before cissp-d10 is not needed: domains are single digits.
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// nearDuplicates compares every two questions of one exam on their stems,
// keys and distractors separately, each as a TF-IDF weighted word vector, so
// that a shared rare word ("phishing", "feeds") counts for more than a word
// every item uses ("security", "risk"). Rewording a scenario keeps its rare
// words, which is what a wording-only check misses.
func (b *Base) nearDuplicates() []NearDuplicate {
	type vecs struct{ stem, key, distr map[string]float64 }
	byCert := map[string][]int{}
	for i := range b.Questions {
		if b.Questions[i].AnswerIndex() >= 0 {
			byCert[b.Questions[i].Cert] = append(byCert[b.Questions[i].Cert], i)
		}
	}
	var out []NearDuplicate
	for _, idx := range byCert {
		df := map[string]int{}
		words := make([][3]map[string]bool, len(idx))
		for n, i := range idx {
			q := &b.Questions[i]
			var distr strings.Builder
			for j, op := range q.Options {
				if j != q.AnswerIndex() {
					distr.WriteString(op + " ")
				}
			}
			words[n] = [3]map[string]bool{contentWords(q.Stem), contentWords(q.Options[q.AnswerIndex()]), contentWords(distr.String())}
			all := map[string]bool{}
			for _, set := range words[n] {
				for w := range set {
					all[w] = true
				}
			}
			for w := range all {
				df[w]++
			}
		}
		weigh := func(set map[string]bool) map[string]float64 {
			v, norm := map[string]float64{}, 0.0
			for w := range set {
				x := math.Log(float64(len(idx)) / float64(df[w]+1))
				if x <= 0 {
					continue
				}
				v[w] = x
				norm += x * x
			}
			for w := range v {
				v[w] /= math.Sqrt(norm)
			}
			return v
		}
		vs := make([]vecs, len(idx))
		for n := range idx {
			vs[n] = vecs{weigh(words[n][0]), weigh(words[n][1]), weigh(words[n][2])}
		}
		for i := range vs {
			for j := i + 1; j < len(vs); j++ {
				key := cosine(vs[i].key, vs[j].key)
				if key < nearDuplicateKey {
					continue
				}
				score := (cosine(vs[i].stem, vs[j].stem) + key + cosine(vs[i].distr, vs[j].distr)) / 3
				if score >= NearDuplicateScore {
					out = append(out, NearDuplicate{A: b.Questions[idx[i]].ID, B: b.Questions[idx[j]].ID, Score: score})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].A < out[j].A || out[i].A == out[j].A && out[i].B < out[j].B })
	return out
}

func cosine(a, b map[string]float64) float64 {
	c := 0.0
	for w, x := range a {
		c += x * b[w]
	}
	return c
}

// Failures lists what is over a threshold: an exam's cue share above
// MaxCueShare, absolute words more frequent in distractors than in keys, a
// near-duplicate pair, an objective with fewer than MinPerObjective
// questions. Files are reported but not judged: a domain file is too small
// for its shares to mean much on their own.
func (r CueReport) Failures() []string {
	var out []string
	for _, e := range r.Exams {
		for _, c := range []struct {
			name string
			n    int
		}{{"key-longest", e.Longest}, {"key-second", e.Second}, {"key-overlap", e.Overlap}} {
			if share(c.n, e.N) > MaxCueShare {
				out = append(out, fmt.Sprintf("%s: %s %.0f%% is above %.0f%%", e.Name, c.name, 100*share(c.n, e.N), 100*MaxCueShare))
			}
		}
		if share(e.AbsDistr, e.Distractors) > share(e.AbsKeys, e.N) {
			out = append(out, fmt.Sprintf("%s: absolute words in %.0f%% of distractors but %.0f%% of keys", e.Name, 100*share(e.AbsDistr, e.Distractors), 100*share(e.AbsKeys, e.N)))
		}
	}
	for _, d := range r.NearDuplicates {
		out = append(out, fmt.Sprintf("near-duplicate questions %s and %s (%.2f)", d.A, d.B, d.Score))
	}
	for _, o := range r.Objectives {
		if o.N < MinPerObjective {
			out = append(out, fmt.Sprintf("%s objective %s has %d question(s), want at least %d", o.Outline, o.Objective, o.N, MinPerObjective))
		}
	}
	return out
}

// Write prints the report as compact tables; a figure over its threshold is
// marked with '!'.
func (r CueReport) Write(w io.Writer) {
	mark := func(over bool) string {
		if over {
			return "!"
		}
		return " "
	}
	pct := func(n, of int) string {
		return fmt.Sprintf("%5.1f%%%s", 100*share(n, of), mark(share(n, of) > MaxCueShare))
	}
	fmt.Fprintf(w, "cues (share of questions; target <= %.0f%% each, absolute words in distractors <= in keys;\n", 100*MaxCueShare)
	fmt.Fprintln(w, "  shortest is shown so that fixing length does not overshoot into the opposite cue):")
	fmt.Fprintf(w, "  %-9s %4s  %-7s  %-7s  %-7s  %-25s  %s\n", "", "n", "longest", "second", "overlap", "absolute key / distractor", "(shortest)")
	row := func(s CueStats, indent string) {
		abs := share(s.AbsDistr, s.Distractors) > share(s.AbsKeys, s.N)
		fmt.Fprintf(w, "  %-9s %4d  %s  %s  %s  %5.1f%% / %5.1f%%%s           %5.1f%%\n", indent+s.Name, s.N,
			pct(s.Longest, s.N), pct(s.Second, s.N), pct(s.Overlap, s.N),
			100*share(s.AbsKeys, s.N), 100*share(s.AbsDistr, s.Distractors), mark(abs), 100*share(s.Shortest, s.N))
	}
	for _, e := range r.Exams {
		row(e, "")
		for _, f := range r.Files {
			if strings.HasPrefix(f.Name, e.Name+"-") {
				row(f, " ")
			}
		}
	}
	outline := ""
	var line strings.Builder
	var low []string
	flush := func() {
		if line.Len() > 0 {
			fmt.Fprintln(w, line.String())
			line.Reset()
		}
	}
	for _, o := range r.Objectives {
		if o.Outline != outline {
			flush()
			outline = o.Outline
			fmt.Fprintf(w, "questions per objective, %s:\n", o.Outline)
		}
		cell := fmt.Sprintf(" %s=%d", o.Objective, o.N)
		if line.Len()+len(cell) > 96 {
			flush()
		}
		if line.Len() == 0 {
			line.WriteString(" ")
		}
		line.WriteString(cell)
		if o.N < MinPerObjective {
			low = append(low, o.Objective)
		}
	}
	flush()
	if len(low) > 0 {
		fmt.Fprintf(w, "objectives under %d questions (%d): %s\n", MinPerObjective, len(low), strings.Join(low, " "))
	}
	if len(r.NearDuplicates) > 0 {
		fmt.Fprintf(w, "near-duplicate pairs for review (%d): same key concept and scenario; rewrite one of each\n", len(r.NearDuplicates))
		for _, d := range r.NearDuplicates {
			fmt.Fprintf(w, "  ~ %s and %s (%.2f)\n", d.A, d.B, d.Score)
		}
	}
}
