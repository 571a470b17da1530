// Package knowledge holds certcoach's knowledge base: certifications, versioned
// exam outlines, cited facts, topic comparisons, a glossary and practice
// questions. Content lives in data files under content/ (embedded) or in an
// operator's folder (CERTCOACH_KB_DIR); Load parses and Validate checks it.
package knowledge

import "time"

// Status is how sure the sources are about a fact.
type Status string

// Statuses carried from the sources through to what users see.
const (
	StatusOK          Status = "OK"
	StatusUnconfirmed Status = "UNCONFIRMED"
	StatusConflict    Status = "CONFLICT"
	StatusSuperseded  Status = "SUPERSEDED"
)

// Caveat is the short warning shown next to a fact with this status, or "".
func (s Status) Caveat() string {
	switch s {
	case StatusUnconfirmed:
		return "unconfirmed: check the official site"
	case StatusConflict:
		return "sources disagree: check the official site"
	case StatusSuperseded:
		return "superseded: no longer current"
	}
	return ""
}

// Source is a citable document.
type Source struct {
	ID    string `yaml:"id"`
	URL   string `yaml:"url"`
	Title string `yaml:"title"`
	Kind  string `yaml:"kind"` // official, official-copy, 3p
}

// Cite is what every fact carries: sources and the date they speak for.
type Cite struct {
	Sources []string `yaml:"sources"`
	AsOf    string   `yaml:"as_of"` // YYYY-MM-DD, YYYY-MM or YYYY
	Status  Status   `yaml:"status"`
	Note    string   `yaml:"note,omitempty"`
}

// Cert is one certification with its facts.
type Cert struct {
	ID       string   `yaml:"id"` // cism, cissp
	Name     string   `yaml:"name"`
	FullName string   `yaml:"full_name"`
	Body     string   `yaml:"body"`
	Focus    string   `yaml:"focus"`
	Aliases  []string `yaml:"aliases"`
	Facts    []Fact   `yaml:"facts"`
}

// Fact is one cited statement about a certification.
type Fact struct {
	ID       string   `yaml:"id"`       // unique, e.g. cism.exam.items
	Key      string   `yaml:"key"`      // comparison key, e.g. exam.items
	Label    string   `yaml:"label"`    // short label for tables, e.g. "Questions"
	Short    string   `yaml:"short"`    // value for a comparison cell, e.g. "150"
	Text     string   `yaml:"text"`     // full sentence(s) in our own words
	Keywords []string `yaml:"keywords"` // extra search words
	Asked    []string `yaml:"asked"`    // how candidates ask for it, in their words
	Cite     `yaml:",inline"`
}

// Outline is one version of an exam content outline.
type Outline struct {
	ID        string   `yaml:"id"` // cissp-2024
	Cert      string   `yaml:"cert"`
	Version   string   `yaml:"version"`
	Effective string   `yaml:"effective"`       // YYYY-MM-DD
	Until     string   `yaml:"until,omitempty"` // last day in force, if superseded
	Summary   string   `yaml:"summary"`
	Domains   []Domain `yaml:"domains"`
	Cite      `yaml:",inline"`

	eff, until time.Time // parsed once at load (OutlineFor runs per request)
}

// Provisional reports whether the outline or any of its domain weights is
// not confirmed: an outline whose date is certain may still have weights
// from one third-party report.
func (o *Outline) Provisional() bool {
	if o.Status != StatusOK {
		return true
	}
	for _, d := range o.Domains {
		if d.WeightStatus != "" && d.WeightStatus != StatusOK {
			return true
		}
	}
	return false
}

// Domain is one domain of an outline.
type Domain struct {
	N            int         `yaml:"n"`
	Name         string      `yaml:"name"`
	Weight       int         `yaml:"weight"`
	WeightStatus Status      `yaml:"weight_status,omitempty"`
	Summary      string      `yaml:"summary"`
	Aliases      []string    `yaml:"aliases"`
	Objectives   []Objective `yaml:"objectives"`
}

// Objective is a numbered objective (CISSP "7.6") or subtopic (CISM "4A2").
type Objective struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	Part  string `yaml:"part,omitempty"` // CISM A/B part name
}

// Topic compares how the two certifications treat one subject.
type Topic struct {
	ID         string   `yaml:"id"`
	Title      string   `yaml:"title"`
	Aliases    []string `yaml:"aliases"`
	Summary    string   `yaml:"summary"`
	CISM       string   `yaml:"cism"`
	CISSP      string   `yaml:"cissp"`
	CISMWhere  string   `yaml:"cism_where"`
	CISSPWhere string   `yaml:"cissp_where"`
	Domains    []string `yaml:"domains"` // refs like cism:4, cissp:7
	// Objectives are where the subject sits, as outline:objective refs
	// (cissp-2024:7.6, cism-2022:4B1); `ask` answers "where does X fall" with them.
	Objectives []string `yaml:"objectives"`
	Asked      []string `yaml:"asked"`
	Cite       `yaml:",inline"`
}

// Term is a glossary entry.
type Term struct {
	ID         string   `yaml:"id"`
	Term       string   `yaml:"term"`
	Acronym    string   `yaml:"acronym,omitempty"`
	Aliases    []string `yaml:"aliases"`
	Definition string   `yaml:"definition"`
	Domains    []string `yaml:"domains"`    // refs like cissp:3, cism:2
	Objectives []string `yaml:"objectives"` // outline:objective refs, as for topics
	Asked      []string `yaml:"asked"`
}

// Question is an original practice question.
type Question struct {
	ID          string   `yaml:"id"`
	Cert        string   `yaml:"cert"`
	Outline     string   `yaml:"outline"`
	Domain      int      `yaml:"domain"`
	Objective   string   `yaml:"objective"`
	Difficulty  int      `yaml:"difficulty"`
	Stem        string   `yaml:"stem"`
	Options     []string `yaml:"options"`
	Answer      string   `yaml:"answer"` // A-D
	Explanation string   `yaml:"explanation"`
}

// AnswerIndex is the 0-based index of the correct option, or -1.
func (q *Question) AnswerIndex() int {
	if len(q.Answer) != 1 {
		return -1
	}
	i := int(q.Answer[0] - 'A')
	if i < 0 || i >= len(q.Options) {
		return -1
	}
	return i
}

// EffectiveDate is the outline's effective date.
func (o *Outline) EffectiveDate() time.Time {
	if o.eff.IsZero() { // not loaded through a Base: parse without caching (no shared writes)
		t, _ := time.Parse(time.DateOnly, o.Effective)
		return t
	}
	return o.eff
}

func (o *Outline) parseDates() {
	o.eff, _ = time.Parse(time.DateOnly, o.Effective)
	if o.Until != "" {
		o.until, _ = time.Parse(time.DateOnly, o.Until)
	}
}

// InForce reports whether the outline applies to an exam taken on day.
func (o *Outline) InForce(day time.Time) bool {
	if day.Before(o.EffectiveDate()) {
		return false
	}
	if o.Until == "" {
		return true
	}
	until := o.until
	if until.IsZero() {
		var err error
		if until, err = time.Parse(time.DateOnly, o.Until); err != nil {
			return true
		}
	}
	return !day.After(until)
}

// Domain returns domain n of the outline, or nil.
func (o *Outline) Domain(n int) *Domain {
	for i := range o.Domains {
		if o.Domains[i].N == n {
			return &o.Domains[i]
		}
	}
	return nil
}
