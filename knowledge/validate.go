package knowledge

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Counts summarises the base per kind (for `kb check`).
func (b *Base) Counts() []KindCount {
	out := []KindCount{
		{"sources", len(b.Sources)}, {"certifications", len(b.Certs)}, {"outlines", len(b.Outlines)},
		{"facts", 0}, {"domains", 0}, {"objectives", 0}, {"topics", len(b.Topics)},
		{"glossary terms", len(b.Terms)}, {"questions", len(b.Questions)},
	}
	for _, c := range b.Certs {
		out[3].N += len(c.Facts)
	}
	for _, o := range b.Outlines {
		out[4].N += len(o.Domains)
		for _, d := range o.Domains {
			out[5].N += len(d.Objectives)
		}
	}
	return out
}

// KindCount is a number of entries of one kind.
type KindCount struct {
	Kind string
	N    int
}

// QuestionCounts returns the number of questions per "cert:domain".
func (b *Base) QuestionCounts() map[string]int {
	out := map[string]int{}
	for k, qs := range b.byDomain {
		out[k] = len(qs)
	}
	return out
}

var (
	asOfRe    = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)
	idRe      = regexp.MustCompile(`^[a-z0-9][a-z0-9.\-]*$`)
	domainRef = regexp.MustCompile(`^(cism|cissp):([1-9])$`)
)

var validStatus = map[Status]bool{StatusOK: true, StatusUnconfirmed: true, StatusConflict: true, StatusSuperseded: true}

