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
	names []string // normalised names (title, acronym, aliases) for exact matches
	words string   // " "-joined tokens of title, keys and text, for coverage
	stale bool     // superseded outline or fact: ranked lower
}

func names(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if n := strings.Join(tokenize(s), " "); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// Hit is a search result with its score (higher is better).
type Hit struct {
	Entry    *Entry
	Score    float64
	Coverage float64 // share of the question's content words the entry contains
}

// searchIndex is an in-memory SQLite FTS5 table over every entry. SQLite's
// bm25 with column weights does the ranking; a small re-rank in Go adds
// coverage (so an entry matching one stray word is not passed off as an
// answer) and the certification named in the question.
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
				stale: f.Status == StatusSuperseded, names: names(append([]string{f.Label}, f.Keywords...)...)})
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
				Text:  fmt.Sprintf("%s domain %d (%s outline, %d%%). %s %s", cert, d.N, o.Version, d.Weight, d.Summary, strings.Join(objs, "; ")),
				Cite:  &o.Cite, keys: strings.Join(d.Aliases, " ") + fmt.Sprintf(" domain %d", d.N), stale: stale || o.Status == StatusSuperseded,
				names: names(d.Name)})
		}
	}
	for ti := range b.Topics {
		t := &b.Topics[ti]
		out = append(out, Entry{Ref: "topic:" + t.ID, Kind: "topic", Title: t.Title,
			Text: t.Summary + " CISM: " + t.CISM + " " + t.CISMWhere + " CISSP: " + t.CISSP + " " + t.CISSPWhere,
			Cite: &t.Cite, keys: strings.Join(t.Aliases, " ") + " " + strings.ReplaceAll(t.ID, "-", " "),
			names: names(append([]string{t.Title, t.ID}, t.Aliases...)...)})
	}
	for ti := range b.Terms {
		t := &b.Terms[ti]
		title := t.Term
		if t.Acronym != "" {
			title += " (" + t.Acronym + ")"
		}
		out = append(out, Entry{Ref: "term:" + t.ID, Kind: "term", Title: title, Text: t.Definition,
			keys:  strings.Join(t.Aliases, " ") + " " + t.Acronym,
			names: names(append([]string{t.Term, t.Acronym}, t.Aliases...)...)})
	}
	return out
}

func mustDate(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// synonyms expands acronyms and common phrasings a candidate types. The
// glossary's acronyms are added at index time.
var synonyms = map[string][]string{
	"bcp":       {"business continuity"},
	"drp":       {"disaster recovery"},
	"dr":        {"disaster recovery"},
	"bia":       {"business impact analysis"},
	"iam":       {"identity access management"},
	"ir":        {"incident response", "incident management"},
	"sdlc":      {"software development lifecycle"},
	"cat":       {"computerized adaptive testing", "adaptive"},
	"cpe":       {"continuing professional education"},
	"amf":       {"annual maintenance fee"},
	"soc":       {"security operations"},
	"dod":       {"department of defense", "8140"},
	"cost":      {"fee", "price"},
	"price":     {"fee", "cost"},
	"fee":       {"cost", "price"},
	"pass":      {"passing"},
	"long":      {"duration", "hours"},
	"time":      {"duration", "hours"},
	"questions": {"items"},
	"stand":     {"full name"},
	"acronym":   {"full name"},
	"waiver":    {"waive", "substitution"},
	"renew":     {"maintenance", "cpe"},
	"valid":     {"maintenance", "cpe", "renew"},
	"validity":  {"maintenance", "cpe", "renew"},
	"expire":    {"maintenance", "cpe", "renew"},
	"expires":   {"maintenance", "cpe", "renew"},
	"expiry":    {"maintenance", "cpe", "renew"},
	"lapse":     {"maintenance", "cpe", "renew"},
	"maintain":  {"maintenance", "cpe"},
	"first":     {"which first"},
	"job":       {"roles", "career"},
	"jobs":      {"roles", "career"},
	"salary":    {"roles", "career"},
	"salaries":  {"roles", "career"},
	"pay":       {"roles", "career"},
	"pays":      {"roles", "career"},
	"paid":      {"roles", "career"},
	"earn":      {"roles", "career"},
	"earns":     {"roles", "career"},
	"money":     {"roles", "career"},
	"income":    {"roles", "career"},
	"hard":      {"which first", "easier"},
	"harder":    {"which first", "easier"},
	"hardest":   {"which first", "easier"},
	"easy":      {"which first", "easier"},
	"easier":    {"which first"},
	"difficult": {"which first", "easier"},
	"tougher":   {"which first", "easier"},
	"career":    {"roles"},
	"adaptive":  {"cat"},
	"retake":    {"retake", "fail", "attempts"},
}

var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "is": true, "are": true, "was": true, "what": true, "whats": true, "which": true,
	"how": true, "do": true, "does": true, "did": true, "i": true, "me": true, "my": true, "of": true, "on": true,
	"in": true, "to": true, "for": true, "and": true, "or": true, "it": true, "its": true, "there": true, "be": true,
	"can": true, "you": true, "your": true, "about": true, "tell": true, "with": true, "at": true, "by": true,
	"much": true, "many": true, "should": true, "get": true, "need": true, "this": true, "that": true, "exam": true,
	"where": true, "when": true, "who": true, "why": true, "as": true, "if": true, "any": true, "some": true,
	"please": true, "explain": true, "define": true, "mean": true, "means": true, "we": true, "certification": true,
	"vs": true, "versus": true, "difference": true, "between": true, "compare": true, "cover": true, "covers": true,
	"covered": true, "test": true, "tests": true, "tested": true, "good": true, "become": true, "becoming": true,
	"worth": true, "useful": true, "help": true, "use": true, "using": true, "allowed": true, "will": true, "would": true, "from": true, "have": true, "has": true,
	// "is it confirmed" asks for the status of whatever else the question
	// names; as a search word it matched CAT's "confirm an answer".
	"confirmed": true, "verified": true,
}

