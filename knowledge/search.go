package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	_ "modernc.org/sqlite" // FTS5 lives in the pure-Go SQLite build
)

// Entry is one searchable item of the knowledge base.
type Entry struct {
	Ref   string // kind:id, e.g. fact:cissp.exam.items, topic:incident-response
	Kind  string // fact, domain, objective, topic, term
	Cert  string // cism, cissp or "" for both
	Title string
	Text  string
	Cite  *Cite // nil for glossary terms and objectives (they cite their outline)
	keys  string
	asked string // the entry's asked phrasings
	words string // " "-joined tokens of title, keys, asked and text, for coverage
	head  string // the same of title, keys and asked only
	stale bool   // superseded outline or fact: ranked lower
}

// Hit is a search result with its score (higher is better).
type Hit struct {
	Entry    *Entry
	Score    float64
	Coverage float64 // share of the question's content words the entry contains
}

// searchIndex is an in-memory SQLite FTS5 table over every entry. SQLite's
// bm25 with column weights does the ranking, scaled by coverage so an entry
// matching one stray word is not passed off as an answer.
type searchIndex struct {
	db      *sql.DB
	stmt    *sql.Stmt // the ranking query, prepared once
	entries []Entry
	expand  map[string][]string
}

func (b *Base) entries(today time.Time) []Entry {
	var out []Entry
	for ci := range b.Certs {
		c := &b.Certs[ci]
		for fi := range c.Facts {
			f := &c.Facts[fi]
			out = append(out, Entry{Ref: "fact:" + f.ID, Kind: "fact", Cert: c.ID,
				Title: c.Name + " " + f.Label, Text: f.Text, Cite: &f.Cite,
				keys:  strings.Join(append(append([]string{strings.ReplaceAll(f.Key, ".", " ")}, f.Keywords...), c.Aliases...), " "),
				stale: f.Status == StatusSuperseded, asked: strings.Join(f.Asked, " ; ")})
		}
	}
	for oi := range b.Outlines {
		o := &b.Outlines[oi]
		cert := strings.ToUpper(o.Cert)
		stale := o.Until != "" && today.After(mustDate(o.Until))
		if o.Cert == "cism" && o.ID == "cism-2022" {
			stale = false // its subtopics are the last confirmed list
		}
		for di := range o.Domains {
			d := &o.Domains[di]
			var objs []string
			for _, ob := range d.Objectives {
				objs = append(objs, ob.Title)
				out = append(out, Entry{Ref: fmt.Sprintf("objective:%s:%s", o.ID, ob.ID), Kind: "objective", Cert: o.Cert,
					Title: fmt.Sprintf("%s %s %s", cert, ob.ID, ob.Title), Text: fmt.Sprintf("%s %s (%s outline), domain %d: %s. %s", cert, ob.ID, o.Version, d.N, d.Name, ob.Part),
					Cite: &o.Cite, keys: strings.Join(d.Aliases, " "), stale: stale})
			}
			out = append(out, Entry{Ref: fmt.Sprintf("domain:%s:%d", o.ID, d.N), Kind: "domain", Cert: o.Cert,
				Title: fmt.Sprintf("%s Domain %d: %s", cert, d.N, d.Name),
				Text:  strings.TrimSpace(fmt.Sprintf("%s domain %d (%s outline, %d%%). %s %s", cert, d.N, o.Version, d.Weight, d.Summary, strings.Join(objs, "; "))),
				Cite:  &o.Cite, keys: strings.Join(d.Aliases, " ") + fmt.Sprintf(" domain %d", d.N), stale: stale || o.Status == StatusSuperseded})
		}
	}
	for ti := range b.Topics {
		t := &b.Topics[ti]
		out = append(out, Entry{Ref: "topic:" + t.ID, Kind: "topic", Title: t.Title,
			Text: t.Summary + " CISM: " + t.CISM + " " + t.CISMWhere + " CISSP: " + t.CISSP + " " + t.CISSPWhere,
			Cite: &t.Cite, keys: strings.Join(t.Aliases, " ") + " " + strings.ReplaceAll(t.ID, "-", " "),
			asked: strings.Join(t.Asked, " ; ")})
	}
	for ti := range b.Terms {
		t := &b.Terms[ti]
		title := t.Term
		if t.Acronym != "" {
			title += " (" + t.Acronym + ")"
		}
		out = append(out, Entry{Ref: "term:" + t.ID, Kind: "term", Title: title, Text: t.Definition,
			keys:  strings.Join(t.Aliases, " ") + " " + t.Acronym,
			asked: strings.Join(t.Asked, " ; ")})
	}
	return out
}

