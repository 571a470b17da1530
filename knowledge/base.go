package knowledge

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed content
var embedded embed.FS

// Embedded returns the content shipped in the binary.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "content")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}

// Dir returns an operator's content folder (same layout as content/).
func Dir(path string) fs.FS { return os.DirFS(path) }

// Base is a loaded knowledge base. It is read-only after Load.
type Base struct {
	Sources   []Source
	Certs     []Cert
	Outlines  []Outline
	Topics    []Topic
	Terms     []Term
	Questions []Question
	Vocab     Vocabulary

	analyzer     *analyzer
	sourceByID   map[string]*Source
	questionByID map[string]*Question
	byDomain     map[string][]*Question // "cissp:7" -> questions

	searchOnce sync.Once
	search     *searchIndex
	searchErr  error
}

type file struct {
	Sources   []Source   `yaml:"sources"`
	Certs     []Cert     `yaml:"certs"`
	Outlines  []Outline  `yaml:"outlines"`
	Topics    []Topic    `yaml:"topics"`
	Terms     []Term     `yaml:"terms"`
	Questions []Question `yaml:"questions"`
	Vocab     Vocabulary `yaml:"vocabulary"`
}

// Parse reads every YAML file of fsys (top level and questions/) without
// validating it; Validate lists problems. Load does both.
func Parse(fsys fs.FS) (*Base, error) {
	b := &Base{}
	var names []string
	for _, pattern := range []string{"*.yaml", "questions/*.yaml"} {
		m, err := fs.Glob(fsys, pattern)
		if err != nil {
			return nil, fmt.Errorf("load knowledge: %w", err)
		}
		names = append(names, m...)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("load knowledge: no .yaml files found")
	}
	sort.Strings(names)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load knowledge: %w", err)
		}
		var f file
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil && err.Error() != "EOF" {
			return nil, fmt.Errorf("load knowledge: %s: %w", path.Clean(name), err)
		}
		b.Sources = append(b.Sources, f.Sources...)
		b.Certs = append(b.Certs, f.Certs...)
		b.Outlines = append(b.Outlines, f.Outlines...)
		b.Topics = append(b.Topics, f.Topics...)
		b.Terms = append(b.Terms, f.Terms...)
		b.Questions = append(b.Questions, f.Questions...)
		b.Vocab.merge(f.Vocab)
	}
	b.index()
	return b, nil
}

// Load parses and validates; any problem is an error listing all of them.
func Load(fsys fs.FS) (*Base, error) {
	b, err := Parse(fsys)
	if err != nil {
		return nil, err
	}
	if problems := b.Validate(); len(problems) > 0 {
		return nil, fmt.Errorf("load knowledge: %d problem(s):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	return b, nil
}

// LoadEmbedded is Load(Embedded()), done once per process and shared by
// every caller: the content is compiled in and a Base is read-only after
// Load. (The command line's tests run many commands in one process; each
// parsed the same YAML again.)
func LoadEmbedded() (*Base, error) { return loadEmbedded() }

var loadEmbedded = sync.OnceValues(func() (*Base, error) { return Load(Embedded()) })

func (b *Base) index() {
	for i := range b.Outlines {
		b.Outlines[i].parseDates()
	}
	b.sourceByID = map[string]*Source{}
	for i := range b.Sources {
		b.sourceByID[b.Sources[i].ID] = &b.Sources[i]
	}
	b.questionByID = map[string]*Question{}
	b.byDomain = map[string][]*Question{}
	for i := range b.Questions {
		q := &b.Questions[i]
		b.questionByID[q.ID] = q
		k := DomainRef(q.Cert, q.Domain)
		b.byDomain[k] = append(b.byDomain[k], q)
	}
	b.analyzer = b.newAnalyzer()
}

// DomainRef is the "cert:n" reference used across the content.
func DomainRef(cert string, n int) string { return fmt.Sprintf("%s:%d", cert, n) }

// Source returns a source by ID.
func (b *Base) Source(id string) (*Source, bool) {
	s, ok := b.sourceByID[id]
	return s, ok
}

// Cert returns a certification by ID ("cism", "cissp").
func (b *Base) Cert(id string) (*Cert, bool) {
	for i := range b.Certs {
		if b.Certs[i].ID == id {
			return &b.Certs[i], true
		}
	}
	return nil, false
}

// Fact returns the certification's fact for a comparison key.
func (c *Cert) Fact(key string) (*Fact, bool) {
	for i := range c.Facts {
		if c.Facts[i].Key == key {
			return &c.Facts[i], true
		}
	}
	return nil, false
}

// Outline returns an outline by ID.
func (b *Base) Outline(id string) (*Outline, bool) {
	for i := range b.Outlines {
		if b.Outlines[i].ID == id {
			return &b.Outlines[i], true
		}
	}
	return nil, false
}

// OutlineFor returns the outline of cert in force for an exam taken on day,
// falling back to the newest one.
func (b *Base) OutlineFor(cert string, day time.Time) *Outline {
	var newest *Outline
	for i := range b.Outlines {
		o := &b.Outlines[i]
		if o.Cert != cert {
			continue
		}
		if o.InForce(day) {
			return o
		}
		if newest == nil || o.EffectiveDate().After(newest.EffectiveDate()) {
			newest = o
		}
	}
	return newest
}

// NextOutline returns the first outline of cert that takes effect after day, if any.
func (b *Base) NextOutline(cert string, day time.Time) *Outline {
	var next *Outline
	for i := range b.Outlines {
		o := &b.Outlines[i]
		if o.Cert == cert && o.EffectiveDate().After(day) && (next == nil || o.EffectiveDate().Before(next.EffectiveDate())) {
			next = o
		}
	}
	return next
}

// Question returns a question by ID.
func (b *Base) Question(id string) (*Question, bool) {
	q, ok := b.questionByID[id]
	return q, ok
}

// QuestionsIn returns the questions of one domain of a certification.
func (b *Base) QuestionsIn(cert string, domain int) []*Question {
	return b.byDomain[DomainRef(cert, domain)]
}

// Topic finds a comparison topic by ID, title or alias (case-insensitive).
func (b *Base) Topic(name string) (*Topic, bool) {
	n := normalizeKey(name)
	// IDs and titles first: a word that names one topic must not be taken
	// by another topic that lists it as an alias (kb check forbids that too).
	for i := range b.Topics {
		t := &b.Topics[i]
		if normalizeKey(t.ID) == n || normalizeKey(t.Title) == n {
			return t, true
		}
	}
	for i := range b.Topics {
		t := &b.Topics[i]
		for _, a := range t.Aliases {
			if normalizeKey(a) == n {
				return t, true
			}
		}
	}
	return nil, false
}

func normalizeKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return keyReplacer.Replace(s)
}

// keyReplacer is built once: Topic normalizes every topic name and alias
// on each lookup, and building a Replacer costs more than using it.
var keyReplacer = strings.NewReplacer("-", " ", "_", " ", "/", " ", "&", "and")

// Cite renders a short citation: source titles or hosts and the as-of date.
func (b *Base) Cite(c Cite) string {
	var parts []string
	for _, id := range c.Sources {
		if s, ok := b.sourceByID[id]; ok {
			parts = append(parts, s.URL)
		}
	}
	out := "Source: " + strings.Join(parts, " ; ")
	if c.AsOf != "" {
		out += " (as of " + c.AsOf + ")"
	}
	return out
}