// certWords name a certification, directly or through its issuing body.
var certWords = map[string]string{"cism": "cism", "cissp": "cissp", "isaca": "cism", "isc2": "cissp", "isc": "cissp"}

// hints add search terms for question words that carry intent but are not
// themselves something the answer must contain ("how many" wants a count).
var hints = map[string][]string{
	"many":    {"how many", "number of"},
	"long":    {"how long", "duration", "hours"},
	"where":   {"domain", "outline"},
	"cover":   {"domain", "outline"},
	"covers":  {"domain", "outline"},
	"covered": {"domain", "outline"},
	"test":    {"domain", "outline"},
	"tests":   {"domain", "outline"},
	"tested":  {"domain", "outline"},
	"much":    {"fee", "cost"},
	"worth":   {"roles", "career"},
}

// deliveryWords turn "where" from "where in the outline" into "where can I
// sit the exam".
var deliveryWords = map[string]bool{"take": true, "sit": true, "book": true, "schedule": true, "write": true, "register": true}

// coverageWords ask where a subject sits in an outline: topics and domains
// answer that better than a single fact.
var coverageWords = map[string]bool{"where": true, "cover": true, "covers": true, "covered": true, "test": true, "tests": true, "tested": true}

func (b *Base) buildSearch(ctx context.Context, today time.Time) (*searchIndex, error) {
	// One connection: an in-memory database lives and dies with it.
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		return nil, fmt.Errorf("build search index: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE entries USING fts5(title, keys, body, tokenize = 'porter unicode61')`); err != nil {
		db.Close()
		return nil, fmt.Errorf("build search index: %w", err)
	}
	idx := &searchIndex{db: db, entries: b.entries(today), expand: map[string][]string{}}
	for i := range idx.entries {
		e := &idx.entries[i]
		e.words = " " + strings.Join(tokenize(e.Title+" "+e.keys+" "+e.Text), " ") + " "
	}
	for k, v := range synonyms {
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
		if _, err := tx.ExecContext(ctx, "INSERT INTO entries (rowid, title, keys, body) VALUES (?, ?, ?, ?)", i+1, e.Title, e.keys, e.Text); err != nil {
			tx.Rollback()
			db.Close()
			return nil, fmt.Errorf("build search index: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		db.Close()
		return nil, fmt.Errorf("build search index: %w", err)
	}
	idx.stmt, err = db.PrepareContext(ctx, `SELECT rowid, bm25(entries, 10.0, 6.0, 1.0) FROM entries WHERE entries MATCH ? ORDER BY bm25(entries, 10.0, 6.0, 1.0) LIMIT 40`)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("build search index: %w", err)
	}
	return idx, nil
}

// Search finds entries answering a free-text question, best first. Hits
// below the relevance bar are dropped, so an empty result means "no good
// answer" rather than a guess.
func (b *Base) Search(ctx context.Context, question string, limit int) ([]Hit, error) {
	b.searchOnce.Do(func() { b.search, b.searchErr = b.buildSearch(context.WithoutCancel(ctx), time.Now()) })
	if b.searchErr != nil {
		return nil, b.searchErr
	}
	return b.search.query(ctx, question, limit)
}

// WarmSearch builds the search index now instead of on the first question.
func (b *Base) WarmSearch(ctx context.Context) error {
	_, err := b.Search(ctx, "cissp", 1)
	return err
}

func tokenize(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func (ix *searchIndex) query(ctx context.Context, question string, limit int) ([]Hit, error) {
	words := tokenize(question)
	if len(words) > 30 {
		words = words[:30]
	}
	var content []string // words that must be explained by the answer
	var terms []string   // FTS5 query terms
	certs := map[string]bool{}
	seen := map[string]bool{}
	where := false
	delivery := false // "where can I take/sit/book it" asks how the exam is delivered
	for _, w := range words {
		if deliveryWords[w] {
			delivery = true
		}
	}
	for _, w := range words {
		if w == "where" && delivery {
			terms = append(terms, quote("where to take"), quote("test center"), quote("online"))
			continue
		}
		if c, ok := certWords[w]; ok {
			certs[c] = true
			continue
		}
		if h, ok := hints[w]; ok {
			if !seen["hint:"+w] {
				seen["hint:"+w] = true
				where = where || coverageWords[w]
				for _, x := range h {
					terms = append(terms, quote(x))
				}
			}
			if w == "long" {
				continue // "how long" asks for a duration; it is not a subject
			}
		}
		if stopwords[w] || seen[w] || len(w) > 40 || (len(w) < 2 && !unicode.IsDigit(rune(w[0]))) {
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
	if len(content) == 0 && len(certs) == 2 {
		// Naming both exams and nothing else asks which one to take.
		content = []string{"first"}
		terms = append(terms, quote("which first"))
	}
	if len(terms) == 0 {
		if len(certs) == 0 {
			return nil, nil
		}
		for c := range certs { // "cissp" alone: what is it
			terms = append(terms, quote(c))
			content = append(content, c)
		}
	}
	q := "(" + strings.Join(terms, ") OR (") + ")"
	rows, err := ix.stmt.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncateRunes(question, 60), err)
	}
	defer rows.Close()
	phrase := strings.Join(content, " ")
	var hits []Hit
	for rows.Next() {
		var id int
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		e := &ix.entries[id-1]
		h := Hit{Entry: e, Score: -score}
		h.Coverage = coverage(e, content, ix.expand)
		h.Score *= 0.4 + h.Coverage
		if len(certs) == 1 && e.Cert != "" {
			if certs[e.Cert] {
				h.Score *= 1.6
			} else {
				h.Score *= 0.3
			}
		}
		if e.stale {
			h.Score *= 0.5
		}
		if len(certs) == 0 || e.Kind == "fact" || e.Kind == "domain" || (where && e.Kind == "topic") {
			// When an exam is named, a definition or a general topic that
			// merely has the asked-about name is not the answer.
			h.Score *= nameBoost(e, phrase, content)
		}
		switch {
		case e.Kind == "objective":
			h.Score *= 0.6 // an objective title is a pointer, rarely the answer itself
		case e.Kind == "term" && len(certs) > 0:
			if nameBoost(e, phrase, content) == 1 {
				continue // about an exam: a definition that merely shares a word is no answer
			}
			h.Score *= 0.5 // the question is about an exam, not a definition
		case e.Kind == "topic" && len(certs) == 1 && !where && nameBoost(e, phrase, content) == 1:
			continue // about one exam, not where a subject sits: a topic sharing a word is no answer
		}
		if where && (e.Kind == "topic" || e.Kind == "domain") {
			h.Score *= 2
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	// The relevance bar: the answer must account for at least half of the
	// question's content words (synonyms count).
	var out []Hit
	for _, h := range hits {
		if h.Coverage < 0.5 {
			continue
		}
		out = append(out, h)
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// nameBoost favours entries named exactly by the question: "due care",
// "what is a bia" or "kpi vs kri" want the glossary entry, not a mention.
func nameBoost(e *Entry, phrase string, content []string) float64 {
	for _, n := range e.names {
		if n == phrase {
			return 3
		}
	}
	if len(content) == 2 { // "kpi vs kri", "rto rpo"
		for _, n := range e.names {
			for _, w := range content {
				if n == w {
					return 2
				}
			}
		}
	}
	return 1
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, "") + `"` }

// coverage is the share of content words found (by stem prefix, or through a
// synonym) in the entry's text.
func coverage(e *Entry, content []string, expand map[string][]string) float64 {
	if len(content) == 0 {
		return 1
	}
	text := e.words
	n := 0
	for _, w := range content {
		if containsStem(text, w) {
			n++
			continue
		}
		for _, syn := range expand[w] {
			if containsStem(text, strings.ToLower(syn)) {
				n++
				break
			}
		}
	}
	return float64(n) / float64(len(content))
}

func containsStem(text, w string) bool {
	return strings.Contains(text, " "+stemOf(w))
}

// stemOf is a crude stem: enough to match plurals and -ing/-ed forms.
func stemOf(w string) string {
	stem := w
	if len(stem) > 3 && !strings.HasSuffix(stem, "ss") {
		stem = strings.TrimSuffix(stem, "s")
	}
	if len(stem) > 6 {
		stem = stem[:len(stem)-2]
	}
	return stem
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