func mustDate(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// Ranking weights of the full-text fallback (SQLite FTS5 bm25 per column).
// A phrase the entry lists as how candidates ask for it, or a word of its
// title, says more than a word somewhere in its body.
const (
	weightTitle = 10.0 // entry title (fact label with the exam, term, topic, domain name)
	weightKeys  = 6.0  // keywords and aliases
	weightAsked = 8.0  // the entry's asked phrasings
	weightBody  = 1.0  // the text itself
	// staleWeight ranks superseded facts and outlines below current ones.
	staleWeight = 0.5
	// minCoverage is the relevance bar: the answer must contain at least
	// this share of the question's subject words (synonyms count).
	minCoverage = 0.6
)

func (b *Base) buildSearch(ctx context.Context, today time.Time) (*searchIndex, error) {
	// One connection: an in-memory database lives and dies with it.
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		return nil, fmt.Errorf("build search index: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE entries USING fts5(title, keys, asked, body, tokenize = 'porter unicode61')`); err != nil {
		db.Close()
		return nil, fmt.Errorf("build search index: %w", err)
	}
	idx := &searchIndex{db: db, entries: b.entries(today), expand: map[string][]string{}}
	for i := range idx.entries {
		e := &idx.entries[i]
		_, toks := normTokens(e.Title + " " + e.keys + " " + e.asked + " " + e.Text)
		e.words = " " + strings.Join(toks, " ") + " "
		_, toks = normTokens(e.Title + " " + e.keys + " " + e.asked)
		e.head = " " + strings.Join(toks, " ") + " "
	}
	for k, v := range b.Vocab.Synonyms {
		idx.expand[k] = v
	}
	for _, t := range b.Terms {
		if a := strings.ToLower(t.Acronym); a != "" && !strings.ContainsAny(a, " /") {
			idx.expand[a] = append(idx.expand[a], strings.ToLower(t.Term))
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("build search index: %w", err)
	}
	for i, e := range idx.entries {
		if _, err := tx.ExecContext(ctx, "INSERT INTO entries (rowid, title, keys, asked, body) VALUES (?, ?, ?, ?, ?)", i+1, e.Title, e.keys, e.asked, e.Text); err != nil {
			tx.Rollback()
			db.Close()
			return nil, fmt.Errorf("build search index: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		db.Close()
		return nil, fmt.Errorf("build search index: %w", err)
	}
	rank := fmt.Sprintf("bm25(entries, %g, %g, %g, %g)", weightTitle, weightKeys, weightAsked, weightBody)
	idx.stmt, err = db.PrepareContext(ctx, "SELECT rowid, "+rank+" FROM entries WHERE entries MATCH ? ORDER BY "+rank+" LIMIT 40")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("build search index: %w", err)
	}
	return idx, nil
}

// Search finds entries answering a free-text question, best first, by
// full-text search alone (the fallback of `ask`). Hits below the relevance
// bar are dropped, so an empty result means "no good answer" rather than a
// guess, and a question naming one exam never gets the other exam's entries.
func (b *Base) Search(ctx context.Context, question string, limit int) ([]Hit, error) {
	a := b.Analyze(question)
	return b.SearchFor(ctx, &a, limit)
}

// SearchFor is Search over an analysed question.
func (b *Base) SearchFor(ctx context.Context, a *Analysis, limit int) ([]Hit, error) {
	b.searchOnce.Do(func() { b.search, b.searchErr = b.buildSearch(context.WithoutCancel(ctx), time.Now()) })
	if b.searchErr != nil {
		return nil, b.searchErr
	}
	return b.search.query(ctx, a, limit)
}

// WarmSearch builds the search index now instead of on the first question.
func (b *Base) WarmSearch(ctx context.Context) error {
	_, err := b.Search(ctx, "cissp", 1)
	return err
}

func (ix *searchIndex) query(ctx context.Context, a *Analysis, limit int) ([]Hit, error) {
	var content []string // words that must be explained by the answer
	var terms []string   // FTS5 query terms
	seen := map[string]bool{}
	for _, w := range a.Words {
		if seen[w] || len(w) > 40 || (len(w) < 2 && !unicode.IsDigit(rune(w[0]))) {
			continue
		}
		seen[w] = true
		content = append(content, w)
		group := []string{quote(w)}
		for _, syn := range ix.expand[w] {
			group = append(group, quote(syn))
		}
		terms = append(terms, strings.Join(group, " OR "))
	}
	if len(terms) == 0 {
		for _, c := range a.Exams { // "cissp" alone: what is it
			terms = append(terms, quote(c))
			content = append(content, c)
		}
	}
	if len(terms) == 0 {
		return nil, nil
	}
	// Each content word as the padded stem patterns that count as covering
	// it (itself or a synonym), built once per question.
	want := make([][]string, len(content))
	for i, w := range content {
		for _, alt := range append([]string{w}, ix.expand[w]...) {
			if _, toks := normTokens(alt); len(toks) > 0 {
				want[i] = append(want[i], " "+strings.Join(toks, " ")+" ")
			}
		}
	}
	q := "(" + strings.Join(terms, ") OR (") + ")"
	rows, err := ix.stmt.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncateRunes(strings.Join(a.Words, " "), 60), err)
	}
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		var id int
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		e := &ix.entries[id-1]
		if len(a.Exams) == 1 && e.Cert != "" && e.Cert != a.Exams[0] {
			continue // a rule, not a weight: the other exam's entry never answers
		}
		if len(a.Exams) > 0 && e.Kind == "term" {
			// A question naming an exam asks about the exam; a definition
			// answers it only when the question names the term, which the
			// analysis has already recognised.
			continue
		}
		h := Hit{Entry: e, Score: -score}
		h.Coverage = coverage(e.words, want)
		if h.Coverage < minCoverage || (len(content) == 1 && coverage(e.head, want) == 0) {
			// One subject word found only in an entry's body ("how early
			// should I arrive" and a definition that says "early") is no
			// answer: a lone word must name the entry.
			continue
		}
		h.Score *= h.Coverage
		if e.stale {
			h.Score *= staleWeight
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, "") + `"` }

// coverage is the share of content words found as whole words (plurals
// folded), or through a synonym, in an entry's words; want holds each
// word's padded patterns.
func coverage(words string, want [][]string) float64 {
	if len(want) == 0 {
		return 1
	}
	n := 0
	for _, alts := range want {
		for _, p := range alts {
			if strings.Contains(words, p) {
				n++
				break
			}
		}
	}
	return float64(n) / float64(len(want))
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