// Validate lists every problem in the base: missing sources or as-of dates,
// outline weights not summing to 100, duplicate IDs, dangling references and
// malformed or near-duplicate questions. An empty list means the base is sound.
func (b *Base) Validate() []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	ids := map[string]string{}
	unique := func(kind, id string) {
		if id == "" {
			add("%s without an id", kind)
			return
		}
		key := kind + ":" + id
		if prev, ok := ids[key]; ok {
			add("duplicate %s id %q (%s)", kind, id, prev)
		}
		ids[key] = kind
	}
	cite := func(what string, c Cite) {
		if len(c.Sources) == 0 {
			add("%s: no source", what)
		}
		for _, s := range c.Sources {
			if _, ok := b.sourceByID[s]; !ok {
				add("%s: unknown source %q", what, s)
			}
		}
		if c.AsOf == "" {
			add("%s: no as_of date", what)
		} else if !asOfRe.MatchString(c.AsOf) {
			add("%s: as_of %q is not YYYY[-MM[-DD]]", what, c.AsOf)
		}
		if !validStatus[c.Status] {
			add("%s: status %q is not one of OK, UNCONFIRMED, CONFLICT, SUPERSEDED", what, c.Status)
		}
	}

	for _, s := range b.Sources {
		unique("source", s.ID)
		if !strings.HasPrefix(s.URL, "http://") && !strings.HasPrefix(s.URL, "https://") {
			add("source %s: url %q is not http(s)", s.ID, s.URL)
		}
	}
	certs := map[string]bool{}
	for _, c := range b.Certs {
		unique("cert", c.ID)
		certs[c.ID] = true
		if c.Name == "" || c.FullName == "" || c.Body == "" {
			add("cert %s: name, full_name and body are required", c.ID)
		}
		for _, f := range c.Facts {
			unique("fact", f.ID)
			if f.Key == "" || f.Text == "" {
				add("fact %s: key and text are required", f.ID)
			}
			cite("fact "+f.ID, f.Cite)
		}
	}
	// Keys that `compare` shows side by side must exist for both certs.
	for _, key := range compareKeys {
		for _, c := range b.Certs {
			if _, ok := c.Fact(key); !ok {
				add("cert %s: no fact with key %q (needed by compare)", c.ID, key)
			}
		}
	}
	objectives := map[string]map[string]bool{} // outline -> objective IDs
	domains := map[string]bool{}               // "cert:n"
	for _, o := range b.Outlines {
		unique("outline", o.ID)
		if !certs[o.Cert] {
			add("outline %s: unknown cert %q", o.ID, o.Cert)
		}
		if _, err := time.Parse(time.DateOnly, o.Effective); err != nil {
			add("outline %s: effective %q is not YYYY-MM-DD", o.ID, o.Effective)
		}
		if o.Until != "" {
			if _, err := time.Parse(time.DateOnly, o.Until); err != nil {
				add("outline %s: until %q is not YYYY-MM-DD", o.ID, o.Until)
			}
		}
		cite("outline "+o.ID, o.Cite)
		sum := 0
		seenN := map[int]bool{}
		objectives[o.ID] = map[string]bool{}
		for _, d := range o.Domains {
			sum += d.Weight
			if seenN[d.N] {
				add("outline %s: duplicate domain %d", o.ID, d.N)
			}
			seenN[d.N] = true
			domains[DomainRef(o.Cert, d.N)] = true
			if d.Name == "" || d.Weight <= 0 {
				add("outline %s domain %d: name and a positive weight are required", o.ID, d.N)
			}
			for _, ob := range d.Objectives {
				if objectives[o.ID][ob.ID] {
					add("outline %s: duplicate objective %q", o.ID, ob.ID)
				}
				objectives[o.ID][ob.ID] = true
			}
		}
		if sum != 100 {
			add("outline %s: domain weights sum to %d, not 100", o.ID, sum)
		}
	}
	checkRefs := func(what string, refs []string) {
		for _, r := range refs {
			if !domainRef.MatchString(r) || !domains[r] {
				add("%s: dangling domain reference %q", what, r)
			}
		}
	}
	topicNames := map[string]string{} // normalized ID, title or alias -> topic ID
	for _, t := range b.Topics {
		topicNames[normalizeKey(t.ID)] = t.ID
		topicNames[normalizeKey(t.Title)] = t.ID
	}
	for _, t := range b.Topics {
		for _, a := range t.Aliases {
			k := normalizeKey(a)
			if other, ok := topicNames[k]; ok && other != t.ID {
				add("topic %s: alias %q already names topic %s (compare would show the wrong one)", t.ID, a, other)
				continue
			}
			topicNames[k] = t.ID
		}
	}
	for _, t := range b.Topics {
		unique("topic", t.ID)
		if t.Title == "" || t.CISM == "" || t.CISSP == "" || t.CISMWhere == "" || t.CISSPWhere == "" {
			add("topic %s: title, cism, cissp, cism_where and cissp_where are required", t.ID)
		}
		cite("topic "+t.ID, t.Cite)
		checkRefs("topic "+t.ID, t.Domains)
	}
	for _, t := range b.Terms {
		unique("term", t.ID)
		if t.Term == "" || t.Definition == "" {
			add("term %s: term and definition are required", t.ID)
		}
		if len(t.Domains) == 0 {
			add("term %s: no domain", t.ID)
		}
		if t.Acronym != "" && strings.EqualFold(t.Acronym, t.Term) {
			add("term %s: acronym %q repeats the term (spell the term out, or drop the acronym)", t.ID, t.Acronym)
		}
		checkRefs("term "+t.ID, t.Domains)
	}
	stems := map[string]string{}
	for _, q := range b.Questions {
		unique("question", q.ID)
		what := "question " + q.ID
		if !idRe.MatchString(q.ID) {
			add("%s: id must be lower-case letters, digits, '.' and '-'", what)
		}
		o, ok := b.Outline(q.Outline)
		switch {
		case !ok:
			add("%s: unknown outline %q", what, q.Outline)
		case o.Cert != q.Cert:
			add("%s: outline %s is not a %s outline", what, q.Outline, q.Cert)
		case o.Domain(q.Domain) == nil:
			add("%s: outline %s has no domain %d", what, q.Outline, q.Domain)
		case !objectives[q.Outline][q.Objective]:
			add("%s: dangling objective %q in %s", what, q.Objective, q.Outline)
		case !strings.HasPrefix(q.Objective, fmt.Sprint(q.Domain)):
			add("%s: objective %q is not in domain %d", what, q.Objective, q.Domain)
		}
		if q.Difficulty < 1 || q.Difficulty > 3 {
			add("%s: difficulty %d is not 1-3", what, q.Difficulty)
		}
		if strings.TrimSpace(q.Stem) == "" || strings.TrimSpace(q.Explanation) == "" {
			add("%s: stem and explanation are required", what)
		}
		if len(q.Options) != 4 {
			add("%s: has %d options, want 4", what, len(q.Options))
		}
		opts := map[string]bool{}
		for _, op := range q.Options {
			n := NormalizeText(op)
			if n == "" {
				add("%s: empty option", what)
			}
			if opts[n] {
				add("%s: duplicate option %q", what, op)
			}
			opts[n] = true
		}
		if q.AnswerIndex() < 0 {
			add("%s: answer %q is not one of A-D", what, q.Answer)
		}
		n := NormalizeText(q.Stem)
		if prev, ok := stems[n]; ok {
			add("%s: stem duplicates %s", what, prev)
		}
		stems[n] = q.ID
	}
	p = append(p, b.validateVocab()...)
	return p
}

// NormalizeText lower-cases s and drops punctuation and spacing, for
// duplicate detection.
func NormalizeText(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// compareKeys are the fact keys `compare` shows for both certifications.
var compareKeys = []string{"focus", "body", "exam.items", "exam.duration", "exam.adaptive", "exam.passing", "experience.requirement", "fee.exam", "fee.amf", "cpe", "roles"}

// CompareKeys returns the keys of the side-by-side comparison, in order.
func CompareKeys() []string { return append([]string(nil), compareKeys...) }
